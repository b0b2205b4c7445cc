//! What the gate needs to know about browsers: whether a request is a
//! person's page or form (rather than an API client's call), whether a
//! cookie-authenticated write came from the platform's own pages, and where
//! to send someone whose session ended.
//!
//! ```text
//! GET  Accept: text/html                        → a page
//! POST application/x-www-form-urlencoded        → a page (a form)
//! any  Sec-Fetch-Mode: navigate                 → a page
//! any  Authorization: Bearer …                  → JSON, always
//! ```

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::web::{ApiError, AppState};

/// A browser navigating to a page (rather than an API client asking for
/// data): what app gateways show the consent screen to.
pub(crate) fn wants_page(request: &Request) -> bool {
    request.method() == Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// A request whose errors a person reads: a page navigation, or a form a
/// page posted. A caller with a bearer token is an API client, whatever
/// it sends, and keeps getting JSON.
pub(crate) fn wants_error_page(request: &Request) -> bool {
    if wants_page(request) {
        return true;
    }
    let headers = request.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return false;
    }
    is_form_post(request.method(), headers) || is_navigation(headers)
}

/// A form as a page posts it, without scripts.
pub(crate) fn is_form_post(method: &Method, headers: &HeaderMap) -> bool {
    *method != Method::GET
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim_start().starts_with("application/x-www-form-urlencoded"))
}

/// The browser says it is loading a document for a person (Fetch Metadata).
fn is_navigation(headers: &HeaderMap) -> bool {
    let named = |name: &str, value: &str| {
        headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    named("sec-fetch-mode", "navigate") || named("sec-fetch-dest", "document")
}

/// A cookie-authenticated write must come from our own pages: the browser
/// names the page's origin (`Origin`, which every current browser sends on
/// a form post), or at least says it is the same origin
/// (`Sec-Fetch-Site: same-origin`). A request that says neither is
/// refused: without either, nothing tells a forged post from ours.
/// (App origins are the same *site* but never the same origin.)
pub(crate) fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|origin| origin.to_str().ok()) {
        Some(origin) => is_platform_origin(state, headers, origin),
        None => headers
            .get("sec-fetch-site")
            .and_then(|site| site.to_str().ok())
            .is_some_and(|site| site.eq_ignore_ascii_case("same-origin")),
    }
}

/// `origin` (`scheme://host[:port]`) is the platform's own.
fn is_platform_origin(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let bare = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    (!host.is_empty() && bare.eq_ignore_ascii_case(host)) || origin.eq_ignore_ascii_case(&state.public_url)
}

/// The path of the platform page a form was posted from, if the browser
/// said (`Referer`, which host pages send to their own origin).
pub(crate) fn referring_page(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let split = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if !is_platform_origin(state, headers, &format!("{scheme}://{authority}")) {
        return None;
    }
    let path = path.split('#').next().unwrap_or_default();
    let target = crate::web::pages::local_target(Some(if path.is_empty() { "/" } else { path }));
    Some(target)
}

/// The path of the app's page a form on an app's own origin was posted
/// from (the app's origin sends `Referer` to itself).
pub(crate) fn referring_app_page(state: &AppState, app: &str, headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let path = referer.strip_prefix(&state.app_origins.origin(app))?;
    let path = path.split('#').next().unwrap_or_default();
    path.starts_with('/').then(|| crate::web::pages::local_target(Some(path)))
}

/// Sends a browser to the sign-in page, to come back to `back` afterwards.
pub(crate) fn sign_in_first(back: &str) -> Response {
    let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
    let location = format!("/account/signin?{query}");
    match http::HeaderValue::from_str(&location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::unauthorized("sign in first").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(method).uri("/account/profile");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn forms_and_navigations_want_pages_and_bearer_callers_json() {
        let form = ("content-type", "application/x-www-form-urlencoded");
        assert!(wants_error_page(&request(Method::POST, &[form])));
        assert!(wants_error_page(&request(Method::POST, &[("sec-fetch-mode", "navigate")])));
        assert!(wants_error_page(&request(Method::GET, &[("accept", "text/html,*/*")])));
        assert!(!wants_error_page(&request(Method::POST, &[("content-type", "application/json")])));
        assert!(!wants_error_page(&request(Method::POST, &[form, ("authorization", "Bearer x")])));
        assert!(!wants_error_page(&request(Method::POST, &[("sec-fetch-mode", "cors")])));
        assert!(!wants_page(&request(Method::POST, &[form, ("accept", "text/html")])));
    }
}
