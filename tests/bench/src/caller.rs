//! The one caller every benchmark request runs as, and how to name it to
//! Courtyard: the development caller header, honoured on loopback.

use http::{HeaderName, HeaderValue};

pub const SUBJECT: &str = "bench-resident";
pub const CUSTOMER: &str = "bench-customer";
pub const PROPERTY: &str = "bench-property";

/// The development caller header's name.
pub const HEADER: HeaderName = HeaderName::from_static("x-courtyard-dev-caller");

/// The header's value for the benchmark caller.
pub fn header_value() -> HeaderValue {
    HeaderValue::from_str(&format!("subject={SUBJECT};customer={CUSTOMER};property={PROPERTY};roles=resident"))
        .expect("the caller is a valid header value")
}
