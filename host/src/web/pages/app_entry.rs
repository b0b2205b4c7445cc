//! The page an app's origin answers when a ticket into the app is refused
//! (used already, run out, or its session ended): a way back in through the
//! platform, which signs in, asks consent and hands out a fresh ticket.
//!
//! It is served on the app's origin, where every path but `/.courtyard/…`
//! is the app's: so it takes its styles from `/.courtyard/app.css` and its
//! links are the platform's absolute addresses.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::{Lang, Texts, render};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "app_entry.html")]
struct TicketRefusedPage {
    t: Texts,
    text: String,
    open: String,
    /// The same page of the app, through the platform.
    again: String,
    home: String,
}

/// The answer to a refused ticket for `app`; `again` leads back in.
pub(crate) fn ticket_refused(state: &AppState, app: &str, again: &str, headers: &HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    let t = Texts::new(Lang::pick(None, accept));
    let name = state.catalog.get(app).map_or_else(|| app.to_owned(), |app| app.manifest.name.clone());
    let page = TicketRefusedPage {
        t,
        text: t.f("app_entry.text", &[("app", &name)]),
        open: t.f("app_entry.open", &[("app", &name)]),
        again: again.to_owned(),
        home: format!("{}/", state.public_url),
    };
    let mut response = render(StatusCode::UNAUTHORIZED, &page);
    // The refused ticket is in this page's address: it goes nowhere else.
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
