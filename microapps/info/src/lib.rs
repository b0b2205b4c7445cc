//! Info A–Z: the building's information, published by its management.
//!
//! Staff (the manifest's `staff_roles`) publish what residents look up:
//! house rules, cleaning and waste schedules, floor plans, contacts, dates
//! ("water off on 12 March, 8–12"). An entry has a title, one of a fixed
//! set of categories, a plain text, optionally a day and a time, and up to
//! five PDFs or photos. Any staff of the property edit and delete any
//! entry; a new or changed entry can notify everyone in the building.
//!
//! Residents read the **A–Z index** (grouped by the first letter of the
//! title, umlauts with their vowel, digits under `#`), browse by category,
//! **search** title and text (case and umlauts aside), open an entry with
//! its files, and see the **upcoming dates**: dated entries from today on,
//! soonest first. The manifest declares the dated entries for the home
//! page's "Coming up" too, which the host lists itself.
//!
//! Every entry is visible to the property (see [`model`]); the host
//! decides that in its storage query, so nothing of another property or
//! customer is ever read and a guessed id answers `404`. JSON for apps and
//! scripts, pages in the portal's frame for browsers (`accept: text/html`),
//! in English and German; every form works without script.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the page: search, categories, the next dates and the A–Z index |
//! | `GET /entries?category=&q=` | entries A to Z, of a category and matching a search: `{"items": [...], "truncated": bool}`, or the page of results |
//! | `POST /entries` | staff: a new entry, JSON `{"title", "category", "body", "date", "time", "notify"}` or a form (files in `attachment` of a `multipart/form-data` form); answers it with `unattached` files and, when asked to notify, `notified` |
//! | `GET /entries/new` | staff: the form for a new entry |
//! | `GET /entries/{id}` | the entry with its `files`: JSON, or its page |
//! | `PUT /entries/{id}`, `POST /entries/{id}` | staff: change it (JSON as for a new one, with `revision` to refuse a change over someone else's: 409; or the form, which may add files) |
//! | `GET /entries/{id}/edit` | staff: the form to change it |
//! | `DELETE /entries/{id}`, `POST /entries/{id}/delete` | staff: delete it with its files |
//! | `DELETE /entries/{id}/files/{file}`, `POST /entries/{id}/files/{file}/delete` | staff: remove one file |
//! | `GET /upcoming` | dated entries from today on, soonest first: `{"items": [...]}`, or the page |
//!
//! Errors answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied` (a resident writing),
//! 404 `not_found`, 409 `conflict` (changed in the meantime).
//!
//! **Erasure.** An entry is the property's information, not data about
//! the staff member who wrote it: it names no one, and the app copies no
//! name, no profile field and nothing else of a person anywhere. The host
//! keeps the owner itself and, when a subject is erased, deletes the
//! documents they own before it calls the hook. The app keeps nothing
//! derived from anyone (no index, cache or copy in documents of others),
//! so [`App::subject_erased`] has nothing left to drop.

mod alphabet;
mod announce;
mod day;
mod entries;
mod model;
mod page;
mod store;
mod texts;
mod validate;
mod views;

use courtyard_sdk::app_root as root_of;
use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{App, Error, Request, Router};

struct Info;

impl App for Info {
    fn router() -> Router {
        Router::new()
            .get("/", entries::home)
            .get("/entries", entries::list)
            .post("/entries", entries::create)
            .get("/entries/new", entries::new_form)
            .get("/entries/{id}", entries::show)
            .put("/entries/{id}", entries::change)
            .post("/entries/{id}", entries::change)
            .delete("/entries/{id}", entries::delete)
            .post("/entries/{id}/delete", entries::delete)
            .get("/entries/{id}/edit", entries::edit_form)
            .delete("/entries/{id}/files/{file}", entries::remove_file)
            .post("/entries/{id}/files/{file}/delete", entries::remove_file)
            .get("/upcoming", entries::upcoming)
    }

    /// Nothing to drop: see "Erasure" in the crate's documentation. The
    /// host deleted the subject's entries already; no other document holds
    /// anything of them.
    fn subject_erased(_subject: &str) -> Result<(), Error> {
        Ok(())
    }
}

courtyard_sdk::export!(Info);

/// Who asks, in which language, and how they want the answer.
pub(crate) struct Asking {
    pub caller: Caller,
    pub lang: Lang,
    /// A browser: answer with pages and, after forms, redirects.
    pub page: bool,
    /// The app's root relative to the request's path (`./`, `../`, …):
    /// links and redirects stay below the app's mount point wherever it is.
    pub root: String,
}

impl Asking {
    pub fn of(request: &Request) -> Result<Asking, Error> {
        let caller = context::caller();
        caller.require_subject()?;
        let lang = Lang::of(&caller, request);
        Ok(Asking { caller, lang, page: request.wants_html(), root: root_of(&request.path) })
    }

    pub fn subject(&self) -> &str {
        self.caller.subject.as_deref().unwrap_or_default()
    }

    /// Refuses anyone but staff, in their language.
    pub fn require_staff(&self) -> Result<(), Error> {
        if self.caller.staff { Ok(()) } else { Err(Error::Denied(texts::of(self.lang).staff_only.to_owned())) }
    }
}

/// Now, in UTC milliseconds.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(Timestamp::now().millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_find_the_apps_root_from_any_path() {
        assert_eq!(root_of("/"), "./");
        assert_eq!(root_of("/entries"), "./");
        assert_eq!(root_of("/upcoming"), "./");
        assert_eq!(root_of("/entries/e1"), "../");
        assert_eq!(root_of("/entries/e1/edit"), "../../");
        assert_eq!(root_of("/entries/e1/files/f1/delete"), "../../../../");
    }
}
