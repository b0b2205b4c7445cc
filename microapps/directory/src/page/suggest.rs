//! The suggestions page (a resident's form and own suggestions; staff's
//! queue) and a suggestion's page (staff accept or decline there).

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Response, html};

use super::form::fields;
use super::{field_state, problem_summary};
use crate::Asking;
use crate::details::{DetailsInput, MAX_REASON, Problem};
use crate::store::State;
use crate::texts::{self, Texts};
use crate::views::SuggestionView;

/// The suggestions page: for a resident the form and their suggestions,
/// for staff the queue.
pub fn list(
    asking: &Asking,
    items: Option<&[SuggestionView]>,
    typed: &DetailsInput,
    problem: Option<Problem>,
    sent: bool,
) -> Html {
    let t = texts::of(asking.lang);
    let lang = asking.lang;
    let root = &asking.root;
    let staff = asking.caller.staff;
    let (heading, lead, listed, empty) = if staff {
        (t.queue_heading, t.queue_lead, t.queue_heading, t.queue_empty)
    } else {
        (t.suggestions_heading, t.suggestions_lead, t.your_suggestions, t.no_suggestions)
    };
    let mut content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
        root,
        t.all_entries,
        heading,
        lead
    );
    if sent {
        content.push(html!("<p class=\"note done\" role=\"status\">{}</p>\n", t.sent));
    }
    if !staff {
        let summary = problem.as_ref().map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
        content.push(html!(
            "<h2 id=\"suggest\">{}</h2>\n{}<form class=\"card\" method=\"post\" action=\"{}suggestions\" aria-labelledby=\"suggest\">\n{}\
             <button>{}</button>\n</form>\n",
            t.suggest_heading,
            summary,
            root,
            fields(t, lang, typed, problem.as_ref(), false),
            t.send_suggestion,
        ));
    }
    content.push(html!("<h2 id=\"suggestions\">{}</h2>\n", listed));
    content.push(match items {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some([]) => html!("<p class=\"muted\">{}</p>\n", empty),
        Some(items) => {
            let cards: Html = items.iter().map(|view| card(asking, t, view)).collect();
            html!("<ul class=\"cards\" aria-labelledby=\"suggestions\">\n{}</ul>\n", cards)
        }
    });
    Frame::new(t.app, lang).page(heading, content)
}

fn card(asking: &Asking, t: &Texts, view: &SuggestionView) -> Html {
    let reason = match &view.reason {
        Some(reason) => html!("<p class=\"body\">{}: {}</p>\n", t.reason, reason),
        None => Html::new(),
    };
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}suggestions/{}\">{}</a></h3>\n<p class=\"meta\">{} · {} {} · {}</p>\n{}</li>\n",
        asking.root,
        view.id,
        view.details.name,
        view.category_label,
        t.suggested,
        view.created_at.html(asking.lang),
        t.state(view.state),
        reason,
    )
}

/// A suggestion's page, with staff's forms while it is open.
pub struct SuggestionPage<'a> {
    pub asking: &'a Asking,
    pub view: &'a SuggestionView,
    /// What the accept form shows: the suggestion, or what was typed.
    pub typed: DetailsInput,
    pub problem: Option<Problem>,
}

impl SuggestionPage<'_> {
    pub fn render(&self) -> Html {
        let asking = self.asking;
        let lang = asking.lang;
        let t = texts::of(lang);
        let root = &asking.root;
        let view = self.view;
        let mut content = html!(
            "<p><a href=\"{}suggestions\">{}</a></p>\n<h1>{}</h1>\n<p class=\"meta\">{} · {} {}</p>\n",
            root,
            t.all_suggestions,
            view.details.name,
            t.state(view.state),
            t.suggested,
            view.created_at.html(lang),
        );
        if let Some(reason) = &view.reason {
            content.push(html!("<p class=\"note\">{}: {}</p>\n", t.reason, reason));
        }
        if let Some(entry) = &view.entry {
            content.push(html!("<p><a href=\"{}entries/{}\">{}</a></p>\n", root, entry, t.open_entry));
        }
        if asking.caller.staff && view.state == State::Open {
            content.push(self.decide(t));
        } else {
            content.push(facts(t, view));
        }
        Frame::new(t.app, lang).page(&view.details.name, content)
    }

    /// Staff's two forms: accept (the details, editable, and a logo) and
    /// decline with a reason.
    fn decide(&self, t: &Texts) -> Html {
        let lang = self.asking.lang;
        let root = &self.asking.root;
        let id = &self.view.id;
        let (reason_problem, details_problem) = match &self.problem {
            Some(Problem::Reason) => (Some(&Problem::Reason), None),
            other => (None, other.as_ref()),
        };
        let summary = |problem: Option<&Problem>| problem.map(|p| problem_summary(t, p, lang)).unwrap_or_default();
        let reason = field_state(reason_problem, "reason", "reason-hint", lang);
        html!(
            "<h2 id=\"accept\">{}</h2>\n{}\
             <form class=\"card\" method=\"post\" action=\"{}suggestions/{}/accept\" enctype=\"multipart/form-data\" aria-labelledby=\"accept\">\n{}\
             <button>{}</button>\n</form>\n\
             <h2 id=\"reject\">{}</h2>\n{}\
             <form class=\"card\" method=\"post\" action=\"{}suggestions/{}/reject\" aria-labelledby=\"reject\">\n\
             <label for=\"reason\">{}</label>\n<span class=\"hint\" id=\"reason-hint\">{}</span>\n{}\
             <textarea id=\"reason\" name=\"reason\" rows=\"3\" maxlength=\"{}\" required{}{}></textarea>\n\
             <button class=\"danger\">{}</button>\n</form>\n",
            t.accept_heading,
            summary(details_problem),
            root,
            id,
            fields(t, lang, &self.typed, details_problem, true),
            t.accept,
            t.reject_heading,
            summary(reason_problem),
            root,
            id,
            t.reason,
            fill(t.reason_hint, &[("max", &MAX_REASON)]),
            reason.message,
            MAX_REASON,
            reason.described,
            reason.invalid,
            t.reject,
        )
    }
}

/// What was suggested, as text: the suggester and a decided suggestion.
fn facts(t: &Texts, view: &SuggestionView) -> Html {
    let d = &view.details;
    let mut rows = html!("<dt>{}</dt><dd>{}</dd>\n", t.category, view.category_label);
    let address = [d.street.as_str(), d.postal_code.as_str(), d.city.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    for (label, value) in [
        (t.address, address.as_str()),
        (t.phone, d.phone.as_str()),
        (t.email, d.email.as_str()),
        (t.website, d.website.as_str()),
        (t.offer, d.offer.as_str()),
    ] {
        if !value.is_empty() {
            rows.push(html!("<dt>{}</dt><dd>{}</dd>\n", label, value));
        }
    }
    for (at, text) in d.hours.days().iter().enumerate() {
        if !text.is_empty() {
            rows.push(html!("<dt>{}</dt><dd>{}</dd>\n", t.weekdays[at], text));
        }
    }
    html!("<dl class=\"facts\">\n{}</dl>\n", rows)
}

/// The page for a suggestion the caller cannot read: `404`.
pub fn gone(asking: &Asking) -> Response {
    let t = texts::of(asking.lang);
    let content = html!(
        "<h1>{}</h1>\n<p><a href=\"{}suggestions\">{}</a></p>\n",
        t.suggestion_gone,
        asking.root,
        t.all_suggestions
    );
    Response::html(404, Frame::new(t.app, asking.lang).page(t.suggestion_gone, content))
}
