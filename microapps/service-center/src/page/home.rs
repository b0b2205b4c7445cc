//! The home page: for a resident their tickets and their home's, and the
//! form to report a problem; for staff the queue with its filters.

use courtyard_sdk::context::Caller;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use super::{field_state, option, problem_summary, state_options};
use crate::categories::Categories;
use crate::queue::{AssigneeFilter, Filters, StateFilter};
use crate::texts::{self, Texts};
use crate::validate::{FILE_FIELD, MAX_FILE_BYTES, MAX_FILES, MAX_PLACE, MAX_TEXT, MAX_TITLE, Problem, TicketForm};
use crate::views::TicketView;

/// One rendering of the home page.
pub struct Home<'a> {
    pub lang: Lang,
    pub caller: &'a Caller,
    pub categories: &'a Categories,
    pub filters: &'a Filters,
    /// A refused ticket and what was typed, to show again.
    pub problem: Option<(Problem, &'a TicketForm)>,
}

impl Home<'_> {
    /// The page with `tickets` (`None` when they could not be read) and a
    /// link to the next page.
    pub fn render(&self, tickets: Option<&[TicketView]>, next: Option<&str>) -> Html {
        let t = texts::of(self.lang);
        let staff = self.caller.staff;
        let (heading, lead) = if staff { (t.queue_heading, t.queue_lead) } else { (t.heading, t.lead) };
        let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", heading, lead);
        if staff {
            content.push(html!("<p><a href=\"settings/categories\">{}</a></p>\n", t.categories_link));
            content.push(self.filter_form(t));
        } else {
            content.push(self.ticket_form(t));
            content.push(html!("<h2 id=\"tickets\">{}</h2>\n", t.your_tickets));
        }
        let paged = self.filters.after.is_some();
        let label = if staff { t.queue_heading } else { t.your_tickets };
        content.push(match tickets {
            None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
            Some([]) if !paged => {
                html!("<p class=\"muted\">{}</p>\n", if staff { t.queue_empty } else { t.no_tickets })
            }
            Some(tickets) => {
                let items: Html = tickets.iter().map(|ticket| self.item(t, ticket)).collect();
                html!("<ul class=\"cards\" aria-label=\"{}\">\n{}</ul>\n", label, items)
            }
        });
        content.push(self.pager(t, next, label));
        Frame::new(t.app, self.lang).page(heading, content)
    }

    /// One ticket in the list.
    fn item(&self, t: &Texts, ticket: &TicketView) -> Html {
        let assigned = if self.caller.staff {
            let whom = match (ticket.assigned, ticket.assigned_to_me) {
                (_, true) => t.assigned_you,
                (true, false) => t.assigned_colleague,
                (false, false) => t.assigned_nobody,
            };
            html!(" · {}: {}", t.assignee, whom)
        } else {
            Html::new()
        };
        html!(
            "<li class=\"card\">\n<h3><a href=\"tickets/{}\">{}</a></h3>\n\
             <p class=\"meta\">{} · {}{} · {} {}</p>\n</li>\n",
            ticket.id,
            ticket.title,
            t.state(ticket.state),
            ticket.category_label,
            assigned,
            t.last_activity,
            ticket.last_activity_at.html(self.lang),
        )
    }

    /// The staff's filters: a form that reloads the page.
    fn filter_form(&self, t: &Texts) -> Html {
        let f = self.filters;
        let states: Html = [
            option("active", t.active_states, f.state == StateFilter::Active),
            option("any", t.any_state, f.state == StateFilter::Any),
            state_options(
                t,
                match f.state {
                    StateFilter::Only(state) => Some(state),
                    _ => None,
                },
                None,
            ),
        ]
        .into_iter()
        .collect();
        let mut categories = option("any", t.any_category, f.category.is_none());
        for category in &self.categories.categories {
            let chosen = f.category.as_deref() == Some(category.key.as_str());
            categories.push(option(&category.key, category.label(self.lang), chosen));
        }
        let assignees: Html = [
            option("anyone", t.anyone, f.assignee == AssigneeFilter::Anyone),
            option("me", t.assigned_to_me, f.assignee == AssigneeFilter::Me),
            option("nobody", t.assigned_to_nobody, f.assignee == AssigneeFilter::Nobody),
        ]
        .into_iter()
        .collect();
        html!(
            "<form class=\"card\" method=\"get\" action=\"./\" aria-label=\"{}\">\n\
             <label for=\"filter-state\">{}</label>\n<select id=\"filter-state\" name=\"state\">{}</select>\n\
             <label for=\"filter-category\">{}</label>\n<select id=\"filter-category\" name=\"category\">{}</select>\n\
             <label for=\"filter-assignee\">{}</label>\n<select id=\"filter-assignee\" name=\"assignee\">{}</select>\n\
             <button>{}</button>\n</form>\n",
            t.filter,
            t.state,
            states,
            t.category,
            categories,
            t.assignee,
            assignees,
            t.show,
        )
    }

    /// The form to report a problem, with the problem and what was typed
    /// after a refusal.
    fn ticket_form(&self, t: &Texts) -> Html {
        let lang = self.lang;
        let empty = TicketForm::default();
        let (problem, typed) = match &self.problem {
            Some((problem, typed)) => (Some(problem), *typed),
            None => (None, &empty),
        };
        let summary = problem.map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
        let has_unit = self.caller.unit.is_some();
        let mut categories = option("", t.choose_category, typed.category.is_empty());
        for category in &self.categories.categories {
            categories.push(option(&category.key, category.label(lang), typed.category.trim() == category.key));
        }
        let [category, title, description, location, place, files] =
            ["category", "title", "description", "location-unit", "place", FILE_FIELD]
                .map(|field| field_state(problem, field, lang));
        let common = typed.location == "common_area" || !has_unit;
        let checked = |yes: bool| if yes { attributes!(" checked") } else { Attributes::new() };
        let unit_choice = if has_unit {
            html!(
                "<div><input type=\"radio\" id=\"location-unit\" name=\"location\" value=\"unit\"{}{}>\
                 <label for=\"location-unit\">{}</label></div>\n",
                checked(!common),
                location.invalid,
                t.location_unit,
            )
        } else {
            Html::new()
        };
        // Closed until asked for, so the tickets come first on a phone;
        // open again when what was typed needs correcting.
        let open = if problem.is_some() { attributes!(" open") } else { Attributes::new() };
        html!(
            "<details class=\"compose\"{}>\n<summary class=\"button\">{}</summary>\n\
             <form class=\"card\" method=\"post\" action=\"tickets\" enctype=\"multipart/form-data\" aria-label=\"{}\">\n{}\
             <label for=\"category\">{}</label>\n{}\
             <select id=\"category\" name=\"category\" required aria-describedby=\"category-hint{}\"{}>{}</select>\n\
             <span class=\"visually-hidden\" id=\"category-hint\">{}</span>\n\
             <label for=\"title\">{}</label>\n<span class=\"hint\" id=\"title-hint\">{}</span>\n{}\
             <input id=\"title\" name=\"title\" maxlength=\"{}\" required aria-describedby=\"title-hint{}\"{} value=\"{}\">\n\
             <label for=\"description\">{}</label>\n<span class=\"hint\" id=\"description-hint\">{}</span>\n{}\
             <textarea id=\"description\" name=\"description\" rows=\"5\" maxlength=\"{}\" required \
             aria-describedby=\"description-hint{}\"{}>{}</textarea>\n\
             <fieldset>\n<legend>{}</legend>\n{}{}\
             <div><input type=\"radio\" id=\"location-common\" name=\"location\" value=\"common_area\"{}>\
             <label for=\"location-common\">{}</label></div>\n</fieldset>\n\
             <label for=\"place\">{}</label>\n<span class=\"hint\" id=\"place-hint\">{}</span>\n{}\
             <input id=\"place\" name=\"place\" maxlength=\"{}\" aria-describedby=\"place-hint{}\"{} value=\"{}\">\n\
             <label for=\"attachment\">{}</label>\n<span class=\"hint\" id=\"attachment-hint\">{}</span>\n{}\
             <input type=\"file\" id=\"attachment\" name=\"attachment\" multiple \
             accept=\"image/jpeg,image/png,application/pdf\" aria-describedby=\"attachment-hint{}\"{}>\n\
             <button>{}</button>\n</form>\n</details>\n",
            open,
            t.new_ticket,
            t.new_ticket,
            summary,
            t.category,
            category.message,
            category.described_by,
            category.invalid,
            categories,
            t.choose_category,
            t.title,
            fill(t.title_hint, &[("max", &MAX_TITLE)]),
            title.message,
            MAX_TITLE,
            title.described_by,
            title.invalid,
            typed.title,
            t.description,
            fill(t.description_hint, &[("max", &MAX_TEXT)]),
            description.message,
            MAX_TEXT,
            description.described_by,
            description.invalid,
            typed.description,
            t.location,
            location.message,
            unit_choice,
            checked(common),
            t.location_common,
            t.place,
            t.place_hint,
            place.message,
            MAX_PLACE,
            place.described_by,
            place.invalid,
            typed.place,
            t.attachments,
            fill(t.attachments_hint, &[("max", &MAX_FILES), ("mib", &(MAX_FILE_BYTES >> 20))]),
            files.message,
            files.described_by,
            files.invalid,
            t.send_ticket,
        )
    }

    /// Links to older tickets and back to the latest, keeping the filters.
    fn pager(&self, t: &Texts, next: Option<&str>, label: &str) -> Html {
        let paged = self.filters.after.is_some();
        let first = Filters { after: None, ..self.filters.clone() };
        let newest =
            if paged { html!("<a href=\"?{}\">{}</a>", first.query_string(None), t.newest) } else { Html::new() };
        let older = match next {
            Some(cursor) => {
                html!("<a href=\"?{}\" rel=\"next\">{}</a>", self.filters.query_string(Some(cursor)), t.older)
            }
            None => Html::new(),
        };
        if newest.is_empty() && older.is_empty() {
            return Html::new();
        }
        html!("<nav class=\"pager\" aria-label=\"{}\">{}{}</nav>\n", label, newest, older)
    }
}
