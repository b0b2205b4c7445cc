//! Pinboard's list without a sandbox: a plain axum handler that does the
//! same work as pinboard's `GET /posts` against the same database.
//!
//! It asks host storage for the 20 newest posts the caller may see, decodes
//! them, looks up each author's display name and answers with the JSON
//! pinboard produces (`items` of post views, times in RFC 3339, and `next`),
//! so Courtyard's pinboard can be compared with the cost of the work itself.
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
use courtyard::storage::{Criteria, Database, DocumentScope, Reader, StoredDocument};
use serde::{Deserialize, Serialize};

use crate::caller;

/// The route, the same as Courtyard's.
pub const PATH: &str = "/apps/pinboard/posts";

/// The routes of the native server.
pub fn router(database: Database) -> Router {
    Router::new().route(PATH, get(list)).with_state(database)
}

/// A post as pinboard stores it.
#[derive(Debug, Deserialize)]
struct Post {
    title: String,
    body: String,
}

/// A post as pinboard's API shows it.
#[derive(Debug, Serialize)]
struct PostView<'a> {
    id: &'a str,
    author: &'a str,
    author_name: Option<&'a str>,
    title: &'a str,
    body: &'a str,
    created_at: String,
    mine: bool,
}

#[derive(Debug, Serialize)]
struct Page<'a> {
    items: Vec<PostView<'a>>,
    next: Option<String>,
}

async fn list(State(database): State<Database>) -> Response {
    let scope = DocumentScope {
        app: "pinboard".to_owned(),
        customer: caller::get().customer.clone(),
        property: caller::get().property.clone(),
        reader: Reader { subject: Some(caller::get().subject.clone()), staff: false, units: Vec::new() },
        own_only: false,
        owners: None,
    };
    let criteria = Criteria { limit: 20, ..Criteria::default() };
    let page = match database.query_documents(&scope, "posts", &criteria).await {
        Ok(page) => page,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    };
    let posts = match page.documents.iter().map(|doc| serde_json::from_str(&doc.body)).collect::<Result<Vec<Post>, _>>()
    {
        Ok(posts) => posts,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    };
    // Pinboard reads each distinct author's display name; so does this.
    let mut names: Vec<(String, String)> = Vec::new();
    for doc in &page.documents {
        if names.iter().any(|(owner, _)| *owner == doc.owner) {
            continue;
        }
        match database.user(&doc.owner).await {
            Ok(Some(user)) => names.push((doc.owner.clone(), user.name)),
            Ok(None) => {}
            Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
        }
    }
    let name_of = |owner: &str| names.iter().find(|(known, _)| known == owner).map(|(_, name)| name.as_str());
    let items = page.documents.iter().zip(&posts).map(|(doc, post)| view(doc, post, name_of(&doc.owner))).collect();
    Json(Page { items, next: page.next_cursor.map(|cursor| format!("c{}", cursor.seq)) }).into_response()
}

fn view<'a>(doc: &'a StoredDocument, post: &'a Post, author_name: Option<&'a str>) -> PostView<'a> {
    PostView {
        id: &doc.id,
        author: &doc.owner,
        author_name,
        title: &post.title,
        body: &post.body,
        created_at: rfc3339(doc.created_at),
        mine: doc.owner == caller::get().subject,
    }
}

/// Milliseconds since the epoch as pinboard writes them: `2026-12-04T18:20:00.123Z`.
fn rfc3339(epoch_ms: u64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .ok()
        .and_then(|moment| moment.format(&format).ok())
        .unwrap_or_default()
}
