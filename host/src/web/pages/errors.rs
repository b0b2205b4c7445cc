//! Errors a browser meets are pages, not JSON.
//!
//! Every [`ApiError`](crate::web::ApiError) answer is marked with
//! [`HostError`]. When the request was a browser's page or form, the
//! request context turns a marked answer into an error page with the same
//! status, in the person's language (their own setting, else the
//! browser's), saying what went wrong in the catalogue's words, never the
//! API's English message. Answers of apps are never marked, so an app's
//! own error pages pass unchanged.
//!
//! On a third-party app's own origin every path is the app's, so a page
//! there takes its stylesheet from the origin's `/.courtyard/app.css` and
//! links to the platform by its full address.

use askama::Template;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;

use super::{Frame, Lang, Texts, problems, render};
use crate::web::AppState;
use crate::web::error::Problem;

/// Marks an answer as one of the platform's own errors.
#[derive(Debug, Clone)]
pub(crate) struct HostError {
    pub code: &'static str,
    pub problem: Option<Problem>,
}

/// Where an error page is shown.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    Platform,
    /// The own origin of this third-party app.
    AppOrigin(String),
}

/// The page's way on: a link shown as a button.
struct Action {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    status: u16,
    heading: &'static str,
    message: String,
    action: Option<Action>,
}

/// The error page for `status`, for whoever is signed in on this browser.
pub(crate) async fn as_page(
    state: &AppState,
    status: StatusCode,
    error: &HostError,
    headers: &HeaderMap,
    place: Place,
) -> Response {
    let frame = match &place {
        Place::Platform => {
            let person = crate::web::api::authenticate(state, &Method::GET, headers).await.ok().flatten();
            Frame::new(state, person.as_ref().map(|(principal, _)| principal.as_ref()), headers)
        }
        // The app's pass tells the language; the platform's menu (a form
        // posting to the platform) has no place on the app's origin.
        Place::AppOrigin(app) => {
            let person = state.identity.authenticate_app(headers, app).await.ok().flatten();
            let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
            let lang = Lang::pick(person.as_ref().map(|p| p.locale.as_str()), accept);
            Frame {
                t: Texts::new(lang),
                me: None,
                site: state.public_url.to_string(),
                stylesheet: "/.courtyard/app.css",
            }
        }
    };
    let t = frame.t;
    let heading = match status {
        StatusCode::NOT_FOUND => t.t("error.not_found"),
        StatusCode::FORBIDDEN => t.t("error.forbidden"),
        StatusCode::UNAUTHORIZED => t.t("error.unauthorized"),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => t.t("error.busy"),
        status if status.is_server_error() => t.t("error.ours"),
        _ => t.t("error.request"),
    };
    let action = match &place {
        Place::AppOrigin(app) => state.catalog.get(app).map(|loaded| {
            let back = crate::web::api::referring_app_page(state, app, headers).unwrap_or_else(|| "/".to_owned());
            Action {
                href: crate::web::app_origin::back_through_platform(state, app, &back),
                label: t.f("problem.open_app", &[("app", &loaded.manifest.name)]),
            }
        }),
        Place::Platform if status == StatusCode::UNAUTHORIZED => {
            Some(Action { href: "/account/signin".to_owned(), label: t.t("session.sign_in").to_owned() })
        }
        Place::Platform => None,
    };
    let message = problems::words(&t, status, error.code, error.problem.as_ref());
    render(status, &ErrorPage { frame, status: status.as_u16(), heading, message, action })
}
