//! Third-party apps on origins of their own.
//!
//! A third-party app's pages are the vendor's markup. On the platform's
//! origin they would share it with the platform's session cookie and pages;
//! in a sandbox without an origin they cannot post a form with a cookie at
//! all. So each third-party app is served from `{app}.apps.<host>` (see
//! `app_origins` in the configuration): a real origin the browser keeps
//! apart from the platform and from every other app.
//!
//! The way in is a ticket (see `identity::app_pass`): opening
//! `/apps/{app}/…` on the platform sends the browser, after sign-in and
//! consent, to `{origin}/.courtyard/enter?ticket=…&next=…`, which sets the
//! app's pass cookie on that origin and goes on to the page. Every request
//! on the origin is then the app's: its path is the app's own path, and no
//! platform route is reachable there. Without a live pass, a page request
//! is sent back through the platform for a new one.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use crate::catalog::{AppKind, is_app_id};
use crate::identity::AuthError;

/// The origins third-party apps are served from: `scheme://{prefix}{app}{suffix}`.
#[derive(Debug, Clone)]
pub struct AppOrigins {
    scheme: String,
    prefix: String,
    suffix: String,
}

impl AppOrigins {
    /// From the configured template (a URL with `{app}` in its host), or
    /// else `{app}.apps.` in front of the public URL's host.
    pub fn new(template: Option<&str>, public_url: &str) -> anyhow::Result<AppOrigins> {
        let template = match template {
            Some(template) => template.trim_end_matches('/').to_owned(),
            None => {
                let (scheme, host) = public_url
                    .split_once("://")
                    .ok_or_else(|| anyhow::anyhow!("public_url `{public_url}` has no scheme"))?;
                format!("{scheme}://{{app}}.apps.{}", host.trim_end_matches('/'))
            }
        };
        let (scheme, authority) = template
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .ok_or_else(|| anyhow::anyhow!("app_origins `{template}` must start with http:// or https://"))?;
        let (prefix, suffix) = authority
            .split_once("{app}")
            .filter(|(_, suffix)| suffix.starts_with('.') && !suffix.contains('/') && !suffix.contains("{app}"))
            .ok_or_else(|| {
                anyhow::anyhow!("app_origins `{template}` must be a host name holding `{{app}}`, then a domain")
            })?;
        Ok(AppOrigins {
            scheme: scheme.to_owned(),
            prefix: prefix.to_ascii_lowercase(),
            suffix: suffix.to_ascii_lowercase(),
        })
    }

    /// The origin of `app`, e.g. `https://movers.apps.example.com`.
    pub fn origin(&self, app: &str) -> String {
        format!("{}://{}{app}{}", self.scheme, self.prefix, self.suffix)
    }

    /// Every app origin, as a CSP source: `http://*.apps.localhost:8080`.
    pub fn wildcard(&self) -> String {
        format!("{}://*{}", self.scheme, self.suffix)
    }

    /// The app whose origin a request's `Host` names, if any.
    pub fn app_of(&self, host: &str) -> Option<String> {
        let host = host.to_ascii_lowercase();
        let app = host.strip_prefix(&self.prefix)?.strip_suffix(&self.suffix)?;
        is_app_id(app).then(|| app.to_owned())
    }
}

/// Marks a request that arrived on `app`'s own origin.
#[derive(Debug, Clone)]
pub(crate) struct OnAppOrigin {
    pub app: String,
}

/// The app a request's `Host` header names, if it came to an app origin.
pub(crate) fn app_of_request(state: &AppState, request: &Request) -> Option<String> {
    let host = request.headers().get(header::HOST).and_then(|host| host.to_str().ok())?;
    state.app_origins.app_of(host)
}

