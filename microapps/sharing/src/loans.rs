//! The routes about loans: asking for a thing, the lists, one loan, and
//! each step of it.
//!
//! The borrower's request is the loan; each later step is an event under
//! it, stored by whoever takes it and read by both sides (see
//! [`crate::model`]). Before storing a step the app derives the loan's
//! state from its events and refuses a step by the wrong side (`403`) or
//! one that does not apply now (`409`); the state machine reading the
//! events ignores such steps anyway.

use std::collections::BTreeMap;

use courtyard_sdk::calendar::Date;
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};

use crate::model::{self, EVENTS, Event, LOANS, Loan};
use crate::page::{self, items::Flash};
use crate::states::{self, Party, Refusal, State, Step};
use crate::validate::{self, LoanForm};
use crate::views::LoanView;
use crate::{Asking, error_json, items, notify, texts};

/// `POST /items/{id}/loans`: ask to borrow a thing for some days.
pub fn request(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let item = items::item(params)?;
    let typed: LoanForm = if request.is_form() { request.form()? } else { request.json()? };
    let t = texts::of(asking.lang);
    let refuse = |status: u16, code: &str, message: &str, problem: Option<&validate::Problem>| {
        if !asking.page {
            return Ok(error_json(status, code, message));
        }
        let view = items::views(&asking, std::slice::from_ref(&item)).remove(0);
        let flash = match problem {
            Some(problem) => Flash { loan: Some((problem, &typed)), ..Flash::default() },
            None => Flash { refusal: Some(message), ..Flash::default() },
        };
        Ok(Response::html(status, page::items::item(&asking, &view, &flash)))
    };
    if item.owner == asking.subject() {
        return refuse(403, "denied", t.refusals.own_item, None);
    }
    if !item.data.available || item.data.withdrawn {
        return refuse(409, "conflict", t.refusals.not_lendable, None);
    }
    let period = match validate::loan(&typed, item.data.max_days, Date::today_utc()) {
        Ok(period) => period,
        Err(problem) => return refuse(400, "invalid", &problem.message(asking.lang), Some(&problem)),
    };
    let due = period.due.to_string();
    let loan = Loan {
        item: item.id.clone(),
        item_name: item.data.name.clone(),
        lender: item.owner.clone(),
        from: period.from.to_string(),
        until: due.clone(),
        due: Some(due),
        title: shorten(&fill(t.due_title, &[("item", &item.data.name)])),
        note: period.note,
        erased: false,
    };
    let stored = LOANS.new_document(&loan, Visibility::Participants).participants([item.owner.clone()]).insert()?;
    courtyard_sdk::log::info(&format!("loan {} requested", stored.id));
    let name = notify::name_of(asking.subject()).unwrap_or_else(|| t.neighbour.to_owned());
    let lang = notify::lang_of(&item.owner, asking.lang);
    notify::person(&item.owner, notify::notice(None, &stored.id, &loan, &name, lang));
    if asking.page {
        return Ok(Response::see_other(&format!("{}loans/{}", asking.root, stored.id)));
    }
    let view = LoanView::new(&stored, &[], asking.subject(), Date::today_utc());
    Ok(Response::json(201, &named(vec![view]).remove(0)))
}

/// `GET /loans?role=&when=&after=`: the caller's loans on one side.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let role = match request.query_param("role").as_deref() {
        None | Some("") | Some("borrower") => Party::Borrower,
        Some("lender") => Party::Lender,
        Some(_) => return Err(Error::Invalid("role is `borrower` or `lender`".to_owned())),
    };
    let when = request.query_param("when").unwrap_or_else(|| "all".to_owned());
    if !["current", "past", "all"].contains(&when.as_str()) {
        return Err(Error::Invalid("when is `current`, `past` or `all`".to_owned()));
    }
    let query = match role {
        Party::Borrower => LOANS.query().mine_only(),
        Party::Lender => LOANS.query().filter("lender", asking.subject()),
    };
    let page = query.limit(20).after(request.query_param("after")).fetch()?;
    let today = Date::today_utc();
    let mut views = Vec::new();
    for doc in &page.items {
        let view = LoanView::new(doc, &events_of(&doc.id)?, asking.subject(), today);
        settle(doc, &view, asking.subject());
        if when == "all" || (when == "past") == view.is_over() {
            views.push(view);
        }
    }
    let views = named(views);
    if request.wants_html() {
        return Ok(Response::html(200, page::loans::list(&asking, role, &views, page.next.as_deref())));
    }
    Ok(Response::json(200, &serde_json::json!({ "items": views, "next": page.next })))
}

