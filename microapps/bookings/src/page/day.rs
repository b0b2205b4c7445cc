//! A day of a resource: its rules, its slots, the form to book, and for
//! staff the forms to block, to cancel and to change the rules.

use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Doc, attributes, html};

use super::{Problem, alert, booking_card, settings};
use crate::Asking;
use crate::availability::{DayView, SlotState};
use crate::booking::{BookForm, BookingView, MAX_REASON};
use crate::clock::Date;
use crate::resource::{Resource, ResourceForm};
use crate::texts::{self, Texts};
use courtyard_sdk::frame::Frame;

/// One rendering of a day.
pub struct DayPage<'a> {
    pub asking: &'a Asking,
    pub resource: &'a Doc<Resource>,
    pub day: Date,
    pub today: Date,
    pub view: &'a DayView,
    /// Staff: the day's bookings and blocks.
    pub staff_bookings: Option<&'a [BookingView]>,
    pub problem: Problem,
    /// What the last booking or block form said, to choose it again.
    pub typed: BookForm,
}

impl DayPage<'_> {
    fn t(&self) -> &'static Texts {
        texts::of(self.asking.lang)
    }

    /// The resource's own path, relative to the page.
    fn base(&self) -> String {
        format!("{}resources/{}", self.asking.root, self.resource.id)
    }

    pub fn render(&self) -> Html {
        let t = self.t();
        let resource = &self.resource.data;
        let lang = self.asking.lang;
        let day_name = texts::day_for_people(lang, self.day);
        let description = if resource.description.is_empty() {
            Html::new()
        } else {
            html!("<p class=\"lead\">{}</p>\n", resource.description)
        };
        let mut content = html!("<h1>{}</h1>\n{}", resource.name, description);
        content.push(self.rules());
        content.push(self.navigation());
        content.push(html!("<h2 id=\"slots\">{}</h2>\n", fill(t.day_heading, &[("day", &day_name)])));
        content.push(self.slots());
        content.push(self.book_form());
        if let Some(bookings) = self.staff_bookings {
            content.push(self.block_form());
            content.push(html!("<h2 id=\"day-bookings\">{}</h2>\n", t.day_bookings));
            let cards: Html = bookings.iter().map(|item| booking_card(self.asking, item)).collect();
            content.push(if cards.is_empty() {
                html!("<p class=\"muted\">{}</p>\n", t.no_bookings)
            } else {
                html!("<ul class=\"cards\" aria-labelledby=\"day-bookings\">\n{}</ul>\n", cards)
            });
            content.push(self.settings());
        }
        let mine = if self.asking.caller.staff { t.all_bookings } else { t.my_bookings };
        content.push(html!(
            "<p><a href=\"{}bookings\">{}</a> · <a href=\"{}\">{}</a></p>\n",
            self.asking.root,
            mine,
            self.asking.root,
            t.back_to_list
        ));
        Frame::new(t.app, lang).page(&resource.name, content)
    }

    fn rules(&self) -> Html {
        let t = self.t();
        let r = &self.resource.data;
        let hours = match (&self.view.open, &self.view.close) {
            (Some(open), Some(close)) => format!("{open}–{close}"),
            _ => t.closed_day.to_owned(),
        };
        let rows = [
            (t.rules.open, hours),
            (t.rules.slot, fill(t.rules.minutes, &[("minutes", &r.slot_minutes)])),
            (t.rules.longest, fill(t.rules.slot_count, &[("count", &r.max_slots)])),
            (t.rules.ahead, fill(t.rules.days, &[("days", &r.horizon_days)])),
            (t.rules.quota, r.quota.to_string()),
            (t.rules.cancel, fill(t.rules.hours_before, &[("hours", &r.cancel_hours)])),
        ];
        let rows: Html = rows.iter().map(|(name, value)| html!("<dt>{}</dt><dd>{}</dd>\n", name, value)).collect();
        html!(
            "<details>\n<summary>{}</summary>\n<dl class=\"facts\">\n{}</dl>\n<p class=\"hint\">{}</p>\n</details>\n",
            t.rules.heading,
            rows,
            fill(t.zone_note, &[("zone", &r.time_zone)])
        )
    }

    /// Previous and next day, the week, and a form to jump to a day.
    fn navigation(&self) -> Html {
        let t = self.t();
        let base = self.base();
        html!(
            "<nav class=\"pager\" aria-label=\"{}\"><a href=\"{}?day={}\">{}</a><a href=\"{}?week={}\">{}</a><a href=\"{}?day={}\">{}</a></nav>\n\
             <form method=\"get\" action=\"{}\" class=\"inline\">\n<label for=\"day\">{}</label>\n\
             <input type=\"date\" id=\"day\" name=\"day\" value=\"{}\" min=\"{}\">\n<button class=\"secondary\">{}</button>\n</form>\n",
            t.choose_day,
            base,
            self.day.add_days(-1),
            t.previous_day,
            base,
            self.day,
            t.whole_week,
            base,
            self.day.add_days(1),
            t.next_day,
            base,
            t.choose_day,
            self.day,
            self.today,
            t.show,
        )
    }

    fn slots(&self) -> Html {
        let t = self.t();
        if self.view.slots.is_empty() {
            return html!("<p class=\"muted\">{}</p>\n", t.closed_day);
        }
        let items: Html = self
            .view
            .slots
            .iter()
            .map(|slot| {
                let state = match slot.state {
                    SlotState::Free => t.free,
                    SlotState::Taken => t.taken,
                    SlotState::Blocked => t.blocked,
                    SlotState::Mine => t.mine,
                    SlotState::Past => t.past,
                };
                let quiet = if slot.state == SlotState::Free { "" } else { " muted" };
                html!("<li class=\"slot{}\">{}–{}: <strong>{}</strong></li>\n", quiet, slot.start, slot.end, state)
            })
            .collect();
        html!("<ul class=\"slots\" aria-labelledby=\"slots\">\n{}</ul>\n", items)
    }

    /// The `<select>`s of start and length, for free slots (or, for a
    /// block, every slot still to come).
    fn choices(&self, prefix: &str, any_state: bool) -> Option<Html> {
        let t = self.t();
        let r = &self.resource.data;
        let starts: Html = self
            .view
            .slots
            .iter()
            .filter(|slot| slot.state == SlotState::Free || (any_state && slot.state != SlotState::Past))
            .map(|slot| {
                let chosen = if slot.start == self.typed.start { attributes!(" selected") } else { Attributes::new() };
                html!("<option value=\"{}\"{}>{}</option>", slot.start, chosen, slot.start)
            })
            .collect();
        if starts.is_empty() {
            return None;
        }
        let counts: Html = (1..=r.max_slots)
            .map(|count| {
                let chosen =
                    if count.to_string() == self.typed.slots { attributes!(" selected") } else { Attributes::new() };
                html!("<option value=\"{}\"{}>{}</option>", count, chosen, count)
            })
            .collect();
        Some(html!(
            "<input type=\"hidden\" name=\"day\" value=\"{}\">\n\
             <label for=\"{}-start\">{}</label>\n<select id=\"{}-start\" name=\"start\">{}</select>\n\
             <label for=\"{}-slots\">{}</label>\n<span class=\"hint\" id=\"{}-slots-hint\">{}</span>\n\
             <select id=\"{}-slots\" name=\"slots\" aria-describedby=\"{}-slots-hint\">{}</select>\n",
            self.day,
            prefix,
            t.start,
            prefix,
            starts,
            prefix,
            t.slots,
            prefix,
            fill(t.slots_hint, &[("max", &r.max_slots), ("minutes", &r.slot_minutes)]),
            prefix,
            prefix,
            counts,
        ))
    }

    fn book_form(&self) -> Html {
        let t = self.t();
        let problem = match &self.problem {
            Problem::Book(message) => alert(t, message),
            _ => Html::new(),
        };
        if self.resource.data.archived {
            return html!("{}<p class=\"note\">{}</p>\n", problem, t.refusals.archived);
        }
        let Some(choices) = self.choices("book", false) else {
            return html!("{}<p class=\"muted\">{}</p>\n", problem, t.nothing_free);
        };
        html!(
            "<h2 id=\"book\">{}</h2>\n<form class=\"card\" method=\"post\" action=\"{}/bookings\" aria-labelledby=\"book\">\n{}{}<button>{}</button>\n</form>\n",
            t.book_heading,
            self.base(),
            problem,
            choices,
            t.book,
        )
    }

    fn block_form(&self) -> Html {
        let t = self.t();
        let problem = match &self.problem {
            Problem::Block(message) => alert(t, message),
            _ => Html::new(),
        };
        let Some(choices) = self.choices("block", true) else {
            return problem;
        };
        let form = html!(
            "<form class=\"card\" method=\"post\" action=\"{}/blocks\" aria-label=\"{}\">\n{}<p class=\"hint\">{}</p>\n{}\
             <label for=\"block-reason\">{}</label>\n<span class=\"hint\" id=\"block-reason-hint\">{}</span>\n\
             <input id=\"block-reason\" name=\"reason\" maxlength=\"{}\" aria-describedby=\"block-reason-hint\" value=\"{}\">\n\
             <button>{}</button>\n</form>\n",
            self.base(),
            t.block_heading,
            problem,
            t.block_hint,
            choices,
            t.reason,
            fill(t.reason_hint, &[("max", &MAX_REASON)]),
            MAX_REASON,
            self.typed.reason,
            t.block,
        );
        settings::details(t.block_heading, matches!(self.problem, Problem::Block(_)), form)
    }

    fn settings(&self) -> Html {
        let t = self.t();
        let (typed, problem) = match &self.problem {
            Problem::Settings(problem, typed) => ((**typed).clone(), Some(*problem)),
            _ => (ResourceForm::of(&self.resource.data), None),
        };
        let form = settings::form(self.asking.lang, &typed, problem, &self.base(), t.save);
        settings::details(t.settings_heading, problem.is_some(), form)
    }
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::Visibility;
    use courtyard_sdk::context::Caller;
    use courtyard_sdk::lang::Lang;
    use courtyard_sdk::time::Timestamp;

    use super::*;
    use crate::availability::{self, Reader};
    use crate::booking::{Kind, Occupied, State};
    use crate::resource::defaults;

    fn asking(staff: bool, lang: Lang) -> Asking {
        let caller = Caller {
            subject: Some(if staff { "mia" } else { "ben" }.to_owned()),
            property: Some("p".to_owned()),
            roles: Vec::new(),
            staff,
            unit: None,
            locale: lang.code().to_owned(),
            request_id: "r".to_owned(),
        };
        Asking { caller, lang, page: true, root: "../".to_owned() }
    }

    fn room() -> Doc<Resource> {
        let data = Resource { name: "<script>x</script> Room".to_owned(), ..defaults() };
        Doc {
            id: "r1".to_owned(),
            owner: "mia".to_owned(),
            visibility: Visibility::Property,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
            revision: 1,
            data,
        }
    }

    fn render(asking: &Asking, problem: Problem) -> String {
        let doc = room();
        let day = Date::parse("2027-03-12").unwrap();
        let anna = Occupied {
            resource: "r1".into(),
            booking: "b-anna".into(),
            kind: Kind::Booking,
            state: State::Active,
            day: "2027-03-12".into(),
            start: "10:00".into(),
            end: "11:00".into(),
        };
        let reader = Reader { subject: asking.subject(), staff: asking.caller.staff };
        let view = availability::day(&doc.data, day, &[("anna", &anna)], reader, (day.add_days(-1), 0));
        let staff_bookings: Vec<BookingView> = Vec::new();
        let page = DayPage {
            asking,
            resource: &doc,
            day,
            today: day.add_days(-1),
            view: &view,
            staff_bookings: asking.caller.staff.then_some(staff_bookings.as_slice()),
            problem,
            typed: BookForm::default(),
        };
        page.render().into_string()
    }

    #[test]
    fn a_resident_sees_the_slots_and_the_form_to_book_and_nothing_of_who() {
        let html = render(&asking(false, Lang::En), Problem::Book("Already booked: <b>".to_owned()));
        assert!(html.contains("<h1>&lt;script&gt;x&lt;/script&gt; Room</h1>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("style="), "{html}");
        assert!(html.contains("10:00–11:00: <strong>Booked</strong>"), "{html}");
        assert!(html.contains("12:00–13:00: <strong>Free</strong>"), "{html}");
        assert!(!html.contains("anna") && !html.contains("b-anna"), "{html}");
        assert!(html.contains("action=\"../resources/r1/bookings\""), "{html}");
        assert!(html.contains("role=\"alert\"") && html.contains("Already booked: &lt;b&gt;"), "{html}");
        assert!(!html.contains("/blocks") && !html.contains("Change the rules"), "no staff forms: {html}");
        assert!(html.contains("<label for=\"book-start\">Start</label>"), "{html}");
        assert!(html.contains("Slots on Friday 12 March 2027"), "{html}");
    }

    #[test]
    fn staff_get_the_forms_to_block_and_to_change_the_rules_in_german() {
        let html = render(&asking(true, Lang::De), Problem::None);
        assert!(html.contains("<html lang=\"de\">") && html.contains("Zeiten am Freitag, 12. März 2027"), "{html}");
        assert!(html.contains("action=\"../resources/r1/blocks\"") && html.contains(">Sperren</button>"), "{html}");
        assert!(html.contains("Regeln ändern") && html.contains("action=\"../resources/r1\""), "{html}");
        let typed = ResourceForm { quota: "x".into(), ..ResourceForm::blank() };
        let refused =
            render(&asking(true, Lang::En), Problem::Settings(crate::resource::SettingProblem::Quota, Box::new(typed)));
        assert!(refused.contains("<details open>") && refused.contains("href=\"#quota\""), "{refused}");
    }
}
