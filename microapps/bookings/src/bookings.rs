//! Routes about bookings: book, block, list, cancel.

use std::collections::BTreeMap;

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};
use courtyard_sdk::profile::{self, Field};
use courtyard_sdk::{Doc, Error, Params, Request, Response};

use crate::booking::{self, BookForm, BookInput, Booking, BookingView, Canceller, Kind, NewBooking, State};
use crate::clock::{self, Date};
use crate::page::{self, Problem};
use crate::resources::day_page;
use crate::slots::{self, Ask, Asker};
use crate::store::{self, BOOKINGS, NotBooked, RESOURCES};
use crate::{Asking, error_json, now_ms, taken_json, taken_message, texts};

/// What a booking or block request sent: JSON, or a form.
fn book_input(request: &Request) -> Result<(BookInput, BookForm), Error> {
    if request.is_form() {
        let form: BookForm = request.form()?;
        Ok((form.to_input(), form))
    } else {
        let input: BookInput = request.json()?;
        let form = BookForm {
            day: input.day.clone(),
            start: input.start.clone(),
            slots: input.slots.map(|n| n.to_string()).unwrap_or_default(),
            reason: input.reason.clone(),
        };
        Ok((input, form))
    }
}

pub fn book(request: &Request, params: &Params) -> Result<Response, Error> {
    reserve(request, params, Kind::Booking)
}

pub fn block(request: &Request, params: &Params) -> Result<Response, Error> {
    reserve(request, params, Kind::Blocked)
}

fn reserve(request: &Request, params: &Params, kind: Kind) -> Result<Response, Error> {
    let asking = Asking::of(request);
    asking.caller.require_subject()?;
    if kind == Kind::Blocked {
        asking.require_staff()?;
    }
    let doc = RESOURCES.get(params.require("id")?)?;
    let (input, typed) = book_input(request)?;
    let resource = &doc.data;
    let zone = resource.zone();
    let now = zone.local(now_ms());
    let asker = if kind == Kind::Blocked { Asker::Staff } else { Asker::Resident };
    let ask = Ask { day: &input.day, start: &input.start, slots: input.slots };
    // Where the page goes on: the asked day if it is one, else today.
    let shown_day = Date::parse(input.day.trim()).unwrap_or(now.0);
    let refuse = |problem: Problem, status: u16, json: Response| {
        if asking.page { day_page(&asking, &doc, shown_day, problem, typed.clone(), status) } else { Ok(json) }
    };
    let span = match slots::check(resource, &ask, asker, now) {
        Ok(span) => span,
        Err(refusal) => {
            let message = refusal.message(asking.lang);
            return refuse(Problem::form(kind, message.clone()), 400, error_json(400, "invalid", &message));
        }
    };
    let reason = match kind {
        Kind::Booking => String::new(),
        Kind::Blocked => match booking::check_reason(&input.reason) {
            Some(reason) => reason,
            None => {
                let message = fill(texts::of(asking.lang).reason_hint, &[("max", &booking::MAX_REASON)]);
                return refuse(Problem::form(kind, message.clone()), 400, error_json(400, "invalid", &message));
            }
        },
    };
    let new = NewBooking {
        resource: &doc.id,
        resource_name: &resource.name,
        kind,
        span: &span,
        cancel_hours: resource.cancel_hours,
        reason,
        zone,
    };
    let now_stamp = clock::local_stamp(now.0, now.1);
    let quota = (kind == Kind::Booking).then_some((resource.quota, now_stamp.as_str()));
    match store::reserve(&new, quota) {
        Ok(stored) => {
            courtyard_sdk::log::info(&format!("{:?} {} stored", kind, stored.id));
            if asking.page {
                let back = format!("{}resources/{}?day={}", asking.root, doc.id, span.day);
                return Ok(Response::see_other(&back));
            }
            Ok(Response::json(201, &booking::view(&stored, asking.subject(), asking.caller.staff)))
        }
        Err(NotBooked::Taken(key)) => {
            let message = taken_message(asking.lang, &key);
            refuse(Problem::form(kind, message), 409, taken_json(asking.lang, &key))
        }
        Err(NotBooked::Quota) => {
            let message = fill(texts::of(asking.lang).quota, &[("quota", &resource.quota)]);
            refuse(Problem::form(kind, message.clone()), 429, error_json(429, "limit", &message))
        }
        Err(NotBooked::Host(error)) => Err(error),
    }
}

/// Views of `docs` for the asker; staff also learn who booked, by the
/// display name and unit their profile has.
pub fn views(asking: &Asking, docs: &[Doc<Booking>]) -> Vec<BookingView> {
    let staff = asking.caller.staff;
    let mut people: BTreeMap<&str, (Option<String>, Option<String>)> = BTreeMap::new();
    docs.iter()
        .map(|doc| {
            let mut view = booking::view(doc, asking.subject(), staff);
            if staff && doc.data.kind == Kind::Booking && !view.mine {
                let (name, unit) = people.entry(doc.owner.as_str()).or_insert_with(|| {
                    match profile::read(Some(&doc.owner), &[Field::DisplayName, Field::Unit]) {
                        Ok(found) => (found.display_name().map(str::to_owned), found.unit().map(str::to_owned)),
                        Err(_) => (None, None),
                    }
                });
                view.owner_name = name.clone();
                view.owner_unit = unit.clone();
            }
            view
        })
        .collect()
}

pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    asking.caller.require_subject()?;
    let invalid = || Error::Invalid(texts::of(asking.lang).refusals.day.to_owned());
    // From the start of the day asked for: today in the building, where
    // the time zone is the default one.
    let today = clock::Zone::named(clock::DEFAULT_ZONE).map_or(Date::from_days(0), |zone| zone.local(now_ms()).0);
    let from = booking::day_or(request.query_param("from").as_deref(), today).ok_or_else(invalid)?;
    let mut query = BOOKINGS.query();
    if !asking.caller.staff || request.query_param("mine").is_some_and(|mine| mine == "true") {
        query = query.mine_only();
    }
    if let Some(resource) = request.query_param("resource").filter(|id| !id.is_empty()) {
        query = query.filter("resource", resource);
    }
    let state = match request.query_param("state").as_deref() {
        None | Some("") | Some("active") => Some(State::Active),
        Some("cancelled") => Some(State::Cancelled),
        Some("all") => None,
        Some(_) => return Err(Error::Invalid("state is `active`, `cancelled` or `all`".to_owned())),
    };
    if let Some(state) = state {
        query = query.filter("state", state.as_str());
    }
    let after = request.query_param("after");
    let page = query.at_least("starts", format!("{from}T00:00")).order_by("starts").after(after.clone()).fetch()?;
    let items = views(&asking, &page.items);
    if asking.page {
        return Ok(Response::html(200, page::bookings(&asking, &items, page.next.as_deref(), None)));
    }
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })))
}

pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    let doc = BOOKINGS.get(params.require("id")?)?;
    Ok(Response::json(200, &views(&asking, std::slice::from_ref(&doc))[0]))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct CancelInput {
    reason: String,
}

pub fn cancel(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request);
    let subject = asking.caller.require_subject()?.to_owned();
    let input: CancelInput = if request.is_form() {
        request.form()?
    } else if request.body.iter().all(u8::is_ascii_whitespace) {
        CancelInput::default()
    } else {
        request.json()?
    };
    let gone = |asking: &Asking| {
        let message = texts::of(asking.lang).gone;
        if asking.page {
            Ok(Response::html(404, page::bookings(asking, &[], None, Some(message))))
        } else {
            Err(Error::NotFound)
        }
    };
    let doc = match BOOKINGS.get(params.require("id")?) {
        Ok(doc) => doc,
        Err(Error::NotFound) => return gone(&asking),
        Err(error) => return Err(error),
    };
    let who = Canceller { staff: asking.caller.staff, owner: doc.owner == subject };
    if let Err(refusal) = booking::may_cancel(&doc.data, who, &input.reason, now_ms()) {
        let message = refusal.message(asking.lang);
        if asking.page {
            let items = views(&asking, std::slice::from_ref(&doc));
            return Ok(Response::html(refusal.status(), page::bookings(&asking, &items, None, Some(&message))));
        }
        let code = match refusal.status() {
            403 => "denied",
            409 => "conflict",
            _ => "invalid",
        };
        return Ok(error_json(refusal.status(), code, &message));
    }
    let by_staff = asking.caller.staff && !who.owner;
    let cancelled = store::cancel(&doc, &input.reason, by_staff)?;
    if by_staff && store::is_booking(&doc) {
        tell_owner(&doc, input.reason.trim(), asking.lang);
    }
    if asking.page {
        return Ok(Response::see_other(&format!("{}bookings", asking.root)));
    }
    Ok(Response::json(200, &views(&asking, std::slice::from_ref(&cancelled))[0]))
}

/// Tells a resident that staff cancelled their booking, in their own
/// language where their profile says it. The cancellation stands if the
/// notice cannot be sent.
fn tell_owner(doc: &Doc<Booking>, reason: &str, fallback: Lang) {
    let lang = profile::read(Some(&doc.owner), &[Field::Locale])
        .ok()
        .and_then(|found| found.locale().and_then(Lang::of_tag))
        .unwrap_or(fallback);
    let t = &texts::of(lang).cancel;
    let booking = &doc.data;
    let day = Date::parse(&booking.day).map(|day| texts::day_for_people(lang, day)).unwrap_or_default();
    let body = fill(
        t.notice_body,
        &[
            ("resource", &booking.resource_name),
            ("day", &day),
            ("start", &booking.start),
            ("end", &booking.end),
            ("reason", &reason),
        ],
    );
    let body: String = body.chars().take(2_000).collect();
    let notice = Notification::new(t.notice_title, body).with_link("/bookings");
    if let Err(error) = notifications::send(&doc.owner, notice) {
        courtyard_sdk::log::warn(&format!("the owner of booking {} was not notified: {error}", doc.id));
    }
}
