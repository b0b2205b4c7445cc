//! Signing in and out, tokens, email verification, password reset, and the
//! signed-in user's own account.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Actor, Body, Routes, route};
use crate::i18n::Texts;
use crate::identity::{Permission, Principal, Role, digest, hash_password, random_token, verify_password};
use crate::storage::{TokenPurpose, User, normalize_email, now_ms};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    use Permission::{Authenticated, Public};
    routes.add(
        route(Method::POST, "/api/auth/login", Public, "Sign in with email and password")
            .id("signIn")
            .takes::<Login>()
            .returns::<Tokens>()
            .status(200),
        login,
    );
    routes.add(
        route(Method::POST, "/api/auth/refresh", Public, "Exchange a refresh token for new tokens (rotates it)")
            .id("refreshTokens")
            .takes::<Refresh>()
            .returns::<Tokens>()
            .status(200),
        refresh,
    );
    routes.add(
        route(Method::POST, "/api/auth/logout", Authenticated, "Sign out: ends the session").id("signOut").status(204),
        logout,
    );
    routes.add(
        route(Method::POST, "/api/auth/verify-email", Public, "Confirm an email address with the mailed token")
            .id("verifyEmail")
            .takes::<TokenOnly>()
            .status(204),
        verify_email,
    );
    routes.add(
        route(Method::POST, "/api/auth/password-reset", Public, "Mail a password-reset token")
            .id("requestPasswordReset")
            .takes::<ResetRequest>()
            .status(202),
        request_reset,
    );
    routes.add(
        route(Method::POST, "/api/auth/password-reset/confirm", Public, "Set a new password with a mailed token")
            .id("confirmPasswordReset")
            .takes::<ResetConfirm>()
            .status(204),
        confirm_reset,
    );
    routes.add(route(Method::GET, "/api/me", Authenticated, "The signed-in user").id("getMe").returns::<Me>(), me);
    routes.add(
        route(Method::PATCH, "/api/me", Authenticated, "Change your name or locale")
            .id("updateMe")
            .takes::<MePatch>()
            .returns::<Me>(),
        update_me,
    );
    routes.add(
        route(Method::PUT, "/api/me/property", Authenticated, "Choose the property your apps work in")
            .id("chooseProperty")
            .takes::<PropertyChoice>()
            .returns::<Me>(),
        choose_property,
    );
}

/// Sign-in. `session: "browser"` sets the session cookie instead of
/// returning tokens.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
    #[serde(default)]
    session: SessionKind,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum SessionKind {
    #[default]
    Api,
    Browser,
}

#[derive(Debug, Serialize, JsonSchema)]
struct Tokens {
    access_token: Option<String>,
    token_type: &'static str,
    /// Seconds the access token lives.
    expires_in: i64,
    /// Single use: each refresh returns a new one.
    refresh_token: Option<String>,
    user_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "RefreshRequest")]
#[serde(deny_unknown_fields)]
struct Refresh {
    refresh_token: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "EmailToken")]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenOnly {
    pub token: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetRequest {
    email: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetConfirm {
    token: String,
    password: String,
}

/// Five failures in a row are free; each further one doubles the wait,
/// from 30 s up to 15 minutes. A password reset is never blocked.
const FREE_FAILURES: i64 = 5;

fn blocked_until(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let wait_ms = (30_000_i64 << (failures - FREE_FAILURES).clamp(0, 5)).min(900_000);
    now_ms() + wait_ms
}

/// The one answer for an unknown email and a wrong password.
fn bad_credentials() -> ApiError {
    ApiError::unauthorized("the email or the password is wrong")
}

/// The user whose email and password these are, if they may sign in now:
/// failures are counted and throttled per address, and an unconfirmed
/// address gets a new confirmation mail instead.
pub(crate) async fn check_sign_in(state: &AppState, email: &str, password: String) -> Result<User, ApiError> {
    if password.len() > crate::identity::MAX_PASSWORD_BYTES {
        let max = crate::identity::MAX_PASSWORD_BYTES.to_string();
        return Err(ApiError::invalid(format!("passwords are limited to {max} bytes"))
            .with_problem("problem.password_long", &[("max", &max)]));
    }
    let key = normalize_email(email);
    let database = &state.services.database;
    let blocked = database.login_blocked_until(&key).await?;
    if blocked > now_ms() {
        let secs = u32::try_from((blocked - now_ms()) / 1000 + 1).unwrap_or(900);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed sign-ins for this address; wait, or reset the password",
        )
        .with_retry_after(secs));
    }
    let user = if key.len() <= 254 { database.user_by_email(&key).await? } else { None };
    let phc = user.as_ref().and_then(|u| u.password_hash.clone());
    if !verify_password(password, phc).await {
        database.record_login_failure(&key, blocked_until).await?;
        return Err(bad_credentials());
    }
    let user = user.expect("a verified password belongs to a user");
    database.clear_login_failures(&key).await?;
    if !user.email_verified {
        send_verification(state, &user).await?;
        return Err(ApiError::forbidden("confirm your email address first: we have mailed you a new link")
            .with_code("email_unverified"));
    }
    Ok(user)
}

