//! A person's notifications through the API, beside their pages: marking
//! them read, and choosing per app whether they also arrive by mail. (The
//! list itself is `GET /api/me/notifications`, with the person's other
//! privacy routes.)

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Actor, Body, Page, Paging, Path, Query, Routes, route};
use crate::identity::Permission;
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(
        route(
            Method::POST,
            "/api/me/notifications/read",
            Permission::Authenticated,
            "Mark all your notifications read",
        )
        .id("markAllMyNotificationsRead")
        .status(200)
        .returns::<Marked>(),
        mark_all_read,
    );
    routes.add(
        route(
            Method::POST,
            "/api/me/notifications/{notification}/read",
            Permission::Authenticated,
            "Mark one of your notifications read",
        )
        .id("markMyNotificationRead")
        .status(204),
        mark_read,
    );
    routes.add(
        route(
            Method::GET,
            "/api/me/notification-mail",
            Permission::Authenticated,
            "The apps that can notify you, and whether each also mails you",
        )
        .id("listMyNotificationMail")
        .query::<Paging>()
        .returns::<Page<MailChoice>>(),
        choices,
    );
    routes.add(
        route(
            Method::PUT,
            "/api/me/notification-mail/{app}",
            Permission::Authenticated,
            "Choose whether an app's notifications also arrive by mail",
        )
        .id("setMyNotificationMail")
        .takes::<MailChoiceRequest>()
        .returns::<MailChoice>(),
        choose,
    );
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "NotificationsMarkedRead")]
struct Marked {
    marked: u64,
}

/// Whether an app's notifications also reach the person by mail.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "NotificationMailChoice")]
struct MailChoice {
    app_id: String,
    by_mail: bool,
    /// Since when, if it does.
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    mail_since: Option<i64>,
}

/// `{"by_mail": true}`
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "NotificationMailChoiceRequest")]
#[serde(deny_unknown_fields)]
struct MailChoiceRequest {
    by_mail: bool,
}

async fn mark_all_read(State(state): State<AppState>, Actor(actor): Actor) -> Result<Json<Marked>, ApiError> {
    let marked = state.services.database.mark_notifications_read(&actor.user_id, None).await?;
    Ok(Json(Marked { marked }))
}

/// Marks one of the person's notifications read; someone else's is not
/// found.
async fn mark_read(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let database = &state.services.database;
    database.notification_of(&actor.user_id, &id).await?.ok_or_else(|| ApiError::not_found("not found"))?;
    database.mark_notifications_read(&actor.user_id, Some(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn choices(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<MailChoice>>, ApiError> {
    let items = crate::web::pages::apps_offering_mail(&state, &actor)
        .await?
        .into_iter()
        .map(|(app_id, mail_since)| MailChoice { app_id, by_mail: mail_since.is_some(), mail_since })
        .collect();
    Ok(Json(paging.page(items, |choice: &MailChoice| choice.app_id.clone())?))
}

/// Sets the choice for one of the apps that can notify the person; any
/// other app is not found.
async fn choose(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(app): Path<String>,
    Body(request): Body<MailChoiceRequest>,
) -> Result<Json<MailChoice>, ApiError> {
    let offered = crate::web::pages::apps_offering_mail(&state, &actor).await?;
    if !offered.iter().any(|(id, _)| *id == app) {
        return Err(ApiError::not_found("no such app can notify you"));
    }
    let database = &state.services.database;
    database.set_mail_choice(&actor.user_id, &app, request.by_mail, &crate::identity::random_token()).await?;
    let mail_since = database
        .mail_choices(&actor.user_id)
        .await?
        .into_iter()
        .find(|choice| choice.app_id == app)
        .and_then(|choice| choice.mail_since);
    Ok(Json(MailChoice { app_id: app, by_mail: mail_since.is_some(), mail_since }))
}
