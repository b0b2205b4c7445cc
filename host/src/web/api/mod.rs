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
}

impl Routes {
    fn new(state: Option<AppState>) -> Routes {
        Routes { state, room: Room::Api, tag: "", paths: Vec::new(), endpoints: Vec::new() }
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
            let gate = Gate {
                state: Arc::new(state.clone()),
                permission: endpoint.permission,
                path: endpoint.path,
                summary: endpoint.summary,
                person: endpoint.person,
                query: (endpoint.room == Room::Api).then(|| DeclaredQuery(endpoint.query.map(|q| q.type_name))),
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
    let mut routes = Routes::new(state);
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
}

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
            match admit(&gate, request).await {
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
        Ok(None) if wants_page(&request) => return Err(sign_in_first(&request)),
        Ok(None) => return Err(ApiError::unauthorized("sign in first").into_response()),
        Err(err) => return Err(err.into_response()),
    }
    Ok(request)
}

/// A browser asking for a page (rather than an API client asking for data).
pub(crate) fn wants_page(request: &Request) -> bool {
    request.method() == Method::GET
        && request
            .headers()
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// Sends a browser to the sign-in page, to come back here afterwards.
fn sign_in_first(request: &Request) -> Response {
    let back = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
    let location = format!("/account/signin?{query}");
    match http::HeaderValue::from_str(&location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(http::header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::unauthorized("sign in first").into_response(),
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
                return Err(ApiError::forbidden("cross-site request refused"));
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
                return Err(ApiError::forbidden("cross-site request refused"));
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

/// A cookie-authenticated write must come from our own pages: browsers send
/// `Origin` on cross-site writes, so one naming another site is refused.
pub(crate) fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(http::header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let bare = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    bare == host || origin == &*state.public_url
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
