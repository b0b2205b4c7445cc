//! Residents' consent to third-party apps: the screen at the app's entry,
//! the same as JSON for API clients, giving, declining and withdrawing.
//!
//! Withdrawal takes effect on the very next host call on every node (see
//! `policy::store`); the host then deletes what the person kept in the app
//! and calls the app's `consent-withdrawn` hook so the vendor can erase its
//! copies.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::api::Path;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::api::{Actor, Body, Page, Paging, Query, Routes, current_property, newest_first, parse_newest_first, route};
use super::entry::{Barrier, ConsentRequest, consent_request, enter};
use super::{ApiError, AppState};
use crate::catalog::AppKind;
use crate::identity::{Permission, Principal};
use crate::runtime::{Acting, CallerContext, Hook, LifecycleEvent, Placement, run_guest};
use crate::storage::{ConsentRecord, Notification};

pub(crate) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/api/apps/{app}/consent", Permission::AppsUse, "What a third-party app asks you to share")
            .id("getConsentRequest")
            .returns::<ConsentRequest>(),
        show,
    );
    routes.add(
        route(Method::POST, "/api/apps/{app}/consent", Permission::AppsUse, "Consent to, or decline, what an app asks")
            .id("decideConsent")
            .takes::<Decision>()
            .returns::<ConsentRecord>(),
        decide_json,
    );
    routes.add(
        route(Method::DELETE, "/api/apps/{app}/consent", Permission::AppsUse, "Withdraw your consent to an app")
            .id("withdrawConsent")
            .status(200)
            .returns::<Withdrawal>(),
        withdraw,
    );
    routes.add(
        route(Method::POST, "/account/apps/{app}/consent", Permission::AppsUse, "The consent screen's form").page(),
        decide_form,
    );
    routes.add(
        route(Method::GET, "/account/apps/{app}/consent", Permission::AppsUse, "Choose again what an app may get")
            .page(),
        review,
    );
    routes.add(
        route(Method::GET, "/api/me/consents", Permission::Authenticated, "Your consent records, newest first")
            .id("listMyConsents")
            .query::<Paging>()
            .returns::<Page<ConsentRecord>>(),
        list,
    );
    routes.add(
        route(
            Method::PUT,
            "/api/me/processing-restriction",
            Permission::Authenticated,
            "Restrict (or stop restricting) processing of your data by third-party apps",
        )
        .id("setProcessingRestriction")
        .takes::<RestrictionRequest>()
        .returns::<Restriction>(),
        restrict,
    );
    routes.add(
        route(
            Method::GET,
            "/api/me/notifications",
            Permission::Authenticated,
            "Notifications apps sent you, newest first",
        )
        .id("listMyNotifications")
        .query::<Paging>()
        .returns::<Page<Notification>>(),
        notifications,
    );
}

/// A consent decision.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ConsentDecision")]
#[serde(deny_unknown_fields)]
pub(crate) struct Decision {
    /// `give` or `decline`.
    decision: String,
    /// With `give`: the grants to give (default: everything asked that was
    /// not declined before, as a screen ticks it); the rest of what was
    /// asked is declined.
    #[serde(default)]
    grants: Option<Vec<String>>,
    /// The `purposes_hash` of the request you answer; refused with 409 if
    /// what the app asks changed meanwhile.
    #[serde(default)]
    purposes_hash: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Withdrawal {
    /// The consent records withdrawn.
    withdrawn: Vec<String>,
    /// Documents the app kept for you that were deleted.
    documents_deleted: u64,
    /// How the app's `consent-withdrawn` hook went: `ok` or the failure.
    app_notified: String,
}

/// The consent request for the caller, whether or not they consented yet.
async fn request_for(state: &AppState, principal: &Principal, app_id: &str) -> Result<ConsentRequest, ApiError> {
    let (customer, property) = current_property(principal)
        .ok_or_else(|| ApiError::conflict("choose a property first with PUT /api/me/property"))?;
    match enter(state, app_id, &customer, &property, &principal.user_id).await {
        Err(Barrier::Unavailable(err)) => Err(err),
        Err(Barrier::Consent(request)) => Ok(*request),
        Ok(entered) if entered.app.manifest.kind == AppKind::Core => {
            Err(ApiError::not_found("core apps need no consent").with_code("no_consent_needed"))
        }
        Ok(entered) => match (entered.pending, entered.standing) {
            (Some(request), _) => Ok(request),
            (None, Some(standing)) => Ok(consent_request(&entered.app, &entered.approval, &standing)),
            (None, None) => Err(ApiError::internal("a third-party app entered without standing")),
        },
    }
}

async fn show(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(app): Path<String>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(request_for(&state, &principal, &app).await?).into_response())
}

