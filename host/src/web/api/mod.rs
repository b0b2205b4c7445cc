//! The platform API: every route in one table, each with the permission it
//! needs. The table builds the axum router and the OpenAPI description, so
//! a route cannot exist without a declared permission, nor be missing from
//! the description.
//!
//! Every request passes one gate before its handler: it authenticates the
//! caller (401 if credentials are bad or missing where needed) and checks
//! that the caller holds the route's permission somewhere (403 otherwise).
//! Handlers then check the permission for the exact object, answering 404
//! for objects outside the caller's reach.

mod access_requests;
pub(crate) mod accounts;
mod approvals;
mod audit;
mod browser;
mod endpoint;
mod extract;
mod import;
mod notifications;
pub(crate) mod onboarding;
mod openapi;
mod operators;
mod paging;
mod people;
pub(crate) mod record;
mod tenancy;
mod units;
mod validate;

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::{Json, Router};
use serde::Serialize;

pub(crate) use accounts::{check_sign_in, current_property, locale};
pub(crate) use browser::{referring_app_page, referring_page, same_origin, wants_error_page, wants_page};
pub(crate) use endpoint::route;
pub use endpoint::{Endpoint, QueryType, Room};
pub(crate) use extract::{Body, Path, Query};
pub use openapi::document as openapi_document;
pub(crate) use openapi::publish;
pub(crate) use paging::{Page, Paging, newest_first, parse_newest_first};
pub(crate) use validate::{date, email, optional_text, present, text};

use super::app_origin::OnAppOrigin;
use super::pages::see_other;
use super::{ApiError, AppState};
use crate::identity::{AuthError, Credential, Permission, Principal};
use crate::storage::StorageError;

/// The route table being built: the router and the declarations side by side.
pub(crate) struct Routes {
    /// `None` when only the declarations are wanted (the description).
    state: Option<AppState>,
    /// The room and the tag of the routes being declared.
    room: Room,
    tag: &'static str,
    paths: Vec<(&'static str, MethodRouter<AppState>)>,
    endpoints: Vec<Endpoint>,
    /// The paths that are pages to GET (from a first pass over the table):
    /// where a person whose session ended comes back to after signing in.
    pages: BTreeSet<&'static str>,
}

impl Routes {
    fn new(state: Option<AppState>, pages: BTreeSet<&'static str>) -> Routes {
        Routes { state, room: Room::Api, tag: "", paths: Vec::new(), endpoints: Vec::new(), pages }
    }

    /// Declares what `declare` adds as pages for people, not API operations.
    pub(crate) fn pages(&mut self, declare: impl FnOnce(&mut Routes)) {
        let room = std::mem::replace(&mut self.room, Room::Page);
        declare(self);
        self.room = room;
    }

    /// Declares what `declare` adds under the description's `tag`.
    pub(crate) fn tagged(&mut self, tag: &'static str, declare: impl FnOnce(&mut Routes)) {
        let outer = std::mem::replace(&mut self.tag, tag);
        declare(self);
        self.tag = outer;
    }

    /// Adds `handler` for `endpoint`, behind the gate for its permission.
    pub(crate) fn add<H, T>(&mut self, mut endpoint: Endpoint, handler: H)
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        if self.room == Room::Page {
            endpoint.room = Room::Page;
        }
        endpoint.tag = self.tag;
        if let Some(state) = &self.state {
            let filter = match &endpoint.method {
                Some(method) => MethodFilter::try_from(method.clone()).expect("declared methods are standard"),
                None => MethodFilter::DELETE
                    .or(MethodFilter::GET)
                    .or(MethodFilter::HEAD)
                    .or(MethodFilter::OPTIONS)
                    .or(MethodFilter::PATCH)
                    .or(MethodFilter::POST)
                    .or(MethodFilter::PUT),
            };
            let form = endpoint.room == Room::Page
                && endpoint.method.as_ref().is_some_and(|method| !is_safe(method))
                && !endpoint.path.starts_with("/apps/");
            let gate = Gate {
                state: Arc::new(state.clone()),
                permission: endpoint.permission,
                path: endpoint.path,
                summary: endpoint.summary,
                person: endpoint.person,
                query: (endpoint.room == Room::Api).then(|| DeclaredQuery(endpoint.query.map(|q| q.type_name))),
                form,
                page_to_get: form && self.pages.contains(endpoint.path),
            };
            let method_router = axum::routing::on(filter, handler).route_layer(gate);
            match self.paths.iter_mut().find(|(path, _)| *path == endpoint.path) {
                Some((_, existing)) => {
                    let merged = std::mem::take(existing).merge(method_router);
                    *existing = merged;
                }
                None => self.paths.push((endpoint.path, method_router)),
            }
        }
        self.endpoints.push(endpoint);
    }
}

