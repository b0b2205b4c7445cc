//! Home (`/`): the person's property, the apps enabled there, their
//! newest notifications. A visitor who is not signed in gets the sign-in page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use super::notifications::Note;
use super::session::SignInPage;
use super::{Frame, Texts, check_csrf, form_pairs, form_value, render, see_other};
use crate::catalog::AppKind;
use crate::identity::{Permission, Principal};
use crate::web::api::{Actor, Query, Routes, current_property, route};
use crate::web::{ApiError, AppState};

/// How many notifications home lists.
const LISTED_NOTIFICATIONS: i64 = 20;

pub(super) fn declare(routes: &mut Routes) {
    routes.add(route(Method::GET, "/", Permission::Public, "Home: your property, its apps, your notifications"), home);
    routes.add(
        route(Method::POST, "/account/property", Permission::Authenticated, "Switch the property home shows"),
        switch_property,
    );
}

struct Place {
    id: String,
    name: String,
    current: bool,
}

struct Tile {
    href: String,
    name: String,
    initial: String,
    hue: usize,
    description: String,
    /// For third-party apps: who makes it, shown before first use.
    vendor_line: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    /// The name of the property home shows, once one is chosen.
    place: Option<String>,
    places: Vec<Place>,
    tiles: Vec<Tile>,
    upcoming: Vec<super::upcoming::Upcoming>,
    /// For moderators: how many reported documents wait.
    moderation: Option<String>,
    notes: Vec<Note>,
    unread: i64,
    unread_line: String,
    /// What became of a decision just made (a consent declined).
    note: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    actor: Option<Actor>,
    Query(after): Query<super::AfterDecision>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(Actor(principal)) = actor else {
        let frame = Frame::new(&state, None, &headers);
        let page = SignInPage { frame, next: "/".to_owned(), email: String::new(), problem: None };
        return Ok(render(StatusCode::OK, &page));
    };
    let frame = Frame::new(&state, Some(&principal), &headers);
    let t = frame.t;
    let current = current_property(&principal);
    let places = places_of(&state, &principal, current.as_ref()).await?;
    let place = places.iter().find(|place| place.current).map(|place| place.name.clone());
    let moderation = match &current {
        Some((customer, property))
            if principal.may(Permission::ContentModerate, crate::identity::Target::property(customer, property)) =>
        {
            let open = state.services.database.open_moderation_cases(customer, property).await?;
            Some(t.f("moderation.open_cases", &[("count", &open.to_string())]))
        }
        _ => None,
    };
    let (tiles, upcoming) = match &current {
        Some((customer, property)) => {
            let apps = crate::web::entry::enabled_here(&state, customer, property).await?;
            let upcoming = super::upcoming::upcoming_of(&state, &t, &principal, &apps, customer, property).await?;
            (tiles_of(&t, apps), upcoming)
        }
        None => (Vec::new(), Vec::new()),
    };
    let database = &state.services.database;
    let notifications = database.notifications_of(&principal.user_id, LISTED_NOTIFICATIONS).await?;
    // All unread ones, not only among those listed.
    let unread = database.unread_notifications(&principal.user_id).await?;
    let notes = notifications.into_iter().map(|note| Note::of(&state, &t, note)).collect();
    let unread_line = t.f("home.unread", &[("count", &unread.to_string())]);
    let note = after.note(&state, &principal, &t).await?;
    Ok(render(
        StatusCode::OK,
        &HomePage { frame, place, places, tiles, upcoming, moderation, notes, unread, unread_line, note },
    ))
}

/// The properties where the person uses apps, by name.
async fn places_of(
    state: &AppState,
    principal: &Principal,
    current: Option<&(String, String)>,
) -> Result<Vec<Place>, ApiError> {
    let mut places = Vec::new();
    for (_, property) in principal.app_properties() {
        if let Some(found) = state.services.database.property(&property).await? {
            let is_current = current.is_some_and(|(_, chosen)| *chosen == found.id);
            places.push(Place { id: found.id, name: found.name, current: is_current });
        }
    }
    places.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(places)
}

/// The apps the customer enabled at the property: core apps first.
fn tiles_of(t: &Texts, mut apps: Vec<std::sync::Arc<crate::catalog::LoadedApp>>) -> Vec<Tile> {
    apps.sort_by(|a, b| {
        let rank = |kind: AppKind| u8::from(kind == AppKind::ThirdParty);
        (rank(a.manifest.kind), &a.manifest.name).cmp(&(rank(b.manifest.kind), &b.manifest.name))
    });
    apps.into_iter()
        .map(|app| {
            let manifest = &app.manifest;
            Tile {
                href: format!("/apps/{}/", manifest.id),
                name: manifest.name.clone(),
                initial: manifest.name.chars().next().map(|c| c.to_uppercase().collect()).unwrap_or_default(),
                hue: manifest.id.bytes().fold(0usize, |sum, byte| sum + usize::from(byte)) % 8,
                description: manifest.description.clone(),
                vendor_line: (manifest.kind == AppKind::ThirdParty)
                    .then(|| t.f("home.third_party_by", &[("vendor", &manifest.vendor)])),
            }
        })
        .collect()
}

async fn switch_property(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let wanted = form_value(&pairs, "property_id").unwrap_or_default();
    let (customer, property) = actor
        .app_properties()
        .into_iter()
        .find(|(_, property)| property == wanted)
        .ok_or_else(|| ApiError::not_found("you use no apps in that property"))?;
    let stored = format!("{customer}/{property}");
    state.services.database.choose_session_property(&actor.session_id, Some(&stored)).await?;
    state.identity.forget_session(&actor.session_id);
    Ok(see_other("/"))
}
