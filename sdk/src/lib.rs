//! Write Courtyard micro-apps in Rust.
//!
//! A micro-app is a WebAssembly component that the Courtyard host runs in a
//! fresh sandbox for every request. It sees the caller through [`context`],
//! keeps its data in host storage through [`Collection`], and answers with a
//! [`Response`]. This crate wraps the `courtyard:platform` WIT bindings in
//! plain Rust types, so an app is a few dozen lines:
//!
//! ```no_run
//! use courtyard_sdk::{App, Collection, Error, Params, Request, Response, Router, Visibility};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Note {
//!     text: String,
//! }
//!
//! const NOTES: Collection<Note> = Collection::new("notes");
//!
//! struct Notes;
//!
//! impl App for Notes {
//!     fn router() -> Router {
//!         Router::new().get("/notes", list).post("/notes", create)
//!     }
//! }
//!
//! fn list(_req: &Request, _params: &Params) -> Result<Response, Error> {
//!     let page = NOTES.query().fetch()?;
//!     Ok(Response::json(200, &page))
//! }
//!
//! fn create(req: &Request, _params: &Params) -> Result<Response, Error> {
//!     let note: Note = req.json()?;
//!     let stored = NOTES.insert(&note, Visibility::Property)?;
//!     Ok(Response::json(201, &stored))
//! }
//!
//! courtyard_sdk::export!(Notes);
//! ```
//!
//! Beyond its own collections, an app may reach further, each through one
//! module and each only as far as its manifest's capabilities and the
//! customer's approval allow:
//!
//! | module | does | capability |
//! |---|---|---|
//! | [`context`] | who is calling | none |
//! | [`Collection`] | the app's own documents | `collections.write` (or `.read`) |
//! | [`ForeignCollection`] | another app's documents, read-only | `collections.read` with `app` |
//! | [`profile`] | fields of a person's profile | `profile.read` |
//! | [`notifications`] | in-app notifications | `notifications.send` |
//! | [`files`] | attachments on the app's documents | the collection's, and a `[files]` section |
//! | [`outbound`] | HTTP to the vendor's own hosts | `outbound-http` |
//! | [`log`] | diagnostics for operators | none |
//! | [`html`], [`frame`], [`lang`], [`time`] | pages in the portal's frame, in the person's language | none |
//! | [`calendar`] | days, times of day, a building's time zone | none |
//!
//! ```no_run
//! use courtyard_sdk::notifications::{self, Notification};
//! use courtyard_sdk::profile::{self, Field};
//! use courtyard_sdk::{Error, outbound};
//!
//! # fn demo(subject: &str) -> Result<(), Error> {
//! let me = profile::mine(&[Field::DisplayName, Field::Unit])?;
//! let answer = outbound::post("https://api.vendor.example/v1/requests")
//!     .json(&serde_json::json!({ "unit": me.unit() }))
//!     .send()?;
//! if answer.is_success() {
//!     notifications::send(subject, Notification::new("Request sent", answer.text()))?;
//! }
//! # Ok(()) }
//! ```
//!
//! Pages for people are [`Html`](html::Html), never a `String`: the
//! [`html!`] macro builds it like `format!` and escapes every value (a
//! neighbour's post cannot inject markup, and forgetting to escape does not
//! compile), [`frame::Frame`] puts it in the portal's frame, [`lang`] picks
//! the person's language (their locale, then the browser's) and checks that
//! an app's texts are translated, and [`time`] writes times for people and
//! for JSON:
//!
//! ```no_run
//! use courtyard_sdk::frame::Frame;
//! use courtyard_sdk::html::Html;
//! use courtyard_sdk::lang::Lang;
//! use courtyard_sdk::{Collection, Error, Params, Request, Response, context, html};
//!
//! # #[derive(serde::Serialize, serde::Deserialize)] struct Note { text: String }
//! # const NOTES: Collection<Note> = Collection::new("notes");
//! fn page(request: &Request, _params: &Params) -> Result<Response, Error> {
//!     let lang = Lang::of(&context::caller(), request);
//!     let title = match lang {
//!         Lang::En => "Your notes",
//!         Lang::De => "Deine Notizen",
//!     };
//!     let notes: Html = NOTES
//!         .query()
//!         .fetch()?
//!         .items
//!         .iter()
//!         .map(|note| {
//!             let when = note.created_at.html(lang);
//!             html!("<li class=\"card\">{}<p class=\"meta\">{}</p></li>", note.data.text, when)
//!         })
//!         .collect();
//!     let content = html!("<h1>{}</h1><ul class=\"cards\">{}</ul>", title, notes);
//!     Ok(Response::html(200, Frame::new("Notes", lang).page(title, content)))
//! }
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2` and install
//! the resulting `.wasm` with a manifest: `courtyard app install app.wasm
//! --manifest courtyard.toml`.

