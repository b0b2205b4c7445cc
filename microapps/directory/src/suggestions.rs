//! The routes about suggestions: residents suggest a business and follow
//! what became of it; staff work the queue, accept (which adds an entry)
//! or decline with a reason.
//!
//! A suggestion is stored with `staff` visibility: its suggester and
//! staff read it, other residents get `404` and never list it.

use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::Deserialize;
use serde_json::Value;

use crate::details::{self, DetailsInput, Problem};
use crate::entries::{self, input_of, photo_of};
use crate::page::{self, SuggestionPage};
use crate::store::{self, Entry, SUGGESTIONS, State, Suggestion};
use crate::views::{self, EntryView, SuggestionView};
use crate::{Asking, notify, now_ms, texts};

/// Suggestions on a page of the list.
const PAGE: u32 = 20;

/// Which suggestions a list shows: staff see the open ones unless they
/// ask for `accepted`, `rejected` or `any`; residents see their own.
fn state_filter(request: &Request, asking: &Asking) -> Result<Option<State>, Error> {
    if !asking.caller.staff {
        return Ok(None);
    }
    match request.query_param("state").as_deref().map(str::trim) {
        None | Some("") => Ok(Some(State::Open)),
        Some("any") => Ok(None),
        Some(code) => State::parse(code).map(Some).ok_or_else(|| Error::Invalid("unknown state".to_owned())),
    }
}

/// The page of suggestions `asking` may list.
fn read(request: &Request, asking: &Asking) -> Result<(Vec<SuggestionView>, Option<String>), Error> {
    let state = state_filter(request, asking)?;
    let mut query = SUGGESTIONS.query().limit(PAGE).after(request.query_param("after").filter(|a| !a.is_empty()));
    if let Some(state) = state {
        query = query.filter("state", state.code());
    }
    // Staff take the queue first come, first served; residents see their latest first.
    query = if asking.caller.staff { query.oldest_first() } else { query.mine_only() };
    let page = query.fetch()?;
    let items = page.items.iter().map(|doc| SuggestionView::new(doc, asking.subject(), asking.lang)).collect();
    Ok((items, page.next))
}

/// `GET /suggestions`: the queue for staff, a resident's own suggestions
/// and the form to suggest one.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    if !asking.page {
        let (items, next) = read(request, &asking)?;
        return Ok(Response::json(200, &views::page(&items, next.as_deref())));
    }
    let sent = request.query_param("sent").is_some();
    Ok(list_page(request, &asking, DetailsInput::default(), None, sent, 200))
}

fn list_page(
    request: &Request,
    asking: &Asking,
    typed: DetailsInput,
    problem: Option<Problem>,
    sent: bool,
    status: u16,
) -> Response {
    let listed = read(request, asking).or_else(|_| read(&Request { query: String::new(), ..request.clone() }, asking));
    let (items, status) = match listed {
        Ok((items, _)) => (Some(items), status),
        Err(error) => {
            views::unreadable("suggestions", &error);
            (None, if status == 200 { error.status() } else { status })
        }
    };
    Response::html(status, page::suggest::list(asking, items.as_deref(), &typed, problem, sent))
}

/// `POST /suggestions`: anyone of the property suggests a business.
pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let typed = input_of(request)?;
    let details = match details::check(&typed) {
        Ok(details) => details,
        Err(problem) if asking.page => return Ok(list_page(request, &asking, typed, Some(problem), false, 400)),
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    let suggestion = Suggestion {
        details,
        state: State::Open,
        reason: String::new(),
        entry: String::new(),
        lang: asking.lang.code().to_owned(),
        decided: 0,
    };
    let stored = SUGGESTIONS.insert(&suggestion, Visibility::Staff)?;
    courtyard_sdk::log::info(&format!("suggestion {} made", stored.id));
    notify::staff(notify::new_suggestion(&stored.id, &stored.data, asking.lang));
    if asking.page {
        return Ok(Response::see_other(&format!("{}suggestions?sent=1", asking.root)));
    }
    Ok(Response::json(201, &SuggestionView::new(&stored, asking.subject(), asking.lang)))
}

/// `GET /suggestions/{id}`: one suggestion, for its suggester or staff.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match store::suggestion(params.require("id")?) {
        Err(Error::NotFound) if asking.page => return Ok(page::suggest::gone(&asking)),
        other => other?,
    };
    let view = SuggestionView::new(&doc, asking.subject(), asking.lang);
    if asking.page {
        let typed = DetailsInput::from(&doc.data.details);
        return Ok(Response::html(200, SuggestionPage { asking: &asking, view: &view, typed, problem: None }.render()));
    }
    Ok(Response::json(200, &view))
}

/// The open suggestion the route names, for staff.
fn open_for_staff(asking: &Asking, params: &Params) -> Result<Result<Doc<Suggestion>, Response>, Error> {
    let doc = store::suggestion(params.require("id")?)?;
    asking.require_staff()?;
    if doc.data.state != State::Open {
        return Ok(Err(decided(asking)));
    }
    Ok(Ok(doc))
}

/// 409: someone decided first.
fn decided(asking: &Asking) -> Response {
    let message = texts::of(asking.lang).decided_already;
    Response::json(409, &serde_json::json!({ "error": { "code": "conflict", "message": message } }))
}

