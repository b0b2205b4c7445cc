//! Pages in the portal's frame. Every value goes through `html!`, which
//! escapes it; the markup uses the portal's classes only, every form works
//! without scripts and ties its problem to its field. Links are relative
//! to the app's root ([`Asking::root`]), so they work wherever the app is
//! mounted; "Report" links go to the host's moderation page.

mod conversations;
mod profiles;

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{Error, Response, attributes, html, moderation};

pub use conversations::{Talk, conversation, conversations, start};
pub use profiles::{Neighbours, ProfileFlash, neighbours, own_profile, profile};

use crate::Asking;
use crate::blocks::BlockView;
use crate::texts::{self, Texts};
use crate::validate::Problem;

/// A refusal as a page: what went wrong, in the person's language, and the
/// way back.
pub fn refusal(asking: &Asking, error: &Error) -> Response {
    let t = texts::of(asking.lang);
    let (heading, detail) = match error {
        Error::NotFound => (t.gone, None),
        Error::Unavailable(_) => (t.unavailable, None),
        Error::Denied(reason) | Error::Invalid(reason) | Error::Limit(reason) => (t.not_possible, Some(reason)),
        Error::Conflict(_) => (t.not_possible, None),
    };
    let detail = detail.map(|reason| html!("<p class=\"lead\">{}</p>\n", reason)).unwrap_or_default();
    let content =
        html!("<h1>{}</h1>\n{}<p><a href=\"{}\">{}</a></p>\n", heading, detail, asking.root, t.all_neighbours);
    Response::html(error.status(), Frame::new(t.app, asking.lang).page(heading, content))
}

/// `GET /blocks` as a page: whom the caller blocked, each with "Unblock".
pub fn blocks(asking: &Asking, items: &[BlockView]) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        root,
        t.all_neighbours,
        t.blocked_link,
        t.blocked_lead
    );
    if items.is_empty() {
        content.push(html!("<p class=\"muted\">{}</p>\n", t.no_blocks));
    } else {
        let cards: Html = items
            .iter()
            .map(|item| {
                html!(
                    "<li class=\"card\">\n<h2>{}</h2>\n<p class=\"meta\">{}</p>\n{}</li>\n",
                    item.name,
                    item.blocked_at.html(asking.lang),
                    unblock_form(t, root, &item.subject, &item.name),
                )
            })
            .collect();
        content.push(html!("<ul class=\"cards\" aria-label=\"{}\">\n{}</ul>\n", t.blocked_link, cards));
    }
    Frame::new(t.app, asking.lang).page(t.blocked_link, content)
}

/// The form that blocks `subject`, named `name` for screen readers.
pub fn block_form(t: &Texts, root: &str, subject: &str, name: &str) -> Html {
    html!(
        "<form class=\"inline\" method=\"post\" action=\"{}blocks\">\
         <input type=\"hidden\" name=\"subject\" value=\"{}\">\
         <button class=\"secondary\">{}<span class=\"visually-hidden\">: {}</span></button></form>\n\
         <p class=\"hint\">{}</p>\n",
        root,
        subject,
        t.block,
        name,
        t.block_hint,
    )
}

/// The form that unblocks `subject`.
pub fn unblock_form(t: &Texts, root: &str, subject: &str, name: &str) -> Html {
    html!(
        "<form class=\"inline\" method=\"post\" action=\"{}blocks/{}/delete\">\
         <button class=\"secondary\">{}<span class=\"visually-hidden\">: {}</span></button></form>\n",
        root,
        crate::encode(subject),
        t.unblock,
        name,
    )
}

/// The "Report" link to the host's moderation page for one document.
pub fn report(t: &Texts, collection: &str, id: &str, what: &str) -> Html {
    html!(
        "<a class=\"report\" href=\"{}\">{}<span class=\"visually-hidden\">: {}</span></a>",
        moderation::report_path("neighbors", collection, id),
        t.report,
        what,
    )
}

/// The box at the top of a refused form, linking to the field.
pub fn problem_summary(t: &Texts, problem: &Problem, lang: Lang) -> Html {
    html!(
        "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p><a href=\"#{}\">{}</a></p></div>\n",
        t.problem_heading,
        problem.field(),
        problem.message(lang),
    )
}

/// What a field shows about its problem: the sentence, and the attributes
/// that tie it to the field.
pub struct FieldState {
    pub message: Html,
    /// The sentence's id, to append to `aria-describedby`.
    pub described_by: String,
    pub invalid: Attributes,
}

/// The state of field `field` when `problem` is the form's problem.
pub fn field_state(problem: Option<&Problem>, field: &str, lang: Lang) -> FieldState {
    match problem.filter(|problem| problem.field() == field) {
        Some(problem) => FieldState {
            message: html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", field, problem.message(lang)),
            described_by: format!(" {field}-error"),
            invalid: attributes!(" aria-invalid=\"true\""),
        },
        None => FieldState { message: Html::new(), described_by: String::new(), invalid: Attributes::new() },
    }
}

#[cfg(test)]
mod tests;