/// `GET /loans/{id}`: a loan with its history; opening one that is due
/// reminds its borrower, once a day.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match loan(params) {
        Err(Error::NotFound) if asking.page => return Ok(page::gone(asking.lang, &asking.root)),
        other => other?,
    };
    let today = Date::today_utc();
    let mut events = events_of(&doc.id)?;
    let view = LoanView::new(&doc, &events, asking.subject(), today);
    let due = doc.data.until_day().unwrap_or(today);
    let reminded = events.iter().any(|event| event.data.kind == Step::Remind && event.data.day == today.to_string());
    if states::reminder_due(view.raw, due, today, reminded) {
        match remind(&asking, &doc, today) {
            Ok(stored) => events.push(stored),
            Err(Error::Conflict(_)) => {}
            Err(error) => courtyard_sdk::log::warn(&format!("loan {} was not reminded: {}", doc.id, error.code())),
        }
    }
    let view = named(vec![LoanView::new(&doc, &events, asking.subject(), today)]).remove(0);
    settle(&doc, &view, asking.subject());
    if asking.page {
        return Ok(Response::html(200, page::loans::loan(&asking, &view, None)));
    }
    Ok(Response::json(200, &view))
}

/// `POST /loans/{id}/{step}`: the lender accepts, declines, hands over,
/// takes back or reminds; the borrower cancels.
pub fn step(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let step = Step::parse(params.require("step")?).ok_or(Error::NotFound)?;
    let doc = loan(params)?;
    let today = Date::today_utc();
    let events = events_of(&doc.id)?;
    let view = LoanView::new(&doc, &events, asking.subject(), today);
    let t = texts::of(asking.lang);
    let refuse = |status: u16, code: &str, message: String| {
        if asking.page {
            let view = named(vec![view.clone()]).remove(0);
            return Ok(Response::html(status, page::loans::loan(&asking, &view, Some(&message))));
        }
        Ok(error_json(status, code, &message))
    };
    let party = view.role;
    let allowed = if step == Step::Remind && party != Party::Lender {
        Err(Refusal::WrongParty)
    } else {
        states::next(view.raw, party, step)
    };
    match allowed {
        Ok(_) => {}
        Err(Refusal::WrongParty) => return refuse(403, "denied", t.refusals.wrong_party.to_owned()),
        Err(Refusal::OutOfOrder) => {
            let state = t.shown(view.state).to_lowercase();
            return refuse(409, "conflict", fill(t.refusals.out_of_order, &[("state", &state)]));
        }
    }
    let stored = match step {
        Step::Accept => accept(&doc),
        Step::Remind => remind(&asking, &doc, today).map(Some),
        _ => store(&doc, step, Vec::new(), String::new()).map(Some),
    };
    match stored {
        Ok(Some(_)) => {}
        Ok(None) => return refuse(409, "conflict", t.refusals.not_lendable.to_owned()),
        Err(Error::Conflict(key)) if step == Step::Remind => {
            courtyard_sdk::log::info(&format!("reminder not repeated: {key}"));
            return refuse(409, "conflict", t.refusals.reminded.to_owned());
        }
        Err(Error::Conflict(key)) => {
            let day = key.rsplit(':').next().unwrap_or_default().to_owned();
            return refuse(409, "conflict", fill(t.refusals.taken, &[("day", &day)]));
        }
        Err(error) => return Err(error),
    }
    if step == Step::Return {
        release(&events, asking.subject());
    }
    if step != Step::Remind {
        let name = notify::name_of(asking.subject()).unwrap_or_else(|| t.neighbour.to_owned());
        let lang = notify::lang_of(&view.other, asking.lang);
        notify::person(&view.other, notify::notice(Some(step), &doc.id, &doc.data, &name, lang));
    }
    let view = named(vec![LoanView::new(&doc, &events_of(&doc.id)?, asking.subject(), today)]).remove(0);
    settle(&doc, &view, asking.subject());
    if asking.page {
        return Ok(Response::see_other(&format!("{}loans/{}", asking.root, doc.id)));
    }
    Ok(Response::json(200, &view))
}

/// The loan the route names, if the caller is one of its sides.
fn loan(params: &Params) -> Result<Doc<Loan>, Error> {
    let id = params.require("id")?;
    if !model::is_document_id(id) {
        return Err(Error::NotFound);
    }
    LOANS.get(id)
}

/// The events under loan `id`, oldest first.
fn events_of(id: &str) -> Result<Vec<Doc<Event>>, Error> {
    Ok(EVENTS.query().replies_to(id).oldest_first().limit(100).fetch()?.items)
}