/// The suggestion's page again, with the problem of the form just posted.
fn problem_page(asking: &Asking, doc: &Doc<Suggestion>, typed: DetailsInput, problem: Problem) -> Response {
    let view = SuggestionView::new(doc, asking.subject(), asking.lang);
    Response::html(400, SuggestionPage { asking, view: &view, typed, problem: Some(problem) }.render())
}

/// What staff accept: the suggested details, with any fields a JSON body
/// sends instead; a form sends them all.
fn accepted_input(request: &Request, doc: &Doc<Suggestion>) -> Result<DetailsInput, Error> {
    if request.is_form() {
        return input_of(request);
    }
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DetailsInput::from(&doc.data.details));
    }
    let edits: Value = request.json()?;
    let Value::Object(edits) = edits else { return Err(Error::Invalid("request body: not an object".to_owned())) };
    let mut merged = serde_json::to_value(DetailsInput::from(&doc.data.details))
        .map_err(|err| Error::Invalid(format!("request body: {err}")))?;
    if let Value::Object(fields) = &mut merged {
        fields.extend(edits);
    }
    serde_json::from_value(merged).map_err(|err| Error::Invalid(format!("request body: {err}")))
}

/// `POST /suggestions/{id}/accept`: staff add the business as an entry
/// (owned by them, naming neither suggester nor suggestion) and tell the
/// suggester.
pub fn accept(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match open_for_staff(&asking, params)? {
        Ok(doc) => doc,
        Err(answer) => return Ok(answer),
    };
    let typed = accepted_input(request, &doc)?;
    let checked = details::check(&typed).and_then(|details| Ok((details, photo_of(request)?)));
    let (details, photo) = match checked {
        Ok(checked) => checked,
        Err(problem) if asking.page => return Ok(problem_page(&asking, &doc, typed, problem)),
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    // Decided first, at the revision read: of two staff accepting at once,
    // one wins and the other hears it was decided already.
    let mut decided_now = doc.data.clone();
    decided_now.state = State::Accepted;
    decided_now.decided = Timestamp::now().millis();
    let marked = match SUGGESTIONS.update(&doc.id, &decided_now, Some(doc.revision)) {
        Ok(marked) => marked,
        Err(Error::Invalid(_)) if store::suggestion(&doc.id).is_ok_and(|now| now.data.state != State::Open) => {
            return Ok(decided(&asking));
        }
        Err(other) => return Err(other),
    };
    let entry = match entries::insert(Entry::new(details, 0), photo) {
        Ok(entry) => entry,
        Err(error) => {
            if SUGGESTIONS.update(&doc.id, &doc.data, Some(marked.revision)).is_err() {
                courtyard_sdk::log::warn(&format!("suggestion {} stays accepted without an entry", doc.id));
            }
            return Err(error);
        }
    };
    decided_now.entry = entry.id.clone();
    let marked = SUGGESTIONS.update(&doc.id, &decided_now, Some(marked.revision)).unwrap_or_else(|error| {
        courtyard_sdk::log::warn(&format!("suggestion {} does not name its entry: {}", doc.id, error.code()));
        marked
    });
    courtyard_sdk::log::info(&format!("suggestion {} accepted as entry {}", doc.id, entry.id));
    if doc.owner != asking.subject() {
        notify::person(&doc.owner, notify::accepted(&entry.id, &marked.data));
    }
    if asking.page {
        return Ok(Response::see_other(&format!("{}entries/{}", asking.root, entry.id)));
    }
    let answer = serde_json::json!({
        "suggestion": SuggestionView::new(&marked, asking.subject(), asking.lang),
        "entry": EntryView::new(&entry, asking.lang, now_ms()).with_photo(),
    });
    Ok(Response::json(201, &answer))
}

/// Why staff decline.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReasonForm {
    reason: String,
}

/// `POST /suggestions/{id}/reject`: staff decline, with a reason the
/// suggester is told.
pub fn reject(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match open_for_staff(&asking, params)? {
        Ok(doc) => doc,
        Err(answer) => return Ok(answer),
    };
    let typed: ReasonForm = if request.is_form() { request.form()? } else { request.json()? };
    let reason = match details::reason(&typed.reason) {
        Ok(reason) => reason,
        Err(problem) if asking.page => {
            return Ok(problem_page(&asking, &doc, DetailsInput::from(&doc.data.details), problem));
        }
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    let mut declined = doc.data.clone();
    declined.state = State::Rejected;
    declined.reason = reason;
    declined.decided = Timestamp::now().millis();
    let stored = match SUGGESTIONS.update(&doc.id, &declined, Some(doc.revision)) {
        Ok(stored) => stored,
        Err(Error::Invalid(_)) => return Ok(decided(&asking)),
        Err(other) => return Err(other),
    };
    courtyard_sdk::log::info(&format!("suggestion {} declined", doc.id));
    if doc.owner != asking.subject() {
        notify::person(&doc.owner, notify::rejected(&doc.id, &stored.data));
    }
    if asking.page {
        return Ok(Response::see_other(&format!("{}suggestions", asking.root)));
    }
    Ok(Response::json(200, &SuggestionView::new(&stored, asking.subject(), asking.lang)))
}
