//! Directory: local businesses near the property.
//!
//! Restaurants, doctors, day care, tradespeople, shops, services and
//! others (a fixed set of [`category::Category`]), each with its address,
//! opening hours per weekday, phone, email, `https://` website, an offer
//! for residents and an optional logo. These are businesses' public
//! contact details, not residents' personal data. Everyone of the
//! property browses them by category and searches them by name; an
//! entry's page says whether the business is open now, in the building's
//! time (see [`hours`]). Staff (the manifest's `staff_roles`) add, edit
//! and delete entries.
//!
//! Any resident may suggest a business. A suggestion is read by its
//! suggester and staff only; staff work a queue of open ones and accept
//! one (which adds an entry from it, corrected where needed) or decline
//! it with a reason. Staff hear of every new suggestion, the suggester of
//! the decision either way.
//!
//! **Search.** The contract has no full-text query, so a search reads
//! the property's entries in name order, at most 500 per request (five
//! host queries of 100), and keeps those whose name holds the search text,
//! ignoring case; `next` continues with the following 500.
//!
//! **Erasure.** When a suggester's data is erased, the host deletes their
//! suggestions. An entry made from one is owned by the staff member who
//! accepted it and names neither the suggester nor the suggestion, so it
//! stays; the app keeps nothing else about anyone, and its
//! `subject-erased` hook has nothing left to do.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the page: search, categories, the entries; links to suggest (residents) and to the queue and a new entry (staff) |
//! | `GET /entries?category=&q=&after=` | a page of entries by name, JSON `{"items", "next"}` |
//! | `POST /entries` | staff: a new entry (JSON, or a form with a `photo`) |
//! | `GET /new` | staff: the page to add an entry |
//! | `GET /entries/{id}` | the entry, with `open_now` (JSON, or its page) |
//! | `PUT /entries/{id}`, `POST /entries/{id}` | staff: change it (JSON; form) |
//! | `DELETE /entries/{id}`, `POST /entries/{id}/delete` | staff: delete it (JSON; form) |
//! | `GET /entries/{id}/edit` | staff: the page to change it |
//! | `GET /suggestions?state=` | staff: open suggestions (or `state=accepted`, `rejected`, `any`); residents: their own (JSON, or the page with the form to suggest) |
//! | `POST /suggestions` | suggest a business (the fields of an entry, JSON or form) |
//! | `GET /suggestions/{id}` | one suggestion (JSON, or its page; staff decide there) |
//! | `POST /suggestions/{id}/accept` | staff: add it as an entry; a JSON body or form of entry fields replaces the suggested ones |
//! | `POST /suggestions/{id}/reject` | staff: decline it, `{"reason"}` required |
//!
//! Errors answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied`, 404 `not_found`, 409
//! `conflict` (a suggestion decided already).

mod category;
mod details;
mod entries;
mod hours;
mod notify;
mod page;
mod store;
mod suggestions;
mod texts;
mod views;

use courtyard_sdk::app_root as root_of;
use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{App, Error, Request, Router};

struct Directory;

impl App for Directory {
    fn router() -> Router {
        Router::new()
            .get("/", entries::home)
            .get("/entries", entries::list)
            .post("/entries", entries::create)
            .get("/new", entries::new_page)
            .get("/entries/{id}", entries::show)
            .put("/entries/{id}", entries::change)
            .post("/entries/{id}", entries::change)
            .delete("/entries/{id}", entries::remove)
            .post("/entries/{id}/delete", entries::remove)
            .get("/entries/{id}/edit", entries::edit_page)
            .get("/suggestions", suggestions::list)
            .post("/suggestions", suggestions::create)
            .get("/suggestions/{id}", suggestions::show)
            .post("/suggestions/{id}/accept", suggestions::accept)
            .post("/suggestions/{id}/reject", suggestions::reject)
    }

    /// The host deleted the subject's suggestions already; entries made
    /// from them hold no reference to the suggester (see the crate's
    /// documentation), and the app keeps nothing else about people.
    fn subject_erased(_subject: &str) -> Result<(), Error> {
        Ok(())
    }
}

courtyard_sdk::export!(Directory);

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
    /// The caller of `request`, who must be signed in.
    pub fn of(request: &Request) -> Result<Asking, Error> {
        let caller = context::caller();
        caller.require_subject()?;
        let lang = Lang::of(&caller, request);
        let page = request.is_form() || request.wants_html();
        Ok(Asking { caller, lang, page, root: root_of(&request.path) })
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
        assert_eq!(root_of("/entries/e1"), "../");
        assert_eq!(root_of("/entries/e1/edit"), "../../");
        assert_eq!(root_of("/suggestions/s1/accept"), "../../");
    }
}
