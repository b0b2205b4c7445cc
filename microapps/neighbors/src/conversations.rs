//! The routes about direct messages: the caller's conversations, one
//! conversation's messages, writing, and the way in from other apps
//! (`/conversations/with/{subject}?about=…`).
//!
//! A conversation the caller is not one of the two of answers `404`,
//! whether it exists or not: the host does not let the request read it.
//! Before anything is stored, a message passes [`blocks::standing`] in the
//! sender's own request.

use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::Serialize;

use crate::blocks::{self, Standing};
use crate::model::{CONVERSATIONS, Conversation, MESSAGES, Message, is_document_id};
use crate::page::{self, Talk};
use crate::people::{self, Names};
use crate::validate::{self, Problem, StartForm, TextForm};
use crate::views::{self, MessageView, Other};
use crate::{Asking, encode, run, texts};

/// Messages on one page.
const PAGE: u32 = 20;

/// `GET /conversations`: the caller's conversations, newest started first.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let after = request.query_param("after").filter(|cursor| !cursor.is_empty());
        let (items, next) = views::conversations(me, after.clone(), &mut Names::default(), asking.lang)?;
        if asking.page {
            return Ok(Response::html(200, page::conversations(asking, &items, next.as_deref(), after.is_some())));
        }
        Ok(Response::json(200, &serde_json::json!({ "items": items, "next": next })))
    })
}

/// A conversation and its newest messages, as JSON.
#[derive(Serialize)]
struct Thread<'a> {
    id: &'a str,
    with: &'a Other,
    may_write: bool,
    items: &'a [MessageView],
    next: Option<String>,
}

/// `GET /conversations/{id}?after=`: a page of messages, newest first.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let (doc, other) = conversation(params, me)?;
        let after = request.query_param("after").filter(|cursor| !cursor.is_empty());
        let about = request.query_param("about").map(|about| validate::about(&about)).unwrap_or_default();
        if asking.page {
            return render(asking, &doc, &other, after, (about, None), 200);
        }
        let standing = blocks::standing(me, &other)?;
        let (items, next) = messages(&doc.id, &other, standing, me, after)?;
        let with = Other { name: Names::default().of(&other, asking.lang), subject: other };
        let thread = Thread { id: &doc.id, with: &with, may_write: standing == Standing::Free, items: &items, next };
        Ok(Response::json(200, &thread))
    })
}

/// `POST /conversations`: writes to a neighbour, in the conversation the
/// two have or a new one. `201 {"id", "message"}`.
pub fn start(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let typed: StartForm = if request.is_form() { request.form()? } else { request.json()? };
        let to = typed.to.trim();
        let text = validate::message(&typed.text);
        let recipient = people::recipient(to, me, asking.lang)?;
        let text = match text {
            Ok(text) => text,
            Err(problem) if asking.page => {
                let with = Other { subject: to.to_owned(), name: Names::default().of(to, asking.lang) };
                return match views::between(me, to)? {
                    Some(doc) => render(asking, &doc, to, None, (typed.text, Some(problem)), 400),
                    None => Ok(Response::html(400, page::start(asking, &with, &typed.text, Some(&problem)))),
                };
            }
            Err(problem) => return Err(problem.into_error(asking.lang)),
        };
        blocks::standing(me, to)?.may_write(asking.lang)?;
        let doc = match views::between(me, to)? {
            Some(doc) => doc,
            None => open(me, to)?,
        };
        let message = send(&doc.id, to, recipient.lang, &text)?;
        if asking.page {
            return Ok(Response::see_other(&format!("{}conversations/{}", asking.root, doc.id)));
        }
        let view = MessageView::new(&message, me);
        Ok(Response::json(201, &serde_json::json!({ "id": doc.id, "message": view })))
    })
}

/// `POST /conversations/{id}/messages`: a message in a conversation the
/// caller is one of the two of.
pub fn write(request: &Request, params: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let (doc, other) = conversation(params, me)?;
        let typed: TextForm = if request.is_form() { request.form()? } else { request.json()? };
        let text = match validate::message(&typed.text) {
            Ok(text) => text,
            Err(problem) if asking.page => return render(asking, &doc, &other, None, (typed.text, Some(problem)), 400),
            Err(problem) => return Err(problem.into_error(asking.lang)),
        };
        blocks::standing(me, &other)?.may_write(asking.lang)?;
        let recipient = people::recipient(&other, me, asking.lang)?;
        let message = send(&doc.id, &other, recipient.lang, &text)?;
        if asking.page {
            return Ok(Response::see_other(&format!("{}conversations/{}", asking.root, doc.id)));
        }
        Ok(Response::json(201, &MessageView::new(&message, me)))
    })
}