// The generated bindings name this crate by its public path.
extern crate self as courtyard_sdk;

pub mod calendar;
mod collections;
pub mod context;
mod error;
pub mod files;
pub mod frame;
pub mod html;
mod http;
pub mod lang;
pub mod log;
pub mod moderation;
pub mod notifications;
pub mod outbound;
pub mod profile;
mod router;
pub mod time;

pub use collections::{Collection, Doc, FilterValue, ForeignCollection, NewDoc, Page, QueryBuilder, Visibility};
pub use error::Error;
pub use http::{Method, Request, Response, app_root};
pub use notifications::Notification;
pub use outbound::{OutboundRequest, OutboundResponse};
pub use profile::Profile;
pub use router::{Handler, Params, Router};

/// The raw bindings generated from the `courtyard:platform` WIT package.
///
/// Apps rarely need these; the rest of the crate wraps them.
#[allow(missing_docs, clippy::all, unused_qualifications)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "microapp",
        path: "../wit",
        pub_export_macro: true,
        export_macro_name: "__export_microapp",
        default_bindings_module: "courtyard_sdk::bindings",
        runtime_path: "courtyard_sdk::__private::wit_bindgen::rt",
    });
}

/// A micro-app: its routes and, optionally, its life-cycle hooks.
pub trait App {
    /// The routes of the app. Called once per request (every request runs in
    /// a fresh instance, so there is nothing to cache between requests).
    fn router() -> Router {
        Router::new()
    }

    /// Answers one request. The default runs it through [`App::router`];
    /// override it to handle every path yourself.
    fn handle(request: &Request) -> Response {
        Self::router().handle(request)
    }

    /// Called after the host erased `subject`'s documents. Clean up anything
    /// else derived from them. Must be idempotent.
    fn subject_erased(_subject: &str) -> Result<(), Error> {
        Ok(())
    }

    /// Called after `subject` withdrew consent to this app. Must be idempotent.
    fn consent_withdrawn(_subject: &str) -> Result<(), Error> {
        Ok(())
    }
}

/// Exports an [`App`] as the component's `handler` and `lifecycle`.
///
/// Use it exactly once, at the crate root of the app: `courtyard_sdk::export!(MyApp);`.
#[macro_export]
macro_rules! export {
    ($app:ty) => {
        const _: () = {
            struct CourtyardExport;

            impl $crate::bindings::exports::courtyard::platform::handler::Guest for CourtyardExport {
                fn handle(
                    request: $crate::bindings::exports::courtyard::platform::handler::Request,
                ) -> $crate::bindings::exports::courtyard::platform::handler::Response {
                    $crate::__private::handle::<$app>(request)
                }
            }

            impl $crate::bindings::exports::courtyard::platform::lifecycle::Guest for CourtyardExport {
                fn subject_erased(
                    subject: ::std::string::String,
                ) -> ::std::result::Result<(), $crate::bindings::courtyard::platform::types::Error> {
                    <$app as $crate::App>::subject_erased(&subject).map_err(::std::convert::Into::into)
                }

                fn consent_withdrawn(
                    subject: ::std::string::String,
                ) -> ::std::result::Result<(), $crate::bindings::courtyard::platform::types::Error> {
                    <$app as $crate::App>::consent_withdrawn(&subject).map_err(::std::convert::Into::into)
                }
            }

            // Only a component exports: a native build of the app (its unit
            // tests, `cargo build` of the workspace) links no WIT symbols.
            #[cfg(target_family = "wasm")]
            $crate::bindings::__export_microapp!(CourtyardExport with_types_in $crate::bindings);
            // Natively the handlers stay in use, as the component uses them.
            #[cfg(not(target_family = "wasm"))]
            #[used]
            static COURTYARD_HANDLERS: (
                fn(
                    $crate::bindings::exports::courtyard::platform::handler::Request,
                ) -> $crate::bindings::exports::courtyard::platform::handler::Response,
                fn(::std::string::String) -> ::std::result::Result<(), $crate::bindings::courtyard::platform::types::Error>,
                fn(::std::string::String) -> ::std::result::Result<(), $crate::bindings::courtyard::platform::types::Error>,
            ) = (
                <CourtyardExport as $crate::bindings::exports::courtyard::platform::handler::Guest>::handle,
                <CourtyardExport as $crate::bindings::exports::courtyard::platform::lifecycle::Guest>::subject_erased,
                <CourtyardExport as $crate::bindings::exports::courtyard::platform::lifecycle::Guest>::consent_withdrawn,
            );
        };
    };
}

#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen;

    use crate::bindings::exports::courtyard::platform::handler as wit;

    /// Runs one request through the app's router.
    pub fn handle<A: crate::App>(request: wit::Request) -> wit::Response {
        let request = crate::Request::from(request);
        A::handle(&request).into()
    }
}
