//! Access requests: someone without a code asks for access at an address;
//! the managers of the one building there (or, failing one, an operator)
//! approve it into a unit or reject it, and the requester learns by mail.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use schemars::JsonSchema;
use serde::Deserialize;

use super::accounts::send_verification;
use super::paging::{self, PageSize};
use super::record::Listing;
use super::tenancy::{foreign, occupancy_for, property_for, unit_for};
use super::units::period;
use super::{Actor, Body, Page, Paging, Path, Query, Routes, email, optional_text, route, text};
use crate::i18n::Texts;
use crate::identity::{Permission as P, Principal, hash_password};
use crate::storage::{AccessRequest, User, address_key};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::POST, "/api/access-requests", P::Public, "Ask for access to a building by its address")
            .id("requestAccess")
            .sign_in_optional()
            .takes::<NewAccessRequest>()
            .status(202),
        request_access,
    );
    routes.add(
        route(
            Method::GET,
            "/api/properties/{property}/access-requests",
            P::AccessRequestsDecide,
            "List a property's access requests, pending ones unless `status` says otherwise",
        )
        .id("listPropertyAccessRequests")
        .query::<StatusFilter>()
        .returns::<Page<AccessRequest>>(),
        list_requests,
    );
    routes.add(
        route(
            Method::GET,
            "/api/access-requests",
            P::OperatorsManage,
            "Pending access requests for addresses that match no single building (operators route them)",
        )
        .id("listUnroutedAccessRequests")
        .query::<Paging>()
        .returns::<Page<AccessRequest>>(),
        list_unrouted,
    );
    routes.add(
        route(
            Method::POST,
            "/api/access-requests/{request}/approve",
            P::AccessRequestsDecide,
            "Approve an access request: the requester joins a unit",
        )
        .id("approveAccessRequest")
        .takes::<Approval>()
        .returns::<AccessRequest>()
        .status(200),
        approve,
    );
    routes.add(
        route(
            Method::POST,
            "/api/access-requests/{request}/reject",
            P::AccessRequestsDecide,
            "Reject an access request",
        )
        .id("rejectAccessRequest")
        .takes::<Rejection>()
        .returns::<AccessRequest>()
        .status(200),
        reject,
    );
}

/// Someone without a code asks for access. Signed in, only the address
/// fields count; otherwise an account is created along with the request.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAccessRequest {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    locale: Option<String>,
    street: String,
    postal_code: String,
    city: String,
    /// The flat as the requester knows it, e.g. "3rd floor left".
    unit_label: String,
    message: Option<String>,
}

