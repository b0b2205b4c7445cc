//! The HTTP front: routing, request ids, health, and dispatch to apps.

pub mod api;
mod app_origin;
pub use app_origin::AppOrigins;
mod app_response;
mod apps;
mod connections;
mod consent;
mod entry;
pub use entry::reconcile_core_app;
mod error;
mod file_downloads;
mod notification_mail;
mod pages;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

pub use connections::serve;

/// Hands the notifications people want by mail to the outbox, until aborted.
pub async fn notification_mail(state: AppState) {
    notification_mail::mail_forever(state).await;
}
pub use error::ApiError;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::identity::{Identity, Permission};
use crate::mail::Mailer;
use crate::runtime::{HostServices, Runtime};

/// The header carrying the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub runtime: Arc<Runtime>,
    pub services: HostServices,
    pub request_body_bytes: usize,
    pub identity: Arc<Identity>,
    pub mailer: Mailer,
    /// Where people reach this deployment; links in mails start with it.
    pub public_url: Arc<str>,
    /// Where third-party apps are served, each on an origin of its own.
    pub app_origins: Arc<AppOrigins>,
    /// The policy of host pages: forms may go on to the app origins.
    pub page_policy: HeaderValue,
    /// Where the files of a form wait until the app attaches them.
    pub uploads_dir: std::path::PathBuf,
}

impl AppState {
    pub fn new(
        config: &Config,
        catalog: Arc<Catalog>,
        runtime: Arc<Runtime>,
        services: HostServices,
        identity: Arc<Identity>,
        mailer: Mailer,
        public_url: String,
    ) -> anyhow::Result<AppState> {
        let app_origins = AppOrigins::new(config.app_origins.as_deref(), &public_url)?;
        let page_policy = pages::page_policy(&app_origins.wildcard())?;
        Ok(AppState {
            catalog,
            runtime,
            services,
            request_body_bytes: config.http.request_body_bytes,
            identity,
            mailer,
            public_url: Arc::from(public_url),
            app_origins: Arc::new(app_origins),
            page_policy,
            uploads_dir: config.data_dir.join("uploads"),
        })
    }
}

/// The whole HTTP application; shared by `courtyard serve` and the tests.
/// Every route comes from the declared table in [`api`].
pub fn router(state: AppState) -> Router {
    let (router, endpoints) = api::table(state.clone());
    api::publish(&endpoints);
    router.fallback(not_found).method_not_allowed_fallback(method_not_allowed).with_state(state)
}

/// The routes outside `/api`: health, the portal's pages and the apps.
pub(crate) fn declare(routes: &mut api::Routes) {
    use api::route;
    routes.tagged("platform", |routes| {
        routes.add(
            route(Method::GET, "/healthz", Permission::Public, "Liveness and database reachability")
                .id("checkHealth")
                .returns::<Health>(),
            healthz,
        )
    });
    routes.pages(pages::declare);
    routes.tagged("gateway", |routes| {
        let app =
            |path| route(Method::GET, path, Permission::AppsUse, "Use a micro-app: the request goes to its component");
        // Without the slash it is the address people type: a page there goes
        // on to the one with it, which the app's relative links work from.
        routes.add(app("/apps/{app}").any_method().page(), apps::dispatch_typed);
        routes.add(app("/apps/{app}/").any_method().id("appHome"), apps::dispatch_root);
        routes.add(app("/apps/{app}/{*path}").any_method().id("appResource"), apps::dispatch);
    });
}

/// What `/healthz` answers while the node is well.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct Health {
    /// Always `ok` (a node that is not answers 503).
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
    /// How many apps the node has installed.
    apps: usize,
}

async fn healthz(State(state): State<AppState>) -> Response {
    let database = &state.services.database;
    match sqlx::query("SELECT 1").execute(database.pool()).await {
        Ok(_) => {
            let backend = match database.dialect() {
                crate::storage::Dialect::Sqlite => "sqlite",
                crate::storage::Dialect::Postgres => "postgres",
            };
            let apps = state.catalog.list().len();
            axum::Json(Health { status: "ok", database: backend, apps }).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "database unreachable").into_response()
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}

/// The router wrapped in the request context: every request gets an id
/// (the client's, if it is a sane one), a tracing span carrying it, and the
/// id in the response. The id travels to handlers in the request's own
/// `x-request-id` header.
///
/// This wraps the whole router rather than being a route layer: that way
/// nothing is cloned or boxed per request beyond one future (and an `Arc`).
#[derive(Clone)]
pub struct WithRequestContext {
    router: Router,
    state: Arc<AppState>,
}

/// The service `courtyard serve` runs: [`router`] in its request context.
pub fn service(state: AppState) -> WithRequestContext {
    WithRequestContext { router: router(state.clone()), state: Arc::new(state) }
}

impl tower::Service<Request> for WithRequestContext {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        tower::Service::<Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The host assigns every request its own id: one a client sent could
        // collide with another customer's request in the audit log. The
        // client's is kept in the log span only, for correlating.
        let client_id = request
            .headers_mut()
            .remove(REQUEST_ID_HEADER)
            .filter(|value| is_sane_request_id(value.as_bytes()))
            .map(|value| value.to_str().unwrap_or_default().to_owned());
        let id = HeaderValue::from_str(&request_ids::next()).expect("request ids are ASCII");
        request.headers_mut().insert(REQUEST_ID_HEADER, id.clone());
        let span = tracing::info_span!(
            "request",
            id = id.to_str().unwrap_or_default(),
            client_id = client_id.as_deref().unwrap_or_default(),
            method = %request.method(),
            path = %request.uri().path()
        );
        // A browser's page or form gets the platform's errors as pages.
        let page_headers = api::wants_error_page(&request).then(|| request.headers().clone());
        // A request to a third-party app's own origin is that app's.
        let on_app_origin = app_origin::app_of_request(&self.state, &request);
        let state = Arc::clone(&self.state);
        let mut router = self.router.clone();
        Box::pin(
            async move {
                let mut response = match &on_app_origin {
                    None => tower::Service::<Request>::call(&mut router, request).await?,
                    Some(app) => match app_origin::route(&state, app.clone(), request).await {
                        Ok(request) => tower::Service::<Request>::call(&mut router, request).await?,
                        Err(answer) => answer,
                    },
                };
                if let Some(headers) = page_headers
                    && let Some(error) = response.extensions().get::<pages::HostError>()
                {
                    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
                    let place = match on_app_origin {
                        Some(app) => pages::Place::AppOrigin(app),
                        None => pages::Place::Platform,
                    };
                    response = pages::as_page(&state, response.status(), error, &headers, place).await;
                    if let Some(retry_after) = retry_after {
                        response.headers_mut().insert(header::RETRY_AFTER, retry_after);
                    }
                }
                if response.extensions().get::<pages::HostPage>().is_some() {
                    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, state.page_policy.clone());
                }
                response.headers_mut().insert(REQUEST_ID_HEADER, id);
                Ok(response)
            }
            .instrument(span),
        )
    }
}

fn is_sane_request_id(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= 64 && id.iter().all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c))
}

/// Request ids: unique per node start (a random prefix) and cheap (a counter).
mod request_ids {
    use std::sync::LazyLock;
    use std::sync::atomic::{AtomicU64, Ordering};

    static PREFIX: LazyLock<String> = LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_owned());
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    pub(super) fn next() -> String {
        format!("{}-{:x}", *PREFIX, COUNTER.fetch_add(1, Ordering::Relaxed))
    }
}
