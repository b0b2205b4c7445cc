//! Moderation: a person reports a document of an app as abusive
//! (`/moderation/report/{app}/{collection}/{document}`, linked by apps next
//! to posts, listings, profiles and messages), and the property's
//! moderators (`content-moderate`: property managers and customer admins)
//! work through the queue (`/moderation`): hide, restore or delete the
//! document, or dismiss the reports, always with a reason the author is
//! told.
//!
//! The host decides it all itself, never the app: a person reports only
//! what they may read (the same audience rule as the app's own queries); a
//! hidden document leaves every reader's query until it is restored
//! (`storage::audience`); deleting goes through the document store, with
//! the document's files and keys. Every step is audited by the platform's
//! request audit (one entry per report or decision; a decision names the
//! author as the person whose data it changed), and a moderator opening a
//! case shows in the author's access log. Reporters are never shown to
//! anyone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use super::{Frame, Texts, check_csrf, form_pairs, form_value, render, see_other};
use crate::catalog::AppKind;
use crate::identity::{Permission, Principal, Target};
use crate::storage::{
    DocumentScope, ModeratedDocument, ModerationAction, NewReport, REPORT_REASONS, Reader, StorageError,
};
use crate::web::api::record::{Listing, Subject};
use crate::web::api::{Actor, Path, Routes, current_property, route};
use crate::web::{ApiError, AppState};

/// The longest note a reporter adds, and the longest reason a moderator gives.
const MAX_NOTE: usize = 1_000;
const MAX_REASON: usize = 500;
/// How much of a document a moderator or reporter is shown.
const SHOWN_FIELDS: usize = 8;
const SHOWN_CHARS: usize = 1_000;

pub(super) fn declare(routes: &mut Routes) {
    let report = "/moderation/report/{app}/{collection}/{document}";
    routes.add(route(Method::GET, report, Permission::AppsUse, "Report a post, listing, profile or message"), form);
    routes
        .add(route(Method::POST, report, Permission::AppsUse, "Report a post, listing, profile or message"), report_it);
    routes
        .add(route(Method::GET, "/moderation", Permission::ContentModerate, "The property's moderation queue"), queue);
    routes.add(
        route(Method::GET, "/moderation/{document}", Permission::ContentModerate, "A reported or hidden document"),
        case,
    );
    routes.add(
        route(
            Method::POST,
            "/moderation/{document}",
            Permission::ContentModerate,
            "Hide, restore or delete a reported document, or dismiss the reports",
        ),
        decide,
    );
}

/// A top-level text of a document, as moderation pages show it.
pub(super) struct Excerpt {
    pub field: String,
    pub text: String,
}

/// The text fields of a document's body, shortened.
fn excerpts(body: &str) -> Vec<Excerpt> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|(field, value)| value.as_str().map(|text| (field, text)))
        .filter(|(_, text)| !text.trim().is_empty())
        .take(SHOWN_FIELDS)
        .map(|(field, text)| Excerpt { field: field.clone(), text: text.chars().take(SHOWN_CHARS).collect() })
        .collect()
}

/// The app's name for people, or its id.
fn app_name(state: &AppState, app: &str) -> String {
    state.catalog.get(app).map_or_else(|| app.to_owned(), |app| app.manifest.name.clone())
}

#[derive(Template)]
#[template(path = "moderation_report.html")]
struct ReportPage {
    frame: Frame,
    action: String,
    intro: String,
    excerpts: Vec<Excerpt>,
    reasons: Vec<(&'static str, &'static str)>,
    already: bool,
    problem: Option<String>,
}

/// The document a report names, if the reporter may read it now.
async fn readable(
    state: &AppState,
    principal: &Principal,
    app: &str,
    collection: &str,
    document: &str,
) -> Result<ModeratedDocument, ApiError> {
    let missing = || ApiError::not_found("there is no such post here, or you cannot see it");
    let (customer, property) = current_property(principal).ok_or_else(missing)?;
    let loaded = state.catalog.get(app).ok_or_else(missing)?;
    let id = match loaded.manifest.kind {
        AppKind::Core => document.to_owned(),
        AppKind::ThirdParty => state.services.policy.ids.document_from_app(app, document).ok_or_else(missing)?,
    };
    let scope = super::reading_scope(principal, &loaded.manifest, &customer, &property);
    match state.services.database.get_document(&scope, collection, &id).await {
        Ok(_) => {}
        Err(StorageError::NotFound) => return Err(missing()),
        Err(err) => return Err(err.into()),
    }
    state.services.database.moderated_document(&customer, &property, &id).await?.ok_or_else(missing)
}

fn reasons(t: &Texts) -> Vec<(&'static str, &'static str)> {
    REPORT_REASONS.iter().map(|reason| (*reason, t.t(&format!("moderation.reason_{reason}")))).collect()
}

