//! The one JSON error shape of the platform API.
//!
//! ```json
//! {"error": {"code": "not_found", "message": "no app `x` is installed"}}
//! ```
//!
//! Internal failures answer with a generic message; their detail goes to the
//! log, inside the request's span. The message is for developers, in
//! English; a person reading the error on a page gets words from the
//! catalogues instead, picked by the error's [`Problem`] or its code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answered to an HTTP client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after_secs: Option<u32>,
    /// What went wrong in people's words, where the code alone does not say.
    pub problem: Option<Problem>,
}

/// What went wrong, as a person reads it: a catalogue text (`problem.…`)
/// and the values of its placeholders. A value named `field` is a field's
/// name in the API, which pages show as the label of their own field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub values: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after_secs: None, problem: None }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// Well-formed but unacceptable input.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// Replaces the machine-readable code.
    pub fn with_code(mut self, code: &'static str) -> ApiError {
        self.code = code;
        self
    }

    /// Names the catalogue text (`problem.…`) saying what went wrong, with
    /// its placeholders' values.
    pub fn with_problem(mut self, key: &'static str, values: &[(&'static str, &str)]) -> ApiError {
        let values = values.iter().map(|(name, value)| (*name, (*value).to_owned())).collect();
        self.problem = Some(Problem { key, values });
        self
    }

    /// A failure of ours: the detail is logged, the client gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; quote the x-request-id header")
    }

    pub fn with_retry_after(mut self, secs: u32) -> ApiError {
        self.retry_after_secs = Some(secs);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let marker = super::pages::HostError { code: self.code, problem: self.problem.clone() };
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        // A browser asking for a page gets this as an error page instead.
        response.extensions_mut().insert(marker);
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
