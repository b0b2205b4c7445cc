//! The contract versions a component may be built against. The linker
//! holds both; a component imports one of them, and what it exports says
//! which.

use wasmtime::component::InstancePre;

use super::RequestState;
use crate::capabilities::bindings::{MicroappPre, v0_1};

/// A component linked once, for fast instantiation, by contract version.
pub enum AppPre {
    /// Built against `courtyard:platform@0.1.0`, answered through `legacy`.
    V0_1(v0_1::MicroappPre<RequestState>),
    /// Built against `courtyard:platform@0.2.0`.
    V0_2(MicroappPre<RequestState>),
}

impl AppPre {
    /// Links `pre` as the version whose handler it exports.
    pub fn new(pre: InstancePre<RequestState>) -> wasmtime::Result<AppPre> {
        match MicroappPre::new(pre.clone()) {
            Ok(current) => Ok(AppPre::V0_2(current)),
            Err(current) => v0_1::MicroappPre::new(pre)
                .map(AppPre::V0_1)
                .map_err(|_| current.context("the component exports no `courtyard:platform/handler` of 0.1 or 0.2")),
        }
    }

    /// The contract version, as `0.2.0`.
    pub fn version(&self) -> &'static str {
        match self {
            AppPre::V0_1(_) => "0.1.0",
            AppPre::V0_2(_) => "0.2.0",
        }
    }
}