async fn login(State(state): State<AppState>, Body(login): Body<Login>) -> Result<Response, ApiError> {
    let user = check_sign_in(&state, &login.email, login.password).await?;
    let browser = login.session == SessionKind::Browser;
    let (session, secret) = state.identity.open_session(&user.id, browser).await?;
    if browser {
        let cookie = state.identity.session_cookie(Some(&secret));
        let body = Tokens {
            access_token: None,
            token_type: "cookie",
            expires_in: 0,
            refresh_token: None,
            user_id: user.id.clone(),
        };
        let mut response = Json(body).into_response();
        response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
        return Ok(response);
    }
    Ok(Json(tokens(&state, &user.id, &session, secret)).into_response())
}

fn tokens(state: &AppState, user_id: &str, session: &str, refresh: String) -> Tokens {
    Tokens {
        access_token: Some(state.identity.access_token(user_id, session)),
        token_type: "Bearer",
        expires_in: state.identity.keys().lifetime_secs(),
        refresh_token: Some(refresh),
        user_id: user_id.to_owned(),
    }
}

async fn refresh(State(state): State<AppState>, Body(body): Body<Refresh>) -> Result<Json<Tokens>, ApiError> {
    match state.identity.refresh(&body.refresh_token).await {
        Ok((session, fresh)) => Ok(Json(tokens(&state, &session.user_id, &session.id, fresh))),
        Err(crate::identity::AuthError::Storage(err)) => Err(err.into()),
        Err(_) => Err(ApiError::unauthorized("the refresh token is not valid")),
    }
}

async fn logout(State(state): State<AppState>, Actor(actor): Actor) -> Result<Response, ApiError> {
    state.identity.revoke(&actor.session_id).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let cookie = state.identity.session_cookie(None);
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(response)
}

/// Mails a fresh email-verification link, valid for 48 hours.
pub(super) async fn send_verification(state: &AppState, user: &User) -> Result<(), ApiError> {
    let token = random_token();
    let database = &state.services.database;
    let expires = now_ms() + 48 * 3_600_000;
    database
        .insert_email_token(
            &digest(&token),
            TokenPurpose::VerifyEmail,
            Some(&user.id),
            &user.email,
            None,
            None,
            expires,
        )
        .await?;
    let t = Texts::for_mail(&user.locale);
    let link = format!("{}/account/verify?token={token}", state.public_url);
    let body = t.f("mail.verify_body", &[("name", &user.name), ("link", &link), ("token", &token)]);
    state.mailer.send(&user.email, t.t("mail.verify_subject"), &body).await?;
    Ok(())
}