/// `GET /conversations/with/{subject}?about=TEXT`: the conversation with
/// that resident, or the form to start one with TEXT in it. JSON says
/// which: `{"id": … or null, "with", "may_write"}`.
pub fn with(request: &Request, params: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let subject = params.require("subject")?;
        people::recipient(subject, me, asking.lang)?;
        let about = request.query_param("about").map(|about| validate::about(&about)).unwrap_or_default();
        let existing = views::between(me, subject)?;
        let standing = blocks::standing(me, subject)?;
        let with = Other { subject: subject.to_owned(), name: Names::default().of(subject, asking.lang) };
        if !asking.page {
            let id = existing.map(|doc| doc.id);
            let answer = serde_json::json!({ "id": id, "with": with, "may_write": standing == Standing::Free });
            return Ok(Response::json(200, &answer));
        }
        if let Some(doc) = existing {
            let about = if about.is_empty() { String::new() } else { format!("?about={}", encode(&about)) };
            return Ok(Response::see_other(&format!("{}conversations/{}{}", asking.root, doc.id, about)));
        }
        standing.may_write(asking.lang)?;
        Ok(Response::html(200, page::start(asking, &with, &about, None)))
    })
}

/// The conversation the route names and the caller's other person in it.
fn conversation(params: &Params, me: &str) -> Result<(Doc<Conversation>, String), Error> {
    let id = params.require("id")?;
    if !is_document_id(id) {
        return Err(Error::NotFound);
    }
    let doc = CONVERSATIONS.get(id)?;
    let other = doc.data.other(&doc.owner, me).ok_or(Error::NotFound)?;
    Ok((doc, other))
}

/// A page of the messages of conversation `id` the reader sees.
fn messages(
    id: &str,
    other: &str,
    standing: Standing,
    me: &str,
    after: Option<String>,
) -> Result<(Vec<MessageView>, Option<String>), Error> {
    let page = MESSAGES.query().replies_to(id).limit(PAGE).after(after).fetch()?;
    let items = page
        .items
        .iter()
        .filter(|doc| views::shown(doc, other, standing))
        .map(|doc| MessageView::new(doc, me))
        .collect();
    Ok((items, page.next))
}

/// The conversation's page: its newest messages and the form, with what
/// was typed and its problem after a refused message.
fn render(
    asking: &Asking,
    doc: &Doc<Conversation>,
    other: &str,
    after: Option<String>,
    (typed, problem): (String, Option<Problem>),
    status: u16,
) -> Result<Response, Error> {
    let me = asking.caller.subject.as_deref().unwrap_or_default();
    let standing = blocks::standing(me, other)?;
    let paged = after.is_some();
    let (items, next) = messages(&doc.id, other, standing, me, after)?;
    let with = Other { subject: other.to_owned(), name: Names::default().of(other, asking.lang) };
    let talk = Talk {
        id: &doc.id,
        with: &with,
        standing,
        items: &items,
        next: next.as_deref(),
        paged,
        typed: &typed,
        problem: problem.as_ref(),
    };
    Ok(Response::html(status, page::conversation(asking, &talk)))
}

/// Starts a conversation of `me` with `to`. Two requests racing may both
/// store one; the older wins and the newer is deleted again.
fn open(me: &str, to: &str) -> Result<Doc<Conversation>, Error> {
    let conversation = Conversation { by: me.to_owned(), with: to.to_owned() };
    let stored = CONVERSATIONS
        .new_document(&conversation, Visibility::Participants)
        .participants([to.to_owned()])
        .insert()
        .map_err(|error| match error {
            // The host refuses a participant who is no person of the property.
            Error::Invalid(_) => Error::NotFound,
            other => other,
        })?;
    match views::between(me, to)? {
        Some(oldest) if oldest.id != stored.id => {
            CONVERSATIONS.delete(&stored.id)?;
            Ok(oldest)
        }
        _ => Ok(stored),
    }
}

/// Stores the caller's message in conversation `id` and tells `to`.
fn send(id: &str, to: &str, lang: courtyard_sdk::lang::Lang, text: &str) -> Result<Doc<Message>, Error> {
    let message = Message { text: text.to_owned() };
    // The reply takes the conversation's audience: its starter and the
    // neighbour it names, nobody else.
    let stored = MESSAGES.new_document(&message, Visibility::Participants).reply_to(id).insert()?;
    let me = courtyard_sdk::context::caller().subject.unwrap_or_default();
    let from = people::shown_name(&me).unwrap_or_else(|| texts::of(lang).a_neighbour.to_owned());
    people::notify(to, people::message_notice(id, &from, lang));
    Ok(stored)
}
