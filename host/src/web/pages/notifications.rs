//! The person's notifications: all of them, page by page, newest first;
//! opening one (which marks it read and follows its link into the app), and
//! marking them all read.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Texts, check_csrf, form_pairs, form_value, local_target, render, see_other};
use crate::identity::Permission;
use crate::storage::Notification;
use crate::web::api::{Actor, Path, Query, Routes, route};
use crate::web::{ApiError, AppState};

/// Notifications on one page of the list.
const PAGE: i64 = 30;

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(Method::GET, "/account/notifications", Permission::Authenticated, "All your notifications, newest first"),
        page,
    );
    routes.add(
        route(Method::POST, "/account/notifications/read", Permission::Authenticated, "Mark all notifications read"),
        mark_all_read,
    );
    routes.add(
        route(
            Method::GET,
            "/account/notifications/{notification}",
            Permission::Authenticated,
            "Open a notification: marks it read and goes where it leads",
        ),
        open,
    );
}

/// A notification as pages list it.
pub(super) struct Note {
    pub id: String,
    pub href: String,
    pub title: String,
    pub body: String,
    pub app_name: String,
    pub when: String,
    pub unread: bool,
}

impl Note {
    pub(super) fn of(state: &AppState, t: &Texts, note: Notification) -> Note {
        let app_name =
            state.catalog.get(&note.app_id).map_or_else(|| note.app_id.clone(), |app| app.manifest.name.clone());
        Note {
            href: format!("/account/notifications/{}", note.id),
            id: note.id,
            title: note.title,
            body: note.body,
            app_name,
            when: t.when(note.created_at),
            unread: note.read_at.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    frame: Frame,
    notes: Vec<Note>,
    unread: bool,
    /// The link to the older ones, when there are more.
    older: Option<String>,
    /// This is a later page, not the newest.
    later_page: bool,
}

#[derive(Debug, Deserialize)]
struct Older {
    before: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(older): Query<Older>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let frame = Frame::new(&state, Some(&actor), &headers);
    let database = &state.services.database;
    let before = older.before.filter(|id| !id.is_empty());
    let found = match &before {
        None => database.notifications_of(&actor.user_id, PAGE + 1).await?,
        // Older than one of the person's own notifications; any other id
        // (someone else's, made up) has nothing older.
        Some(id) => match database.notification_of(&actor.user_id, id).await? {
            Some(last) => {
                database.notifications_page(&actor.user_id, Some(&(last.created_at, last.id)), PAGE + 1).await?
            }
            None => Vec::new(),
        },
    };
    let more = found.len() as i64 > PAGE;
    let notes: Vec<Note> = found.into_iter().take(PAGE as usize).map(|note| Note::of(&state, &frame.t, note)).collect();
    let older = notes.last().filter(|_| more).map(|last| {
        format!("/account/notifications?{}", serde_urlencoded::to_string([("before", &last.id)]).unwrap_or_default())
    });
    let unread = notes.iter().any(|note| note.unread);
    let later_page = before.is_some();
    Ok(render(StatusCode::OK, &NotificationsPage { frame, notes, unread, older, later_page }))
}

/// Marks every notification of the person read; back to the page the form
/// was on.
async fn mark_all_read(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    state.services.database.mark_notifications_read(&actor.user_id, None).await?;
    Ok(see_other(&local_target(form_value(&pairs, "next"))))
}

/// Marks one of the person's notifications read and follows its link, on
/// the site: `/apps/{app}` and the app's own path below it.
async fn open(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let database = &state.services.database;
    let note = database
        .notification_of(&actor.user_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notification of yours"))?;
    database.mark_notifications_read(&actor.user_id, Some(&note.id)).await?;
    Ok(see_other(&note.url))
}
