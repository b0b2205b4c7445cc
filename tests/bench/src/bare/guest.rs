//! The `microapp` world as a bare host sees it: generated bindings plus
//! trivial platform imports.
//!
//! The echo guest calls none of the platform imports, but its component
//! imports them, so they must be linked. They answer like an empty sandbox:
//! an anonymous caller, no storage, logs dropped.

use wasmtime::component::{HasSelf, Linker, ResourceTable};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

mod generated {
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "microapp",
    });
}

pub use generated::exports::courtyard::platform::handler::{Method, Request, Response};
pub use generated::{Microapp, MicroappPre};

use generated::courtyard::platform::{collections, context, files, log, notifications, outbound_http, profile, types};

/// Everything one request's store holds.
pub struct Sandbox {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl Sandbox {
    /// A fresh, empty sandbox: no environment, no files, no sockets.
    pub fn new() -> Sandbox {
        Sandbox { wasi: WasiCtx::default(), table: ResourceTable::new() }
    }
}

impl WasiView for Sandbox {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// Links WASI p2 (sync) and the platform stubs.
pub fn linker(engine: &wasmtime::Engine) -> wasmtime::Result<Linker<Sandbox>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    Microapp::add_to_linker::<Sandbox, HasSelf<Sandbox>>(&mut linker, |sandbox| sandbox)?;
    Ok(linker)
}

const NO_STORAGE: &str = "the bare benchmark server has no storage";

impl types::Host for Sandbox {}

impl context::Host for Sandbox {
    fn current(&mut self) -> context::Caller {
        context::Caller {
            subject: None,
            property: None,
            roles: Vec::new(),
            staff: false,
            unit: None,
            locale: "en".to_owned(),
            request_id: String::new(),
        }
    }
}

impl collections::Host for Sandbox {
    fn get(&mut self, _collection: String, _id: String) -> Result<collections::Document, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn query(
        &mut self,
        _collection: String,
        _criteria: collections::Criteria,
    ) -> Result<collections::Page, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn insert(
        &mut self,
        _collection: String,
        _document: collections::NewDocument,
    ) -> Result<collections::Document, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn update(
        &mut self,
        _collection: String,
        _id: String,
        _changes: collections::Changes,
    ) -> Result<collections::Document, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn delete(&mut self, _collection: String, _id: String) -> Result<(), types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }
}

impl log::Host for Sandbox {
    fn write(&mut self, _level: log::Level, _message: String) {}
}

impl profile::Host for Sandbox {
    fn read(
        &mut self,
        _subject: Option<String>,
        _fields: Vec<profile::Field>,
    ) -> Result<Vec<profile::Entry>, types::Error> {
        Err(types::Error::Denied("the bare benchmark server knows no one".to_owned()))
    }
}

impl notifications::Host for Sandbox {
    fn send(&mut self, _subject: String, _notification: notifications::Notification) -> Result<(), types::Error> {
        Err(types::Error::Denied("the bare benchmark server notifies no one".to_owned()))
    }

    fn notify_staff(&mut self, _notification: notifications::Notification) -> Result<u32, types::Error> {
        Err(types::Error::Denied("the bare benchmark server notifies no one".to_owned()))
    }

    fn notify_property(&mut self, _notification: notifications::Notification) -> Result<u32, types::Error> {
        Err(types::Error::Denied("the bare benchmark server notifies no one".to_owned()))
    }
}

impl files::Host for Sandbox {
    fn attach(&mut self, _upload: String, _collection: String, _document: String) -> Result<files::File, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn list(&mut self, _collection: String, _document: String) -> Result<Vec<files::File>, types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }

    fn delete(&mut self, _id: String) -> Result<(), types::Error> {
        Err(types::Error::Unavailable(NO_STORAGE.to_owned()))
    }
}

impl outbound_http::Host for Sandbox {
    fn send(&mut self, _request: outbound_http::Request) -> Result<outbound_http::Response, types::Error> {
        Err(types::Error::Denied("the bare benchmark server sends nothing".to_owned()))
    }
}
