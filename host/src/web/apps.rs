//! `/apps/{app}/…`: hands a request to the app's component and its answer
//! back to the client, with credentials stripped on the way in and unsafe
//! headers stripped on the way out.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::Actor;
use super::app_origin::{self, OnAppOrigin};
use super::entry::{Barrier, enter};
use super::{ApiError, AppState, REQUEST_ID_HEADER};
use crate::catalog::AppKind;
use crate::catalog::LoadedApp;
use crate::files::{FormError, FormLimits, Uploads};
use crate::identity::Credential;
use crate::runtime::{Acting, AppPre, CallerContext, GuestFailure, GuestRequest, Placement, run_guest};

/// Request headers a guest never sees: credentials and hop-by-hop headers.
const STRIPPED_REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
];

pub(super) async fn dispatch_root(
    state: State<AppState>,
    app: Result<Path<String>, PathRejection>,
    caller: Actor,
    request: Request,
) -> Result<Response, ApiError> {
    let Path(app) = app.map_err(path_error)?;
    serve(state, app, caller, request).await
}

/// `/apps/{app}` as people type it: a page moves on to `/apps/{app}/` (its
/// query kept), for the app's relative links and forms (`action="posts"`)
/// resolve below the app only from there. Other methods are the app's.
pub(super) async fn dispatch_typed(
    state: State<AppState>,
    app: Result<Path<String>, PathRejection>,
    caller: Actor,
    request: Request,
) -> Result<Response, ApiError> {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let query = request.uri().query().map(|query| format!("?{query}")).unwrap_or_default();
        let location = format!("{}/{query}", request.uri().path());
        let location = HeaderValue::from_str(&location).map_err(|_| ApiError::bad_request("malformed path"))?;
        return Ok((StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response());
    }
    dispatch_root(state, app, caller, request).await
}

pub(super) async fn dispatch(
    state: State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
    caller: Actor,
    request: Request,
) -> Result<Response, ApiError> {
    let Path((app, _)) = params.map_err(path_error)?;
    serve(state, app, caller, request).await
}

fn path_error(rejection: PathRejection) -> ApiError {
    ApiError::bad_request(format!("malformed path: {}", rejection.body_text()))
}

