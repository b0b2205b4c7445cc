//! Pages in the portal's frame. Every value goes through `html!`, which
//! escapes it; the markup uses the portal's classes only, and every form
//! works without scripts. Links are relative to the app's root
//! ([`Asking::root`]), so they work wherever the app is mounted.

mod day;
mod settings;

use courtyard_sdk::Doc;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;

pub use day::DayPage;

use crate::Asking;
use crate::availability::DayView;
use crate::booking::{BookingView, Kind, State};
use crate::clock::Date;
use crate::resource::{Resource, ResourceForm, SettingProblem};
use crate::texts::{self, Texts};

/// What went wrong with the last form of a page.
#[derive(Debug, Clone)]
pub enum Problem {
    None,
    Book(String),
    Block(String),
    Settings(SettingProblem, Box<ResourceForm>),
}

impl Problem {
    pub fn form(kind: Kind, message: String) -> Problem {
        match kind {
            Kind::Booking => Problem::Book(message),
            Kind::Blocked => Problem::Block(message),
        }
    }
}

/// A problem note at the top of a form, read out when it appears.
fn alert(t: &Texts, message: &str) -> Html {
    html!("<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p>{}</p></div>\n", t.problem_heading, message)
}

/// The home page: what can be booked, and for staff a form to add more.
pub fn home(
    asking: &Asking,
    items: Option<&[Doc<Resource>]>,
    typed: &ResourceForm,
    problem: Option<SettingProblem>,
) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mine = if asking.caller.staff { t.all_bookings } else { t.my_bookings };
    let mut content = html!(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n<p><a href=\"{}bookings\">{}</a></p>\n",
        t.heading,
        t.lead,
        root,
        mine
    );
    content.push(html!("<h2 id=\"resources\">{}</h2>\n", t.resources));
    content.push(match items {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some([]) => html!("<p class=\"muted\">{}</p>\n", t.no_resources),
        Some(items) => {
            let cards: Html = items
                .iter()
                .map(|doc| {
                    let archived = if doc.data.archived {
                        html!(" <span class=\"muted\">({})</span>", t.archived_mark)
                    } else {
                        Html::new()
                    };
                    let description = if doc.data.description.is_empty() {
                        Html::new()
                    } else {
                        html!("<p class=\"body\">{}</p>\n", doc.data.description)
                    };
                    html!(
                        "<li class=\"card\">\n<h3>{}{}</h3>\n{}<p><a href=\"{}resources/{}\">{}<span class=\"visually-hidden\">: {}</span></a></p>\n</li>\n",
                        doc.data.name,
                        archived,
                        description,
                        root,
                        doc.id,
                        t.availability,
                        doc.data.name,
                    )
                })
                .collect();
            html!("<ul class=\"cards\" aria-labelledby=\"resources\">\n{}</ul>\n", cards)
        }
    });
    if asking.caller.staff {
        let form = settings::form(asking.lang, typed, problem, &format!("{root}resources"), t.create);
        let open = problem.is_some();
        content.push(settings::details(t.new_resource, open, form));
    }
    Frame::new(t.app, asking.lang).page(t.heading, content)
}

/// A week of a resource: each day with how many slots are free.
pub fn week(asking: &Asking, doc: &Doc<Resource>, first: Date, today: Date, days: &[DayView]) -> Html {
    let t = texts::of(asking.lang);
    let base = format!("{}resources/{}", asking.root, doc.id);
    let heading = fill(t.week_heading, &[("day", &texts::day_for_people(asking.lang, first))]);
    let items: Html = days
        .iter()
        .filter_map(|view| Date::parse(&view.day).map(|day| (day, view)))
        .map(|(day, view)| {
            let summary = if view.total == 0 {
                t.closed_day.to_owned()
            } else {
                fill(t.day_summary, &[("free", &view.free), ("total", &view.total)])
            };
            html!(
                "<li class=\"card\"><a href=\"{}?day={}\">{}</a><p class=\"meta\">{}</p></li>\n",
                base,
                day,
                texts::day_for_people(asking.lang, day),
                summary
            )
        })
        .collect();
    let nav = html!(
        "<nav class=\"pager\" aria-label=\"{}\"><a href=\"{}?week={}\">{}</a><a href=\"{}?day={}\">{}</a><a href=\"{}?week={}\">{}</a></nav>\n",
        heading,
        base,
        first.add_days(-7),
        t.previous_week,
        base,
        today,
        fill(t.day_heading, &[("day", &texts::day_for_people(asking.lang, today))]),
        base,
        first.add_days(7),
        t.next_week,
    );
    let content = html!(
        "<h1>{}</h1>\n<h2 id=\"week\">{}</h2>\n{}<ul class=\"cards\" aria-labelledby=\"week\">\n{}</ul>\n<p><a href=\"{}\">{}</a></p>\n",
        doc.data.name,
        heading,
        nav,
        items,
        asking.root,
        t.back_to_list,
    );
    Frame::new(t.app, asking.lang).page(&doc.data.name, content)
}