pub(crate) async fn verify_email(
    State(state): State<AppState>,
    Body(body): Body<TokenOnly>,
) -> Result<StatusCode, ApiError> {
    let database = &state.services.database;
    let token =
        database.redeem_email_token(&digest(&body.token), TokenPurpose::VerifyEmail).await?.ok_or_else(|| {
            ApiError::invalid("this link is expired or was already used").with_problem("problem.link_expired", &[])
        })?;
    if let Some(user) = token.user_id {
        database.mark_email_verified(&user).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn request_reset(
    State(state): State<AppState>,
    Body(body): Body<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    // The same answer whether or not the address has an account.
    let key = normalize_email(&body.email);
    if key.len() <= 254
        && let Some(user) = state.services.database.user_by_email(&key).await?
    {
        let token = random_token();
        let expires = now_ms() + 3_600_000;
        state
            .services
            .database
            .insert_email_token(
                &digest(&token),
                TokenPurpose::ResetPassword,
                Some(&user.id),
                &user.email,
                None,
                None,
                expires,
            )
            .await?;
        let t = Texts::for_mail(&user.locale);
        let link = format!("{}/account/reset?token={token}", state.public_url);
        let mail = t.f("mail.reset_body", &[("name", &user.name), ("link", &link), ("token", &token)]);
        state.mailer.send(&user.email, t.t("mail.reset_subject"), &mail).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

pub(crate) async fn confirm_reset(
    State(state): State<AppState>,
    Body(body): Body<ResetConfirm>,
) -> Result<StatusCode, ApiError> {
    super::validate::password(&body.password)?;
    let database = &state.services.database;
    let expired = || {
        ApiError::invalid("this reset link is expired or was already used").with_problem("problem.link_expired", &[])
    };
    let token =
        database.redeem_email_token(&digest(&body.token), TokenPurpose::ResetPassword).await?.ok_or_else(expired)?;
    let user = token.user_id.ok_or_else(expired)?;
    let hash = hash_password(body.password).await.map_err(ApiError::internal)?;
    database.set_password(&user, &hash, true).await?;
    database.clear_login_failures(&token.email).await?;
    // A new password ends every session the old one may have opened.
    state.identity.revoke_all(&user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user, their roles and where they live.
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct Me {
    user: User,
    roles: Vec<MyRole>,
    /// Active occupancies.
    residences: Vec<MyResidence>,
    /// Properties whose apps you can use.
    app_properties: Vec<String>,
    /// The property your apps work in now.
    property_id: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct MyRole {
    role: Role,
    customer_id: Option<String>,
    property_id: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct MyResidence {
    occupancy_id: String,
    customer_id: String,
    property_id: String,
    unit_id: String,
    starts_on: String,
    ends_on: Option<String>,
}

/// The property a principal's apps run in: the chosen one while it is
/// still reachable, otherwise the only one there is.
pub(crate) fn current_property(principal: &Principal) -> Option<(String, String)> {
    if let Some((customer, property)) = &principal.chosen_property
        && principal.may(Permission::AppsUse, crate::identity::Target::property(customer, property))
    {
        return Some((customer.clone(), property.clone()));
    }
    match principal.app_properties().as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

async fn me_view(state: &AppState, principal: &Principal) -> Result<Me, ApiError> {
    let user = state.services.database.user(&principal.user_id).await?.ok_or_else(|| ApiError::not_found("gone"))?;
    let roles = principal
        .active_assignments()
        .map(|a| {
            let (customer_id, property_id) = match &a.scope {
                crate::identity::Scope::Platform => (None, None),
                crate::identity::Scope::Customer(c) => (Some(c.clone()), None),
                crate::identity::Scope::Property { customer, property } => {
                    (Some(customer.clone()), Some(property.clone()))
                }
            };
            MyRole {
                role: a.role,
                customer_id,
                property_id,
                valid_from: a.valid_from.clone(),
                valid_until: a.valid_until.clone(),
            }
        })
        .collect();
    let residences = principal
        .active_residences()
        .map(|r| MyResidence {
            occupancy_id: r.occupancy_id.clone(),
            customer_id: r.customer_id.clone(),
            property_id: r.property_id.clone(),
            unit_id: r.unit_id.clone(),
            starts_on: r.starts_on.clone(),
            ends_on: r.ends_on.clone(),
        })
        .collect();
    Ok(Me {
        user,
        roles,
        residences,
        app_properties: principal.app_properties().into_iter().map(|(_, p)| p).collect(),
        property_id: current_property(principal).map(|(_, p)| p),
    })
}

async fn me(State(state): State<AppState>, Actor(actor): Actor) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_view(&state, &actor).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MePatch {
    name: Option<String>,
    /// A BCP 47 tag such as `de-CH`.
    locale: Option<String>,
}

/// Checks a BCP 47-ish locale tag: letters, digits and dashes, ≤ 35 chars.
pub(crate) fn locale(value: &str) -> Result<String, ApiError> {
    let ok = !value.is_empty()
        && value.len() <= 35
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && value.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if ok { Ok(value.to_owned()) } else { Err(ApiError::invalid("`locale` must be a language tag such as de-CH")) }
}

async fn update_me(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(patch): Body<MePatch>,
) -> Result<Json<Me>, ApiError> {
    let database = &state.services.database;
    let mut user = database.user(&actor.user_id).await?.ok_or_else(|| ApiError::not_found("gone"))?;
    if let Some(name) = &patch.name {
        user.name = super::text("name", name, 200)?;
    }
    if let Some(tag) = &patch.locale {
        user.locale = locale(tag)?;
    }
    database.save_user_profile(&user).await?;
    state.identity.forget_user(&actor.user_id);
    Ok(Json(me_view(&state, &actor).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PropertyChoice {
    property_id: Option<String>,
}

async fn choose_property(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(choice): Body<PropertyChoice>,
) -> Result<Json<Me>, ApiError> {
    let chosen = match &choice.property_id {
        Some(id) => {
            let property = super::tenancy::property_for(&state, &actor, Permission::AppsUse, id).await?;
            Some((property.customer_id, property.id))
        }
        None => None,
    };
    let stored = chosen.as_ref().map(|(customer, property)| format!("{customer}/{property}"));
    state.services.database.choose_session_property(&actor.session_id, stored.as_deref()).await?;
    state.identity.forget_session(&actor.session_id);
    let mut actor = (*actor).clone();
    actor.chosen_property = chosen;
    Ok(Json(me_view(&state, &actor).await?))
}