/// Declares every route of the platform.
fn declare_all(state: Option<AppState>) -> Routes {
    let pages = match state {
        // The declarations alone, to know every page before the gates are made.
        Some(_) => declare_all(None)
            .endpoints
            .iter()
            .filter(|e| e.room == Room::Page && e.method == Some(Method::GET))
            .map(|e| e.path)
            .collect(),
        None => BTreeSet::new(),
    };
    let mut routes = Routes::new(state, pages);
    super::declare(&mut routes);
    routes.tagged("accounts", accounts::declare);
    routes.tagged("tenancy", tenancy::declare);
    routes.tagged("units", units::declare);
    routes.tagged("people", people::declare);
    routes.tagged("operators", operators::declare);
    routes.tagged("onboarding", onboarding::declare);
    routes.tagged("onboarding", access_requests::declare);
    routes.tagged("import", import::declare);
    routes.tagged("apps", approvals::declare);
    routes.tagged("audit", audit::declare);
    routes.tagged("privacy", super::consent::declare);
    routes.tagged("privacy", notifications::declare);
    routes.tagged("platform", openapi::declare);
    routes
}

/// Every route of the platform: the router and the declarations.
pub fn table(state: AppState) -> (Router<AppState>, Vec<Endpoint>) {
    let routes = declare_all(Some(state.clone()));
    // A method a path does not have answers 405, but only to callers who
    // may write there: everyone else gets the same 401 or 403 as for a
    // method that exists, so swapping methods teaches an attacker nothing.
    let mut router = Router::new();
    for (path, mut method_router) in routes.paths {
        let declared: Vec<&Endpoint> = routes.endpoints.iter().filter(|e| e.path == path).collect();
        if declared.iter().all(|e| e.method.is_some()) {
            // The strictest permission of the path; among equals, a write's.
            let rank = |e: &&&Endpoint| {
                let level = match e.permission {
                    Permission::Public => 0,
                    Permission::Authenticated => 1,
                    _ => 2,
                };
                (level, e.method != Some(Method::GET))
            };
            let strictest = declared.iter().max_by_key(rank).map_or(Permission::Authenticated, |e| e.permission);
            let undeclared = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE]
                .into_iter()
                .filter(|m| !declared.iter().any(|e| e.method.as_ref() == Some(m)))
                .filter_map(|m| MethodFilter::try_from(m).ok())
                .reduce(MethodFilter::or);
            if let Some(filter) = undeclared {
                let gate = Gate {
                    state: Arc::new(state.clone()),
                    permission: strictest,
                    path,
                    summary: "",
                    person: None,
                    query: None,
                    form: false,
                    page_to_get: false,
                };
                method_router =
                    method_router.merge(axum::routing::on(filter, super::method_not_allowed).route_layer(gate));
            }
        }
        router = router.route(path, method_router);
    }
    (router, routes.endpoints)
}

/// The declarations alone, without a server (for the description and tests).
pub fn declared() -> Vec<Endpoint> {
    declare_all(None).endpoints
}

/// The query type a route declares, handed by the gate to the handler's
/// [`Query`] extractor (API routes only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeclaredQuery(pub Option<&'static str>);

/// The gate in front of every handler, as a tower layer: one `Arc` clone
/// and one boxed future per request.
#[derive(Clone)]
struct Gate {
    state: Arc<AppState>,
    permission: Permission,
    /// The route, as declared.
    path: &'static str,
    summary: &'static str,
    person: Option<&'static str>,
    query: Option<DeclaredQuery>,
    /// A page's form target: its body is read here, within the form limit.
    form: bool,
    /// The form's path is also a page to GET (the form's own page).
    page_to_get: bool,
}

/// The largest form a page posts (the longest is an access request's message).
const FORM_BYTES: usize = 64 * 1024;

impl<S> tower::Layer<S> for Gate {
    type Service = Gated<S>;

    fn layer(&self, inner: S) -> Gated<S> {
        Gated { gate: self.clone(), inner }
    }
}

#[derive(Clone)]
struct Gated<S> {
    gate: Gate,
    inner: S,
}

impl<S> tower::Service<Request> for Gated<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone that was made ready serves this request (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let gate = self.gate.clone();
        Box::pin(async move {
            // Changes by people, and reads of one person's data, are audited;
            // app requests are audited per host call instead.
            let audited = record::audited(&gate, request.method());
            let target = audited.then(|| record::Target::of(&request));
            let admitted = match admit(&gate, request).await {
                Ok(request) if gate.form => read_form(&gate, request).await,
                other => other,
            };
            match admitted {
                Ok(request) => {
                    let principal = request.extensions().get::<Arc<Principal>>().cloned();
                    let response = inner.call(request).await?;
                    match target {
                        Some(target) => Ok(record::person_action(&gate, principal, target, response).await),
                        None => Ok(response),
                    }
                }
                Err(refusal) => Ok(refusal),
            }
        })
    }
}

