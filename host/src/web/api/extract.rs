//! Extractors whose rejections use the platform's error shape: a malformed
//! path, query string or JSON body answers `{"error": {...}}` like every
//! other refusal, never a framework's plain-text message.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::DeclaredQuery;
use crate::web::{ApiError, AppState};

/// Longest part of a rejection's own description passed on.
const DETAIL: usize = 300;

/// A JSON body whose rejections use the platform's error shape.
pub(crate) struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send JSON with Content-Type: application/json",
            )),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large"))
            }
            Err(rejection) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                rejection.body_text().chars().take(DETAIL).collect::<String>(),
            )),
        }
    }
}

/// Path parameters; a value that does not fit answers 404, as an object
/// that does not exist would.
pub(crate) struct Path<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(_) => Err(ApiError::not_found("not found")),
        }
    }
}

/// A query string; one that does not parse answers 400 saying why.
///
/// On an API route it must be the type the route declares with
/// `.query::<T>()`, whose schema documents the parameters: a handler that
/// reads another type fails every request (and so every test that calls
/// it) instead of serving a description that lies.
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(DeclaredQuery(declared)) = parts.extensions.get::<DeclaredQuery>()
            && *declared != Some(std::any::type_name::<T>())
        {
            return Err(ApiError::internal(format!(
                "{} reads its query as {} but declares {}",
                parts.uri.path(),
                std::any::type_name::<T>(),
                declared.unwrap_or("none")
            )));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                rejection.body_text().chars().take(DETAIL).collect::<String>(),
            )),
        }
    }
}
