//! The HTTP front: routing, request ids, health, and dispatch to apps.

mod apps;
mod error;
pub mod identity;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tracing::Instrument;

pub use error::ApiError;

use crate::catalog::Catalog;
use crate::config::Config;
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
    pub dev_caller_header: bool,
}

impl AppState {
    pub fn new(config: &Config, catalog: Arc<Catalog>, runtime: Arc<Runtime>, services: HostServices) -> AppState {
        AppState {
            catalog,
            runtime,
            services,
            request_body_bytes: config.http.request_body_bytes,
            dev_caller_header: config.dev_caller_header(),
        }
    }
}

/// The id of the current request, set by the request-context middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub Arc<str>);

/// The whole HTTP application; shared by `courtyard serve` and the tests.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/apps/{app}", any(apps::dispatch_root))
        .route("/apps/{app}/", any(apps::dispatch_root))
        .route("/apps/{app}/{*path}", any(apps::dispatch))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(request_context))
        .with_state(state)
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
            axum::Json(serde_json::json!({ "status": "ok", "database": backend, "apps": apps })).into_response()
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

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}

/// Gives every request an id (the client's, if it is a sane one), a tracing
/// span carrying it, and the id in the response.
async fn request_context(mut request: Request, next: Next) -> Response {
    let id: Arc<str> = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            !value.is_empty()
                && value.len() <= 64
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        })
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(uuid::Uuid::new_v4().to_string()));
    request.extensions_mut().insert(RequestId(Arc::clone(&id)));
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path());
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    response
}
