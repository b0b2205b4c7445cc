//! The routes about tickets: filing, listing, reading, writing in the
//! conversation, internal notes, state and assignment.
//!
//! Each route answers JSON, or for a browser's form post a `303` to the
//! ticket's page (and a page with the problem, `400`, when the form needs
//! correcting). Who reads what is the host's decision: a ticket the caller
//! cannot read answers `404`, whether it exists elsewhere or not.

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::files::{self, Upload};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::{Deserialize, Serialize};

use crate::categories::{self, Categories};
use crate::model::{Change, HistoryEntry, Location, MAX_HISTORY, MESSAGES, Message, NOTES, Note, TICKETS, Ticket};
use crate::page::{self, Flash};
use crate::queue::Filters;
use crate::states::{self, Actor, State};
use crate::validate::{self, FILE_FIELD, Problem, TextForm, TicketForm};
use crate::views::{Detail, MessageView, NoteView, TicketView, actor, files_of};
use crate::{notify, texts};

/// `GET /tickets`: a page of tickets, JSON (a browser gets the home page).
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    if request.wants_html() {
        return crate::home(request, &Params::default());
    }
    let caller = context::caller();
    let subject = caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let filters = Filters::parse(&request.query, caller.staff)?;
    let page = filters.query(subject).fetch()?;
    let categories = categories::load()?;
    let items: Vec<TicketView> =
        page.items.iter().map(|doc| TicketView::new(doc, &caller, &categories, lang)).collect();
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })))
}

/// `POST /tickets`: files a ticket, with up to five files from a form.
pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?.to_owned();
    let lang = Lang::of(&caller, request);
    let from_form = request.is_form();
    let typed: TicketForm = if from_form { request.form()? } else { request.json()? };
    let categories = categories::load()?;
    let checked = validate::ticket(&typed, &categories, caller.unit.is_some())
        .and_then(|ticket| Ok((ticket, validate::uploads(request.uploads_in(FILE_FIELD))?)));
    let (new, uploads) = match checked {
        Ok(checked) => checked,
        Err(problem) if from_form => return Ok(crate::home_with_problem(request, &caller, problem, &typed)),
        Err(problem) => return Err(problem.into_error(lang)),
    };
    let now = Timestamp::now().millis();
    let ticket = Ticket {
        category: new.category,
        title: new.title,
        description: new.description,
        location: new.location,
        place: new.place,
        state: State::Open,
        active: true,
        assignee: String::new(),
        activity: millis(now),
        attachments: u32::try_from(uploads.len()).unwrap_or(u32::MAX),
        lang: lang.code().to_owned(),
        history: vec![HistoryEntry { at: now, by: subject, by_staff: caller.staff, change: Change::Filed }],
    };
    // Flatmates follow a ticket about their home; anything else is between
    // the resident and the management.
    let visibility = match (ticket.location, &caller.unit) {
        (Location::Unit, Some(_)) if !caller.staff => Visibility::Unit,
        _ => Visibility::Staff,
    };
    let doc = TICKETS.insert(&ticket, visibility)?;
    courtyard_sdk::log::info(&format!("ticket {} filed", doc.id));
    let unattached = attach_all(&uploads, "tickets", &doc.id);
    notify::staff(notify::new_ticket(&doc.id, &doc.data, &categories, lang));
    if from_form {
        return Ok(Response::see_other(&with_unattached(format!("tickets/{}", doc.id), unattached.len())));
    }
    let detail = Detail::read(&doc, &caller, &categories, lang)?;
    Ok(Response::json(201, &Created { detail, unattached }))
}

/// `GET /tickets/{id}`: the ticket, its conversation, its files and, for
/// staff, its internal notes; a page for a browser.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let doc = match ticket(params) {
        Err(Error::NotFound) if request.wants_html() => return Ok(page::ticket::gone(lang)),
        other => other?,
    };
    let categories = categories::load()?;
    let detail = Detail::read(&doc, &caller, &categories, lang)?;
    if request.wants_html() {
        let flash = Flash { unattached: unattached_count(request), ..Flash::default() };
        return Ok(Response::html(200, page::ticket::render(lang, &caller, &detail, &flash)));
    }
    Ok(Response::json(200, &detail))
}

