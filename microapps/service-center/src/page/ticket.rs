//! A ticket's page: its facts, description and files, what the reader may
//! do with it, the conversation, for staff the internal notes, and the
//! history. The page lives at `/tickets/{id}`: forms post to `{id}/…`,
//! files and home are one level up.

use courtyard_sdk::context::Caller;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{Response, attributes, html};

use super::{Flash, field_state, files, problem_summary, state_options};
use crate::model::{Change, Location};
use crate::states::{Actor, State};
use crate::texts::{self, Texts};
use crate::validate::{MAX_FILE_BYTES, MAX_FILES, MAX_TEXT};
use crate::views::{Detail, HistoryView, MessageView, NoteView, TicketView};

/// The whole page of `detail` for `caller`.
pub fn render(lang: Lang, caller: &Caller, detail: &Detail, flash: &Flash) -> Html {
    let t = texts::of(lang);
    let ticket = &detail.ticket;
    let mut content = html!("<p><a href=\"../\">{}</a></p>\n<h1>{}</h1>\n", t.all_tickets, ticket.title);
    if flash.unattached > 0 {
        let sentence = fill(t.unattached, &[("count", &flash.unattached), ("mib", &(MAX_FILE_BYTES >> 20))]);
        content.push(html!("<p class=\"note error\" role=\"alert\">{}</p>\n", sentence));
    }
    if let Some((problem, _)) = &flash.problem {
        content.push(problem_summary(t, problem, lang));
    }
    content.push(facts(t, lang, caller, ticket));
    content.push(html!("<p class=\"body\">{}</p>\n", ticket.description));
    content.push(files(t, &detail.files, "../"));
    content.push(actions(t, caller, ticket));
    content.push(conversation(t, lang, &detail.messages));
    content.push(reply_form(t, lang, detail, flash));
    if let Some(notes) = &detail.notes {
        content.push(notes_section(t, lang, &ticket.id, notes, flash));
    }
    content.push(history(t, lang, &ticket.history));
    Frame::new(t.app, lang).page(&ticket.title, content)
}

/// The page for a ticket the caller cannot read: `404`.
pub fn gone(lang: Lang) -> Response {
    let t = texts::of(lang);
    let content = html!("<h1>{}</h1>\n<p><a href=\"../\">{}</a></p>\n", t.gone, t.all_tickets);
    Response::html(404, Frame::new(t.app, lang).page(t.gone, content))
}

fn facts(t: &Texts, lang: Lang, caller: &Caller, ticket: &TicketView) -> Html {
    let place = match (ticket.location, ticket.place.is_empty()) {
        (Location::Unit, true) => Html::text(t.where_unit),
        (Location::CommonArea, true) => Html::text(t.where_common),
        (Location::Unit, false) => html!("{}: {}", t.where_unit, ticket.place),
        (Location::CommonArea, false) => html!("{}: {}", t.where_common, ticket.place),
    };
    let assigned = match (caller.staff, ticket.assigned, ticket.assigned_to_me) {
        (_, false, _) => t.assigned_nobody,
        (true, true, true) => t.assigned_you,
        (true, true, false) => t.assigned_colleague,
        (false, true, _) => t.assigned_someone,
    };
    html!(
        "<dl class=\"facts\">\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n\
         <dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        t.state,
        t.state(ticket.state),
        t.category,
        ticket.category_label,
        t.location,
        place,
        t.filed,
        ticket.created_at.html(lang),
        t.last_activity,
        ticket.last_activity_at.html(lang),
        t.assignee,
        assigned,
    )
}

/// Staff: change the state, take or give back the ticket. The resident
/// who filed it: close it, or reopen it.
fn actions(t: &Texts, caller: &Caller, ticket: &TicketView) -> Html {
    let id = &ticket.id;
    let actor = if caller.staff {
        Actor::Staff
    } else if ticket.mine {
        Actor::Owner
    } else {
        Actor::Other
    };
    match actor {
        Actor::Staff => {
            let (assignee, label) = if ticket.assigned_to_me { ("nobody", t.unassign) } else { ("me", t.assign_me) };
            html!(
                "<form class=\"card\" method=\"post\" action=\"{}/state\">\n\
                 <label for=\"new-state\">{}</label>\n<select id=\"new-state\" name=\"state\">{}</select>\n\
                 <button>{}</button>\n</form>\n\
                 <form class=\"inline\" method=\"post\" action=\"{}/assign\">\
                 <input type=\"hidden\" name=\"assignee\" value=\"{}\"><button class=\"secondary\">{}</button></form>\n",
                id,
                t.new_state,
                state_options(t, None, Some(ticket.state)),
                t.change_state,
                id,
                assignee,
                label,
            )
        }
        Actor::Owner => {
            let (state, label) = if ticket.state == State::Closed { ("open", t.reopen) } else { ("closed", t.close) };
            html!(
                "<form class=\"inline\" method=\"post\" action=\"{}/state\">\
                 <input type=\"hidden\" name=\"state\" value=\"{}\"><button class=\"secondary\">{}</button></form>\n",
                id,
                state,
                label,
            )
        }
        Actor::Other => Html::new(),
    }
}