async fn form(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path((app, collection, document)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = readable(&state, &principal, &app, &collection, &document).await?;
    let frame = Frame::new(&state, Some(&principal), &headers);
    let reasons = reasons(&frame.t);
    let already = state.services.database.reported_by(&found.id, &principal.user_id).await?;
    let page = ReportPage {
        action: format!("/moderation/report/{app}/{collection}/{document}"),
        intro: frame.t.f("moderation.report_intro", &[("app", &app_name(&state, &app))]),
        excerpts: if found.owner == principal.user_id { Vec::new() } else { excerpts(&found.body) },
        reasons,
        already,
        problem: None,
        frame,
    };
    Ok(render(StatusCode::OK, &page))
}

async fn report_it(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path((app, collection, document)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let found = readable(&state, &principal, &app, &collection, &document).await?;
    let frame = Frame::new(&state, Some(&principal), &headers);
    let reason = form_value(&pairs, "reason").unwrap_or_default();
    let note = form_value(&pairs, "note").unwrap_or_default().trim();
    let problem = if found.owner == principal.user_id {
        Some(frame.t.t("moderation.own"))
    } else if !REPORT_REASONS.contains(&reason) {
        Some(frame.t.t("moderation.choose_reason"))
    } else if note.chars().count() > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        Some(frame.t.t("moderation.note_too_long"))
    } else {
        None
    };
    if let Some(problem) = problem {
        let page = ReportPage {
            action: format!("/moderation/report/{app}/{collection}/{document}"),
            intro: frame.t.f("moderation.report_intro", &[("app", &app_name(&state, &app))]),
            excerpts: excerpts(&found.body),
            reasons: reasons(&frame.t),
            already: false,
            problem: Some(problem.to_owned()),
            frame,
        };
        return Ok(render(StatusCode::BAD_REQUEST, &page));
    }
    let report = NewReport { document: &found, reporter_id: &principal.user_id, reason, note };
    state.services.database.report_document(report).await?;
    let heading = frame.t.t("moderation.thanks");
    let message = frame.t.t("moderation.thanks_text").to_owned();
    Ok(render(StatusCode::OK, &super::onboarding::DonePage { frame, heading, message, sign_in: false }))
}

/// The property `principal` moderates now, or 404.
fn moderated_property(principal: &Principal) -> Result<(String, String), ApiError> {
    current_property(principal)
        .filter(|(customer, property)| principal.may(Permission::ContentModerate, Target::property(customer, property)))
        .ok_or_else(|| ApiError::not_found("choose a property you moderate on home first"))
}

struct CaseLine {
    href: String,
    app: String,
    kind: String,
    since: String,
    /// "3 reports", for a case with open reports.
    count: Option<String>,
    hidden: bool,
}

#[derive(Template)]
#[template(path = "moderation_queue.html")]
struct QueuePage {
    frame: Frame,
    cases: Vec<CaseLine>,
}

async fn queue(
    State(state): State<AppState>,
    Actor(principal): Actor,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (customer, property) = moderated_property(&principal)?;
    let frame = Frame::new(&state, Some(&principal), &headers);
    let cases = state.services.database.moderation_queue(&customer, &property).await?;
    let cases = cases
        .into_iter()
        .map(|case| CaseLine {
            href: format!("/moderation/{}", case.document_id),
            app: app_name(&state, &case.app_id),
            kind: case.collection,
            since: frame.t.when(case.since),
            count: (case.reports > 0).then(|| frame.t.f("moderation.reports", &[("count", &case.reports.to_string())])),
            hidden: case.hidden,
        })
        .collect();
    Ok(render(StatusCode::OK, &QueuePage { frame, cases }))
}

struct ReportLine {
    reason: String,
    note: String,
    when: String,
    settled: bool,
}

struct DecisionLine {
    action: String,
    reason: String,
    when: String,
}

#[derive(Template)]
#[template(path = "moderation_case.html")]
struct CasePage {
    frame: Frame,
    action: String,
    app: String,
    kind: String,
    /// Who wrote it and when.
    byline: String,
    hidden: bool,
    excerpts: Vec<Excerpt>,
    reports: Vec<ReportLine>,
    decisions: Vec<DecisionLine>,
    problem: Option<String>,
}

async fn case_page(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    found: &ModeratedDocument,
    problem: Option<String>,
) -> Result<CasePage, ApiError> {
    let frame = Frame::new(state, Some(principal), headers);
    let t = &frame.t;
    let database = &state.services.database;
    let author =
        database.user(&found.owner).await?.map_or_else(|| t.t("moderation.unknown_author").to_owned(), |u| u.name);
    let reports = database
        .reports_on(&found.id)
        .await?
        .into_iter()
        .map(|report| ReportLine {
            reason: t.t(&format!("moderation.reason_{}", report.reason)).to_owned(),
            note: report.note,
            when: t.when(report.created_at),
            settled: report.settled,
        })
        .collect();
    let decisions = database
        .decisions_on(&found.id)
        .await?
        .into_iter()
        .map(|decision| DecisionLine {
            action: t.t(&format!("moderation.done_{}", decision.action)).to_owned(),
            reason: decision.reason,
            when: t.when(decision.created_at),
        })
        .collect();
    Ok(CasePage {
        action: format!("/moderation/{}", found.id),
        app: app_name(state, &found.app_id),
        kind: found.collection.clone(),
        byline: t.f("moderation.by", &[("author", &author), ("when", &t.when(found.created_at))]),
        hidden: found.hidden_at.is_some(),
        excerpts: excerpts(&found.body),
        reports,
        decisions,
        problem,
        frame,
    })
}

async fn case(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(document): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (customer, property) = moderated_property(&principal)?;
    let found = state
        .services
        .database
        .moderated_document(&customer, &property, &document)
        .await?
        .ok_or_else(|| ApiError::not_found("no such document in this property"))?;
    let page = case_page(&state, &principal, &headers, &found, None).await?;
    // The author sees in their access log that a moderator read it.
    let listing = Listing {
        customer_id: Some(&customer),
        action: "GET /moderation/{document}",
        purpose: "Moderators reviewing a reported or hidden document",
    };
    crate::web::api::record::people_listed(&state, &principal, listing, &[found.owner.as_str()], &headers).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn decide(
    State(state): State<AppState>,
    Actor(principal): Actor,
    Path(document): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pairs = form_pairs(&body)?;
    check_csrf(&state, &headers, form_value(&pairs, "csrf").unwrap_or_default())?;
    let (customer, property) = moderated_property(&principal)?;
    let database = &state.services.database;
    let found = database
        .moderated_document(&customer, &property, &document)
        .await?
        .ok_or_else(|| ApiError::not_found("no such document in this property"))?;
    let action = form_value(&pairs, "action").and_then(ModerationAction::parse);
    let reason = form_value(&pairs, "reason").unwrap_or_default().trim().to_owned();
    let t = Frame::new(&state, Some(&principal), &headers).t;
    let problem = match action {
        None => Some(t.t("moderation.choose_action")),
        Some(ModerationAction::Restore) if found.hidden_at.is_none() => Some(t.t("moderation.not_hidden")),
        Some(ModerationAction::Hide) if found.hidden_at.is_some() => Some(t.t("moderation.already_hidden")),
        Some(_) if reason.is_empty() || reason.chars().count() > MAX_REASON => Some(t.t("moderation.give_reason")),
        Some(_) if reason.chars().any(|c| c.is_control() && c != '\n' && c != '\r') => {
            Some(t.t("moderation.give_reason"))
        }
        Some(_) => None,
    };
    let (Some(action), None) = (action, problem) else {
        let page = case_page(&state, &principal, &headers, &found, problem.map(str::to_owned)).await?;
        return Ok(render(StatusCode::BAD_REQUEST, &page));
    };
    if action == ModerationAction::Delete {
        delete_document(&state, &found).await?;
    }
    database.decide_moderation(&found, &principal.user_id, action, &reason).await?;
    tell_author(&state, &found, action, &reason).await?;
    let mut response = see_other("/moderation");
    response
        .extensions_mut()
        .insert(Subject { person: found.owner.clone(), resource: format!("document:{}", found.id) });
    Ok(response)
}

/// Deletes the document as its owner would, with its files and keys
/// (hidden or not: deleting goes by owner, not by audience).
async fn delete_document(state: &AppState, found: &ModeratedDocument) -> Result<(), ApiError> {
    let scope = DocumentScope {
        app: found.app_id.clone(),
        customer: found.customer_id.clone(),
        property: found.property_id.clone(),
        reader: Reader { subject: Some(found.owner.clone()), staff: false, units: Vec::new() },
        own_only: true,
        owners: None,
    };
    match state.services.database.delete_document(&scope, &found.collection, &found.id).await {
        Ok(()) | Err(StorageError::NotFound) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

/// Tells the author, in their language, what was decided and why.
async fn tell_author(
    state: &AppState,
    found: &ModeratedDocument,
    action: ModerationAction,
    reason: &str,
) -> Result<(), ApiError> {
    if action == ModerationAction::Dismiss {
        return Ok(());
    }
    let database = &state.services.database;
    let Some(author) = database.user(&found.owner).await? else { return Ok(()) };
    let t = Texts::for_mail(&author.locale);
    let app = app_name(state, &found.app_id);
    let title = t.t(&format!("moderation.told_{}", action.as_str()));
    let body = t.f("moderation.told_body", &[("app", &app), ("reason", reason)]);
    database
        .insert_notification(
            &found.owner,
            &found.customer_id,
            &found.property_id,
            &found.app_id,
            title,
            &body,
            None,
            i64::MAX,
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderators_see_the_texts_of_a_document_and_nothing_else() {
        let body = r#"{"title":"Bike <b>for sale</b>","price":8000,"tags":["a"],"empty":" ","text":"Call me"}"#;
        let shown: Vec<(String, String)> = excerpts(body).into_iter().map(|e| (e.field, e.text)).collect();
        assert_eq!(
            shown,
            vec![("text".into(), "Call me".into()), ("title".into(), "Bike <b>for sale</b>".into())],
            "text fields only, in field order"
        );
        assert!(excerpts("not json").is_empty());
        let long = format!(r#"{{"text":"{}"}}"#, "x".repeat(5_000));
        assert_eq!(excerpts(&long)[0].text.chars().count(), SHOWN_CHARS);
    }
}
