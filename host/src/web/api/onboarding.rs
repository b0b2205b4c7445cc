//! The three ways in: (a) an activation code from the property manager,
//! (b) an invitation from someone you live with, (c) an access request the
//! property manager approves.

use super::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::accounts::send_verification;
use super::record::Listing;
use super::tenancy::{foreign, occupancy_for, property_for, unit_for};
use super::units::period;
use super::{Actor, Body, Page, Routes, created, email, optional_text, route, text};
use crate::identity::{Permission as P, Principal, activation_code, digest, hash_password};
use crate::storage::{AccessRequest, ActivationCodeInfo, TokenPurpose, User, address_key, now_ms};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::POST,
            "/api/occupancies/{occupancy}/activation-codes",
            P::ActivationCodesIssue,
            "Issue a single-use activation code for an occupancy (for a letter or a personal URL)",
        )
        .takes::<NewCode>()
        .returns::<IssuedCode>(),
        issue_code,
    );
    routes.add(
        route(
            Method::GET,
            "/api/properties/{property}/activation-codes",
            P::ActivationCodesIssue,
            "List a property's activation codes (never the codes themselves)",
        )
        .returns::<Page<ActivationCodeInfo>>(),
        list_codes,
    );
    routes.add(
        route(
            Method::POST,
            "/api/auth/signup",
            P::Public,
            "Create an account with an activation code or an invitation",
        )
        .takes::<SignUp>()
        .returns::<SignedUp>(),
        sign_up,
    );
    routes.add(
        route(
            Method::POST,
            "/api/me/activation-codes",
            P::Authenticated,
            "Redeem an activation code with your account",
        )
        .takes::<Redeem>()
        .status(204),
        redeem,
    );
    routes.add(
        route(Method::POST, "/api/access-requests", P::Public, "Ask for access to a building by its address")
            .takes::<NewAccessRequest>()
            .status(202),
        request_access,
    );
    routes.add(
        route(
            Method::GET,
            "/api/properties/{property}/access-requests",
            P::AccessRequestsDecide,
            "List a property's access requests (`?status=pending|approved|rejected`)",
        )
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
        .takes::<Rejection>()
        .returns::<AccessRequest>()
        .status(200),
        reject,
    );
}