/// `POST /tickets/{id}/replies`: a message in the conversation, with files
/// from a form.
pub fn reply(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?.to_owned();
    let lang = Lang::of(&caller, request);
    let from_form = request.is_form();
    let doc = ticket(params)?;
    let typed: TextForm = if from_form { request.form()? } else { request.json()? };
    let who = actor(&caller, &doc.owner);
    let closed = doc.data.state == State::Closed && who != Actor::Staff;
    let checked =
        validate::message(&typed).and_then(|text| Ok((text, validate::uploads(request.uploads_in(FILE_FIELD))?)));
    let (text, uploads) = match checked {
        _ if closed => return Err(Error::Invalid(texts::of(lang).closed_hint.to_owned())),
        Ok(checked) => checked,
        Err(problem) if from_form => return problem_page(&doc, &caller, lang, problem, typed.text),
        Err(problem) => return Err(problem.into_error(lang)),
    };
    let message =
        Message { text, by_staff: caller.staff, attachments: u32::try_from(uploads.len()).unwrap_or(u32::MAX) };
    // The message takes the ticket's audience: the host gives it the
    // ticket's unit and owner.
    let stored = MESSAGES.new_document(&message, doc.visibility).reply_to(doc.id.clone()).insert()?;
    let unattached = attach_all(&uploads, "messages", &stored.id);
    // Only the owner and staff may change the ticket; a flatmate's message
    // leaves its activity as it was.
    let ticket = if who == Actor::Other {
        doc.data
    } else {
        let now = Timestamp::now().millis();
        change(&doc.id, |ticket| {
            ticket.activity = millis(now);
            if let Some(next) = states::after_reply(who, ticket.state) {
                record(ticket, &subject, caller.staff, now, Change::State { from: ticket.state, to: next })?;
                ticket.state = next;
                ticket.active = next.is_active();
            }
            Ok(true)
        })?
        .data
    };
    if caller.staff {
        if doc.owner != subject {
            notify::person(&doc.owner, notify::staff_answered(&doc.id, &ticket));
        }
    } else {
        notify::staff(notify::resident_wrote(&doc.id, &ticket, lang));
    }
    if from_form {
        return Ok(Response::see_other(&with_unattached(format!("../{}", doc.id), unattached.len())));
    }
    let files = if unattached.len() < uploads.len() { files_of("messages", &stored.id) } else { Vec::new() };
    let view = MessageView::new(&stored, &caller, files);
    Ok(Response::json(201, &serde_json::json!({ "message": view, "unattached": unattached })))
}

/// `POST /tickets/{id}/notes`: an internal note, staff only.
pub fn note(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let doc = ticket(params)?;
    require_staff(&caller, lang)?;
    let from_form = request.is_form();
    let typed: TextForm = if from_form { request.form()? } else { request.json()? };
    let text = match validate::note(&typed) {
        Ok(text) => text,
        Err(problem) if from_form => return problem_page(&doc, &caller, lang, problem, typed.text),
        Err(problem) => return Err(problem.into_error(lang)),
    };
    // A top-level staff document, not a reply: the host never shows it to
    // the ticket's owner.
    let stored = NOTES.insert(&Note { ticket: doc.id.clone(), text }, Visibility::Staff)?;
    if from_form {
        return Ok(Response::see_other(&format!("../{}#notes", doc.id)));
    }
    Ok(Response::json(201, &NoteView::new(&stored, &caller)))
}

/// What a state change asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StateForm {
    state: String,
}

/// `POST /tickets/{id}/state`: staff move a ticket anywhere; the resident
/// who filed it closes and reopens it.
pub fn set_state(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?.to_owned();
    let lang = Lang::of(&caller, request);
    let doc = ticket(params)?;
    let from_form = request.is_form();
    let typed: StateForm = if from_form { request.form()? } else { request.json()? };
    let wanted = State::parse(typed.state.trim()).ok_or_else(|| Error::Invalid("unknown state".to_owned()))?;
    let who = actor(&caller, &doc.owner);
    let mut before = doc.data.state;
    let now = Timestamp::now().millis();
    let changed = change(&doc.id, |ticket| {
        states::check(who, ticket.state, wanted).map_err(|refusal| refusal.into_error(lang))?;
        before = ticket.state;
        record(ticket, &subject, caller.staff, now, Change::State { from: ticket.state, to: wanted })?;
        ticket.state = wanted;
        ticket.active = wanted.is_active();
        ticket.activity = millis(now);
        Ok(true)
    })?;
    if caller.staff && changed.owner != subject {
        notify::person(&changed.owner, notify::state_changed(&changed.id, &changed.data, before));
    }
    respond_changed(&changed, &caller, lang, from_form)
}

/// What an assignment asks for: `me` or `nobody`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AssignForm {
    assignee: String,
}

