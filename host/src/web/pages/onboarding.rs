//! The ways in, as plain forms that work without scripts: signing up with
//! the activation code from the letter or an invitation, confirming the
//! email address from the mailed link, resetting a forgotten password, and
//! asking for access without a code. Each form does what its API route does,
//! by calling the same handler.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Texts, form_pairs, form_value, problems, render};
use crate::identity::Permission;
use crate::web::api::accounts::{self, ResetConfirm, ResetRequest, TokenOnly};
use crate::web::api::onboarding::{self, NewAccessRequest, SignUp};
use crate::web::api::{Body, Query, Routes, record, route, same_origin};
use crate::web::{ApiError, AppState};

pub(super) fn declare(routes: &mut Routes) {
    let public = |method, path, summary| route(method, path, Permission::Public, summary);
    routes.add(public(Method::GET, "/account/signup", "Sign up with a code or an invitation (page)"), signup_page);
    routes.add(public(Method::POST, "/account/signup", "The sign-up form"), signup);
    routes.add(public(Method::GET, "/account/verify", "Confirm an email address (page)"), verify_page);
    routes.add(public(Method::POST, "/account/verify", "The confirmation form"), verify);
    routes.add(public(Method::GET, "/account/reset", "Reset a forgotten password (page)"), reset_page);
    routes.add(public(Method::POST, "/account/reset", "Ask for a reset link (form)"), reset_request);
    routes.add(public(Method::POST, "/account/reset/confirm", "Choose a new password (form)"), reset_confirm);
    routes.add(public(Method::GET, "/account/request", "Ask for access without a code (page)"), request_page);
    routes.add(public(Method::POST, "/account/request", "The access request form"), request);
}

/// What the sign-up page shows.
#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    frame: Frame,
    code: String,
    invitation: String,
    name: String,
    email: String,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    frame: Frame,
    token: String,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    frame: Frame,
    /// With a token: the new-password form; without: the forgot form.
    token: String,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    frame: Frame,
    typed: Typed,
    problem: Option<String>,
}

/// What the person typed into the access request form (never the password).
#[derive(Default)]
struct Typed {
    name: String,
    email: String,
    street: String,
    postal_code: String,
    city: String,
    unit_label: String,
    message: String,
}

/// A form was handled: what happened, and where to go on.
#[derive(Template)]
#[template(path = "done.html")]
pub(super) struct DonePage {
    pub frame: Frame,
    pub heading: &'static str,
    pub message: String,
    pub sign_in: bool,
}

#[derive(Debug, Default, Deserialize)]
struct Links {
    code: Option<String>,
    invitation: Option<String>,
    token: Option<String>,
}

/// The form's named fields as a JSON object for the API's input type;
/// empty fields are left out, as a person leaves them blank.
fn json_of(pairs: &[(String, String)], names: &[&str]) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for name in names {
        if let Some(value) = form_value(pairs, name).filter(|value| !value.trim().is_empty()) {
            object.insert((*name).to_owned(), serde_json::Value::String(value.to_owned()));
        }
    }
    serde_json::Value::Object(object)
}

fn input<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|_| {
        ApiError::invalid("fill in every field marked as needed").with_problem("problem.missing_fields", &[])
    })
}

/// Forms of people not signed in may still only come from our own pages.
fn from_here(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if same_origin(state, headers) {
        Ok(())
    } else {
        Err(ApiError::forbidden("cross-site request refused").with_code("cross_site"))
    }
}

/// A refusal the person can act on is shown on the form, in their words;
/// ours is an error page.
fn problem(t: &Texts, err: ApiError) -> Result<String, ApiError> {
    if err.status.is_client_error() { Ok(problems::of(t, &err)) } else { Err(err) }
}

async fn signup_page(State(state): State<AppState>, Query(links): Query<Links>, headers: HeaderMap) -> Response {
    let page = SignupPage {
        frame: Frame::new(&state, None, &headers),
        code: links.code.unwrap_or_default(),
        invitation: links.invitation.unwrap_or_default(),
        name: String::new(),
        email: String::new(),
        problem: None,
    };
    render(StatusCode::OK, &page)
}

