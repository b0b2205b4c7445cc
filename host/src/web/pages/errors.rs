//! Errors a browser meets are pages, not JSON.
//!
//! Every [`ApiError`](crate::web::ApiError) answer is marked with
//! [`HostError`]. When the request came from a browser asking for a page,
//! the request context turns a marked answer into an error page with the
//! same status, in the browser's language. Answers of apps are never
//! marked, so an app's own error pages pass unchanged.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{Frame, Lang, Texts, render};

/// Marks an answer as one of the platform's own errors.
#[derive(Debug, Clone)]
pub(crate) struct HostError {
    pub message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    status: u16,
    heading: &'static str,
    message: String,
    sign_in: bool,
}

/// The error page for `status`, in the language `headers` prefer.
pub(crate) fn as_page(status: StatusCode, error: &HostError, headers: &HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let t = Texts::new(Lang::pick(None, accept));
    let heading = match status {
        StatusCode::NOT_FOUND => t.t("error.not_found"),
        StatusCode::FORBIDDEN => t.t("error.forbidden"),
        StatusCode::UNAUTHORIZED => t.t("error.unauthorized"),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => t.t("error.busy"),
        status if status.is_server_error() => t.t("error.ours"),
        _ => t.t("error.request"),
    };
    let page = ErrorPage {
        frame: Frame { t, me: None },
        status: status.as_u16(),
        heading,
        message: error.message.clone(),
        sign_in: status == StatusCode::UNAUTHORIZED,
    };
    render(status, &page)
}