/// `POST /tickets/{id}/assign`: staff take a ticket, or give it back.
pub fn assign(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?.to_owned();
    let lang = Lang::of(&caller, request);
    let doc = ticket(params)?;
    require_staff(&caller, lang)?;
    let from_form = request.is_form();
    let typed: AssignForm = if from_form { request.form()? } else { request.json()? };
    let assignee = match typed.assignee.trim() {
        "me" => subject.clone(),
        "nobody" => String::new(),
        _ => return Err(Error::Invalid("assign to `me` or `nobody`".to_owned())),
    };
    let now = Timestamp::now().millis();
    let changed = change(&doc.id, |ticket| {
        if ticket.assignee == assignee {
            return Ok(false);
        }
        let what = if assignee.is_empty() { Change::Unassigned } else { Change::Assigned };
        record(ticket, &subject, true, now, what)?;
        ticket.assignee = assignee.clone();
        Ok(true)
    })?;
    respond_changed(&changed, &caller, lang, from_form)
}

/// A ticket with its reader's details, and the files that could not be
/// attached to it.
#[derive(Serialize)]
struct Created {
    #[serde(flatten)]
    detail: Detail,
    unattached: Vec<Unattached>,
}

/// A file the host refused to attach, and why.
#[derive(Debug, Serialize)]
struct Unattached {
    name: String,
    error: String,
}

/// Attaches each upload to document `id` of `collection`; answers those
/// the host refused. The document stays either way.
fn attach_all(uploads: &[&Upload], collection: &str, id: &str) -> Vec<Unattached> {
    uploads
        .iter()
        .filter_map(|upload| match files::attach(upload, collection, id) {
            Ok(_) => None,
            Err(error) => {
                courtyard_sdk::log::warn(&format!("a file was not attached to {collection} {id}: {}", error.code()));
                Some(Unattached { name: upload.name.clone(), error: error.message().to_owned() })
            }
        })
        .collect()
}

/// The ticket the route names, if the caller reads it.
fn ticket(params: &Params) -> Result<Doc<Ticket>, Error> {
    let id = params.require("id")?;
    if !crate::model::is_document_id(id) {
        return Err(Error::NotFound);
    }
    TICKETS.get(id)
}

fn require_staff(caller: &Caller, lang: Lang) -> Result<(), Error> {
    if caller.staff { Ok(()) } else { Err(Error::Denied(texts::of(lang).staff_only.to_owned())) }
}

/// Applies `edit` to the newest revision of ticket `id` and stores it,
/// trying again when someone else changed it in between. `edit` answers
/// whether anything changed.
fn change(id: &str, mut edit: impl FnMut(&mut Ticket) -> Result<bool, Error>) -> Result<Doc<Ticket>, Error> {
    let mut last = Error::Unavailable("the ticket is busy; please try again".to_owned());
    for _ in 0..3 {
        let doc = TICKETS.get(id)?;
        let mut ticket = doc.data.clone();
        if !edit(&mut ticket)? {
            return Ok(doc);
        }
        match TICKETS.update(id, &ticket, Some(doc.revision)) {
            Ok(updated) => return Ok(updated),
            Err(error @ Error::Invalid(_)) => last = error,
            Err(other) => return Err(other),
        }
    }
    Err(last)
}

/// Adds a change to the ticket's history, or refuses when it is full.
fn record(ticket: &mut Ticket, by: &str, by_staff: bool, at: u64, change: Change) -> Result<(), Error> {
    if ticket.history.len() >= MAX_HISTORY {
        return Err(Error::Limit("this ticket has changed too often; please file a new one".to_owned()));
    }
    ticket.history.push(HistoryEntry { at, by: by.to_owned(), by_staff, change });
    Ok(())
}

fn respond_changed(doc: &Doc<Ticket>, caller: &Caller, lang: Lang, from_form: bool) -> Result<Response, Error> {
    if from_form {
        return Ok(Response::see_other(&format!("../{}", doc.id)));
    }
    let categories: Categories = categories::load()?;
    Ok(Response::json(200, &TicketView::new(doc, caller, &categories, lang)))
}

/// The ticket's page again, with the problem of the form just posted.
fn problem_page(
    doc: &Doc<Ticket>,
    caller: &Caller,
    lang: Lang,
    problem: Problem,
    typed: String,
) -> Result<Response, Error> {
    let categories = categories::load()?;
    let detail = Detail::read(doc, caller, &categories, lang)?;
    let flash = Flash { problem: Some((problem, typed)), unattached: 0 };
    Ok(Response::html(400, page::ticket::render(lang, caller, &detail, &flash)))
}

/// `path`, telling the page how many files were refused, if any.
fn with_unattached(path: String, unattached: usize) -> String {
    if unattached == 0 { path } else { format!("{path}?unattached={unattached}") }
}

fn unattached_count(request: &Request) -> usize {
    request.query_param("unattached").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0).min(validate::MAX_FILES)
}

fn millis(at: u64) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}