async fn decide_json(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(app): Path<String>,
    Body(decision): Body<Decision>,
) -> Result<Response, ApiError> {
    let record = record_decision(&state, &principal, &app, decision).await?;
    Ok((StatusCode::CREATED, axum::Json(record)).into_response())
}

/// The screen's form: `decision=give|decline`, `purposes_hash`, the
/// session's form token, and one `grant` per ticked item.
async fn decide_form(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let pairs = super::pages::form_pairs(&body)?;
    let value = |name: &str| super::pages::form_value(&pairs, name).unwrap_or_default().to_owned();
    super::pages::check_csrf(&state, &headers, &value("csrf"))?;
    let ticked: Vec<String> =
        pairs.iter().filter(|(name, _)| name == "grant").map(|(_, grant)| grant.clone()).collect();
    let decision =
        Decision { decision: value("decision"), grants: Some(ticked), purposes_hash: Some(value("purposes_hash")) };
    let declined = decision.decision == "decline";
    record_decision(&state, &principal, &app, decision).await?;
    if declined {
        // Home, saying so: the app's own address would only ask again.
        let query = serde_urlencoded::to_string([("declined", app.as_str())]).map_err(ApiError::internal)?;
        return Ok(super::pages::see_other(&format!("/?{query}")));
    }
    Ok(super::pages::see_other(&format!("/apps/{app}/")))
}

/// The consent screen opened on purpose (from "My apps"): everything the
/// app asks that the person has not allowed, what they declined unticked.
async fn review(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(app): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let request = request_for(&state, &principal, &app).await?;
    Ok(super::pages::consent_screen(&state, &principal, &headers, &request))
}

async fn record_decision(
    state: &AppState,
    principal: &Principal,
    app_id: &str,
    decision: Decision,
) -> Result<ConsentRecord, ApiError> {
    let request = request_for(state, principal, app_id).await?;
    if decision.purposes_hash.as_ref().is_some_and(|hash| *hash != request.purposes_hash) {
        return Err(ApiError::conflict("what the app asks for changed; look at it again").with_code("consent_changed"));
    }
    let asked: BTreeSet<String> = request.asks.iter().map(|item| item.grant.clone()).collect();
    if asked.is_empty() && request.has_consent {
        return Err(ApiError::conflict("there is nothing new to decide").with_code("nothing_to_decide"));
    }
    let policy = &state.services.policy;
    let given: BTreeSet<String> = match decision.decision.as_str() {
        "give" => match decision.grants {
            None => request.asks.iter().filter(|item| !item.declined).map(|item| item.grant.clone()).collect(),
            Some(grants) => {
                let chosen: BTreeSet<String> = grants.into_iter().collect();
                if let Some(stranger) = chosen.difference(&asked).next() {
                    return Err(ApiError::invalid(format!("`{stranger}` is not among what the app asks")));
                }
                chosen
            }
        },
        "decline" => BTreeSet::new(),
        _ => return Err(ApiError::invalid("`decision` must be `give` or `decline`")),
    };
    let declined: BTreeSet<String> = asked.difference(&given).cloned().collect();
    let user = &principal.user_id;
    let mut record = None;
    if decision.decision == "give" {
        record =
            Some(policy.record_consent(user, app_id, &request.version, &given, &request.purposes_hash, true).await?);
    }
    if !declined.is_empty() || decision.decision == "decline" {
        let refused =
            policy.record_consent(user, app_id, &request.version, &declined, &request.purposes_hash, false).await?;
        record = record.or(Some(refused));
    }
    record.ok_or_else(|| ApiError::internal("no consent record was made"))
}