fn conversation(t: &Texts, lang: Lang, messages: &[MessageView]) -> Html {
    let heading = html!("<h2 id=\"conversation\">{}</h2>\n", t.conversation);
    if messages.is_empty() {
        return html!("{}<p class=\"muted\">{}</p>\n", heading, t.no_messages);
    }
    let items: Html = messages
        .iter()
        .map(|message| {
            let author = match (message.mine, message.by_staff) {
                (true, _) => t.by_you,
                (false, true) => t.by_management,
                (false, false) => t.by_resident,
            };
            html!(
                "<li class=\"card\">\n<p class=\"meta\">{} · {}</p>\n<p class=\"body\">{}</p>\n{}</li>\n",
                author,
                message.created_at.html(lang),
                message.text,
                files(t, &message.files, "../"),
            )
        })
        .collect();
    html!("{}<ol class=\"cards\" aria-labelledby=\"conversation\">\n{}</ol>\n", heading, items)
}

/// The form to write in the conversation, with files; a closed ticket
/// says how to write again.
fn reply_form(t: &Texts, lang: Lang, detail: &Detail, flash: &Flash) -> Html {
    if !detail.may_reply {
        return html!("<p class=\"note\">{}</p>\n", t.closed_hint);
    }
    let problem = flash.problem.as_ref().filter(|(problem, _)| problem.field() != "note");
    let typed = problem.map(|(_, typed)| typed.as_str()).unwrap_or_default();
    let text = field_state(problem.map(|(problem, _)| problem), "text", lang);
    let files = field_state(problem.map(|(problem, _)| problem), "attachment", lang);
    html!(
        "<form class=\"card\" method=\"post\" action=\"{}/replies\" enctype=\"multipart/form-data\" aria-labelledby=\"conversation\">\n\
         <label for=\"text\">{}</label>\n{}\
         <textarea id=\"text\" name=\"text\" rows=\"4\" maxlength=\"{}\" required{}{}>{}</textarea>\n\
         <label for=\"attachment\">{}</label>\n<span class=\"hint\" id=\"attachment-hint\">{}</span>\n{}\
         <input type=\"file\" id=\"attachment\" name=\"attachment\" multiple \
         accept=\"image/jpeg,image/png,application/pdf\" aria-describedby=\"attachment-hint{}\"{}>\n\
         <button>{}</button>\n</form>\n",
        detail.ticket.id,
        t.your_message,
        text.message,
        MAX_TEXT,
        described(&text.described_by),
        text.invalid,
        typed,
        t.attachments,
        fill(t.attachments_hint, &[("max", &MAX_FILES), ("mib", &(MAX_FILE_BYTES >> 20))]),
        files.message,
        files.described_by,
        files.invalid,
        t.send,
    )
}

/// Staff only: the internal notes and the form to add one.
fn notes_section(t: &Texts, lang: Lang, id: &str, notes: &[NoteView], flash: &Flash) -> Html {
    let items: Html = notes
        .iter()
        .map(|note| {
            let by = if note.mine { t.note_by_you } else { t.note_by_colleague };
            html!(
                "<li class=\"card\">\n<p class=\"body\">{}</p>\n<p class=\"meta\">{} · {}</p>\n</li>\n",
                note.text,
                by,
                note.created_at.html(lang),
            )
        })
        .collect();
    let list = if notes.is_empty() {
        html!("<p class=\"muted\">{}</p>\n", t.no_notes)
    } else {
        html!("<ul class=\"cards\" aria-labelledby=\"notes\">\n{}</ul>\n", items)
    };
    let problem = flash.problem.as_ref().filter(|(problem, _)| problem.field() == "note");
    let typed = problem.map(|(_, typed)| typed.as_str()).unwrap_or_default();
    let state = field_state(problem.map(|(problem, _)| problem), "note", lang);
    html!(
        "<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">{}</h2>\n<p class=\"lead\">{}</p>\n{}\
         <form class=\"card\" method=\"post\" action=\"{}/notes\">\n<label for=\"note\">{}</label>\n{}\
         <textarea id=\"note\" name=\"text\" rows=\"3\" maxlength=\"{}\" required{}{}>{}</textarea>\n\
         <button>{}</button>\n</form>\n</section>\n",
        t.notes,
        t.notes_lead,
        list,
        id,
        t.new_note,
        state.message,
        MAX_TEXT,
        described(&state.described_by),
        state.invalid,
        typed,
        t.add_note,
    )
}

fn history(t: &Texts, lang: Lang, entries: &[HistoryView]) -> Html {
    let items: Html = entries
        .iter()
        .map(|entry| {
            let what = match &entry.change {
                Change::Filed => t.history_filed.to_owned(),
                Change::State { from, to } => {
                    fill(t.history_state, &[("from", &t.state(*from)), ("to", &t.state(*to))])
                }
                Change::Assigned => t.history_assigned.to_owned(),
                Change::Unassigned => t.history_unassigned.to_owned(),
            };
            let by = match (entry.by_me, entry.by_staff) {
                (true, _) => t.by_you,
                (false, true) => t.by_management,
                (false, false) => t.by_resident,
            };
            html!("<li>{} · {} · {}</li>\n", entry.at.html(lang), what, by)
        })
        .collect();
    html!("<h2 id=\"history\">{}</h2>\n<ol aria-labelledby=\"history\">\n{}</ol>\n", t.history, items)
}

/// ` aria-describedby="…"` for an error sentence, if there is one.
fn described(ids: &str) -> Attributes {
    if ids.trim().is_empty() { Attributes::new() } else { attributes!(" aria-describedby=\"{}\"", ids.trim()) }
}