/// A list of bookings: the reader's own, or, for staff, the property's;
/// `note` says what went wrong with the last cancellation.
pub fn bookings(asking: &Asking, items: &[BookingView], next: Option<&str>, note: Option<&str>) -> Html {
    let t = texts::of(asking.lang);
    let heading = if asking.caller.staff { t.all_bookings } else { t.my_bookings };
    let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", heading, t.bookings_lead);
    if let Some(note) = note {
        content.push(alert(t, note));
    }
    if items.is_empty() {
        content.push(html!("<p class=\"muted\">{}</p>\n", t.no_bookings));
    } else {
        let cards: Html = items.iter().map(|item| booking_card(asking, item)).collect();
        content.push(html!("<ul class=\"cards\">\n{}</ul>\n", cards));
    }
    if let Some(cursor) = next {
        let query = serde_urlencoded::to_string([("after", cursor)]).unwrap_or_default();
        content.push(html!(
            "<nav class=\"pager\" aria-label=\"{}\"><a href=\"{}bookings?{}\" rel=\"next\">{}</a></nav>\n",
            heading,
            asking.root,
            query,
            t.more
        ));
    }
    content.push(html!("<p><a href=\"{}\">{}</a></p>\n", asking.root, t.back_to_list));
    Frame::new(t.app, asking.lang).page(heading, content)
}

/// One booking: what, when, its state, and a cancel form where allowed.
pub(crate) fn booking_card(asking: &Asking, item: &BookingView) -> Html {
    let t = texts::of(asking.lang);
    let day = Date::parse(&item.day).map(|day| texts::day_for_people(asking.lang, day)).unwrap_or_default();
    let mut meta = Vec::new();
    match (item.kind, asking.caller.staff, item.mine) {
        (Kind::Blocked, _, _) => meta.push(fill(t.blocked_because, &[("reason", &item.reason)])),
        (Kind::Booking, true, false) => {
            let name = item.owner_name.as_deref().unwrap_or(t.someone);
            let who = match &item.owner_unit {
                Some(unit) => format!("{name} ({unit})"),
                None => name.to_owned(),
            };
            meta.push(fill(t.booked_by, &[("name", &who)]));
        }
        _ => {}
    }
    let action = match item.state {
        State::Cancelled if item.cancelled_by_staff => {
            meta.push(fill(t.cancel.by_staff, &[("reason", &item.reason)]));
            Html::new()
        }
        State::Cancelled => {
            meta.push(t.cancel.cancelled.to_owned());
            Html::new()
        }
        State::Active => cancel_form(asking, item),
    };
    let meta: Html = meta.iter().map(|line| html!("<p class=\"meta\">{}</p>\n", line)).collect();
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}resources/{}?day={}\">{}</a></h3>\n<p>{}, {}–{}</p>\n{}{}</li>\n",
        asking.root,
        item.resource,
        item.day,
        item.resource_name,
        day,
        item.start,
        item.end,
        meta,
        action,
    )
}

/// The form to cancel an active booking: for its owner with the
/// deadline; for staff with a required reason when it is someone's.
fn cancel_form(asking: &Asking, item: &BookingView) -> Html {
    let t = texts::of(asking.lang);
    let action = format!("{}bookings/{}/cancel", asking.root, item.id);
    let label = if item.kind == Kind::Blocked { t.cancel.lift_block } else { t.cancel.button };
    if asking.caller.staff && !item.mine && item.kind == Kind::Booking {
        let field = format!("reason-{}", item.id);
        return html!(
            "<form method=\"post\" action=\"{}\">\n<label for=\"{}\">{}</label>\n\
             <input id=\"{}\" name=\"reason\" required maxlength=\"{}\">\n\
             <button class=\"danger\">{}<span class=\"visually-hidden\">: {} {} {}</span></button>\n</form>\n",
            action,
            field,
            t.reason,
            field,
            crate::booking::MAX_REASON,
            label,
            item.resource_name,
            item.day,
            item.start,
        );
    }
    let until = if item.kind == Kind::Booking && !asking.caller.staff {
        html!(
            "<p class=\"meta\">{}</p>\n",
            fill(t.cancel.until, &[("time", &item.cancellable_until.for_people(asking.lang))])
        )
    } else {
        Html::new()
    };
    html!(
        "{}<form class=\"inline\" method=\"post\" action=\"{}\"><button class=\"secondary\">{}<span class=\"visually-hidden\">: {} {} {}</span></button></form>\n",
        until,
        action,
        label,
        item.resource_name,
        item.day,
        item.start,
    )
}
