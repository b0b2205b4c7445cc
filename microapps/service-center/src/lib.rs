//! Service center: tickets to the property management.
//!
//! Residents report a problem — in a category the property offers, in their
//! home or a common area, with up to five photos or PDFs — and follow it:
//! its state, the whole conversation with the management, its history.
//! Flatmates follow the tickets about their home. Staff (the manifest's
//! `staff_roles`) work a queue of the property's tickets, latest activity
//! first, filtered by state, category and assignee; they take tickets,
//! move them through their states, answer, and keep internal notes no
//! resident ever reads. Residents hear of every answer and change of state,
//! staff of every new ticket and every resident's message.
//!
//! Who reads what is decided by the host, in its storage query (see
//! [`model`]): nothing of another property or customer is ever read, and a
//! guessed id answers `404`. JSON for apps and scripts, pages in the
//! portal's frame for browsers, in English and German; every form works
//! without script.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the page: a resident's tickets and the form to report one; staff: the queue with its filters (`state`, `category`, `assignee`, `after`) |
//! | `GET /tickets?state=&category=&assignee=&after=` | a page of tickets as JSON, `{"items": [...], "next": "…" or null}`; `state` is a state, `active` (staff's default) or `any` (residents' default); `assignee` is `me`, `nobody` or `anyone` |
//! | `POST /tickets` | files a ticket: JSON or a form (`category`, `title`, `description`, `location` = `unit` or `common_area`, `place`), files in `attachment` of a `multipart/form-data` form |
//! | `GET /tickets/{id}` | the ticket, its files, its conversation and, for staff, its internal notes: JSON, or the page |
//! | `POST /tickets/{id}/replies` | a message (`text`), with files from a form |
//! | `POST /tickets/{id}/notes` | an internal note (`text`), staff only |
//! | `POST /tickets/{id}/state` | a new `state`: staff any other; the resident who filed it `closed`, and `open` again once closed |
//! | `POST /tickets/{id}/assign` | `assignee` = `me` or `nobody`, staff only |
//! | `GET /settings/categories` | the property's categories as JSON; the page to edit them, for staff |
//! | `POST /settings/categories` | saves them, staff only: JSON `{"categories": [{"key", "en", "de"}]}` or a form of lines `key \| English \| Deutsch` |

mod categories;
mod model;
mod notify;
mod page;
mod queue;
mod states;
mod texts;
mod tickets;
mod validate;
mod views;

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{App, Error, Params, Request, Response, Router};
use serde::Deserialize;

use crate::categories::Categories;
use crate::page::home::Home;
use crate::queue::Filters;
use crate::validate::{Problem, TicketForm};
use crate::views::TicketView;

struct ServiceCenter;

impl App for ServiceCenter {
    fn router() -> Router {
        Router::new()
            .get("/", home)
            .get("/tickets", tickets::list)
            .post("/tickets", tickets::create)
            .get("/tickets/{id}", tickets::show)
            .post("/tickets/{id}/replies", tickets::reply)
            .post("/tickets/{id}/notes", tickets::note)
            .post("/tickets/{id}/state", tickets::set_state)
            .post("/tickets/{id}/assign", tickets::assign)
            .get("/settings/categories", show_categories)
            .post("/settings/categories", save_categories)
    }
}

courtyard_sdk::export!(ServiceCenter);

/// `GET /`: a resident's tickets and the form, or the staff's queue.
fn home(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let filters = match Filters::parse(&request.query, caller.staff) {
        Ok(filters) => filters,
        // A hand-edited address shows the default list rather than an error.
        Err(_) => Filters::parse("", caller.staff)?,
    };
    let categories = categories::load()?;
    let home = Home { lang, caller: &caller, categories: &categories, filters: &filters, problem: None };
    Ok(render_home(&home, 200))
}

/// The home page again, with the problem of the ticket form just posted.
fn home_with_problem(request: &Request, caller: &Caller, problem: Problem, typed: &TicketForm) -> Response {
    let lang = Lang::of(caller, request);
    let categories = categories::load().unwrap_or_default();
    let filters = Filters::parse("", caller.staff).unwrap_or_default();
    let home = Home { lang, caller, categories: &categories, filters: &filters, problem: Some((problem, typed)) };
    render_home(&home, 400)
}

/// Reads the page of tickets `home` asks for and renders it; a list that
/// cannot be read says so on the page.
fn render_home(home: &Home, status: u16) -> Response {
    let subject = home.caller.subject.as_deref().unwrap_or_default();
    match home.filters.query(subject).fetch() {
        Ok(page) => {
            let tickets: Vec<TicketView> =
                page.items.iter().map(|doc| TicketView::new(doc, home.caller, home.categories, home.lang)).collect();
            Response::html(status, home.render(Some(&tickets), page.next.as_deref()))
        }
        Err(error) => {
            courtyard_sdk::log::warn(&format!("the tickets could not be read: {}", error.code()));
            let status = if status == 200 { error.status() } else { status };
            Response::html(status, home.render(None, None))
        }
    }
}

/// `GET /settings/categories`: JSON for anyone of the property; the page
/// to edit them for staff.
fn show_categories(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let categories = categories::load()?;
    if !request.wants_html() {
        return Ok(Response::json(200, &categories));
    }
    if !caller.staff {
        return Err(Error::Denied(texts::of(lang).staff_only.to_owned()));
    }
    let saved = request.query_param("saved").is_some();
    Ok(Response::html(200, page::settings::render(lang, &categories.to_lines(), None, saved)))
}

/// The categories form: one textarea of lines.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CategoriesForm {
    categories: String,
}

/// `POST /settings/categories`: staff save the property's categories.
fn save_categories(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    if !caller.staff {
        return Err(Error::Denied(texts::of(lang).staff_only.to_owned()));
    }
    if request.is_form() {
        let typed: CategoriesForm = request.form()?;
        return match Categories::from_lines(&typed.categories) {
            Ok(categories) => {
                categories::save(&categories)?;
                Ok(Response::see_other("categories?saved=1"))
            }
            Err(problem) => {
                Ok(Response::html(400, page::settings::render(lang, &typed.categories, Some(problem), false)))
            }
        };
    }
    let typed: Categories = request.json()?;
    let categories = typed.checked().map_err(|problem| problem.into_error(lang))?;
    categories::save(&categories)?;
    Ok(Response::json(200, &categories))
}