pub(crate) async fn request_access(
    State(state): State<AppState>,
    actor: Option<Actor>,
    Body(body): Body<NewAccessRequest>,
) -> Result<StatusCode, ApiError> {
    let street = text("street", &body.street, 200)?;
    let postal_code = text("postal_code", &body.postal_code, 20)?;
    let city = text("city", &body.city, 100)?;
    let unit_label = text("unit_label", &body.unit_label, 100)?;
    let message = optional_text("message", body.message.as_deref(), 1000)?.unwrap_or_default();
    let database = &state.services.database;
    let user: User = match actor {
        Some(Actor(actor)) => database.user(&actor.user_id).await?.ok_or_else(foreign)?,
        None => {
            let password = body.password.clone().ok_or_else(|| {
                ApiError::invalid("`password` is required").with_problem("problem.missing_fields", &[])
            })?;
            super::validate::password(&password)?;
            let name = text("name", body.name.as_deref().unwrap_or_default(), 200)?;
            let address = email(body.email.as_deref().unwrap_or_default())?;
            let locale = match &body.locale {
                Some(tag) => super::accounts::locale(tag)?,
                None => "en".to_owned(),
            };
            if let Some(existing) = database.user_by_email(&address).await? {
                // Same answer as for a new address; the owner learns by mail.
                let t = Texts::for_mail(&existing.locale);
                let address = format!("{street}, {postal_code} {city}");
                let mail = t.f("mail.access_known_body", &[("name", &existing.name), ("address", &address)]);
                state.mailer.send(&existing.email, t.t("mail.access_subject"), &mail).await?;
                return Ok(StatusCode::ACCEPTED);
            }
            let hash = hash_password(password).await.map_err(ApiError::internal)?;
            let user = database.insert_user(&address, &name, &locale, Some(&hash), false).await?;
            send_verification(&state, &user).await?;
            user
        }
    };
    let matches = database.properties_at(&address_key(&street, &postal_code)).await?;
    // Exactly one building at that address: its managers see the request.
    // None or several: it waits for an operator to route it.
    let target = match matches.as_slice() {
        [one] => Some((one.customer_id.as_str(), one.id.as_str())),
        _ => None,
    };
    database.insert_access_request(&user.id, target, &street, &postal_code, &city, &unit_label, &message).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /api/properties/{property}/access-requests`: which ones, a page at a time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StatusFilter {
    /// Requests in this state; `pending` if absent.
    #[serde(default)]
    status: RequestStatus,
    /// The `next` of the previous page; absent for the first page.
    #[serde(default)]
    after: String,
    /// How many items a page holds: 1 to 200, 50 if absent; another
    /// number is refused.
    #[schemars(range(min = 1, max = 200))]
    limit: Option<i64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[schemars(rename = "AccessRequestStatus")]
#[serde(rename_all = "lowercase")]
enum RequestStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
}

impl RequestStatus {
    fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
        }
    }
}

async fn list_requests(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
    Query(filter): Query<StatusFilter>,
    headers: HeaderMap,
) -> Result<Json<Page<AccessRequest>>, ApiError> {
    let property = property_for(&state, &actor, P::AccessRequestsDecide, &property).await?;
    let size = PageSize::of(filter.limit, paging::DEFAULT_LIMIT, crate::storage::MAX_PAGE)?;
    let database = &state.services.database;
    let requests = database.access_requests(&property.id, filter.status.as_str(), &filter.after, size.probe()).await?;
    let requests = Page::of(requests, size, |request| request.id.clone());
    let listing = Listing {
        customer_id: Some(&property.customer_id),
        action: "GET /api/properties/{property}/access-requests",
        purpose: "Staff deciding requests for access to a property",
    };
    requests_listed(&state, &actor, listing, &requests.items, &headers).await?;
    Ok(Json(requests))
}

async fn list_unrouted(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(paging): Query<Paging>,
    headers: HeaderMap,
) -> Result<Json<Page<AccessRequest>>, ApiError> {
    let size = paging.size()?;
    let requests = state.services.database.unrouted_access_requests(&paging.after, size.probe()).await?;
    let requests = Page::of(requests, size, |request| request.id.clone());
    let listing = Listing {
        customer_id: None,
        action: "GET /api/access-requests",
        purpose: "An operator routing requests for access no property matched",
    };
    requests_listed(&state, &actor, listing, &requests.items, &headers).await?;
    Ok(Json(requests))
}

/// Each requester sees, in their access log, that staff looked at their request.
async fn requests_listed(
    state: &AppState,
    actor: &Principal,
    listing: Listing<'_>,
    requests: &[AccessRequest],
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let requesters: Vec<&str> = requests.iter().map(|request| request.user_id.as_str()).collect();
    super::record::people_listed(state, actor, listing, &requesters, headers).await
}

async fn request_for(state: &AppState, actor: &Principal, id: &str) -> Result<AccessRequest, ApiError> {
    let request = state.services.database.access_request(id).await?.ok_or_else(foreign)?;
    let reachable = match (&request.customer_id, &request.property_id) {
        (Some(c), Some(p)) => actor.may(P::AccessRequestsDecide, crate::identity::Target::property(c, p)),
        _ => actor.is_operator(),
    };
    if reachable { Ok(request) } else { Err(foreign()) }
}

/// Put the requester into a unit: a new occupancy of `unit_id` from
/// `starts_on` (default today), or an existing `occupancy_id`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "AccessRequestApproval")]
#[serde(deny_unknown_fields)]
struct Approval {
    unit_id: Option<String>,
    starts_on: Option<String>,
    ends_on: Option<String>,
    occupancy_id: Option<String>,
}

async fn approve(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(body): Body<Approval>,
) -> Result<Json<AccessRequest>, ApiError> {
    let request = request_for(&state, &actor, &id).await?;
    if request.status != "pending" {
        return Err(ApiError::conflict(format!("this request was already {}", request.status)));
    }
    let database = &state.services.database;
    let occupancy = match (&body.occupancy_id, &body.unit_id) {
        (Some(occupancy), None) => occupancy_for(&state, &actor, P::OccupanciesWrite, occupancy).await?,
        (None, Some(unit)) => {
            let unit = unit_for(&state, &actor, P::OccupanciesWrite, unit).await?;
            let starts = body.starts_on.clone().unwrap_or_else(crate::identity::today);
            let (starts_on, ends_on) = period(&starts, body.ends_on.as_deref())?;
            database.insert_occupancy(&unit, None, &starts_on, ends_on.as_deref()).await?
        }
        _ => return Err(ApiError::invalid("give either `unit_id` or `occupancy_id`")),
    };
    if request.property_id.as_deref().is_some_and(|p| p != occupancy.property_id) {
        return Err(ApiError::invalid("the unit is not in the building the request is for"));
    }
    if !database.decide_access_request(&request.id, "approved", &actor.user_id, Some(&occupancy.id)).await? {
        return Err(ApiError::conflict("this request was decided meanwhile"));
    }
    database.add_occupant(&occupancy.id, &request.user_id).await?;
    state.identity.forget_user(&request.user_id);
    if let Some(user) = database.user(&request.user_id).await? {
        let t = Texts::for_mail(&user.locale);
        let address = format!("{}, {} {}", request.street, request.postal_code, request.city);
        let site = format!("{}/", state.public_url);
        let mail = t.f("mail.access_approved_body", &[("name", &user.name), ("address", &address), ("site", &site)]);
        state.mailer.send(&user.email, t.t("mail.access_approved_subject"), &mail).await?;
    }
    let decided = database.access_request(&request.id).await?.ok_or_else(foreign)?;
    Ok(Json(decided))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "AccessRequestRejection")]
#[serde(deny_unknown_fields)]
struct Rejection {
    /// Told to the requester by mail.
    reason: Option<String>,
}

async fn reject(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
    Body(body): Body<Rejection>,
) -> Result<Json<AccessRequest>, ApiError> {
    let request = request_for(&state, &actor, &id).await?;
    let reason = optional_text("reason", body.reason.as_deref(), 1000)?;
    let database = &state.services.database;
    if !database.decide_access_request(&request.id, "rejected", &actor.user_id, None).await? {
        return Err(ApiError::conflict(format!("this request was already {}", request.status)));
    }
    if let Some(user) = database.user(&request.user_id).await? {
        let t = Texts::for_mail(&user.locale);
        let address = format!("{}, {} {}", request.street, request.postal_code, request.city);
        let mut mail = t.f("mail.access_rejected_body", &[("name", &user.name), ("address", &address)]);
        if let Some(reason) = reason {
            mail.push_str(&t.f("mail.access_rejected_reason", &[("reason", &reason)]));
        }
        state.mailer.send(&user.email, t.t("mail.access_subject"), &mail).await?;
    }
    let decided = database.access_request(&request.id).await?.ok_or_else(foreign)?;
    Ok(Json(decided))
}
