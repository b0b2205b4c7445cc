//! Reading the audit log: customer admins query and export their
//! customer's entries; residents see who accessed their data, in plain
//! words. Every read of the log is itself audited.

use super::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::paging::{self, PageSize};
use super::{Actor, Page, Routes, route};
use crate::audit::{ActorKind, AuditEntry, Outcome};
use crate::identity::{Permission as P, Principal, Target};
use crate::storage::{AuditQuery, MAX_AUDIT_PAGE, MAX_PAGE};
use crate::web::{ApiError, AppState, REQUEST_ID_HEADER};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::GET,
            "/api/customers/{customer}/audit",
            P::AuditRead,
            "Query the audit log by subject, app, actor, action, outcome and time; `format=jsonl` exports JSON Lines",
        )
        .id("queryAuditLog")
        .query::<Filters>()
        .returns::<Page<AuditEntry>>()
        .returns_media("application/jsonl", |_| {
            serde_json::json!({ "schema": {
                "type": "string",
                "description": "JSON Lines: one `AuditEntry` object (#/components/schemas/AuditEntry) per line; \
                                the header `x-next-after` holds the cursor of the next page"
            } })
        }),
        query,
    );
    routes.add(
        route(
            Method::GET,
            "/api/me/access-log",
            P::Authenticated,
            "Who accessed your data, in plain words, newest first; filter by `app` and `outcome`",
        )
        .id("listMyAccessLog")
        .query::<AccessLogFilters>()
        .returns::<Page<AccessRecord>>(),
        access_log,
    );
}

/// `GET /api/customers/{customer}/audit` filters, oldest entry first.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Filters {
    /// Entries about this person (a user id).
    subject: Option<String>,
    /// Entries of this app (an app id).
    app: Option<String>,
    /// Entries by this actor: a user id, an app id or a job's name.
    actor: Option<String>,
    /// Entries of this action, e.g. `profile.read` or `POST /api/customers/{customer}/properties`.
    action: Option<String>,
    /// Entries with this outcome.
    outcome: Option<Outcome>,
    /// Entries at or after this time (RFC 3339).
    #[serde(default, with = "crate::timestamp::OptionalRfc3339")]
    from: Option<i64>,
    /// Entries before this time (RFC 3339).
    #[serde(default, with = "crate::timestamp::OptionalRfc3339")]
    until: Option<i64>,
    /// The `next` of the previous page; absent for the first page.
    #[serde(default)]
    after: String,
    /// Entries a page holds: 1 to 1000; 100 by default, 1000 for `jsonl`.
    /// Another number is refused.
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<i64>,
    /// `json` (a page) or `jsonl` (JSON Lines, for export).
    #[serde(default)]
    format: Format,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(rename = "AuditExportFormat")]
#[serde(rename_all = "lowercase")]
enum Format {
    #[default]
    Json,
    Jsonl,
}

