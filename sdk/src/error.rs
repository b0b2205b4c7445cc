//! The one error type of the platform, as the app sees it.

use std::fmt;

use crate::bindings::courtyard::platform::types::Error as WitError;

/// Why a host call or a handler failed.
///
/// Host calls return it as-is; handlers can return it with `?` and the router
/// turns it into a JSON error response with a matching status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not allowed for this caller or this app. Maps to 403.
    Denied(String),
    /// Missing, or not visible to the caller. Maps to 404.
    NotFound,
    /// Malformed input. Maps to 400.
    Invalid(String),
    /// A quota or size limit. Maps to 429.
    Limit(String),
    /// The platform is temporarily unable to answer. Maps to 503.
    Unavailable(String),
    /// A unique key the call claims is taken: the string is the key.
    /// Maps to 409.
    Conflict(String),
}

impl Error {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Error::Denied(_) => 403,
            Error::NotFound => 404,
            Error::Invalid(_) => 400,
            Error::Limit(_) => 429,
            Error::Unavailable(_) => 503,
            Error::Conflict(_) => 409,
        }
    }

    /// A stable machine-readable code, e.g. `not_found`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Denied(_) => "denied",
            Error::NotFound => "not_found",
            Error::Invalid(_) => "invalid",
            Error::Limit(_) => "limit",
            Error::Unavailable(_) => "unavailable",
            Error::Conflict(_) => "conflict",
        }
    }

    /// The sentence for the caller, without the kind of error (which
    /// [`Error::code`] names): what an app's JSON error answer says.
    pub fn message(&self) -> &str {
        match self {
            Error::Denied(reason) | Error::Invalid(reason) | Error::Limit(reason) | Error::Unavailable(reason) => {
                reason
            }
            Error::NotFound => "not found",
            Error::Conflict(_) => "already taken",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Denied(reason) => write!(f, "denied: {reason}"),
            Error::NotFound => f.write_str("not found"),
            Error::Invalid(reason) => write!(f, "invalid: {reason}"),
            Error::Limit(reason) => write!(f, "limit reached: {reason}"),
            Error::Unavailable(reason) => write!(f, "unavailable: {reason}"),
            Error::Conflict(key) => write!(f, "conflict: `{key}` is taken"),
        }
    }
}

impl std::error::Error for Error {}

impl From<WitError> for Error {
    fn from(error: WitError) -> Self {
        match error {
            WitError::Denied(reason) => Error::Denied(reason),
            WitError::NotFound => Error::NotFound,
            WitError::Invalid(reason) => Error::Invalid(reason),
            WitError::Limit(reason) => Error::Limit(reason),
            WitError::Unavailable(reason) => Error::Unavailable(reason),
            WitError::Conflict(key) => Error::Conflict(key),
        }
    }
}

impl From<Error> for WitError {
    fn from(error: Error) -> Self {
        match error {
            Error::Denied(reason) => WitError::Denied(reason),
            Error::NotFound => WitError::NotFound,
            Error::Invalid(reason) => WitError::Invalid(reason),
            Error::Limit(reason) => WitError::Limit(reason),
            Error::Unavailable(reason) => WitError::Unavailable(reason),
            Error::Conflict(key) => WitError::Conflict(key),
        }
    }
}