async fn withdraw(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(app_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let request_id = headers.get(super::REQUEST_ID_HEADER).and_then(|id| id.to_str().ok()).unwrap_or_default();
    Ok(axum::Json(withdraw_for(&state, &principal, &app_id, request_id).await?).into_response())
}

/// Withdraws the person's consent to the app: from the next call on, on
/// every node; deletes what they kept in it; tells the app through its hook.
pub(crate) async fn withdraw_for(
    state: &AppState,
    principal: &Principal,
    app_id: &str,
    request_id: &str,
) -> Result<Withdrawal, ApiError> {
    let policy = Arc::clone(&state.services.policy);
    let withdrawn = policy.withdraw_consent(&principal.user_id, app_id).await?;
    if withdrawn.is_empty() {
        return Err(ApiError::not_found("you have no consent to this app to withdraw"));
    }
    let database = &state.services.database;
    let documents_deleted = database.delete_documents_of(app_id, &principal.user_id).await?;
    let app_notified = notify_app(state, principal, app_id, request_id).await;
    Ok(Withdrawal { withdrawn, documents_deleted, app_notified })
}

/// Calls the app's `consent-withdrawn` hook about the person, with a
/// hook's powers only (see `capabilities::Acting::Hook`), and waits for the
/// audit entries of what the hook did.
async fn notify_app(state: &AppState, principal: &Principal, app_id: &str, request_id: &str) -> String {
    let Some(app) = state.catalog.get(app_id) else { return "the app is no longer installed".to_owned() };
    let Some((customer, property)) = current_property(principal) else {
        return "no property to run the app in".to_owned();
    };
    let subject = match state.services.policy.pseudonyms.for_app(app_id, &principal.user_id).await {
        Ok(subject) => subject,
        Err(err) => return format!("failed: {err}"),
    };
    let units = principal.units_at(&customer, &property);
    let caller = CallerContext {
        units,
        subject: Some(subject.clone()),
        user_id: Some(principal.user_id.clone()),
        acting: Acting::Hook(Hook::ConsentWithdrawn),
        customer: Some(customer),
        property: Some(property),
        roles: Vec::new(),
        staff: false,
        locale: principal.locale.clone(),
        request_id: request_id.to_owned(),
    };
    let runtime = Arc::clone(&state.runtime);
    let services = state.services.clone();
    let placement = Placement { inline: false, quarantine: Arc::clone(&app.quarantine) };
    let hook_app = Arc::clone(&app);
    let outcome = run_guest(false, move || {
        runtime.notify(
            &hook_app.pre,
            services,
            Arc::clone(&hook_app.policy),
            caller,
            LifecycleEvent::ConsentWithdrawn(subject),
            placement,
        )
    })
    .await;
    let Ok((result, receipts)) = outcome else { return "failed: the hook could not run".to_owned() };
    for receipt in receipts {
        if let Err(err) = receipt.settled().await {
            tracing::error!(error = %err, "audit of a consent-withdrawn hook failed");
        }
    }
    match result {
        Ok(Ok(())) => "ok".to_owned(),
        Ok(Err(error)) => format!("the app answered: {error}"),
        Err(failure) => format!("failed: {failure}"),
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ProcessingRestrictionRequest")]
#[serde(deny_unknown_fields)]
pub(crate) struct RestrictionRequest {
    restricted: bool,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ProcessingRestriction")]
pub(crate) struct Restriction {
    restricted: bool,
    /// Since when; `null` while not restricted.
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    since: Option<i64>,
}

/// While restricted, no third-party app gets anything about the person,
/// from the next call on, on every node.
async fn restrict(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Body(request): Body<RestrictionRequest>,
) -> Result<Response, ApiError> {
    let since = state.services.policy.set_restriction(&principal.user_id, request.restricted).await?;
    Ok(axum::Json(Restriction { restricted: since.is_some(), since }).into_response())
}

async fn list(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    if !paging.after.is_empty() {
        parse_newest_first(&paging.after)?;
    }
    let records = state.services.database.consents_of(&principal.user_id).await?;
    let page = paging.page(records, |record| newest_first(record.given_at, &record.id))?;
    Ok(axum::Json(page).into_response())
}

async fn notifications(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Query(paging): Query<Paging>,
) -> Result<Response, ApiError> {
    let after = match paging.after.as_str() {
        "" => None,
        cursor => Some(parse_newest_first(cursor)?),
    };
    let size = paging.size()?;
    let database = &state.services.database;
    let listed = database.notifications_page(&principal.user_id, after.as_ref(), size.probe()).await?;
    Ok(axum::Json(Page::of(listed, size, |note| newest_first(note.created_at, &note.id))).into_response())
}

/// The consent screen for a browser, or for API clients its JSON
/// (403 `consent_required`).
pub(crate) fn required(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    request: &ConsentRequest,
    page: bool,
) -> Response {
    if page {
        return super::pages::consent_screen(state, principal, headers, request);
    }
    let body = serde_json::json!({
        "error": {
            "code": "consent_required",
            "message": format!("{} is a third-party app: consent to what it asks first (POST /api/apps/{}/consent)", request.app_name, request.app_id),
        },
        "consent": request,
    });
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}
