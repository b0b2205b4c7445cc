//! The routes: reading for everyone of the property, writing for staff.
//!
//! A route with an id looks the entry up before anything else, so an
//! entry of another property, a deleted one and a guessed id all answer
//! 404 alike, to staff too; only then are residents refused writing (403).

use courtyard_sdk::files::{self, Upload};
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};
use serde::Serialize;

use crate::alphabet::{self, Search};
use crate::announce::{self, Announced, Report};
use crate::day;
use crate::model::{ENTRIES, Entry, is_document_id};
use crate::page::{self, Flash};
use crate::validate::{self, EntryForm, EntryJson, FILE_FIELD, MAX_FILES, Problem};
use crate::views::{EntryView, Listing};
use crate::{Asking, now_ms, store};

/// How many dates the index page shows before "All upcoming dates".
const NEXT_DATES: u32 = 3;
/// The most dates `/upcoming` lists.
const UPCOMING: u32 = 100;

/// `GET /`: the A–Z index with search, categories and the next dates.
pub fn home(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let today = day::today(now_ms());
    let read = store::all(None).and_then(|all| Ok((all, store::upcoming(today, NEXT_DATES)?)));
    let deleted = request.query_param("deleted").is_some();
    match read {
        Ok(((docs, truncated), next)) => {
            let entries = sorted(docs.iter().map(|doc| EntryView::new(doc, asking.lang)).collect());
            let next: Vec<EntryView> = next.iter().map(|doc| EntryView::new(doc, asking.lang)).collect();
            Ok(Response::html(200, page::index::home(&asking, Some((&entries, truncated)), &next, deleted)))
        }
        Err(error) => {
            courtyard_sdk::log::warn(&format!("the entries could not be read: {}", error.code()));
            Ok(Response::html(error.status(), page::index::home(&asking, None, &[], deleted)))
        }
    }
}

/// `GET /entries?category=&q=`: entries A to Z, filtered.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let typed = request.query_param("q");
    let (search, category) = validate::filters(typed.as_deref(), request.query_param("category").as_deref())
        .map_err(|problem| problem.into_error(asking.lang))?;
    let (docs, truncated) = store::all(category)?;
    let wanted = Search::new(&search);
    let items = sorted(
        docs.iter()
            .filter(|doc| wanted.matches(&doc.data.title, &doc.data.body))
            .map(|doc| EntryView::new(doc, asking.lang))
            .collect(),
    );
    if asking.page {
        return Ok(Response::html(200, page::index::results(&asking, &search, category, &items, truncated)));
    }
    Ok(Response::json(200, &Listing { items, truncated }))
}

/// `GET /upcoming`: dated entries from the building's today on.
pub fn upcoming(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let docs = store::upcoming(day::today(now_ms()), UPCOMING)?;
    let items: Vec<EntryView> = docs.iter().map(|doc| EntryView::new(doc, asking.lang)).collect();
    if asking.page {
        return Ok(Response::html(200, page::index::upcoming(&asking, &items)));
    }
    Ok(Response::json(200, &serde_json::json!({ "items": items })))
}

/// `GET /entries/{id}`: the entry with its files.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match store::entry(params.require("id")?) {
        Err(Error::NotFound) if asking.page => return Ok(page::entry::gone(&asking)),
        other => other?,
    };
    let view = EntryView::new(&doc, asking.lang).with_files(store::files_of(&doc.id));
    if asking.page {
        let flash = Flash {
            announced: Announced::from_query(request.query_param("notified").as_deref()),
            unattached: request.query_param("unattached").and_then(|n| n.parse().ok()).unwrap_or(0usize).min(MAX_FILES),
        };
        return Ok(Response::html(200, page::entry::render(&asking, &view, &flash)));
    }
    Ok(Response::json(200, &view))
}

/// `GET /entries/new`: staff's form for a new entry.
pub fn new_form(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    asking.require_staff()?;
    Ok(Response::html(200, page::form::render(&asking, None, &EntryForm::default(), None)))
}

/// `GET /entries/{id}/edit`: staff's form to change an entry.
pub fn edit_form(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    let view = EntryView::new(&doc, asking.lang).with_files(store::files_of(&doc.id));
    let typed = typed_from(&view);
    Ok(Response::html(200, page::form::render(&asking, Some(&view), &typed, None)))
}

/// `POST /entries`: staff publish an entry, with files from a form.
pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    asking.require_staff()?;
    let typed = read(request)?;
    let checked =
        validate::entry(&typed).and_then(|entry| Ok((entry, validate::uploads(request.uploads_in(FILE_FIELD), 0)?)));
    let (entry, uploads) = match checked {
        Ok(checked) => checked,
        Err(problem) => return Ok(refused(&asking, None, &typed, problem)),
    };
    let doc = ENTRIES.insert(&entry, Visibility::Property)?;
    courtyard_sdk::log::info(&format!("entry {} published", doc.id));
    let unattached = attach_all(&uploads, &doc.id);
    let announced = announce::building(&doc, typed.notify(), asking.lang);
    done(&asking, &doc, 201, unattached, announced)
}