async fn query(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(customer): Path<String>,
    Query(filters): Query<Filters>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !actor.may(P::AuditRead, Target::customer(&customer)) {
        return Err(super::tenancy::foreign());
    }
    let export = filters.format == Format::Jsonl;
    let cursor = paging::after_number(&filters.after)?;
    let size = PageSize::of(filters.limit, if export { MAX_AUDIT_PAGE } else { 100 }, MAX_AUDIT_PAGE)?;
    let query = AuditQuery {
        customer_id: Some(customer.clone()),
        subject_id: filters.subject.clone(),
        app_id: filters.app.clone(),
        actor_id: filters.actor.clone(),
        action: filters.action.clone(),
        outcome: filters.outcome.map(|outcome| outcome.as_str().to_owned()),
        from_ms: filters.from,
        until_ms: filters.until,
        others_only: false,
        cursor,
        newest_first: false,
        limit: size.probe(),
    };
    // The read is recorded, and durable, before anything is shown.
    let used: Vec<&str> = [
        ("subject", filters.subject.is_some()),
        ("app", filters.app.is_some()),
        ("actor", filters.actor.is_some()),
        ("action", filters.action.is_some()),
        ("outcome", filters.outcome.is_some()),
        ("from", filters.from.is_some()),
        ("until", filters.until.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    let mut entry = AuditEntry::new(
        ActorKind::User,
        &actor.user_id,
        if export { "audit.export" } else { "audit.read" },
        "audit-log",
    );
    entry.customer_id = Some(customer);
    entry.request_id = request_id(&headers);
    entry.subject_id = filters.subject.clone();
    entry.fields = Some(used.join(","));
    entry.purpose = Some("Review of data access by the data controller".to_owned());
    state.services.auditor.write(entry).await.map_err(ApiError::internal)?;
    let items = state.services.database.audit_entries(&query).await?;
    let page = Page::of(items, size, |entry| entry.seq.to_string());
    if export {
        let mut lines = String::new();
        for item in &page.items {
            lines.push_str(&serde_json::to_string(item).map_err(ApiError::internal)?);
            lines.push('\n');
        }
        let mut response = ([(header::CONTENT_TYPE, "application/jsonl")], lines).into_response();
        if let Some(next) = page.next.and_then(|next| HeaderValue::from_str(&next).ok()) {
            response.headers_mut().insert("x-next-after", next);
        }
        return Ok(response);
    }
    Ok(Json(page).into_response())
}

/// One access to the resident's data, told plainly.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AccessRecord {
    #[serde(with = "crate::timestamp::Rfc3339")]
    at: i64,
    /// Who: an app (with its vendor) or a person with their role.
    who: String,
    /// What they did, e.g. `read your email address`.
    what: String,
    /// The app, when an app did it.
    app: Option<String>,
    /// `allowed`, `denied` or `failed`.
    outcome: String,
    /// The sentence to show.
    text: String,
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(REQUEST_ID_HEADER).and_then(|id| id.to_str().ok()).map(str::to_owned)
}

/// `GET /api/me/access-log` filters, newest record first.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessLogFilters {
    /// Only what this app did (an app id).
    app: Option<String>,
    /// Only records with this outcome.
    outcome: Option<Outcome>,
    /// The `next` of the previous page (older records); absent for the first page.
    #[serde(default)]
    after: String,
    /// How many records a page holds: 1 to 200, 50 if absent; another
    /// number is refused.
    #[schemars(range(min = 1, max = 200))]
    limit: Option<i64>,
}

async fn access_log(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(filters): Query<AccessLogFilters>,
    headers: HeaderMap,
) -> Result<Json<Page<AccessRecord>>, ApiError> {
    let cursor = paging::after_number(&filters.after)?;
    let size = PageSize::of(filters.limit, paging::DEFAULT_LIMIT, MAX_PAGE)?;
    let query = AuditQuery {
        subject_id: Some(actor.user_id.clone()),
        app_id: filters.app.clone(),
        outcome: filters.outcome.map(|outcome| outcome.as_str().to_owned()),
        others_only: true,
        newest_first: true,
        cursor,
        limit: size.probe(),
        ..AuditQuery::default()
    };
    let mut entry = AuditEntry::new(ActorKind::User, &actor.user_id, "audit.read", "access-log");
    entry.subject_id = Some(actor.user_id.clone());
    entry.customer_id = actor.home_customer();
    entry.request_id = request_id(&headers);
    entry.purpose = Some("A person seeing who accessed their data".to_owned());
    state.services.auditor.write(entry).await.map_err(ApiError::internal)?;
    let entries = state.services.database.audit_entries(&query).await?;
    let page = Page::of(entries, size, |entry| entry.seq.to_string());
    let mut items = Vec::with_capacity(page.items.len());
    for entry in page.items {
        items.push(describe(&state, &actor, entry).await);
    }
    Ok(Json(Page { items, next: page.next }))
}

