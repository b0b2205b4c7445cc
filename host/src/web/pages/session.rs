//! Signing in and out in a browser, with plain forms.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Frame, check_csrf, form_pairs, form_value, local_target, problems, render, see_other};
use crate::identity::Permission;
use crate::web::api::{Actor, Query, Routes, record, route};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    routes.add(route(Method::GET, "/account/signin", Permission::Public, "The sign-in page"), page);
    routes.add(route(Method::POST, "/account/signin", Permission::Public, "The sign-in form"), sign_in);
    routes.add(route(Method::POST, "/account/signout", Permission::Authenticated, "The sign-out form"), sign_out);
}

#[derive(Template)]
#[template(path = "signin.html")]
pub(super) struct SignInPage {
    pub frame: Frame,
    pub next: String,
    pub email: String,
    pub problem: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Next {
    next: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    actor: Option<Actor>,
    Query(next): Query<Next>,
    headers: HeaderMap,
) -> Response {
    let next = local_target(next.next.as_deref());
    if actor.is_some() {
        return see_other(&next);
    }
    let frame = Frame::new(&state, None, &headers);
    render(StatusCode::OK, &SignInPage { frame, next, email: String::new(), problem: None })
}

/// `email`, `password` and `next` (where to go afterwards, on this site).
async fn sign_in(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    // Signing someone into an account of the attacker's is an attack too.
    if !crate::web::api::same_origin(&state, &headers) {
        return Err(ApiError::forbidden("cross-site request refused").with_code("cross_site"));
    }
    let pairs = form_pairs(&body)?;
    let email = form_value(&pairs, "email").unwrap_or_default().trim().to_owned();
    let password = form_value(&pairs, "password").unwrap_or_default().to_owned();
    let next = local_target(form_value(&pairs, "next"));
    if email.is_empty() || password.is_empty() {
        let frame = Frame::new(&state, None, &headers);
        let problem = Some(frame.t.t("session.missing").to_owned());
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &SignInPage { frame, next, email, problem }));
    }
    let user = match crate::web::api::check_sign_in(&state, &email, password).await {
        Ok(user) => user,
        Err(err) if err.status.is_client_error() => {
            let frame = Frame::new(&state, None, &headers);
            let problem = Some(match err.code {
                "unauthorized" => frame.t.t("session.wrong").to_owned(),
                _ => problems::of(&frame.t, &err),
            });
            return Ok(render(err.status, &SignInPage { frame, next, email, problem }));
        }
        Err(err) => return Err(err),
    };
    let (_, secret) = state.identity.open_session(&user.id, true).await?;
    let cookie = state.identity.session_cookie(Some(&secret));
    let mut response = see_other(&next);
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    // Who signed in, for the audit entry of this request.
    response.extensions_mut().insert(record::Identified { user: user.id });
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    Actor(actor): Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    state.identity.revoke(&actor.session_id).await?;
    let mut response = see_other("/account/signin");
    let cookie = state.identity.session_cookie(None);
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(response.into_response())
}
