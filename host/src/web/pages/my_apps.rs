//! "My apps": the third-party apps a person consented to, what each may
//! use, since when, and a button to withdraw; and the apps they allowed
//! nothing (declined, or withdrew from), each with a way to change that.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::consent_screen::grant_words;
use super::{Frame, check_csrf, form_pairs, form_value, render, see_other};
use crate::catalog::AppKind;
use crate::identity::{Permission, Principal};
use crate::storage::ConsentRecord;
use crate::web::api::{Actor, Path, Query, Routes, current_property, route};
use crate::web::entry::enabled_here;
use crate::web::{ApiError, AppState, REQUEST_ID_HEADER};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(route(Method::GET, "/account/apps", Permission::Authenticated, "My apps and what they may use"), page);
    routes.add(
        route(Method::POST, "/account/apps/{app}/withdraw", Permission::AppsUse, "Withdraw consent to an app (form)"),
        withdraw,
    );
}

struct AppConsent {
    id: String,
    name: String,
    vendor: String,
    /// What it may use now, in words.
    given: Vec<String>,
    since: String,
}

/// An app the person decided about and allowed nothing now.
struct Declined {
    id: String,
    name: String,
    vendor: String,
}

#[derive(Template)]
#[template(path = "my_apps.html")]
struct MyAppsPage {
    frame: Frame,
    apps: Vec<AppConsent>,
    declined: Vec<Declined>,
    withdrawn: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Done {
    withdrawn: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(done): Query<Done>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let frame = Frame::new(&state, Some(&actor), &headers);
    let records = state.services.database.consents_of(&actor.user_id).await?;
    let mut by_app: BTreeMap<String, AppConsent> = BTreeMap::new();
    for record in records.iter().filter(|r| r.status == "dpv:ConsentGiven" && r.withdrawn_at.is_none()) {
        let app = state.catalog.get(&record.app_id);
        let entry = by_app.entry(record.app_id.clone()).or_insert_with(|| AppConsent {
            id: record.app_id.clone(),
            name: app.as_ref().map_or_else(|| record.app_id.clone(), |app| app.manifest.name.clone()),
            vendor: app.as_ref().map(|app| app.manifest.vendor.clone()).unwrap_or_default(),
            given: Vec::new(),
            since: frame.t.when(record.given_at),
        });
        for grant in &record.grants {
            let words = grant_words(&state, &frame.t, grant);
            if !entry.given.contains(&words) {
                entry.given.push(words);
            }
        }
    }
    let declined = declined_here(&state, &actor, &records, &by_app).await?;
    // Only ever a third-party app's name from the catalogue: the address is anyone's to write.
    let withdrawn = done
        .withdrawn
        .as_deref()
        .and_then(|id| state.catalog.get(id))
        .filter(|app| app.manifest.kind == AppKind::ThirdParty)
        .map(|app| frame.t.f("my_apps.withdrawn", &[("app", &app.manifest.name)]));
    let apps = by_app.into_values().collect();
    Ok(render(StatusCode::OK, &MyAppsPage { frame, apps, declined, withdrawn }))
}

/// The third-party apps enabled where the person is now that they decided
/// about (declined, or withdrew from) and allow nothing at present.
async fn declined_here(
    state: &AppState,
    actor: &Principal,
    records: &[ConsentRecord],
    allowed: &BTreeMap<String, AppConsent>,
) -> Result<Vec<Declined>, ApiError> {
    let Some((customer, property)) = current_property(actor) else { return Ok(Vec::new()) };
    let decided: BTreeSet<&str> = records.iter().map(|record| record.app_id.as_str()).collect();
    let mut declined: Vec<Declined> = enabled_here(state, &customer, &property)
        .await?
        .into_iter()
        .filter(|app| app.manifest.kind == AppKind::ThirdParty)
        .filter(|app| decided.contains(app.manifest.id.as_str()) && !allowed.contains_key(&app.manifest.id))
        .map(|app| Declined {
            id: app.manifest.id.clone(),
            name: app.manifest.name.clone(),
            vendor: app.manifest.vendor.clone(),
        })
        .collect();
    declined.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(declined)
}

async fn withdraw(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let request_id = headers.get(REQUEST_ID_HEADER).and_then(|id| id.to_str().ok()).unwrap_or_default();
    crate::web::consent::withdraw_for(&state, &actor, &app, request_id).await?;
    let query = serde_urlencoded::to_string([("withdrawn", app.as_str())]).map_err(ApiError::internal)?;
    Ok(see_other(&format!("/account/apps?{query}")))
}