/// Answers the origin's own paths (`/.courtyard/…`), or turns the request
/// into the app's route `/apps/{app}/…`, marked as on the app's origin.
pub(crate) async fn route(state: &AppState, app: String, mut request: Request) -> Result<Request, Response> {
    let installed = state.catalog.get(&app).filter(|loaded| loaded.manifest.kind == AppKind::ThirdParty);
    if installed.is_none() {
        return Err(ApiError::not_found("no such app").into_response());
    }
    let path = request.uri().path().to_owned();
    match path.as_str() {
        "/.courtyard/app.css" => return Err(super::pages::stylesheet_response()),
        "/.courtyard/home" => return Err(super::pages::see_other(&format!("{}/", state.public_url))),
        "/.courtyard/enter" => return Err(enter_answer(state, &app, request.uri().query(), request.headers()).await),
        _ => {}
    }
    let query = request.uri().query().map(|query| format!("?{query}")).unwrap_or_default();
    let Ok(uri) = format!("/apps/{app}{path}{query}").parse::<Uri>() else {
        return Err(ApiError::bad_request("malformed path").into_response());
    };
    *request.uri_mut() = uri;
    request.extensions_mut().insert(OnAppOrigin { app });
    Ok(request)
}

/// Where to send a browser on the platform to enter `app` at `app_path`
/// (its path below the app, with the query): a fresh single-use ticket.
pub(crate) async fn entry_url(
    state: &AppState,
    principal: &crate::identity::Principal,
    app: &str,
    app_path: &str,
) -> Result<String, ApiError> {
    let ticket = state.identity.app_ticket(principal, app).await?;
    let query = serde_urlencoded::to_string([("ticket", ticket.as_str()), ("next", app_path)]).unwrap_or_default();
    Ok(format!("{}/.courtyard/enter?{query}", state.app_origins.origin(app)))
}

/// Where a request on an app origin without a live pass goes: the same page
/// through the platform, which signs in, asks consent, and hands a ticket.
pub(crate) fn back_through_platform(state: &AppState, app: &str, path_and_query: &str) -> String {
    let below = path_and_query.strip_prefix(&format!("/apps/{app}")).unwrap_or(path_and_query);
    format!("{}/apps/{app}{}", state.public_url, if below.is_empty() { "/" } else { below })
}

/// Whether a state-changing request on an app origin came from that origin.
pub(crate) fn from_own_origin(state: &AppState, app: &str, headers: &HeaderMap) -> bool {
    headers
        .get(header::ORIGIN)
        .and_then(|origin| origin.to_str().ok())
        .is_some_and(|origin| origin.eq_ignore_ascii_case(&state.app_origins.origin(app)))
}

async fn enter_answer(state: &AppState, app: &str, query: Option<&str>, headers: &HeaderMap) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let next = super::pages::local_target(value("next"));
    let Some(ticket) = value("ticket") else {
        return ApiError::bad_request("no ticket").into_response();
    };
    match state.identity.redeem_app_ticket(ticket, app).await {
        Ok(pass) => {
            let mut response = super::pages::see_other(&next);
            if let Ok(cookie) = HeaderValue::from_str(&state.identity.app_cookie(&pass)) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            // The ticket in this URL goes nowhere else.
            response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            response
        }
        Err(AuthError::Storage(err)) => ApiError::from(err).into_response(),
        Err(err) => {
            tracing::info!(reason = %err, "an app ticket was refused");
            super::pages::ticket_refused(state, app, &back_through_platform(state, app, &next), headers)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppOrigins;

    #[test]
    fn each_app_has_an_origin_of_its_own_and_nothing_else_is_one() {
        let origins = AppOrigins::new(None, "http://localhost:8080").unwrap();
        assert_eq!(origins.origin("movers"), "http://movers.apps.localhost:8080");
        assert_eq!(origins.wildcard(), "http://*.apps.localhost:8080");
        assert_eq!(origins.app_of("Movers.apps.localhost:8080").as_deref(), Some("movers"));
        for host in [
            "localhost:8080",
            "apps.localhost:8080",
            "movers.apps.localhost:9090",
            "a.b.apps.localhost:8080",
            "-x.apps.localhost:8080",
        ] {
            assert_eq!(origins.app_of(host), None, "{host}");
        }
        let configured = AppOrigins::new(Some("https://{app}.apps.example.com/"), "https://example.com").unwrap();
        assert_eq!(configured.origin("movers"), "https://movers.apps.example.com");
        for bad in ["ftp://{app}.x", "https://apps.example.com", "https://x{app}", "https://{app}.x/{app}"] {
            assert!(AppOrigins::new(Some(bad), "https://example.com").is_err(), "{bad}");
        }
    }
}
