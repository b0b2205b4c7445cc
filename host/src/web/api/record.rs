//! Audit entries for what people do through the platform API: every
//! successful create, update and delete, and every read of one person's
//! data by someone else. The response waits until the entry is durable;
//! if it cannot be written the caller gets an error, not a success.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Gate;
use crate::audit::{ActorKind, AuditEntry, Outcome};
use crate::identity::Principal;
use crate::web::{ApiError, REQUEST_ID_HEADER};

/// Largest response body read back for the ids it carries.
const READ_BACK_BYTES: usize = 1 << 20;

/// Set by a handler on its response when the person whose data the action
/// changed is not the caller, nor named by the route (a link from a mail,
/// used without signing in): the entry then names them as its subject, and
/// what of theirs it changed.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub person: String,
    pub resource: String,
}

/// Set by a handler on its response when a request made without a session
/// turned out to be a person's: signing in or signing up by a page's form
/// (the API's answers name them in their JSON instead). The entry names
/// them as its actor and subject, in their customer.
#[derive(Debug, Clone)]
pub(crate) struct Identified {
    pub user: String,
}

/// Whether a request through `gate` gets an audit entry.
pub(super) fn audited(gate: &Gate, method: &Method) -> bool {
    let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    (writes && !gate.path.starts_with("/apps/")) || (gate.person.is_some() && *method == Method::GET)
}

/// What the request was aimed at, taken before the handler consumes it.
pub(super) struct Target {
    method: Method,
    path: String,
    request_id: Option<String>,
}

impl Target {
    pub(super) fn of(request: &Request) -> Target {
        Target {
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            request_id: request.headers().get(REQUEST_ID_HEADER).and_then(|id| id.to_str().ok()).map(str::to_owned),
        }
    }
}

/// Records a successful action and answers the response, or an error if
/// the entry could not be made durable.
pub(super) async fn person_action(
    gate: &Gate,
    principal: Option<Arc<Principal>>,
    target: Target,
    response: Response,
) -> Response {
    // A form post that worked answers with a redirect (303 See Other).
    let done = response.status().is_success() || (response.status().is_redirection() && target.method != Method::GET);
    let refused = matches!(response.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
    if refused && let Some(principal) = principal {
        return person_refused(gate, &principal, target, response).await;
    }
    if !done {
        return response;
    }
    let params = path_params(gate.path, &target.path);
    let param = |name: &str| params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.clone());
    let (actor_kind, actor_id) = match &principal {
        Some(principal) => (ActorKind::User, principal.user_id.clone()),
        None => (ActorKind::Anonymous, "anonymous".to_owned()),
    };
    let action = format!("{} {}", target.method, gate.path);
    let mut entry = AuditEntry::new(actor_kind, &actor_id, &action, resource_type(gate.path));
    entry.request_id = target.request_id;
    entry.purpose = Some(gate.summary.to_owned()).filter(|summary| !summary.is_empty());
    entry.resource_id = params.last().map(|(_, value)| value.clone());
    entry.customer_id = param("customer");
    entry.subject_id = gate.person.and_then(param).or_else(|| param("user"));
    // The person's own account, apps and settings: what they change is theirs.
    if gate.path.starts_with("/api/me") || gate.path.starts_with("/account/") || gate.path.ends_with("/consent") {
        entry.subject_id = principal.as_ref().map(|principal| principal.user_id.clone());
    }
    if let Some(Subject { person, resource }) = response.extensions().get::<Subject>() {
        entry.subject_id = Some(person.clone());
        entry.resource_id = Some(resource.clone());
    }
    if let Some(Identified { user }) = response.extensions().get::<Identified>() {
        entry.subject_id = Some(user.clone());
        // (A browser still signed in as someone else keeps them as the actor.)
        if principal.is_none() {
            entry.actor_kind = ActorKind::User;
            entry.actor_id = user.clone();
            entry.customer_id = gate.state.identity.home_customer_of(user).await.unwrap_or_else(|err| {
                tracing::warn!(error = %err, "the customer of a person signing in could not be read");
                None
            });
        }
    }
    let response = if target.method != Method::GET {
        // People, units, occupancies or properties may have changed.
        gate.state.services.profiles.clear();
        read_back(response, &mut entry).await
    } else {
        response
    };
    if entry.customer_id.is_none() {
        entry.customer_id = principal.as_ref().and_then(|principal| principal.home_customer());
    }
    match gate.state.services.auditor.write(entry).await {
        Ok(_) => response,
        Err(err) => {
            tracing::error!(error = %err, "an action could not be audited");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit_unavailable",
                "the action could not be recorded in the audit log; try again",
            )
            .into_response()
        }
    }
}

