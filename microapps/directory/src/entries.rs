//! The routes about entries: browsing and searching, one entry, and
//! staff's changes.
//!
//! Each route answers JSON, or for a browser a page and after a form a
//! `303` (and the form again with its problem, `400`, when it needs
//! correcting). Who reads what is the host's decision: an entry of
//! another property answers `404`, whether it exists elsewhere or not.

use courtyard_sdk::files::{self, Upload};
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility};

use crate::category::Category;
use crate::details::{self, DetailsForm, DetailsInput, MAX_PHOTO_BYTES, PHOTO_FIELD, PHOTO_TYPES, Problem};
use crate::page::{self, FormPage, Listing};
use crate::store::{self, ENTRIES, Entry, MAX_QUERY, REMOVED, Removed};
use crate::views::{self, EntryView};
use crate::{Asking, now_ms, texts};

/// What the list shows: a category, a search, and where it goes on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub category: Option<Category>,
    pub search: Option<String>,
    pub after: Option<String>,
}

impl Filters {
    /// The filters of `request`'s query; an unknown category or too long
    /// a search is refused.
    pub fn of(request: &Request, asking: &Asking) -> Result<Filters, Error> {
        let t = texts::of(asking.lang);
        let given =
            |name: &str| request.query_param(name).map(|value| value.trim().to_owned()).filter(|v| !v.is_empty());
        let category = match given("category") {
            Some(code) => Some(Category::parse(&code).ok_or_else(|| Error::Invalid(t.unknown_category.to_owned()))?),
            None => None,
        };
        let search = given("q");
        if search.as_ref().is_some_and(|search| search.chars().count() > MAX_QUERY) {
            return Err(Error::Invalid(courtyard_sdk::lang::fill(t.long_search, &[("max", &MAX_QUERY)])));
        }
        Ok(Filters { category, search, after: given("after") })
    }
}

/// `GET /`: the page to browse and search.
pub fn home(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    // A hand-edited address shows the whole list rather than an error.
    let filters = Filters::of(request, &asking).unwrap_or_default();
    let (status, items, next) = match store::browse(filters.category, filters.search.as_deref(), filters.after.clone())
    {
        Ok(page) => {
            let now = now_ms();
            let items: Vec<EntryView> = page.items.iter().map(|doc| EntryView::new(doc, asking.lang, now)).collect();
            (200, Some(items), page.next)
        }
        Err(error) => {
            views::unreadable("entries", &error);
            (error.status(), None, None)
        }
    };
    let listing = Listing { filters: &filters, items: items.as_deref(), next: next.as_deref() };
    Ok(Response::html(status, page::browse::home(&asking, &listing)))
}

/// `GET /entries`: a page of entries as JSON (a browser gets the home page).
pub fn list(request: &Request, params: &Params) -> Result<Response, Error> {
    if request.wants_html() {
        return home(request, params);
    }
    let asking = Asking::of(request)?;
    let filters = Filters::of(request, &asking)?;
    let page = store::browse(filters.category, filters.search.as_deref(), filters.after)?;
    let now = now_ms();
    let items: Vec<EntryView> = page.items.iter().map(|doc| EntryView::new(doc, asking.lang, now)).collect();
    Ok(Response::json(200, &views::page(&items, page.next.as_deref())))
}

/// `GET /entries/{id}`: the entry, with its logo.
pub fn show(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = match store::entry(params.require("id")?) {
        Err(Error::NotFound) if asking.page => return Ok(page::browse::gone(&asking)),
        other => other?,
    };
    let view = EntryView::new(&doc, asking.lang, now_ms()).with_photo();
    if asking.page {
        return Ok(Response::html(200, page::browse::entry(&asking, &view)));
    }
    Ok(Response::json(200, &view))
}

/// `GET /new`: staff's page to add an entry.
pub fn new_page(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    asking.require_staff()?;
    let form = FormPage::new_entry(&asking, DetailsInput::default(), None);
    Ok(Response::html(200, form.render()))
}

/// `GET /entries/{id}/edit`: staff's page to change an entry.
pub fn edit_page(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    let form =
        FormPage::edit_entry(&asking, &doc.id, &doc.data.details.name, DetailsInput::from(&doc.data.details), None);
    Ok(Response::html(200, form.render()))
}

/// What a request sends about a business: JSON, or a form.
pub fn input_of(request: &Request) -> Result<DetailsInput, Error> {
    if request.is_form() { Ok(request.form::<DetailsForm>()?.into()) } else { request.json() }
}

