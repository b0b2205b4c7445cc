//! The one caller every benchmark request runs as: a resident of a property,
//! signed in with a Bearer access token like any API client.

use std::sync::OnceLock;

use http::{HeaderName, HeaderValue, header};

/// The benchmark resident and where they live.
#[derive(Debug, Clone)]
pub struct BenchCaller {
    pub subject: String,
    pub customer: String,
    pub property: String,
    /// `Bearer <access token>`.
    pub authorization: HeaderValue,
    /// The same resident's browser session, as a `Cookie` header value.
    pub cookie: HeaderValue,
}

static CALLER: OnceLock<BenchCaller> = OnceLock::new();

/// Records the caller once Courtyard has created them.
pub fn set(caller: BenchCaller) {
    let _ = CALLER.set(caller);
}

/// The caller; the platform must have started.
pub fn get() -> &'static BenchCaller {
    CALLER.get().expect("Courtyard starts before any request is made")
}

/// The header every benchmark request carries.
pub const HEADER: HeaderName = header::AUTHORIZATION;

/// The header's value for the benchmark caller.
pub fn header_value() -> HeaderValue {
    get().authorization.clone()
}

/// The caller's browser session cookie, for the portal's pages.
pub fn cookie() -> HeaderValue {
    get().cookie.clone()
}
