//! The person's notifications: all of them, page by page, newest first
//! (`?after=` the `next` of the page before, as every list of the platform
//! pages); opening one (which marks it read and follows its link into the
//! app), and marking them all read.
//!
//! Opening is a link, so it works from a mail program and in a new tab; it
//! marks the notification read on a `GET`. That side effect is harmless and
//! out of a forger's reach: it only ever touches the person's own
//! notification, named by an id nobody else sees, and the session cookie
//! (`SameSite=Lax`) goes along cross-site only on a top-level navigation. A
//! request that says it is not a person opening the page (a prefetch, a
//! subresource, a script's fetch) follows the link without marking.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Texts, check_csrf, form_pairs, form_value, local_target, render, see_other};
use crate::identity::Permission;
use crate::storage::Notification;
use crate::web::api::{Actor, Path, Query, Routes, newest_first, parse_newest_first, route};
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
    /// The link to the next page (older ones), when there are more.
    next: Option<String>,
    /// This is a later page, not the newest.
    later_page: bool,
}

#[derive(Debug, Deserialize)]
struct After {
    #[serde(default)]
    after: String,
}

async fn page(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(after): Query<After>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let frame = Frame::new(&state, Some(&actor), &headers);
    // The cursor of the API's list: a time and an id, which only ever
    // positions the person's own list.
    let cursor = match after.after.as_str() {
        "" => None,
        cursor => Some(parse_newest_first(cursor)?),
    };
    let found = state.services.database.notifications_page(&actor.user_id, cursor.as_ref(), PAGE + 1).await?;
    let more = found.len() as i64 > PAGE;
    let listed: Vec<Notification> = found.into_iter().take(PAGE as usize).collect();
    let next = listed.last().filter(|_| more).map(|last| {
        let cursor = newest_first(last.created_at, &last.id);
        format!("/account/notifications?{}", serde_urlencoded::to_string([("after", &cursor)]).unwrap_or_default())
    });
    let notes: Vec<Note> = listed.into_iter().map(|note| Note::of(&state, &frame.t, note)).collect();
    let unread = notes.iter().any(|note| note.unread);
    let later_page = cursor.is_some();
    Ok(render(StatusCode::OK, &NotificationsPage { frame, notes, unread, next, later_page }))
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let database = &state.services.database;
    let note = database
        .notification_of(&actor.user_id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such notification of yours"))?;
    if is_person_opening(&headers) {
        database.mark_notifications_read(&actor.user_id, Some(&note.id)).await?;
    }
    Ok(see_other(&note.url))
}

/// Whether the request is a person opening the link: not one the browser
/// says is a prefetch, a subresource or a script's fetch (Fetch Metadata;
/// an older browser that sends none is taken at its word).
fn is_person_opening(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_ascii_lowercase);
    let prefetch =
        value("sec-purpose").or_else(|| value("purpose")).is_some_and(|purpose| purpose.contains("prefetch"));
    let navigates = value("sec-fetch-mode").is_none_or(|mode| mode == "navigate");
    let document = value("sec-fetch-dest").is_none_or(|dest| dest == "document");
    !prefetch && navigates && document
}

#[cfg(test)]
mod tests {
    use super::is_person_opening;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap())).collect()
    }

    #[test]
    fn only_a_person_opening_the_link_marks_it_read() {
        assert!(is_person_opening(&headers(&[])));
        assert!(is_person_opening(&headers(&[("sec-fetch-mode", "navigate"), ("sec-fetch-dest", "document")])));
        assert!(is_person_opening(&headers(&[("sec-fetch-mode", "navigate"), ("sec-fetch-site", "cross-site")])));
        assert!(!is_person_opening(&headers(&[("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "image")])));
        assert!(!is_person_opening(&headers(&[("sec-fetch-mode", "cors")])));
        assert!(!is_person_opening(&headers(&[("sec-fetch-mode", "navigate"), ("sec-purpose", "prefetch")])));
        assert!(!is_person_opening(&headers(&[("sec-fetch-mode", "navigate"), ("sec-fetch-dest", "iframe")])));
    }
}