/// The path below `/apps/{app}` as the client sent it, still percent-encoded,
/// so the app decodes it exactly once (`%2F` stays inside a segment).
fn app_path(raw: &str) -> String {
    let below_app = raw.strip_prefix("/apps/").and_then(|rest| rest.find('/').map(|slash| &rest[slash..]));
    match below_app {
        Some(path) if !path.is_empty() => path.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn serve(
    State(state): State<AppState>,
    app_id: String,
    Actor(caller): Actor,
    request: Request,
) -> Result<Response, ApiError> {
    // Apps work inside one property: the one the caller chose, or their only one.
    let (customer, property) = super::api::current_property(&caller).ok_or_else(|| {
        ApiError::conflict("you can use apps in several properties: choose one with PUT /api/me/property")
            .with_code("choose_property")
    })?;
    let wants_page = super::api::wants_page(&request);
    // A person's page or form (a form, too, meets the consent screen).
    let person = super::api::wants_error_page(&request);
    let on_app_origin = request.extensions().get::<OnAppOrigin>().is_some();
    let credential = request.extensions().get::<Credential>().copied();
    // The consent screen is the platform's page, on the platform's origin;
    // after it, a page comes back to itself and a form to the page it was on.
    let back = match *request.method() {
        Method::GET => request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        _ => super::api::referring_app_page(&state, &app_id, request.headers()).unwrap_or_else(|| "/".to_owned()),
    };
    let to_platform = || super::pages::see_other(&app_origin::back_through_platform(&state, &app_id, &back));
    let entered = match enter(&state, &app_id, &customer, &property, &caller.user_id).await {
        Ok(entered) => entered,
        Err(Barrier::Unavailable(err)) => return Err(err),
        Err(Barrier::Consent(_)) if on_app_origin && person => return Ok(to_platform()),
        Err(Barrier::Consent(consent)) => {
            return Ok(super::consent::required(&state, &caller, request.headers(), &consent, person));
        }
    };
    // New grants await the resident: the entry page asks once more.
    if let Some(pending) = &entered.pending
        && wants_page
        && app_path(request.uri().path()) == "/"
    {
        if on_app_origin {
            return Ok(to_platform());
        }
        return Ok(super::pages::consent_screen(&state, &caller, request.headers(), pending));
    }
    // A browser uses a third-party app on the app's own origin only.
    if entered.app.manifest.kind == AppKind::ThirdParty && credential == Some(Credential::Cookie) {
        if request.method() != Method::GET {
            return Err(ApiError::forbidden(format!(
                "third-party apps are used at their own address, {}",
                state.app_origins.origin(&app_id)
            ))
            .with_code("use_app_origin"));
        }
        let below = request.uri().path_and_query().map_or("/", |p| p.as_str());
        let below = app_path(below.split('?').next().unwrap_or("/"))
            + &request.uri().query().map(|query| format!("?{query}")).unwrap_or_default();
        return Ok(super::pages::see_other(&app_origin::entry_url(&state, &caller, &app_id, &below).await?));
    }
    let app = entered.app;
    let request_id =
        request.headers().get(REQUEST_ID_HEADER).and_then(|id| id.to_str().ok()).unwrap_or_default().to_owned();
    let (parts, body) = request.into_parts();
    let request_path = parts.uri.path().to_owned();
    let path = app_path(&request_path);
    // A third-party app sees its own pseudonym of the caller, never the id.
    let subject = match app.manifest.kind {
        AppKind::Core => caller.user_id.clone(),
        AppKind::ThirdParty => state.services.policy.pseudonyms.for_app(&app_id, &caller.user_id).await?,
    };
    let roles = caller.roles_at(&customer, &property);
    let context = CallerContext {
        subject: Some(subject),
        user_id: Some(caller.user_id.clone()),
        acting: Acting::Request,
        staff: CallerContext::is_staff(&roles, &app.manifest.staff_roles),
        units: caller.units_at(&customer, &property),
        roles,
        customer: Some(customer),
        property: Some(property),
        locale: caller.locale.clone(),
        request_id,
    };
    // Attachments are the host's to serve; the app never sees the request.
    if let Some(file) = path.strip_prefix("/.files/") {
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            return Err(ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "files are read here"));
        }
        return super::file_downloads::serve(&state, &app, context, file, parts.method == Method::HEAD).await;
    }
    let (body, uploads, headers) = read_body(&state, &app, &parts.headers, body).await?;
    let guest_request = GuestRequest {
        method: parts.method,
        path,
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
        uploads,
    };
    let kind = app.manifest.kind;
    let runtime = Arc::clone(&state.runtime);
    let services = state.services.clone();
    let placement = Placement { inline: !app.quarantine.is_active(), quarantine: Arc::clone(&app.quarantine) };
    let (outcome, receipts) = run_guest(placement.inline, move || {
        runtime.handle(&app.pre, services, Arc::clone(&app.policy), context, guest_request, placement)
    })
    .await
    .map_err(ApiError::internal)?;
    // Nothing the app did is acknowledged before its audit entries are durable.
    for receipt in receipts {
        if let Err(err) = receipt.settled().await {
            tracing::error!(app = %app_id, error = %err, "audit entries of an app request were lost");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit_unavailable",
                "the request could not be recorded in the audit log; try again",
            ));
        }
    }
    match outcome {
        Ok(response) => Ok(super::app_response::into_http(response, kind, &app_id, &request_path, on_app_origin)),
        Err(failure) => Err(failure_error(&app_id, failure)),
    }
}

