//! Moving Service: Meier Removals Ltd's app for residents who plan a move.
//!
//! A resident asks for a quote with their moving date and the number of
//! rooms. The app sends that, with the profile details the resident shares,
//! to the company's API, keeps the answer privately for the resident and
//! tells them by notification when it is ready. The phone number is
//! optional: a resident who does not share it is contacted by email.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the resident's details, their quotes and a form to ask for one |
//! | `POST /quotes` | asks for a quote (form: `moving_on`, `rooms`, `notes`; or the same as JSON, answered with the quote) |
//! | `GET /quotes?after=…` | the caller's quotes as JSON, newest first, 20 a page: `{"items": [...], "next": "…" or null}` |
//! | `GET /quotes/{id}` | one quote, as JSON or as a page for browsers |
//!
//! A quote in JSON is the SDK's document: `id`, `owner`, `visibility`,
//! `created_at` and `updated_at` (RFC 3339), `revision`, and `data` with the
//! `request` and the company's `quote`.
//!
//! When a resident withdraws consent or is erased, the app asks the company
//! to erase its copy of their details too.

mod date;
mod page;
mod quote;
mod texts;
mod vendor;

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};
use courtyard_sdk::profile::{self, Field, Profile};
use courtyard_sdk::{App, Collection, Doc, Error, Params, Request, Response, Router, Visibility, context, log};

use crate::date::Date;
use crate::page::Overview;
use crate::quote::{QuoteForm, QuoteRequest, SavedQuote};
use crate::vendor::Failure;

const QUOTES: Collection<SavedQuote> = Collection::new("quotes");
/// The details every quote needs.
const CONTACT: [Field; 3] = [Field::DisplayName, Field::Email, Field::Unit];
/// The same and the phone number, which residents may choose not to share.
const CONTACT_AND_PHONE: [Field; 4] = [Field::DisplayName, Field::Email, Field::Unit, Field::Phone];

struct MovingService;

impl App for MovingService {
    fn router() -> Router {
        Router::new().get("/", start).post("/quotes", create).get("/quotes", list).get("/quotes/{id}", show)
    }

    fn subject_erased(subject: &str) -> Result<(), Error> {
        vendor::erase_customer(subject)
    }

    fn consent_withdrawn(subject: &str) -> Result<(), Error> {
        vendor::erase_customer(subject)
    }
}

courtyard_sdk::export!(MovingService);

/// The caller's details for a quote. Asking for a field the resident does
/// not share fails the whole read, so without the phone number the read is
/// repeated without it.
fn contact() -> Result<Profile, Error> {
    match profile::mine(&CONTACT_AND_PHONE) {
        Err(Error::Denied(_)) => profile::mine(&CONTACT),
        other => other,
    }
}

fn start(request: &Request, _: &Params) -> Result<Response, Error> {
    let lang = Lang::of(&context::caller(), request);
    Ok(overview(lang, None, &QuoteForm::default(), 200))
}

/// The start page, optionally with a problem and what the resident typed.
fn overview(lang: Lang, problem: Option<&str>, typed: &QuoteForm, status: u16) -> Response {
    let caller = context::caller();
    let (contact, quotes) = match caller.require_subject() {
        Ok(_) => (contact(), QUOTES.query().mine_only().fetch().map(|page| page.items)),
        Err(error) => (Err(error), Ok(Vec::new())),
    };
    let view = Overview { lang, contact: &contact, quotes: &quotes, problem, form: typed };
    Response::html(status, page::overview(&view))
}

fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    if request.is_form() {
        let typed = quote::form_of(request)?;
        let asked = typed.check(Date::today()).map_err(Failure::from).and_then(|checked| ask(subject, &checked, lang));
        return Ok(match asked {
            Ok(_) => Response::see_other("./"),
            Err(failure) => overview(lang, Some(&failure.message(lang)), &typed, failure.status()),
        });
    }
    let asked = quote::from_json(request, Date::today())
        .map_err(Failure::from)
        .and_then(|checked| ask(subject, &checked, lang));
    Ok(match asked {
        Ok(doc) => Response::json(201, &doc),
        Err(failure) => failure.into_response(lang),
    })
}

/// Gets a quote from the company, keeps it for `subject` and tells them,
/// in `lang`. Nothing is stored unless the company answered with a quote.
fn ask(subject: &str, request: &QuoteRequest, lang: Lang) -> Result<Doc<SavedQuote>, Failure> {
    let contact = contact()?;
    let quote = vendor::request_quote(subject, &contact, request)?;
    let doc = QUOTES.insert(&SavedQuote { request: request.clone(), quote }, Visibility::Private)?;
    let SavedQuote { request, quote } = &doc.data;
    let said = texts::of(lang);
    let price = format!("{:.2}", quote.price_chf);
    let body = fill(
        said.ready_body,
        &[("price", &price), ("date", &request.moving_on), ("rooms", &request.rooms), ("valid", &quote.valid_until)],
    );
    let notice = Notification::new(said.ready_title, body).with_link(format!("/quotes/{}", doc.id));
    if let Err(error) = notifications::send(subject, notice) {
        // The quote is kept and listed on the page; only the nudge is lost.
        log::warn(&format!("quote {} kept, notification not sent: {error}", doc.id));
    }
    Ok(doc)
}

fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    context::caller().require_subject()?;
    let page = QUOTES.query().mine_only().after(request.query_param("after")).fetch()?;
    Ok(Response::json(200, &page))
}

fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let subject = caller.require_subject()?;
    let doc = QUOTES.get(params.require("id")?)?;
    if doc.owner != subject {
        return Err(Error::NotFound);
    }
    if request.wants_html() {
        return Ok(Response::html(200, page::quote(&doc, Lang::of(&caller, request))));
    }
    Ok(Response::json(200, &doc))
}