/// Codes are typed by hand: case, spaces and dashes do not matter.
fn canonical_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewCode {
    /// Days the code stays valid (1–90, default 30).
    valid_days: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct IssuedCode {
    #[serde(flatten)]
    info: ActivationCodeInfo,
    /// The code: shown once, stored only as a hash.
    code: String,
    /// The personal sign-up URL carrying the code.
    url: String,
}

async fn issue_code(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(occupancy): Path<String>,
    Body(body): Body<NewCode>,
) -> Result<Response, ApiError> {
    let occupancy = occupancy_for(&state, &actor, P::ActivationCodesIssue, &occupancy).await?;
    let days = body.valid_days.unwrap_or(30);
    if !(1..=90).contains(&days) {
        return Err(ApiError::invalid("`valid_days` must be between 1 and 90"));
    }
    let code = activation_code();
    let info = state
        .services
        .database
        .insert_activation_code(
            &digest(&code),
            &occupancy.customer_id,
            &occupancy.property_id,
            &occupancy.id,
            &actor.user_id,
            now_ms() + i64::from(days) * 86_400_000,
        )
        .await?;
    let url = format!("{}/account/signup?code={code}", state.public_url);
    Ok(created(IssuedCode { info, code, url }))
}

async fn list_codes(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
) -> Result<Json<Page<ActivationCodeInfo>>, ApiError> {
    let property = property_for(&state, &actor, P::ActivationCodesIssue, &property).await?;
    Ok(Json(Page { items: state.services.database.activation_codes(&property.id).await?, next: None }))
}

/// A new account. Give exactly one of `activation_code` and `invitation`;
/// with an invitation the account gets the invited address.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignUp {
    name: String,
    email: Option<String>,
    password: String,
    locale: Option<String>,
    activation_code: Option<String>,
    invitation: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct SignedUp {
    user_id: String,
    email: String,
    /// False until the address is confirmed through the mailed link.
    email_verified: bool,
}

fn code_refused() -> ApiError {
    ApiError::invalid("this code is unknown, expired or already used")
}

pub(crate) async fn sign_up(State(state): State<AppState>, Body(body): Body<SignUp>) -> Result<Response, ApiError> {
    crate::identity::check_policy(&body.password).map_err(|err| ApiError::invalid(err.to_string()))?;
    let name = text("name", &body.name, 200)?;
    let locale = match &body.locale {
        Some(tag) => super::accounts::locale(tag)?,
        None => "en".to_owned(),
    };
    let database = &state.services.database;
    match (&body.activation_code, &body.invitation) {
        (Some(code), None) => {
            let address = email(body.email.as_deref().unwrap_or_default())?;
            let code_hash = digest(&canonical_code(code));
            let info = database.live_activation_code(&code_hash).await?.ok_or_else(code_refused)?;
            if database.user_by_email(&address).await?.is_some() {
                return Err(ApiError::conflict(
                    "an account with this email exists: sign in and redeem the code at /api/me/activation-codes",
                ));
            }
            let hash = hash_password(body.password).await.map_err(ApiError::internal)?;
            let user = database.insert_user(&address, &name, &locale, Some(&hash), false).await?;
            if !database.use_activation_code(&code_hash, &user.id).await? {
                database.delete_unused_user(&user.id).await?;
                return Err(code_refused());
            }
            database.add_occupant(&info.occupancy_id, &user.id).await?;
            send_verification(&state, &user).await?;
            Ok(created(SignedUp { user_id: user.id, email: user.email, email_verified: false }))
        }
        (None, Some(invitation)) => {
            let token_hash = digest(invitation);
            let token = database
                .redeem_email_token(&token_hash, TokenPurpose::Invitation)
                .await?
                .ok_or_else(|| ApiError::invalid("this invitation is unknown, expired or already used"))?;
            if database.user_by_email(&token.email).await?.is_some() {
                return Err(ApiError::conflict("an account with this email exists: sign in instead"));
            }
            let occupancy = token.occupancy_id.ok_or_else(|| ApiError::invalid("this invitation has no home"))?;
            let hash = hash_password(body.password).await.map_err(ApiError::internal)?;
            // The invitation reached this mailbox: the address is confirmed.
            let user = database.insert_user(&token.email, &name, &locale, Some(&hash), true).await?;
            database.add_occupant(&occupancy, &user.id).await?;
            Ok(created(SignedUp { user_id: user.id, email: user.email, email_verified: true }))
        }
        _ => Err(ApiError::invalid(
            "give either `activation_code` or `invitation`; without either, ask for access at /api/access-requests",
        )),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Redeem {
    code: String,
}

async fn redeem(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(body): Body<Redeem>,
) -> Result<StatusCode, ApiError> {
    let database = &state.services.database;
    let code_hash = digest(&canonical_code(&body.code));
    let info = database.live_activation_code(&code_hash).await?.ok_or_else(code_refused)?;
    if !database.use_activation_code(&code_hash, &actor.user_id).await? {
        return Err(code_refused());
    }
    database.add_occupant(&info.occupancy_id, &actor.user_id).await?;
    state.identity.forget_user(&actor.user_id);
    Ok(StatusCode::NO_CONTENT)
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
            let password = body.password.clone().ok_or_else(|| ApiError::invalid("`password` is required"))?;
            crate::identity::check_policy(&password).map_err(|err| ApiError::invalid(err.to_string()))?;
            let name = text("name", body.name.as_deref().unwrap_or_default(), 200)?;
            let address = email(body.email.as_deref().unwrap_or_default())?;
            let locale = match &body.locale {
                Some(tag) => super::accounts::locale(tag)?,
                None => "en".to_owned(),
            };
            if let Some(existing) = database.user_by_email(&address).await? {
                // Same answer as for a new address; the owner learns by mail.
                let mail = format!(
                    "Hello {},\n\nsomeone asked for access to {street}, {postal_code} {city} with this address, \
                     which already has a Courtyard account. Sign in and ask again from your account.\n",
                    existing.name
                );
                state.mailer.send(&existing.email, "Your access request", &mail).await?;
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusFilter {
    status: Option<String>,
}

async fn list_requests(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(property): Path<String>,
    Query(filter): Query<StatusFilter>,
    headers: HeaderMap,
) -> Result<Json<Page<AccessRequest>>, ApiError> {
    let property = property_for(&state, &actor, P::AccessRequestsDecide, &property).await?;
    let status = filter.status.unwrap_or_else(|| "pending".to_owned());
    if !["pending", "approved", "rejected"].contains(&status.as_str()) {
        return Err(ApiError::invalid("`status` must be pending, approved or rejected"));
    }
    let requests = state.services.database.access_requests(&property.id, &status).await?;
    let listing = Listing {
        customer_id: Some(&property.customer_id),
        action: "GET /api/properties/{property}/access-requests",
        purpose: "Staff deciding requests for access to a property",
    };
    requests_listed(&state, &actor, listing, &requests, &headers).await?;
    Ok(Json(Page { items: requests, next: None }))
}

async fn list_unrouted(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
) -> Result<Json<Page<AccessRequest>>, ApiError> {
    let requests = state.services.database.unrouted_access_requests().await?;
    let listing = Listing {
        customer_id: None,
        action: "GET /api/access-requests",
        purpose: "An operator routing requests for access no property matched",
    };
    requests_listed(&state, &actor, listing, &requests, &headers).await?;
    Ok(Json(Page { items: requests, next: None }))
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
        let mail = format!(
            "Hello {},\n\nyour request for access to {}, {} {} was approved. Sign in at {} to use the apps of \
             your building.\n",
            user.name, request.street, request.postal_code, request.city, state.public_url
        );
        state.mailer.send(&user.email, "Your access request was approved", &mail).await?;
    }
    let decided = database.access_request(&request.id).await?.ok_or_else(foreign)?;
    Ok(Json(decided))
}

#[derive(Debug, Deserialize, JsonSchema)]
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
        let mail = format!(
            "Hello {},\n\nyour request for access to {}, {} {} was not approved.{}\n",
            user.name,
            request.street,
            request.postal_code,
            request.city,
            reason.map(|r| format!("\n\nThe property management wrote: {r}")).unwrap_or_default()
        );
        state.mailer.send(&user.email, "Your access request", &mail).await?;
    }
    let decided = database.access_request(&request.id).await?.ok_or_else(foreign)?;
    Ok(Json(decided))
}

#[cfg(test)]
mod tests {
    use super::canonical_code;

    #[test]
    fn codes_are_compared_as_typed_by_hand() {
        assert_eq!(canonical_code("abcd efgh-jkmn pqrs"), "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(canonical_code(&crate::identity::activation_code()).len(), 19);
    }
}