async fn signup(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    from_here(&state, &headers)?;
    let pairs = form_pairs(&body)?;
    let frame = Frame::new(&state, None, &headers);
    let t = frame.t;
    let mut fields = json_of(&pairs, &["name", "email", "password", "activation_code", "invitation"]);
    fields["locale"] = serde_json::Value::String(frame.t.code().to_owned());
    let invited = form_value(&pairs, "invitation").is_some_and(|value| !value.is_empty());
    let outcome = match input::<SignUp>(fields) {
        Ok(signup) => onboarding::new_account(&state, signup).await,
        Err(err) => Err(err),
    };
    let email = form_value(&pairs, "email").unwrap_or_default().to_owned();
    match outcome {
        Ok(account) => {
            let mut page = if invited {
                done(frame, t.t("onboarding.ready"), t.t("onboarding.ready_text").to_owned(), true)
            } else {
                let message = t.f("onboarding.mailed_text", &[("email", &email)]);
                done(frame, t.t("onboarding.mailed"), message, false)
            };
            // Whose account it is, for the audit entry of this request.
            page.extensions_mut().insert(record::Identified { user: account.user_id });
            Ok(page)
        }
        Err(err) => {
            let problem = Some(problem(&t, err)?);
            let page = SignupPage {
                code: form_value(&pairs, "activation_code").unwrap_or_default().to_owned(),
                invitation: form_value(&pairs, "invitation").unwrap_or_default().to_owned(),
                name: form_value(&pairs, "name").unwrap_or_default().to_owned(),
                email,
                problem,
                frame,
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

fn done(frame: Frame, heading: &'static str, message: String, sign_in: bool) -> Response {
    render(StatusCode::OK, &DonePage { frame, heading, message, sign_in })
}

async fn verify_page(State(state): State<AppState>, Query(links): Query<Links>, headers: HeaderMap) -> Response {
    let frame = Frame::new(&state, None, &headers);
    render(StatusCode::OK, &VerifyPage { frame, token: links.token.unwrap_or_default() })
}

async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    from_here(&state, &headers)?;
    let pairs = form_pairs(&body)?;
    let frame = Frame::new(&state, None, &headers);
    let t = frame.t;
    let token = TokenOnly { token: form_value(&pairs, "token").unwrap_or_default().to_owned() };
    match accounts::verify_email(State(state.clone()), Body(token)).await {
        Ok(_) => Ok(done(frame, t.t("onboarding.confirmed"), t.t("onboarding.confirmed_text").to_owned(), true)),
        Err(err) => {
            let message = problem(&t, err)?;
            let mut page = done(frame, t.t("onboarding.not_confirmed"), message, false);
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
    }
}

async fn reset_page(State(state): State<AppState>, Query(links): Query<Links>, headers: HeaderMap) -> Response {
    let frame = Frame::new(&state, None, &headers);
    render(StatusCode::OK, &ResetPage { frame, token: links.token.unwrap_or_default(), problem: None })
}

async fn reset_request(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    from_here(&state, &headers)?;
    let pairs = form_pairs(&body)?;
    let frame = Frame::new(&state, None, &headers);
    let t = frame.t;
    let outcome = match input::<ResetRequest>(json_of(&pairs, &["email"])) {
        Ok(asked) => accounts::request_reset(State(state.clone()), Body(asked)).await.map(|_| ()),
        Err(err) => Err(err),
    };
    match outcome {
        Ok(()) => Ok(done(frame, t.t("onboarding.reset_sent"), t.t("onboarding.reset_sent_text").to_owned(), false)),
        Err(err) => {
            let page = ResetPage { frame, token: String::new(), problem: Some(problem(&t, err)?) };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

async fn reset_confirm(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    from_here(&state, &headers)?;
    let pairs = form_pairs(&body)?;
    let frame = Frame::new(&state, None, &headers);
    let t = frame.t;
    let outcome = match input::<ResetConfirm>(json_of(&pairs, &["token", "password"])) {
        Ok(chosen) => accounts::confirm_reset(State(state.clone()), Body(chosen)).await.map(|_| ()),
        Err(err) => Err(err),
    };
    match outcome {
        Ok(()) => {
            Ok(done(frame, t.t("onboarding.password_saved"), t.t("onboarding.password_saved_text").to_owned(), true))
        }
        Err(err) => {
            let token = form_value(&pairs, "token").unwrap_or_default().to_owned();
            let page = ResetPage { frame, token, problem: Some(problem(&t, err)?) };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

/// The access request's fields, in the form's order.
const REQUEST_FIELDS: [&str; 8] =
    ["name", "email", "password", "street", "postal_code", "city", "unit_label", "message"];

async fn request_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let frame = Frame::new(&state, None, &headers);
    render(StatusCode::OK, &RequestPage { frame, typed: Typed::default(), problem: None })
}

async fn request(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    from_here(&state, &headers)?;
    let pairs = form_pairs(&body)?;
    let frame = Frame::new(&state, None, &headers);
    let t = frame.t;
    let mut fields = json_of(&pairs, &REQUEST_FIELDS);
    fields["locale"] = serde_json::Value::String(frame.t.code().to_owned());
    let outcome = match input::<NewAccessRequest>(fields) {
        Ok(asked) => onboarding::request_access(State(state.clone()), None, Body(asked)).await.map(|_| ()),
        Err(err) => Err(err),
    };
    match outcome {
        Ok(()) => Ok(done(frame, t.t("onboarding.requested"), t.t("onboarding.requested_text").to_owned(), false)),
        Err(err) => {
            let problem = Some(problem(&t, err)?);
            let typed_value = |name: &str| form_value(&pairs, name).unwrap_or_default().to_owned();
            let typed = Typed {
                name: typed_value("name"),
                email: typed_value("email"),
                street: typed_value("street"),
                postal_code: typed_value("postal_code"),
                city: typed_value("city"),
                unit_label: typed_value("unit_label"),
                message: typed_value("message"),
            };
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &RequestPage { frame, typed, problem }))
        }
    }
}