/// The body as the guest gets it, with the headers it sees. For an app on
/// contract 0.2 that takes files, a `multipart/form-data` form is read by
/// the host: the files are staged as uploads and the other fields become an
/// `application/x-www-form-urlencoded` body.
async fn read_body(
    state: &AppState,
    app: &LoadedApp,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<(Vec<u8>, Uploads, Vec<(String, String)>), ApiError> {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(crate::files::staging::boundary);
    let takes_files = matches!(app.pre, AppPre::V0_2(_)) && app.policy.files.is_some();
    let (Some(boundary), Some(declared), true) = (boundary, app.policy.files.as_ref(), takes_files) else {
        let body = axum::body::to_bytes(body, state.request_body_bytes).await.map_err(|err| {
            if is_length_limit(&err) {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!("request bodies are limited to {} bytes", state.request_body_bytes),
                )
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        return Ok((body.to_vec(), Uploads::default(), guest_headers(headers)));
    };
    let limits = FormLimits {
        file_bytes: declared.max_bytes,
        files: declared.per_document as usize,
        field_bytes: state.request_body_bytes,
    };
    let (body, uploads) = crate::files::staging::read_form(body, &boundary, limits, &state.uploads_dir).await.map_err(
        |err| match err {
            FormError::TooLarge(_) | FormError::FieldsTooLarge(_) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", err.to_string())
            }
            FormError::TooManyFiles(_) | FormError::Malformed(_) => ApiError::bad_request(err.to_string()),
            FormError::Staging(err) => ApiError::internal(err),
        },
    )?;
    let mut seen = guest_headers(headers);
    seen.retain(|(name, _)| name != "content-type" && name != "content-length");
    seen.push(("content-type".to_owned(), "application/x-www-form-urlencoded".to_owned()));
    seen.push(("content-length".to_owned(), body.len().to_string()));
    Ok((body, uploads, seen))
}

/// Whether reading a body failed because it was over the limit (rather than
/// because the client went away or sent a malformed body).
fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = source {
        if error.to_string().contains("length limit exceeded") {
            return true;
        }
        source = error.source();
    }
    false
}

fn guest_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !STRIPPED_REQUEST_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect()
}

/// The caller's answer when the app failed. It names what kind of failure
/// it was, never the guest's own words or backtrace: those go to the log.
fn failure_error(app_id: &str, failure: GuestFailure) -> ApiError {
    tracing::warn!(app = %app_id, %failure, "app request failed");
    let (status, code, message) = match failure {
        GuestFailure::Deadline(_) => (StatusCode::GATEWAY_TIMEOUT, "app_timeout", "the app took too long to answer"),
        GuestFailure::Busy => {
            return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", failure.to_string()).with_retry_after(1);
        }
        GuestFailure::ResponseTooLarge { .. }
        | GuestFailure::InvalidStatus(_)
        | GuestFailure::OversizedHeaders { .. } => {
            (StatusCode::BAD_GATEWAY, "app_bad_response", "the app gave an answer the platform cannot pass on")
        }
        GuestFailure::HostCallQuota => {
            (StatusCode::INTERNAL_SERVER_ERROR, "app_failed", "the app was stopped: it made too many platform calls")
        }
        // What the host measured may be said; a trap's own words (a panic
        // message, a wasm backtrace) may not.
        GuestFailure::MemoryCap(_) | GuestFailure::StackOverflow => {
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "app_failed",
                format!("app `{app_id}`: {failure}"),
            );
        }
        GuestFailure::Trap(_) | GuestFailure::Instantiate(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "app_failed", "the app failed")
        }
    };
    ApiError::new(status, code, format!("app `{app_id}`: {message}"))
}

#[cfg(test)]
mod tests {
    use super::app_path;

    #[test]
    fn the_app_sees_its_own_path_still_encoded() {
        assert_eq!(app_path("/apps/pinboard"), "/");
        assert_eq!(app_path("/apps/pinboard/"), "/");
        assert_eq!(app_path("/apps/pinboard/posts/a%2Fb"), "/posts/a%2Fb");
        assert_eq!(app_path("/apps/pinboard/posts/a%252Fb"), "/posts/a%252Fb");
    }
}
