//! The portal: the pages people use in a browser, server-rendered from
//! askama templates (`host/templates`), in English and German.
//!
//! Every page works without scripts and on a 360 px phone first. Pages get
//! a strict policy: no script at all, styles from `/static/portal.css`
//! only, forms only to the platform itself, never framed. Every form that
//! changes something carries a token derived from the session cookie
//! (which a cross-site page cannot read), on top of the `Origin` check all
//! cookie-authenticated writes get (see `api::browser`). What goes wrong is
//! said in the catalogue's words (see `problems`), never the API's English.

mod app_entry;
mod consent_screen;
mod errors;
mod home;
mod mail_choices;
mod moderation;
mod my_apps;
mod notifications;
mod onboarding;
mod problems;
mod profile;
mod session;
mod upcoming;

pub(crate) use crate::i18n::{Lang, Texts};
pub(crate) use app_entry::ticket_refused;
use consent_screen::AfterDecision;
pub(crate) use consent_screen::screen as consent_screen;
pub(crate) use errors::{HostError, Place, as_page};
pub(crate) use mail_choices::offered as apps_offering_mail;

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::api::{Routes, route};
use super::{ApiError, AppState};
use crate::identity::{Permission, Principal, cookie};

/// Host pages: nothing runs, nothing foreign loads, nothing frames them.
/// Forms go to the platform only. A page rendered outside the request
/// context (which widens `form-action`, see [`page_policy`]) keeps this one.
const STRICT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                             frame-ancestors 'none'; base-uri 'none'";

/// The host pages' policy for a deployment whose app origins match
/// `app_origins_wildcard` (`http://*.apps.localhost:8080`): as strict, but
/// forms may go on from the platform to third-party apps' own origins (a
/// browser checks `form-action` along the redirects after a form, and
/// entering an app is such a redirect).
pub(crate) fn page_policy(app_origins_wildcard: &str) -> anyhow::Result<HeaderValue> {
    let policy = format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' {app_origins_wildcard}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).map_err(|_| anyhow::anyhow!("app origins `{app_origins_wildcard}` in a page policy"))
}

/// Marks a response as a host page: the request context gives it the
/// deployment's [`page_policy`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostPage;

const STYLESHEET: &str = include_str!("../../../static/portal.css");

pub(crate) fn declare(routes: &mut Routes) {
    routes.add(route(Method::GET, "/static/portal.css", Permission::Public, "The portal's stylesheet"), stylesheet);
    // The two paths every app origin answers (see `app_origin`), answered on
    // the platform too, so an app's page frame works wherever it is served.
    routes.add(
        route(Method::GET, "/.courtyard/app.css", Permission::Public, "The portal's stylesheet, for app pages"),
        stylesheet,
    );
    routes.add(route(Method::GET, "/.courtyard/home", Permission::Public, "Back to home, from an app page"), home_link);
    home::declare(routes);
    session::declare(routes);
    my_apps::declare(routes);
    notifications::declare(routes);
    mail_choices::declare(routes);
    onboarding::declare(routes);
    profile::declare(routes);
    moderation::declare(routes);
}

/// What `principal` reads of `app` at `property`, by the same audience rule
/// as the app's own queries for them (never with a hook's or a third-party
/// app's narrowing): for host pages that read documents themselves.
pub(crate) fn reading_scope(
    principal: &Principal,
    app: &crate::catalog::Manifest,
    customer: &str,
    property: &str,
) -> crate::storage::DocumentScope {
    let roles = principal.roles_at(customer, property);
    crate::storage::DocumentScope {
        app: app.id.clone(),
        customer: customer.to_owned(),
        property: property.to_owned(),
        reader: crate::storage::Reader {
            subject: Some(principal.user_id.clone()),
            staff: crate::capabilities::CallerContext::is_staff(&roles, &app.staff_roles),
            units: principal.units_at(customer, property),
        },
        own_only: false,
        owners: None,
    }
}

/// The signed-in person, as every page's header shows them.
#[derive(Debug, Clone)]
pub(crate) struct Me {
    pub name: String,
    /// The token every state-changing form of this session carries.
    pub csrf: String,
}

/// What every page template holds: its words and who is signed in.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub t: Texts,
    pub me: Option<Me>,
    /// What the frame's own links start with: nothing on the platform; the
    /// platform's public URL on a third-party app's origin, where every
    /// path is the app's.
    pub site: String,
    /// The stylesheet's address (on an app origin, the one it serves itself).
    pub stylesheet: &'static str,
}

impl Frame {
    /// The frame of a page for `principal` (if signed in) in the language
    /// of their locale, else of the browser.
    pub(crate) fn new(state: &AppState, principal: Option<&Principal>, headers: &HeaderMap) -> Frame {
        let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
        let lang = Lang::pick(principal.map(|p| p.locale.as_str()), accept);
        let me = principal
            .map(|principal| Me { name: principal.name.clone(), csrf: csrf_token(state, headers).unwrap_or_default() });
        Frame { t: Texts::new(lang), me, site: String::new(), stylesheet: "/static/portal.css" }
    }
}

/// Renders a page with the host-page headers.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
            secure(response.headers_mut());
            response.extensions_mut().insert(HostPage);
            response
        }
        Err(err) => ApiError::internal(format!("a page could not be rendered: {err}")).into_response(),
    }
}

/// The headers every host page carries.
pub(crate) fn secure(headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `same-origin`, not `no-referrer`: with no referrer at all, Chromium
    // sends `Origin: null` on the page's own form posts.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Sends the browser on to `location` after a form was handled.
pub(crate) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::internal("a redirect target was not a header value").into_response(),
    }
}

/// A path on this site to go back to, from a `next` parameter: anything
/// else (another site, `//host`, a backslash trick) goes home.
pub(crate) fn local_target(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The form token of the browser session in `headers`: a digest of the
/// session cookie, so it needs no storage and dies with the session.
pub(crate) fn csrf_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let secret = cookie(headers, state.identity.cookie_name())?;
    let digest = Sha256::new().chain_update(b"courtyard form token\0").chain_update(secret.as_bytes()).finalize();
    Some(hex::encode(&digest[..16]))
}

/// Refuses a form whose token is not this session's. A request without a
/// session cookie was authenticated by a bearer token, which a browser
/// never sends by itself: it needs no form token.
pub(crate) fn check_csrf(state: &AppState, headers: &HeaderMap, sent: &str) -> Result<(), ApiError> {
    use subtle::ConstantTimeEq;
    let Some(expected) = csrf_token(state, headers) else { return Ok(()) };
    if expected.as_bytes().ct_eq(sent.as_bytes()).into() {
        Ok(())
    } else {
        Err(ApiError::forbidden("this form is out of date or came from another site; reload the page")
            .with_code("form_token"))
    }
}

async fn stylesheet() -> Response {
    stylesheet_response()
}

async fn home_link() -> Response {
    see_other("/")
}

/// The shared stylesheet, also served to apps on their own origins.
pub(crate) fn stylesheet_response() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

/// Reads a form body as its pairs, in order (a key may repeat, as
/// checkboxes do).
pub(crate) fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_bytes(body).map_err(|_| ApiError::bad_request("the form could not be read"))
}

/// The one value of `name` in a form, if sent.
pub(crate) fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests;
