//! The host side of the `courtyard:platform` WIT contract, generated once
//! per version the host serves: 0.2 (the current contract, implemented in
//! the interface modules) and 0.1 (kept for components built against it,
//! served by translating each call into 0.2; see `legacy`).
//!
//! Imports are synchronous: guest code runs inline on the async worker (or,
//! for quarantined apps, on a blocking thread; see `placement`), and host
//! calls that must wait move off the worker first. That keeps the
//! per-request path free of fiber stacks, which measured faster for
//! fresh-instance-per-request than async bindings.
//!
//! Every import may trap: a call past the request's host-call quota ends the
//! request instead of answering. Calls returning the contract's `error`
//! return [`CallError`](crate::capabilities::CallError), which is either the
//! refusal the guest sees or that end.

mod generated {
    wasmtime::component::bindgen!({
        world: "microapp",
        path: "../wit",
        imports: { default: trappable },
        trappable_error_type: {
            "courtyard:platform/types.error" => crate::capabilities::CallError,
        },
    });
}

/// Contract 0.1.0, as components built against it import and export it.
pub mod v0_1 {
    mod generated {
        wasmtime::component::bindgen!({
            world: "microapp",
            path: "../wit/0.1",
            imports: { default: trappable },
            trappable_error_type: {
                "courtyard:platform/types.error" => crate::capabilities::CallError,
            },
        });
    }

    pub use generated::courtyard::platform::{collections, context, log, notifications, outbound_http, profile, types};
    pub use generated::exports::courtyard::platform::handler;
    pub use generated::{Microapp, MicroappPre};
}

pub use generated::courtyard::platform::{
    collections, context, files, log, notifications, outbound_http, profile, types,
};
pub use generated::exports::courtyard::platform::handler;
pub use generated::{Microapp, MicroappPre};
