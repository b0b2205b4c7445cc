//! Pinboard's list without a sandbox: a plain axum handler that does the
//! same work as pinboard's `GET /posts` against the same database.
//!
//! It asks host storage for the 20 newest posts the caller may see and
//! answers with the JSON pinboard produces (the SDK's `Page` of `Doc`s), so
//! Courtyard's pinboard can be compared with the cost of the work itself.
//!
//! ```ignore
//! let server = Running::start(native::router(courtyard.database().clone())).await?;
//! ```

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use courtyard::storage::{Criteria, Database, DocumentScope, StoredDocument, Visibility};
use serde::{Deserialize, Serialize};

use crate::caller;

/// The route, the same as Courtyard's.
pub const PATH: &str = "/apps/pinboard/posts";

/// The routes of the native server.
pub fn router(database: Database) -> Router {
    Router::new().route(PATH, get(list)).with_state(database)
}

/// A post as pinboard stores it.
#[derive(Debug, Serialize, Deserialize)]
struct Post {
    title: String,
    body: String,
}

/// A document as the SDK hands it to pinboard, and pinboard serialises it.
#[derive(Debug, Serialize)]
struct Doc {
    id: String,
    owner: String,
    visibility: Visibility,
    created_at: u64,
    updated_at: u64,
    revision: u64,
    data: Post,
}

#[derive(Debug, Serialize)]
struct Page {
    items: Vec<Doc>,
    next_cursor: Option<String>,
}

async fn list(State(database): State<Database>) -> Response {
    let scope = DocumentScope {
        app: "pinboard".to_owned(),
        customer: caller::CUSTOMER.to_owned(),
        property: caller::PROPERTY.to_owned(),
        subject: Some(caller::SUBJECT.to_owned()),
    };
    let criteria = Criteria { limit: 20, ..Criteria::default() };
    let page = match database.query_documents(&scope, "posts", &criteria).await {
        Ok(page) => page,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    };
    let items = match page.documents.into_iter().map(decode).collect::<Result<Vec<_>, _>>() {
        Ok(items) => items,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    };
    Json(Page { items, next_cursor: page.next_cursor }).into_response()
}

fn decode(document: StoredDocument) -> serde_json::Result<Doc> {
    Ok(Doc {
        data: serde_json::from_str(&document.body)?,
        id: document.id,
        owner: document.owner,
        visibility: document.visibility,
        created_at: document.created_at,
        updated_at: document.updated_at,
        revision: document.revision,
    })
}
