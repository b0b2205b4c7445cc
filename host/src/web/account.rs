//! The account pages people reach from their mails and letters: sign in,
//! sign up with a code or an invitation, confirm an address, reset a
//! password, ask for access. One static page and script; the forms talk to
//! the platform API like any other client.

use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};

use super::api::{Routes, route};
use crate::identity::Permission;

const PAGE: &str = include_str!("account/page.html");
const SCRIPT: &str = include_str!("account/account.js");
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; \
                      form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn declare(routes: &mut Routes) {
    for path in ["/account/signup", "/account/verify", "/account/reset", "/account/request"] {
        routes.add(route(Method::GET, path, Permission::Public, "An account page (HTML)"), page);
    }
    routes.add(route(Method::GET, "/account/account.js", Permission::Public, "The account pages' script"), script);
}

async fn page() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn script() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response();
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