/// `PUT` or `POST /entries/{id}`: staff change an entry, and may add files.
pub fn change(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    let typed = read(request)?;
    let chosen = request.uploads_in(FILE_FIELD).count();
    let attached = if chosen > 0 { store::files_of(&doc.id).len() } else { 0 };
    let expected = typed.revision();
    let checked = validate::entry(&typed)
        .and_then(|entry| Ok((entry, validate::uploads(request.uploads_in(FILE_FIELD), attached)?)))
        .and_then(
            |checked| if expected.is_some_and(|r| r != doc.revision) { Err(Problem::Changed) } else { Ok(checked) },
        );
    let (entry, uploads) = match checked {
        Ok(checked) => checked,
        Err(problem) => return Ok(refused(&asking, Some(&doc), &typed, problem)),
    };
    let stored = match ENTRIES.update(&doc.id, &entry, expected) {
        // With a revision, the host answers `invalid` when someone was first.
        Err(Error::Invalid(_)) if expected.is_some() => {
            return Ok(refused(&asking, Some(&doc), &typed, Problem::Changed));
        }
        other => other?,
    };
    let unattached = attach_all(&uploads, &stored.id);
    let announced = announce::building(&stored, typed.notify(), asking.lang);
    done(&asking, &stored, 200, unattached, announced)
}

/// `DELETE /entries/{id}` or `POST /entries/{id}/delete`: staff delete it.
pub fn delete(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    store::remove(&doc, asking.subject())?;
    courtyard_sdk::log::info(&format!("entry {} deleted", doc.id));
    if asking.page {
        return Ok(Response::see_other(&format!("{}?deleted=1", asking.root)));
    }
    Ok(Response::empty(204))
}

/// `DELETE /entries/{id}/files/{file}` or its form: staff remove one file.
pub fn remove_file(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    let file = params.require("file")?;
    if !is_document_id(file) || !store::files_of(&doc.id).iter().any(|attached| attached.id == file) {
        return Err(Error::NotFound);
    }
    files::delete(file)?;
    if asking.page {
        return Ok(Response::see_other(&format!("{}entries/{}/edit", asking.root, doc.id)));
    }
    Ok(Response::empty(204))
}

/// The entry posted: a form (also `multipart/form-data`), or JSON.
fn read(request: &Request) -> Result<EntryForm, Error> {
    if request.is_form() { request.form() } else { Ok(request.json::<EntryJson>()?.into()) }
}

/// The form again with the problem, for a browser; the error, for the API.
fn refused(asking: &Asking, doc: Option<&Doc<Entry>>, typed: &EntryForm, problem: Problem) -> Response {
    if !asking.page {
        return problem.into_response(asking.lang);
    }
    let view = doc.map(|doc| EntryView::new(doc, asking.lang).with_files(store::files_of(&doc.id)));
    let status = problem.status();
    let mut typed = typed.clone();
    if problem == Problem::Changed
        && let Some(view) = &view
    {
        // Saving again is a decision over the newer revision.
        typed.revision = view.revision.to_string();
    }
    Response::html(status, page::form::render(asking, view.as_ref(), &typed, Some(&problem)))
}

/// The entry as stored, with what became of its files and the announcement.
#[derive(Serialize)]
struct Saved {
    #[serde(flatten)]
    entry: EntryView,
    unattached: Vec<Unattached>,
    #[serde(flatten)]
    announced: Option<Report>,
}

/// A file the host refused to attach, and why.
#[derive(Debug, Serialize)]
struct Unattached {
    name: String,
    error: String,
}

fn done(
    asking: &Asking,
    doc: &Doc<Entry>,
    status: u16,
    unattached: Vec<Unattached>,
    announced: Announced,
) -> Result<Response, Error> {
    let id = &doc.id;
    if asking.page {
        let mut query = Vec::new();
        if let Some(outcome) = announced.query() {
            query.push(("notified", outcome));
        }
        if !unattached.is_empty() {
            query.push(("unattached", unattached.len().to_string()));
        }
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        let separator = if query.is_empty() { "" } else { "?" };
        return Ok(Response::see_other(&format!("{}entries/{id}{separator}{query}", asking.root)));
    }
    let entry = EntryView::new(doc, asking.lang).with_files(store::files_of(id));
    Ok(Response::json(status, &Saved { entry, unattached, announced: announced.json(asking.lang) }))
}

/// Attaches each upload to entry `id`; answers those the host refused.
/// The entry stays either way.
fn attach_all(uploads: &[&Upload], id: &str) -> Vec<Unattached> {
    uploads
        .iter()
        .filter_map(|upload| match files::attach(upload, "entries", id) {
            Ok(_) => None,
            Err(error) => {
                courtyard_sdk::log::warn(&format!("a file was not attached to entry {id}: {}", error.code()));
                Some(Unattached { name: upload.name.clone(), error: error.message().to_owned() })
            }
        })
        .collect()
}

/// `items` in the order of the A–Z index.
fn sorted(mut items: Vec<EntryView>) -> Vec<EntryView> {
    items.sort_by(|a, b| alphabet::compare(&a.title, &b.title));
    items
}

/// The edit form filled with the entry as it is.
fn typed_from(view: &EntryView) -> EntryForm {
    EntryForm {
        title: view.title.clone(),
        category: view.category.key().to_owned(),
        body: view.body.clone(),
        date: view.date.clone().unwrap_or_default(),
        time: view.time.clone(),
        notify: String::new(),
        revision: view.revision.to_string(),
    }
}
