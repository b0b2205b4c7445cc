//! The three ways in: (a) an activation code from the property manager,
//! (b) an invitation from someone you live with, (c) an access request the
//! property manager approves (in `access_requests`).

use super::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::accounts::send_verification;
use super::tenancy::{occupancy_for, property_for};
use super::{Actor, Body, Page, Paging, Routes, created, email, route, text};
use crate::identity::{Permission as P, activation_code, digest, hash_password};
use crate::storage::{ActivationCodeInfo, TokenPurpose, now_ms};
use crate::web::{ApiError, AppState};

pub(crate) use super::access_requests::{NewAccessRequest, request_access};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::POST,
            "/api/occupancies/{occupancy}/activation-codes",
            P::ActivationCodesIssue,
            "Issue a single-use activation code for an occupancy (for a letter or a personal URL)",
        )
        .id("issueActivationCode")
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
        .id("listActivationCodes")
        .query::<Paging>()
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
        .id("signUp")
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
        .id("redeemActivationCode")
        .takes::<Redeem>()
        .status(204),
        redeem,
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
    Query(paging): Query<Paging>,
) -> Result<Json<Page<ActivationCodeInfo>>, ApiError> {
    let property = property_for(&state, &actor, P::ActivationCodesIssue, &property).await?;
    let size = paging.size()?;
    let codes = state.services.database.activation_codes(&property.id, &paging.after, size.probe()).await?;
    Ok(Json(Page::of(codes, size, |code| code.id.clone())))
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
pub(crate) struct SignedUp {
    pub user_id: String,
    email: String,
    /// False until the address is confirmed through the mailed link.
    email_verified: bool,
}

fn code_refused() -> ApiError {
    ApiError::invalid("this code is unknown, expired or already used").with_problem("problem.code_refused", &[])
}

async fn sign_up(State(state): State<AppState>, Body(body): Body<SignUp>) -> Result<Response, ApiError> {
    Ok(created(new_account(&state, body).await?))
}

/// Opens an account with an activation code or an invitation (the API's
/// route and the sign-up page both come here).
pub(crate) async fn new_account(state: &AppState, body: SignUp) -> Result<SignedUp, ApiError> {
    super::validate::password(&body.password)?;
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
                )
                .with_problem("problem.account_exists", &[]));
            }
            let hash = hash_password(body.password).await.map_err(ApiError::internal)?;
            let user = database.insert_user(&address, &name, &locale, Some(&hash), false).await?;
            if !database.use_activation_code(&code_hash, &user.id).await? {
                database.delete_unused_user(&user.id).await?;
                return Err(code_refused());
            }
            database.add_occupant(&info.occupancy_id, &user.id).await?;
            send_verification(state, &user).await?;
            Ok(SignedUp { user_id: user.id, email: user.email, email_verified: false })
        }
        (None, Some(invitation)) => {
            let token_hash = digest(invitation);
            let token = database.redeem_email_token(&token_hash, TokenPurpose::Invitation).await?.ok_or_else(|| {
                ApiError::invalid("this invitation is unknown, expired or already used")
                    .with_problem("problem.invitation_refused", &[])
            })?;
            if database.user_by_email(&token.email).await?.is_some() {
                return Err(ApiError::conflict("an account with this email exists: sign in instead")
                    .with_problem("problem.account_exists", &[]));
            }
            let occupancy = token.occupancy_id.ok_or_else(|| {
                ApiError::invalid("this invitation has no home").with_problem("problem.invitation_refused", &[])
            })?;
            let hash = hash_password(body.password).await.map_err(ApiError::internal)?;
            // The invitation reached this mailbox: the address is confirmed.
            let user = database.insert_user(&token.email, &name, &locale, Some(&hash), true).await?;
            database.add_occupant(&occupancy, &user.id).await?;
            Ok(SignedUp { user_id: user.id, email: user.email, email_verified: true })
        }
        _ => Err(ApiError::invalid(
            "give either `activation_code` or `invitation`; without either, ask for access at /api/access-requests",
        )
        .with_problem("problem.code_missing", &[])),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "ActivationCodeRedemption")]
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

#[cfg(test)]
mod tests {
    use super::canonical_code;

    #[test]
    fn codes_are_compared_as_typed_by_hand() {
        assert_eq!(canonical_code("abcd efgh-jkmn pqrs"), "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(canonical_code(&crate::identity::activation_code()).len(), 19);
    }
}
