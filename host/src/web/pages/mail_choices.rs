//! Notifications by mail: per app, whether its notifications also arrive
//! by mail; and the unsubscribe link of those mails, which works without
//! signing in.
//!
//! Mail is off until the person turns it on for an app. Every mail carries
//! a link that turns it off again for that one app: the link opens a page
//! that asks first (mail scanners open links, and must not unsubscribe
//! anyone), and a one-click `POST` to the same address (RFC 8058, what mail
//! clients send for their own "unsubscribe" button) turns it off at once.

use std::collections::BTreeSet;

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Lang, Texts, check_csrf, form_pairs, form_value, render, see_other};
use crate::catalog::AppKind;
use crate::grant::CapabilityKind;
use crate::identity::{Permission, Principal};
use crate::web::api::{Actor, Query, Routes, record, route};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::GET,
            "/account/notifications/mail",
            Permission::Authenticated,
            "Which apps' notifications you get by mail",
        ),
        page,
    );
    routes.add(
        route(
            Method::POST,
            "/account/notifications/mail",
            Permission::Authenticated,
            "Choose per app whether notifications also arrive by mail",
        ),
        save,
    );
    routes.add(
        route(Method::GET, "/account/unsubscribe", Permission::Public, "Stop an app's notification mails (asks first)"),
        unsubscribe_page,
    );
    routes.add(
        route(
            Method::POST,
            "/account/unsubscribe",
            Permission::Public,
            "Stop an app's notification mails, by the link in one of them",
        ),
        unsubscribe,
    );
}

/// One app on the settings page.
struct AppChoice {
    id: String,
    name: String,
    /// For third-party apps: who makes it.
    vendor_line: Option<String>,
    by_mail: bool,
    since: Option<String>,
}

#[derive(Template)]
#[template(path = "mail_choices.html")]
struct SettingsPage {
    frame: Frame,
    apps: Vec<AppChoice>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    frame: Frame,
    /// The question, or what was done.
    message: String,
    /// The token, for the form; empty once done.
    token: String,
    /// Mail from the app is already off (or was just turned off).
    done: bool,
}

#[derive(Debug, Deserialize)]
struct Saved {
    saved: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Link {
    token: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(saved): Query<Saved>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let frame = Frame::new(&state, Some(&actor), &headers);
    let apps = choices_of(&state, &frame.t, &actor).await?;
    Ok(render(StatusCode::OK, &SettingsPage { frame, apps, saved: saved.saved.is_some() }))
}

/// The apps that can notify the person (they declare notifications and are
/// enabled where the person uses apps), and any they chose for before, each
/// with since when it mails them (if it does).
pub(crate) async fn offered(state: &AppState, actor: &Principal) -> Result<Vec<(String, Option<i64>)>, ApiError> {
    let chosen = state.services.database.mail_choices(&actor.user_id).await?;
    let mut ids: BTreeSet<String> = chosen.iter().map(|choice| choice.app_id.clone()).collect();
    for (customer, property) in actor.app_properties() {
        for app in crate::web::entry::enabled_here(state, &customer, &property).await? {
            let notifies = app.manifest.capabilities.iter().any(|c| c.kind == CapabilityKind::NotificationsSend);
            if notifies {
                ids.insert(app.manifest.id.clone());
            }
        }
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            let since = chosen.iter().find(|choice| choice.app_id == id).and_then(|choice| choice.mail_since);
            (id, since)
        })
        .collect())
}

/// What the page shows of [`offered`].
async fn choices_of(state: &AppState, t: &Texts, actor: &Principal) -> Result<Vec<AppChoice>, ApiError> {
    let mut apps: Vec<AppChoice> = offered(state, actor)
        .await?
        .into_iter()
        .map(|(id, since)| {
            let app = state.catalog.get(&id);
            AppChoice {
                name: app.as_ref().map_or_else(|| id.clone(), |app| app.manifest.name.clone()),
                vendor_line: app
                    .as_ref()
                    .filter(|app| app.manifest.kind == AppKind::ThirdParty)
                    .map(|app| t.f("home.third_party_by", &[("vendor", &app.manifest.vendor)])),
                by_mail: since.is_some(),
                since: since.map(|at| t.when(at)),
                id,
            }
        })
        .collect();
    apps.sort_by(|a, b| (a.vendor_line.is_some(), &a.name).cmp(&(b.vendor_line.is_some(), &b.name)));
    Ok(apps)
}