async fn describe(state: &AppState, me: &Principal, entry: AuditEntry) -> AccessRecord {
    let who = match entry.actor_kind {
        ActorKind::App => match state.catalog.get(&entry.actor_id) {
            Some(app) => format!(
                "{} ({} app by {})",
                app.manifest.name,
                if app.manifest.kind.as_str() == "core" { "platform" } else { "third-party" },
                app.manifest.vendor
            ),
            None => format!("the app {}", entry.actor_id),
        },
        ActorKind::User => match state.services.database.user(&entry.actor_id).await {
            Ok(Some(user)) if user.id == me.user_id => "you".to_owned(),
            Ok(Some(user)) => format!("{} (staff)", user.name),
            _ => "a former staff member".to_owned(),
        },
        ActorKind::System => "the platform".to_owned(),
        ActorKind::Anonymous if entry.action == "POST /account/unsubscribe" => {
            "someone with the link from a mail to you".to_owned()
        }
        ActorKind::Anonymous => "someone not signed in".to_owned(),
    };
    let fields = entry.fields.clone().unwrap_or_default().replace(',', ", ");
    let host = entry.resource_id.clone().unwrap_or_else(|| "another server".to_owned());
    // (what was done, what was tried)
    let (done, tried) = match entry.action.as_str() {
        "profile.read" => (format!("read your {fields}"), format!("read your {fields}")),
        "collections.get" | "collections.query" => {
            ("read data you keep in the app".to_owned(), "read data you keep in the app".to_owned())
        }
        "collections.insert" | "collections.update" => {
            ("stored data for you".to_owned(), "store data for you".to_owned())
        }
        "collections.delete" => {
            ("deleted data you kept in the app".to_owned(), "delete data you keep in the app".to_owned())
        }
        "notifications.send" => ("sent you a notification".to_owned(), "send you a notification".to_owned()),
        "outbound-http.send" => {
            (format!("sent a request to {host} on your behalf"), format!("send a request to {host} on your behalf"))
        }
        "audit.read" | "audit.export" => {
            ("looked at the audit log about you".to_owned(), "look at the audit log about you".to_owned())
        }
        action if action.starts_with("GET ") && action.ends_with("/people") => {
            ("listed your account among the customer's people".to_owned(), "list your account".to_owned())
        }
        action if action.starts_with("GET ") && action.ends_with("/occupancies") => {
            ("listed where you live among the building's occupancies".to_owned(), "list where you live".to_owned())
        }
        action if action.starts_with("GET ") && action.ends_with("/role-assignments") => {
            ("listed the roles you hold among the customer's staff".to_owned(), "list your roles".to_owned())
        }
        "POST /account/unsubscribe" => {
            let app = entry.resource_id.as_deref().unwrap_or_default();
            let app = state.catalog.get(app).map_or_else(|| app.to_owned(), |app| app.manifest.name.clone());
            let done = format!("stopped the mails about notifications from {app}");
            (done.clone(), done)
        }
        "GET /api/operators" => ("listed you among the platform's operators".to_owned(), "list you".to_owned()),
        action if action.starts_with("GET ") && action.ends_with("/access-requests") => {
            ("looked at your request for access".to_owned(), "look at your request for access".to_owned())
        }
        action if action.starts_with("GET ") => {
            ("looked at your account".to_owned(), "look at your account".to_owned())
        }
        _ => (format!("changed {}", entry.resource_type), format!("change {}", entry.resource_type)),
    };
    let (what, text) = match entry.outcome {
        Outcome::Denied => (tried.clone(), format!("{who} tried to {tried} and was refused")),
        _ => (done.clone(), format!("{who} {done}")),
    };
    let app = (entry.actor_kind == ActorKind::App).then(|| entry.actor_id.clone());
    AccessRecord { at: entry.at, who, what, app, outcome: entry.outcome.as_str().to_owned(), text }
}
