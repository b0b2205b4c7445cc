//! The consent screen a third-party app shows before first use, and again
//! when a new version asks for more: who makes it, what it would get in
//! plain words, grouped under each purpose, with a choice per item.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{Frame, Texts, render};
use crate::identity::Principal;
use crate::web::AppState;
use crate::web::entry::ConsentRequest;

struct Choice {
    grant: String,
    words: String,
    /// The checkbox's element id.
    field: String,
}

/// Items under one purpose, as the manifest states it once per capability.
struct Purpose {
    why: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    frame: Frame,
    app_id: String,
    app_name: String,
    description: String,
    intro: String,
    purposes: Vec<Purpose>,
    given: Vec<String>,
    location: String,
    policy: Option<String>,
    policy_line: String,
    hash: String,
}

/// The screen for `request`, for `principal`.
pub(crate) fn screen(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    request: &ConsentRequest,
) -> Response {
    let frame = Frame::new(state, Some(principal), headers);
    let t = frame.t;
    let mut purposes: Vec<Purpose> = Vec::new();
    for (at, item) in request.asks.iter().enumerate() {
        let choice = Choice {
            grant: item.grant.clone(),
            words: grant_words(state, &t, &item.grant),
            field: format!("grant-{at}"),
        };
        match purposes.last_mut() {
            Some(purpose) if purpose.why == item.why => purpose.choices.push(choice),
            _ => purposes.push(Purpose { why: item.why.clone(), choices: vec![choice] }),
        }
    }
    let names = [("app", request.app_name.as_str()), ("vendor", request.vendor.as_str())];
    let intro = if request.has_consent { t.f("consent.intro_more", &names) } else { t.f("consent.intro_new", &names) };
    let location = match &request.transfer_basis {
        Some(basis) => t.f("consent.location_basis", &[("location", &request.processing_location), ("basis", basis)]),
        None => t.f("consent.location", &[("location", &request.processing_location)]),
    };
    let page = ConsentPage {
        app_id: request.app_id.clone(),
        app_name: request.app_name.clone(),
        description: request.description.clone(),
        intro,
        purposes,
        given: request.given.iter().map(|item| grant_words(state, &t, &item.grant)).collect(),
        location,
        policy: request.privacy_policy.clone(),
        policy_line: t.f("consent.policy", &[("vendor", &request.vendor)]),
        hash: request.purposes_hash.clone(),
        frame,
    };
    render(StatusCode::OK, &page)
}

/// A grant in plain words, in the page's language: never its key.
pub(crate) fn grant_words(state: &AppState, t: &Texts, grant: &str) -> String {
    let (kind, target) = grant.split_once(':').unwrap_or((grant, ""));
    let human = |name: &str| name.replace(['-', '_'], " ");
    match kind {
        "profile.read" => t.t(&profile_key(target)).to_owned(),
        "collections.write" => t.f("grant.keeps", &[("what", &human(target))]),
        "collections.read" => match target.split_once('/') {
            Some((app, collection)) => {
                let app = state.catalog.get(app).map_or_else(|| human(app), |app| app.manifest.name.clone());
                t.f("grant.reads_other", &[("what", &human(collection)), ("app", &app)])
            }
            None => t.f("grant.reads", &[("what", &human(target))]),
        },
        "notifications.send" => t.t("grant.notifications").to_owned(),
        "outbound-http" => t.f("grant.outbound", &[("host", target.rsplit_once(':').map_or(target, |(host, _)| host))]),
        _ => grant.to_owned(),
    }
}

/// The catalogue name of a profile field's words.
pub(super) fn profile_key(field: &str) -> String {
    format!("grant.profile_{}", field.replace('-', "_"))
}