/// Saves the form: every app it listed (`app`), by mail when ticked (`mail`).
async fn save(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let ticked: BTreeSet<&str> =
        pairs.iter().filter(|(key, _)| key == "mail").map(|(_, value)| value.as_str()).collect();
    let listed: BTreeSet<&str> =
        pairs.iter().filter(|(key, _)| key == "app").map(|(_, value)| value.as_str()).collect();
    // Only apps the page offers: nobody stores choices for made-up apps.
    let t = Frame::new(&state, Some(&actor), &headers).t;
    let offered: BTreeSet<String> = choices_of(&state, &t, &actor).await?.into_iter().map(|app| app.id).collect();
    if let Some(unknown) = listed.iter().chain(&ticked).find(|id| !offered.contains(**id)) {
        return Err(ApiError::not_found(format!(
            "no app `{}` can notify you",
            unknown.chars().take(60).collect::<String>()
        )));
    }
    let database = &state.services.database;
    for app in listed {
        let token = crate::identity::random_token();
        database.set_mail_choice(&actor.user_id, app, ticked.contains(app), &token).await?;
    }
    Ok(see_other("/account/notifications/mail?saved=1"))
}

/// The page an unsubscribe link opens: it names the app and asks.
async fn unsubscribe_page(
    State(state): State<AppState>,
    Query(link): Query<Link>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = link.token.unwrap_or_default();
    let target = state.services.database.unsubscribe_target(&token).await?;
    let Some(target) = target.filter(|_| !token.is_empty()) else {
        return Err(ApiError::not_found("this unsubscribe link is not valid"));
    };
    let frame = frame_for(&state, &target.locale, &headers);
    let app = app_name(&state, &target.app_id);
    let done = !target.by_mail;
    let message = if done {
        frame.t.f("unsubscribe.done", &[("app", &app)])
    } else {
        frame.t.f("unsubscribe.ask", &[("app", &app)])
    };
    let token = if done { String::new() } else { token };
    Ok(render(StatusCode::OK, &UnsubscribePage { frame, message, token, done }))
}

/// Turns the mail off: from the page's button (`token` in the form) or a
/// mail client's one-click post (`token` in the address).
async fn unsubscribe(
    State(state): State<AppState>,
    Query(link): Query<Link>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    let token = link.token.or_else(|| form_value(&pairs, "token").map(str::to_owned)).unwrap_or_default();
    let database = &state.services.database;
    let target = database.unsubscribe_target(&token).await?;
    let Some(target) = target.filter(|_| !token.is_empty()) else {
        return Err(ApiError::not_found("this unsubscribe link is not valid"));
    };
    // The token is the key to this one choice; the fresh token is unused.
    database.set_mail_choice(&target.user_id, &target.app_id, false, &crate::identity::random_token()).await?;
    let frame = frame_for(&state, &target.locale, &headers);
    let message = frame.t.f("unsubscribe.done", &[("app", &app_name(&state, &target.app_id))]);
    let mut response = render(StatusCode::OK, &UnsubscribePage { frame, message, token: String::new(), done: true });
    // Whose choice it was, for the audit entry of this request.
    response.extensions_mut().insert(record::Subject { person: target.user_id, resource: target.app_id });
    Ok(response)
}

/// The frame of a page for whoever holds a person's link: in that
/// person's language, whoever is signed in on this browser.
fn frame_for(state: &AppState, locale: &str, headers: &HeaderMap) -> Frame {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let mut frame = Frame::new(state, None, headers);
    frame.t = Texts::new(Lang::pick(Some(locale), accept));
    frame
}

fn app_name(state: &AppState, app_id: &str) -> String {
    state.catalog.get(app_id).map_or_else(|| app_id.to_owned(), |app| app.manifest.name.clone())
}