/// The logo chosen in a form, if any, checked before anything is stored.
/// The host checks its content again when it is attached.
pub fn photo_of(request: &Request) -> Result<Option<&Upload>, Problem> {
    let chosen: Vec<&Upload> = request.uploads_in(PHOTO_FIELD).collect();
    match chosen.as_slice() {
        [] => Ok(None),
        [one] if PHOTO_TYPES.contains(&one.media_type.as_str()) && one.size <= MAX_PHOTO_BYTES => Ok(Some(one)),
        [one, ..] => Err(Problem::Photo { name: one.name.clone() }),
    }
}

/// `POST /entries`: staff add an entry, with a logo from a form.
pub fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    asking.require_staff()?;
    let typed = input_of(request)?;
    let checked = details::check(&typed).and_then(|details| Ok((details, photo_of(request)?)));
    let (details, photo) = match checked {
        Ok(checked) => checked,
        Err(problem) if asking.page => {
            return Ok(Response::html(400, FormPage::new_entry(&asking, typed, Some(problem)).render()));
        }
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    let stored = insert(Entry::new(details, 0), photo)?;
    courtyard_sdk::log::info(&format!("entry {} added", stored.id));
    if asking.page {
        return Ok(Response::see_other(&format!("{}entries/{}", asking.root, stored.id)));
    }
    Ok(Response::json(201, &EntryView::new(&stored, asking.lang, now_ms()).with_photo()))
}

/// Stores `entry` for the property, with `photo` attached if the host
/// takes it; an entry whose logo was refused is kept without one.
pub fn insert(entry: Entry, photo: Option<&Upload>) -> Result<Doc<Entry>, Error> {
    let stored = ENTRIES.insert(&entry, Visibility::Property)?;
    match photo {
        Some(photo) => attach(stored, photo),
        None => Ok(stored),
    }
}

/// Attaches `photo` to the stored entry and counts it there.
fn attach(doc: Doc<Entry>, photo: &Upload) -> Result<Doc<Entry>, Error> {
    if let Err(error) = files::attach(photo, "entries", &doc.id) {
        courtyard_sdk::log::warn(&format!("a logo was not attached to entry {}: {}", doc.id, error.code()));
        return Ok(doc);
    }
    let mut entry = doc.data.clone();
    entry.photos = 1;
    ENTRIES.update(&doc.id, &entry, None)
}

/// `PUT /entries/{id}` (JSON) and `POST /entries/{id}` (form): staff
/// change an entry; a new logo from a form replaces the old one.
pub fn change(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    let typed = input_of(request)?;
    let checked = details::check(&typed).and_then(|details| Ok((details, photo_of(request)?)));
    let (details, photo) = match checked {
        Ok(checked) => checked,
        Err(problem) if asking.page => {
            let form = FormPage::edit_entry(&asking, &doc.id, &doc.data.details.name, typed, Some(problem));
            return Ok(Response::html(400, form.render()));
        }
        Err(problem) => return Err(problem.into_error(asking.lang)),
    };
    let mut entry = Entry::new(details, doc.data.photos);
    if photo.is_some() {
        for old in views::photos_of(&doc.id) {
            files::delete(&old.id)?;
        }
        entry.photos = 0;
    }
    let stored = ENTRIES.update(&doc.id, &entry, Some(doc.revision))?;
    let stored = match photo {
        Some(photo) => attach(stored, photo)?,
        None => stored,
    };
    if asking.page {
        return Ok(Response::see_other(&format!("{}entries/{}", asking.root, stored.id)));
    }
    Ok(Response::json(200, &EntryView::new(&stored, asking.lang, now_ms()).with_photo()))
}

/// `DELETE /entries/{id}` and `POST /entries/{id}/delete`: staff delete
/// an entry, with its logo.
pub fn remove(request: &Request, params: &Params) -> Result<Response, Error> {
    let asking = Asking::of(request)?;
    let doc = store::entry(params.require("id")?)?;
    asking.require_staff()?;
    match ENTRIES.delete(&doc.id) {
        Ok(()) => {}
        // Made by another staff member: the host deletes it only for
        // them, so it is emptied instead (see `store`).
        Err(Error::NotFound) => {
            for old in views::photos_of(&doc.id) {
                files::delete(&old.id)?;
            }
            REMOVED.update(&doc.id, &Removed { removed: true }, Some(doc.revision))?;
        }
        Err(other) => return Err(other),
    }
    courtyard_sdk::log::info(&format!("entry {} deleted", doc.id));
    if asking.page {
        return Ok(Response::see_other(&asking.root));
    }
    Ok(Response::empty(204))
}
