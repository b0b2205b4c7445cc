//! The person's profile: their name and the language of their pages.
//! (Their email address changes with a fresh confirmation, in the privacy
//! center.)

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Lang, check_csrf, form_pairs, form_value, render, see_other};
use crate::identity::Permission;
use crate::web::api::{Actor, Query, Routes, locale, route, text};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(route(Method::GET, "/account/profile", Permission::Authenticated, "Your profile"), page);
    routes
        .add(route(Method::POST, "/account/profile", Permission::Authenticated, "Change your name or language"), save);
}

struct Language {
    tag: &'static str,
    name: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    frame: Frame,
    name: String,
    email: String,
    languages: Vec<Language>,
    saved: bool,
    problem: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Query(saved): Query<Saved>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let user = state.services.database.user(&actor.user_id).await?.ok_or_else(|| ApiError::not_found("gone"))?;
    let frame = Frame::new(&state, Some(&actor), &headers);
    let page = ProfilePage {
        frame,
        languages: languages(&user.locale),
        name: user.name,
        email: user.email,
        saved: saved.saved.is_some(),
        problem: None,
    };
    Ok(render(StatusCode::OK, &page))
}

fn languages(current: &str) -> Vec<Language> {
    let chosen = Lang::of_tag(current);
    [(Lang::En, "English"), (Lang::De, "Deutsch")]
        .into_iter()
        .map(|(lang, name)| Language { tag: lang.code(), name, chosen: chosen == Some(lang) })
        .collect()
}

async fn save(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let database = &state.services.database;
    let mut user = database.user(&actor.user_id).await?.ok_or_else(|| ApiError::not_found("gone"))?;
    let typed_name = form_value(&pairs, "name").unwrap_or_default().trim().to_owned();
    let checked = text("name", &typed_name, 200).and_then(|name| {
        let tag = form_value(&pairs, "locale").unwrap_or_default();
        Lang::of_tag(tag).ok_or_else(|| ApiError::invalid("choose English or Deutsch"))?;
        Ok((name, locale(tag)?))
    });
    match checked {
        Ok((name, tag)) => {
            user.name = name;
            user.locale = tag;
            database.save_user_profile(&user).await?;
            state.identity.forget_user(&actor.user_id);
            Ok(see_other("/account/profile?saved=1"))
        }
        Err(err) => {
            let frame = Frame::new(&state, Some(&actor), &headers);
            let problem = Some(frame.t.t("profile.invalid").to_owned());
            let page = ProfilePage {
                frame,
                languages: languages(&user.locale),
                name: typed_name,
                email: user.email,
                saved: false,
                problem,
            };
            Ok(render(err.status, &page))
        }
    }
}
