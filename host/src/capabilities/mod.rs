//! Host implementations of the `courtyard:platform` interfaces, one module
//! per WIT interface, all written on the [`CallContext`] of one request or
//! hook.
//!
//! Every call passes the gate (`gate.rs`): it counts the call against the
//! quota, checks what the acting context may do at all ([`Acting`]), asks
//! `policy::decide` for each grant the call needs about the person the data
//! is about, and leaves exactly one audit entry per call, whether refused
//! there, malformed, or finished after the work is done. Refusals reach the
//! guest as the typed `denied` error; the one call that goes past the quota
//! ends the request instead.

pub mod bindings;
mod call;
mod collections;
mod context;
mod files;
mod gate;
#[cfg(test)]
mod harness;
mod legacy;
mod log;
mod notifications;
mod outbound_http;
mod profile;
mod profile_cache;
mod queries;

pub use call::{Acting, CallContext, CallerContext, HasCalls, Hook, HostServices, Power};
pub(crate) use call::{block_on, on_multi_thread_runtime};
pub(crate) use log::printable;
pub use outbound_http::OutboundClient;
pub use profile_cache::ProfileCache;

use bindings::types::{self, Error};

/// Why a host call did not answer normally.
#[derive(Debug)]
pub enum CallError {
    /// Refused or failed: the guest gets the contract's error.
    Refused(Error),
    /// The call went past the request's quota: the request ends here.
    QuotaSpent,
}

impl From<Error> for CallError {
    fn from(error: Error) -> CallError {
        CallError::Refused(error)
    }
}

/// The trap that ends a request which went past its host-call quota.
#[derive(Debug, thiserror::Error)]
#[error("the request went past its host-call quota")]
pub struct QuotaSpent;

impl types::Host for CallContext {
    fn convert_error(&mut self, error: CallError) -> wasmtime::Result<Error> {
        match error {
            CallError::Refused(error) => Ok(error),
            CallError::QuotaSpent => Err(wasmtime::Error::new(QuotaSpent)),
        }
    }
}

/// What one data call wants to do.
pub(crate) struct Access {
    /// The audit action, e.g. `profile.read`.
    pub action: &'static str,
    /// What the call does with data, for what the acting context may do.
    pub power: Power,
    /// Every group must be allowed; within a group, any one grant suffices.
    pub grants: Vec<Vec<String>>,
    pub resource_type: &'static str,
    pub resource_id: Option<String>,
    /// The person the data is about (internal id), when not the caller.
    pub subject: Option<String>,
    /// Field names touched, comma-separated.
    pub fields: Option<String>,
}

impl Access {
    pub fn new(action: &'static str, power: Power, resource_type: &'static str, grants: Vec<Vec<String>>) -> Access {
        Access { action, power, grants, resource_type, resource_id: None, subject: None, fields: None }
    }
}

/// An error as an audit reason: its kind and, where safe, its message.
fn describe(error: &Error) -> String {
    match error {
        Error::Denied(reason) => format!("denied: {reason}"),
        Error::NotFound => "not-found".to_owned(),
        Error::Invalid(reason) => format!("invalid: {reason}"),
        Error::Limit(reason) => format!("limit: {reason}"),
        Error::Unavailable(reason) => format!("unavailable: {reason}"),
        Error::Conflict(key) => format!("conflict: {key}"),
    }
}
