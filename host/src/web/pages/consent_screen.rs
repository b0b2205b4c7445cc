//! The consent screen a third-party app shows before first use, again when
//! a new version asks for more, and whenever the person opens it on purpose
//! from "My apps": who makes it, what it would get in plain words, grouped
//! under each purpose, with a choice per item. What the person declined
//! before is offered again, unticked.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Frame, Texts, render};
use crate::catalog::AppKind;
use crate::identity::Principal;
use crate::web::entry::ConsentRequest;
use crate::web::{ApiError, AppState};

struct Choice {
    grant: String,
    words: String,
    /// The checkbox's element id.
    field: String,
    /// Ticked unless the person declined it before.
    ticked: bool,
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
    /// Some items are unticked because the person declined them before.
    declined_before: bool,
    /// Nothing is left to choose: everything asked is allowed.
    all_given: bool,
    decline: &'static str,
    /// With nothing left to choose: the way into the app.
    open_line: String,
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
            ticked: !item.declined,
        };
        match purposes.last_mut() {
            Some(purpose) if purpose.why == item.why => purpose.choices.push(choice),
            _ => purposes.push(Purpose { why: item.why.clone(), choices: vec![choice] }),
        }
    }
    let names = [("app", request.app_name.as_str()), ("vendor", request.vendor.as_str())];
    // First use; a new version asking for more; or, opened on purpose,
    // only what was declined before is left to choose.
    let intro = if !request.has_consent {
        t.f("consent.intro_new", &names)
    } else if request.asks.iter().any(|item| !item.declined) {
        t.f("consent.intro_more", &names)
    } else if !request.asks.is_empty() {
        t.f("consent.intro_change", &names)
    } else {
        t.f("consent.all_given", &names)
    };
    let decline = if request.has_consent { t.t("consent.decline_more") } else { t.t("consent.decline") };
    let location = match &request.transfer_basis {
        Some(basis) => t.f("consent.location_basis", &[("location", &request.processing_location), ("basis", basis)]),
        None => t.f("consent.location", &[("location", &request.processing_location)]),
    };
    let page = ConsentPage {
        app_id: request.app_id.clone(),
        app_name: request.app_name.clone(),
        description: request.description.clone(),
        intro,
        declined_before: request.asks.iter().any(|item| item.declined),
        all_given: request.has_consent && request.asks.is_empty(),
        decline,
        open_line: t.f("consent.open", &[("app", &request.app_name)]),
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

/// Home's address query after a decision on a consent screen.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AfterDecision {
    /// The app the person just declined.
    declined: Option<String>,
}

impl AfterDecision {
    /// The note home shows about it: only ever about a third-party app of
    /// the catalogue, by its name (the address is anyone's to write).
    pub(crate) async fn note(
        &self,
        state: &AppState,
        principal: &Principal,
        t: &Texts,
    ) -> Result<Option<String>, ApiError> {
        let app = self.declined.as_deref().and_then(|id| state.catalog.get(id));
        let Some(app) = app.filter(|app| app.manifest.kind == AppKind::ThirdParty) else { return Ok(None) };
        let standing = state.services.policy.standing(&principal.user_id, &app.manifest.id).await?;
        let key = if standing.has_consent() { "consent.declined_more" } else { "consent.declined" };
        Ok(Some(t.f(key, &[("app", &app.manifest.name)])))
    }
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