/// Authenticates and checks the route's permission; hands the request on
/// with the principal in its extensions, or answers the refusal.
async fn admit(gate: &Gate, mut request: Request) -> Result<Request, Response> {
    if let Some(query) = gate.query {
        request.extensions_mut().insert(query);
    }
    let on_app_origin = request.extensions().get::<OnAppOrigin>().map(|origin| origin.app.clone());
    let authenticated = match &on_app_origin {
        Some(app) => authenticate_on_app_origin(&gate.state, app, request.method(), request.headers()).await,
        None => authenticate(&gate.state, request.method(), request.headers()).await,
    };
    match authenticated {
        Ok(Some((principal, credential))) => {
            if !principal.holds_anywhere(gate.permission) {
                return Err(ApiError::forbidden(format!("this needs the `{}` permission", gate.permission.name()))
                    .into_response());
            }
            request.extensions_mut().insert(principal);
            request.extensions_mut().insert(credential);
        }
        Ok(None) if gate.permission == Permission::Public => {}
        // No live pass on an app's origin: round through the platform for one.
        Ok(None) if on_app_origin.is_some() && request.method() == Method::GET => {
            let app = on_app_origin.unwrap_or_default();
            let back = request.uri().path_and_query().map_or("/", |p| p.as_str());
            return Err(see_other(&crate::web::app_origin::back_through_platform(&gate.state, &app, back)));
        }
        // A form whose pass expired: what was typed cannot travel through
        // the platform; the page says so and leads back into the app.
        Ok(None) if on_app_origin.is_some() => {
            return Err(ApiError::unauthorized("your visit to the app timed out: open it again")
                .with_code("app_pass_expired")
                .into_response());
        }
        Ok(None) if wants_page(&request) => {
            let back = request.uri().path_and_query().map_or("/", |p| p.as_str());
            return Err(browser::sign_in_first(back));
        }
        // A form posted after the session ended: sign in, then back to the
        // page the form was on.
        Ok(None) if wants_error_page(&request) => {
            let back = referring_page(&gate.state, request.headers())
                .unwrap_or_else(|| if gate.page_to_get { request.uri().path().to_owned() } else { "/".to_owned() });
            return Err(browser::sign_in_first(&back));
        }
        Ok(None) => return Err(ApiError::unauthorized("sign in first").into_response()),
        Err(err) => return Err(err.into_response()),
    }
    Ok(request)
}

/// Reads a form's body whole, within [`FORM_BYTES`] (or the deployment's
/// body limit, if lower): one too large is refused in the platform's error
/// shape, which a browser gets as a page.
async fn read_form(gate: &Gate, request: Request) -> Result<Request, Response> {
    let limit = FORM_BYTES.min(gate.state.request_body_bytes);
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(Request::from_parts(parts, axum::body::Body::from(bytes))),
        Err(_) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("forms are limited to {limit} bytes"),
        )
        .into_response()),
    }
}

/// The caller of a request, or `None` if it carries no credentials.
pub(crate) async fn authenticate(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Option<(Arc<Principal>, Credential)>, ApiError> {
    match state.identity.authenticate(headers).await {
        Ok(Some((principal, credential))) => {
            if credential == Credential::Cookie && !is_safe(method) && !same_origin(state, headers) {
                return Err(ApiError::forbidden("cross-site request refused").with_code("cross_site"));
            }
            Ok(Some((principal, credential)))
        }
        Ok(None) => Ok(None),
        Err(AuthError::Storage(err)) => Err(ApiError::internal(err)),
        Err(err) => {
            tracing::info!(reason = %err, "credentials refused");
            Err(ApiError::unauthorized("the credentials are not valid"))
        }
    }
}

/// The caller on a third-party app's own origin: only that app's pass
/// counts there, and a write must come from that very origin.
async fn authenticate_on_app_origin(
    state: &AppState,
    app: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Option<(Arc<Principal>, Credential)>, ApiError> {
    match state.identity.authenticate_app(headers, app).await {
        Ok(Some(principal)) => {
            if !is_safe(method) && !crate::web::app_origin::from_own_origin(state, app, headers) {
                return Err(ApiError::forbidden("cross-site request refused").with_code("cross_site"));
            }
            Ok(Some((principal, Credential::AppPass)))
        }
        Ok(None) => Ok(None),
        Err(AuthError::Storage(err)) => Err(ApiError::internal(err)),
        Err(err) => {
            tracing::info!(reason = %err, "an app pass was refused");
            Err(ApiError::unauthorized("the credentials are not valid"))
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The authenticated caller, as the gate found them.
pub(crate) struct Actor(pub Arc<Principal>);

impl axum::extract::OptionalFromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Arc<Principal>>().cloned().map(Actor))
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<Principal>>()
            .cloned()
            .map(Actor)
            .ok_or_else(|| ApiError::unauthorized("sign in first"))
    }
}

/// Storage failures as API errors.
impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> ApiError {
        match err {
            StorageError::NotFound => ApiError::not_found("not found"),
            StorageError::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            StorageError::Invalid(message) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message),
            other => ApiError::internal(other),
        }
    }
}

/// `201 Created` with a JSON body.
pub(crate) fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}