/// Records an attempt the handler refused (an object outside the caller's
/// reach, or an action they may not take there). The entry belongs to the
/// caller's own customer, never to the one whose object was tried: a
/// foreign customer's log shows nothing of it, and learns nothing either.
async fn person_refused(gate: &Gate, principal: &Principal, target: Target, response: Response) -> Response {
    let params = path_params(gate.path, &target.path);
    let action = format!("{} {}", target.method, gate.path);
    let mut entry = AuditEntry::new(ActorKind::User, &principal.user_id, &action, resource_type(gate.path));
    entry.request_id = target.request_id;
    entry.purpose = Some(gate.summary.to_owned()).filter(|summary| !summary.is_empty());
    entry.resource_id = params.last().map(|(_, value)| value.chars().take(200).collect());
    entry.customer_id = principal.home_customer();
    entry.outcome = Outcome::Denied;
    entry.reason = Some(format!("refused: {}", response.status().as_u16()));
    match gate.state.services.auditor.write(entry).await {
        Ok(_) => response,
        Err(err) => {
            tracing::error!(error = %err, "a refused attempt could not be audited");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable", "try again").into_response()
        }
    }
}

/// A list of people's data that staff were shown: which route, in which
/// customer (none for the platform's own operators), and why.
pub(crate) struct Listing<'a> {
    pub customer_id: Option<&'a str>,
    pub action: &'a str,
    pub purpose: &'a str,
}

/// Records, for every person in a list staff were shown (`people`, by user
/// id), one entry in that person's access log; the list is answered only
/// once every entry is durable.
pub(crate) async fn people_listed(
    state: &crate::web::AppState,
    actor: &Principal,
    listing: Listing<'_>,
    people: &[&str],
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let request_id = headers.get(REQUEST_ID_HEADER).and_then(|id| id.to_str().ok());
    let mut seen: Vec<&str> = Vec::with_capacity(people.len());
    let mut receipts = Vec::with_capacity(people.len());
    for person in people.iter().copied().filter(|person| *person != actor.user_id) {
        if seen.contains(&person) {
            continue;
        }
        seen.push(person);
        let mut entry = AuditEntry::new(ActorKind::User, &actor.user_id, listing.action, "person");
        entry.customer_id = listing.customer_id.map(str::to_owned);
        entry.subject_id = Some(person.to_owned());
        entry.resource_id = Some(person.to_owned());
        entry.request_id = request_id.map(str::to_owned);
        entry.purpose = Some(listing.purpose.to_owned());
        receipts.push(state.services.auditor.record(entry));
    }
    for receipt in receipts {
        receipt.settled().await.map_err(ApiError::internal)?;
    }
    Ok(())
}

/// Reads ids out of a JSON response (the created object's `id`, its
/// `customer_id`, a `user_id`) and hands the response on unchanged.
async fn read_back(response: Response, entry: &mut AuditEntry) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, READ_BACK_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        let text = |name: &str| fields.get(name).and_then(|value| value.as_str()).map(str::to_owned);
        if entry.action.starts_with("POST") {
            entry.resource_id = text("id").or(entry.resource_id.take());
        }
        entry.customer_id = entry.customer_id.take().or_else(|| text("customer_id"));
        entry.subject_id = entry.subject_id.take().or_else(|| text("user_id"));
        // Signing in or up: whoever it was is who the answer names.
        if entry.actor_kind == ActorKind::Anonymous
            && let Some(user) = text("user_id")
        {
            entry.actor_kind = ActorKind::User;
            entry.actor_id = user;
        }
        // Approvals and consents: which grants (names of grants, not data).
        if let Some(grants) = fields.get("grants").and_then(|value| value.as_array()) {
            let names: Vec<&str> = grants.iter().filter_map(|grant| grant.as_str()).collect();
            entry.fields = Some(names.join(","));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The kind of thing a route is about: its last literal segment.
fn resource_type(template: &'static str) -> &'static str {
    template.rsplit('/').find(|segment| !segment.is_empty() && !segment.starts_with('{')).unwrap_or("platform")
}

/// The values of the template's `{params}` in `path`.
fn path_params(template: &'static str, path: &str) -> Vec<(&'static str, String)> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(pattern, value)| {
            let name = pattern.strip_prefix('{')?.strip_suffix('}')?;
            (!name.starts_with('*')).then(|| (name, value.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_and_resource_types_come_from_the_template() {
        assert_eq!(
            path_params("/api/customers/{customer}/properties", "/api/customers/c1/properties"),
            [("customer", "c1".to_owned())]
        );
        assert_eq!(resource_type("/api/customers/{customer}/properties"), "properties");
        assert_eq!(resource_type("/api/properties/{property}"), "properties");
        assert_eq!(resource_type("/api/me"), "me");
    }
}
