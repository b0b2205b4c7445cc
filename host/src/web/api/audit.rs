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

use super::{Actor, Routes, route};
use crate::audit::{ActorKind, AuditEntry, Outcome};
use crate::identity::{Permission as P, Principal, Target};
use crate::storage::AuditQuery;
use crate::web::{ApiError, AppState, REQUEST_ID_HEADER};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::GET,
            "/api/customers/{customer}/audit",
            P::AuditRead,
            "Query the audit log by subject, app, actor, action and time; `format=jsonl` exports JSON Lines",
        )
        .returns::<AuditPage>(),
        query,
    );
    routes.add(
        route(
            Method::GET,
            "/api/me/access-log",
            P::Authenticated,
            "Who accessed your data, in plain words, newest first; filter by `app` and `outcome`, page with `before`",
        )
        .returns::<AccessLogPage>(),
        access_log,
    );
}

/// `GET /api/customers/{customer}/audit` filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Filters {
    subject: Option<String>,
    app: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    /// `allowed`, `denied` or `failed`.
    outcome: Option<String>,
    /// Milliseconds since the epoch, or RFC 3339.
    from: Option<String>,
    until: Option<String>,
    /// The `next` of the previous page.
    after: Option<i64>,
    limit: Option<i64>,
    /// `json` (default) or `jsonl`.
    format: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AuditPage {
    items: Vec<AuditEntry>,
    /// Pass as `after` for the next page.
    next: Option<i64>,
}

fn instant(field: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    if let Ok(ms) = value.parse::<i64>() {
        return Ok(Some(ms));
    }
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|at| Some((at.unix_timestamp_nanos() / 1_000_000) as i64))
        .map_err(|_| ApiError::invalid(format!("`{field}` must be milliseconds since the epoch or RFC 3339")))
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
    let export = match filters.format.as_deref() {
        None | Some("json") => false,
        Some("jsonl") => true,
        Some(_) => return Err(ApiError::invalid("`format` is `json` or `jsonl`")),
    };
    if filters.outcome.as_deref().is_some_and(|outcome| Outcome::from_name(outcome).is_none()) {
        return Err(ApiError::invalid("`outcome` is `allowed`, `denied` or `failed`"));
    }
    let limit = filters.limit.unwrap_or(if export { 1000 } else { 100 }).clamp(1, 1000);
    let query = AuditQuery {
        customer_id: Some(customer.clone()),
        subject_id: filters.subject.clone(),
        app_id: filters.app.clone(),
        actor_id: filters.actor.clone(),
        action: filters.action.clone(),
        outcome: filters.outcome.clone(),
        from_ms: instant("from", filters.from.as_deref())?,
        until_ms: instant("until", filters.until.as_deref())?,
        others_only: false,
        cursor: filters.after,
        newest_first: false,
        limit,
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
    let next = (items.len() as i64 >= limit).then(|| items.last().map(|entry| entry.seq)).flatten();
    if export {
        let mut lines = String::new();
        for item in &items {
            lines.push_str(&serde_json::to_string(item).map_err(ApiError::internal)?);
            lines.push('\n');
        }
        let mut response = ([(header::CONTENT_TYPE, "application/jsonl")], lines).into_response();
        if let Some(next) = next {
            response.headers_mut().insert("x-next-after", HeaderValue::from(next));
        }
        return Ok(response);
    }
    Ok(Json(AuditPage { items, next }).into_response())
}

/// One access to the resident's data, told plainly.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AccessRecord {
    /// Milliseconds since the epoch.
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

/// `GET /api/me/access-log` filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessLogFilters {
    /// Only what this app did.
    app: Option<String>,
    /// `allowed`, `denied` or `failed`.
    outcome: Option<String>,
    /// The `next` of the previous page: older records.
    before: Option<i64>,
    /// 1 to 200; 50 by default.
    limit: Option<i64>,
}

/// One page of a person's access log, newest first.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AccessLogPage {
    items: Vec<AccessRecord>,
    /// Pass as `before` for older records; absent on the last page.
    next: Option<i64>,
}

async fn access_log(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(filters): Query<AccessLogFilters>,
    headers: HeaderMap,
) -> Result<Json<AccessLogPage>, ApiError> {
    if let Some(outcome) = filters.outcome.as_deref().filter(|outcome| Outcome::from_name(outcome).is_none()) {
        return Err(ApiError::invalid(format!("`outcome` is `allowed`, `denied` or `failed`, not `{outcome}`")));
    }
    let limit = filters.limit.unwrap_or(50).clamp(1, 200);
    let query = AuditQuery {
        subject_id: Some(actor.user_id.clone()),
        app_id: filters.app.clone(),
        outcome: filters.outcome.clone(),
        others_only: true,
        newest_first: true,
        cursor: filters.before,
        limit,
        ..AuditQuery::default()
    };
    let mut entry = AuditEntry::new(ActorKind::User, &actor.user_id, "audit.read", "access-log");
    entry.subject_id = Some(actor.user_id.clone());
    entry.customer_id = actor.home_customer();
    entry.request_id = request_id(&headers);
    entry.purpose = Some("A person seeing who accessed their data".to_owned());
    state.services.auditor.write(entry).await.map_err(ApiError::internal)?;
    let entries = state.services.database.audit_entries(&query).await?;
    let next = (entries.len() as i64 >= limit).then(|| entries.last().map(|entry| entry.seq)).flatten();
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        items.push(describe(&state, &actor, entry).await);
    }
    Ok(Json(AccessLogPage { items, next }))
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