/// Stores `step` under `doc` for both sides, claiming `keys`.
fn store(doc: &Doc<Loan>, step: Step, keys: Vec<String>, day: String) -> Result<Doc<Event>, Error> {
    let event = Event { loan: doc.id.clone(), item: doc.data.item.clone(), kind: step, day };
    // A reply takes the loan's audience: the borrower who owns it and the
    // lender it names.
    let mut new = EVENTS.new_document(&event, Visibility::Participants).reply_to(doc.id.clone());
    for key in keys {
        new = new.claim(key);
    }
    new.insert()
}

/// Accepts `doc`, claiming every day of it for its thing. When a day is
/// taken, holds of loans that are over are freed and it is tried once
/// more. `None`: the thing is gone.
fn accept(doc: &Doc<Loan>) -> Result<Option<Doc<Event>>, Error> {
    let (Some(from), Some(until)) = (doc.data.first_day(), doc.data.until_day()) else {
        return Ok(None);
    };
    let keys: Vec<String> = from.through(until).take(16).map(|day| model::day_key(&doc.data.item, day)).collect();
    match store(doc, Step::Accept, keys.clone(), String::new()) {
        Err(Error::Conflict(_)) if free_stale_days(&doc.data.item)? => {
            store(doc, Step::Accept, keys, String::new()).map(Some)
        }
        other => other.map(Some),
    }
}

/// Frees the days the caller's acceptances of `item` hold for loans that
/// are no longer accepted or handed over (cancelled, or gone). Answers
/// whether it freed any.
fn free_stale_days(item: &str) -> Result<bool, Error> {
    let holds = EVENTS.query().mine_only().filter("item", item).filter("kind", "accept").limit(100).fetch()?;
    let mut freed = false;
    for hold in holds.items.iter().filter(|hold| !hold.keys.is_empty()) {
        let live = match LOANS.get(&hold.data.loan) {
            Ok(loan) => {
                let state = LoanView::new(&loan, &events_of(&loan.id)?, &hold.owner, Date::today_utc()).raw;
                matches!(state, State::Accepted | State::HandedOver)
            }
            Err(Error::NotFound) => false,
            Err(error) => return Err(error),
        };
        if !live {
            EVENTS.update_keys(&hold.id, &hold.data, Some(hold.revision), Some(Vec::new()))?;
            freed = true;
        }
    }
    Ok(freed)
}

/// Frees the days the caller's acceptance among `events` holds.
fn release(events: &[Doc<Event>], me: &str) {
    for hold in events.iter().filter(|event| event.owner == me && event.data.kind == Step::Accept) {
        if hold.keys.is_empty() {
            continue;
        }
        if let Err(error) = EVENTS.update_keys(&hold.id, &hold.data, None, Some(Vec::new())) {
            courtyard_sdk::log::warn(&format!("the days of loan {} stay held: {}", hold.data.loan, error.code()));
        }
    }
}

/// Reminds the borrower of `doc` that it is due, at most once a day.
fn remind(asking: &Asking, doc: &Doc<Loan>, today: Date) -> Result<Doc<Event>, Error> {
    let key = model::reminder_key(&doc.id, today);
    let stored = store(doc, Step::Remind, vec![key], today.to_string())?;
    let lender = notify::name_of(&doc.data.lender).unwrap_or_else(|| texts::of(asking.lang).neighbour.to_owned());
    let lang = notify::lang_of(&doc.owner, asking.lang);
    notify::person(&doc.owner, notify::notice(Some(Step::Remind), &doc.id, &doc.data, &lender, lang));
    Ok(stored)
}

/// The borrower's loan leaves home's "Coming up" once it is over.
fn settle(doc: &Doc<Loan>, view: &LoanView, me: &str) {
    if doc.owner != me || !view.is_over() || doc.data.due.is_none() {
        return;
    }
    let loan = Loan { due: None, ..doc.data.clone() };
    if let Err(error) = LOANS.update(&doc.id, &loan, Some(doc.revision)) {
        courtyard_sdk::log::warn(&format!("loan {} still shows as coming up: {}", doc.id, error.code()));
    }
}

/// `views` with the other side's name, read once per person.
fn named(mut views: Vec<LoanView>) -> Vec<LoanView> {
    let mut names: BTreeMap<String, Option<String>> = BTreeMap::new();
    for view in &mut views {
        let name = names.entry(view.other.clone()).or_insert_with(|| notify::name_of(&view.other));
        view.other_name = name.clone();
    }
    views
}

/// At most 120 characters: what "Coming up" shows.
fn shorten(text: &str) -> String {
    text.chars().take(120).collect()
}
