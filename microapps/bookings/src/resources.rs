//! Routes about resources: the list, a day or a week of one, and staff's
//! changes to them.

use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::Serialize;

use crate::availability::{self, DayView, Reader};
use crate::booking::{self, BookForm, BookingView, State};
use crate::clock::Date;
use crate::page::{self, DayPage, Problem};
use crate::resource::{self, Resource, ResourceForm, ResourceInput, SettingProblem};
use crate::store::{self, BOOKINGS, RESOURCES};
use crate::{Asking, bookings, now_ms, texts};

/// A resource as the API shows it.
#[derive(Serialize)]
pub struct ResourceView<'a> {
    pub id: &'a str,
    #[serde(flatten)]
    pub resource: &'a Resource,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub fn view(doc: &Doc<Resource>) -> ResourceView<'_> {
    ResourceView { id: &doc.id, resource: &doc.data, created_at: doc.created_at, updated_at: doc.updated_at }
}

/// The property's resources, staff seeing archived ones too.
fn read_all(staff: bool, after: Option<String>) -> Result<(Vec<Doc<Resource>>, Option<String>), Error> {
    let page = RESOURCES.query().order_by("name").limit(100).after(after).fetch()?;
    let items = page.items.into_iter().filter(|doc| staff || !doc.data.archived).collect();
    Ok((items, page.next))
}

pub fn home(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    home_with(&asking, ResourceForm::blank(), None, 200)
}

fn home_with(
    asking: &Asking,
    typed: ResourceForm,
    problem: Option<SettingProblem>,
    status: u16,
) -> Result<Response, Error> {
    let listed = read_all(asking.caller.staff, None);
    let (items, status) = match listed {
        Ok((items, _)) => (Some(items), status),
        Err(error) => (None, if status == 200 { error.status() } else { status }),
    };
    Ok(Response::html(status, page::home(asking, items.as_deref(), &typed, problem)))
}

pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    let (items, next) = read_all(asking.caller.staff, request.query_param("after"))?;
    let items: Vec<ResourceView> = items.iter().map(view).collect();
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next": next })))
}

pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    asking.require_staff()?;
    let (input, typed) = settings_input(request)?;
    let checked = input.and_then(|input| resource::validate(&input, &resource::defaults()));
    let resource = match (checked, typed) {
        (Ok(resource), _) => resource,
        (Err(problem), Some(typed)) => return home_with(&asking, typed, Some(problem), 400),
        (Err(problem), None) => return Err(Error::Invalid(problem.message(asking.lang))),
    };
    let stored = RESOURCES.insert(&resource, Visibility::Property)?;
    if asking.page {
        return Ok(Response::see_other(&format!("{}resources/{}", asking.root, stored.id)));
    }
    Ok(Response::json(201, &view(&stored)))
}

/// The settings a request sends: JSON, or a form (then also what was typed).
#[allow(clippy::type_complexity)]
fn settings_input(request: &Request) -> Result<(Result<ResourceInput, SettingProblem>, Option<ResourceForm>), Error> {
    if request.is_form() {
        let form: ResourceForm = request.form()?;
        Ok((form.to_input(), Some(form)))
    } else {
        Ok((Ok(request.json::<ResourceInput>()?), None))
    }
}

pub fn change(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    asking.require_staff()?;
    let doc = RESOURCES.get(params.require("id")?)?;
    let (input, typed) = settings_input(request)?;
    let checked = input.and_then(|input| resource::validate(&input, &doc.data));
    let changed = match (checked, typed) {
        (Ok(changed), _) => changed,
        (Err(problem), Some(typed)) => {
            let today = doc.data.zone().local(now_ms()).0;
            let problem = Problem::Settings(problem, Box::new(typed));
            return day_page(&asking, &doc, today, problem, BookForm::default(), 400);
        }
        (Err(problem), None) => return Err(Error::Invalid(problem.message(asking.lang))),
    };
    let stored = RESOURCES.update(&doc.id, &changed, Some(doc.revision))?;
    if asking.page {
        return Ok(Response::see_other(&format!("{}resources/{}", asking.root, stored.id)));
    }
    Ok(Response::json(200, &view(&stored)))
}

/// A day of a resource for `reader`, from what `occupied` holds.
pub fn read_day(asking: &Asking, doc: &Doc<Resource>, day: Date) -> Result<DayView, Error> {
    let taken = store::occupied(&doc.id, day, day)?;
    Ok(day_view(asking, doc, day, &taken))
}

fn day_view(asking: &Asking, doc: &Doc<Resource>, day: Date, taken: &[Doc<booking::Occupied>]) -> DayView {
    let taken: Vec<(&str, &booking::Occupied)> = taken.iter().map(|doc| (doc.owner.as_str(), &doc.data)).collect();
    let reader = Reader { subject: asking.subject(), staff: asking.caller.staff };
    let now = doc.data.zone().local(now_ms());
    availability::day(&doc.data, day, &taken, reader, now)
}

pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    let doc = RESOURCES.get(params.require("id")?)?;
    let today = doc.data.zone().local(now_ms()).0;
    let invalid = |lang| Error::Invalid(texts::of(lang).refusals.day.to_owned());
    if let Some(week) = request.query_param("week") {
        let first = booking::day_or(Some(&week), today).ok_or_else(|| invalid(asking.lang))?.monday();
        let last = first.add_days(6);
        let taken = store::occupied(&doc.id, first, last)?;
        let days: Vec<DayView> = (0..7).map(|n| day_view(&asking, &doc, first.add_days(n), &taken)).collect();
        if asking.page {
            return Ok(Response::html(200, page::week(&asking, &doc, first, today, &days)));
        }
        let week = serde_json::json!({ "resource": view(&doc), "week": first.to_string(), "days": days });
        return Ok(Response::json(200, &week));
    }
    let day = booking::day_or(request.query_param("day").as_deref(), today).ok_or_else(|| invalid(asking.lang))?;
    if asking.page {
        return day_page(&asking, &doc, day, Problem::None, BookForm::default(), 200);
    }
    let view_ = read_day(&asking, &doc, day)?;
    let answer = serde_json::json!({
        "resource": view(&doc),
        "today": today.to_string(),
        "day": view_.day,
        "open": view_.open,
        "close": view_.close,
        "free": view_.free,
        "total": view_.total,
        "slots": view_.slots,
    });
    Ok(Response::json(200, &answer))
}

/// The day's page, with a problem to show on one of its forms.
pub fn day_page(
    asking: &Asking,
    doc: &Doc<Resource>,
    day: Date,
    problem: Problem,
    typed: BookForm,
    status: u16,
) -> Result<Response, Error> {
    let today = doc.data.zone().local(now_ms()).0;
    let view_ = read_day(asking, doc, day)?;
    let staff_bookings = if asking.caller.staff { Some(day_bookings(asking, doc, day)?) } else { None };
    let page = DayPage {
        asking,
        resource: doc,
        day,
        today,
        view: &view_,
        staff_bookings: staff_bookings.as_deref(),
        problem,
        typed,
    };
    Ok(Response::html(status, page.render()))
}

/// Staff: the day's active bookings and blocks, with who booked.
fn day_bookings(asking: &Asking, doc: &Doc<Resource>, day: Date) -> Result<Vec<BookingView>, Error> {
    let page = BOOKINGS
        .query()
        .filter("resource", doc.id.as_str())
        .filter("state", State::Active.as_str())
        .at_least("starts", format!("{day}T00:00"))
        .at_most("starts", format!("{day}T24:00"))
        .order_by("starts")
        .limit(100)
        .fetch()?;
    Ok(bookings::views(asking, &page.items))
}
