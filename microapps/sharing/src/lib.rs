//! Sharing: lend and borrow things between neighbours.
//!
//! Residents offer things to lend (a drill, a ladder, a cargo bike), with
//! a category, an optional photo and the longest loan in days; everyone of
//! the building browses them. A neighbour asks to borrow one for some days;
//! the owner accepts or declines, hands it over and confirms its return;
//! the borrower may cancel until the hand-over. Both sides follow the loan
//! with its history, hear of each step, and the borrower is reminded when
//! it is due back. Of two requests for overlapping days only one can be
//! accepted. Who reads what is decided by the host (see [`model`]): a loan
//! is between its two sides only, not even staff read it.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | page: things to borrow, newest first (`category`, `after`), and the form to offer one |
//! | `GET /items?category=&mine=true&after=` | JSON: `{"items", "next"}` (a browser gets the page) |
//! | `POST /items` | offer a thing: JSON or a form (`name`, `description`, `category`, `max_days`, `available`), a photo in `photo` of a `multipart/form-data` form |
//! | `GET /items/{id}` | the thing (JSON, or its page with the request form) |
//! | `PUT /items/{id}`, `POST /items/{id}` | the owner changes it (JSON; form, with a new photo) |
//! | `DELETE /items/{id}`, `POST /items/{id}/withdraw` | the owner withdraws it |
//! | `GET /mine` | page: the things you lend |
//! | `POST /items/{id}/loans` | ask to borrow it: `{"from", "due", "note"}` (days `YYYY-MM-DD`) |
//! | `GET /loans?role=borrower\|lender&when=current\|past\|all&after=` | your loans (JSON, or the page) |
//! | `GET /loans/{id}` | a loan, its state and history (JSON, or its page); reminds the borrower when it is due |
//! | `POST /loans/{id}/{step}` | `accept`, `decline`, `hand-over`, `return`, `remind` (the lender), `cancel` (the borrower) |
//!
//! Errors answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied`, 404 `not_found`, 409
//! `conflict` (the days are taken, or the step does not apply now).

mod items;
mod loans;
mod model;
mod notify;
mod page;
mod states;
mod texts;
mod validate;
mod views;

use courtyard_sdk::app_root as root_of;
use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{App, Error, Request, Response, Router};

use crate::model::LOANS;

struct Sharing;

impl App for Sharing {
    fn router() -> Router {
        Router::new()
            .get("/", items::home)
            .get("/items", items::list)
            .post("/items", items::create)
            .get("/mine", items::mine)
            .get("/items/{id}", items::show)
            .put("/items/{id}", items::change)
            .post("/items/{id}", items::change)
            .delete("/items/{id}", items::withdraw)
            .post("/items/{id}/withdraw", items::withdraw)
            .post("/items/{id}/loans", loans::request)
            .get("/loans", loans::list)
            .get("/loans/{id}", loans::show)
            .post("/loans/{id}/{step}", loans::step)
    }

    /// The host deleted the person's items, loans and events. What stays
    /// about them is in their neighbours' loans: the loans they lent, which
    /// name them and their thing. Those loans end, and forget who lent what.
    fn subject_erased(subject: &str) -> Result<(), Error> {
        let mut cursor = None;
        for _ in 0..50 {
            let page = LOANS.query().filter("lender", subject).limit(100).after(cursor).fetch()?;
            for doc in &page.items {
                let mut loan = doc.data.clone();
                loan.lender = String::new();
                loan.item_name = String::new();
                loan.title = String::new();
                loan.note = String::new();
                loan.due = None;
                loan.erased = true;
                LOANS.update(&doc.id, &loan, None)?;
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(())
    }
}

courtyard_sdk::export!(Sharing);

/// Who asks, in which language, and how they want the answer.
pub(crate) struct Asking {
    pub caller: Caller,
    pub lang: Lang,
    /// A browser: answer with pages and, after forms, redirects.
    pub page: bool,
    /// The app's root relative to the request's path (`./`, `../`, …).
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
}

/// A JSON error answer with a message in the caller's language.
pub(crate) fn error_json(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, &serde_json::json!({ "error": { "code": code, "message": message } }))
}

#[cfg(test)]
pub(crate) fn asking_for(subject: &str, lang: Lang, root: &str) -> Asking {
    let caller = Caller {
        subject: Some(subject.to_owned()),
        property: Some("p1".to_owned()),
        roles: vec!["resident".to_owned()],
        staff: false,
        unit: Some("u1".to_owned()),
        locale: lang.code().to_owned(),
        request_id: "r1".to_owned(),
    };
    Asking { caller, lang, page: true, root: root.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_find_the_apps_root_from_any_path() {
        assert_eq!(root_of("/"), "./");
        assert_eq!(root_of("/items"), "./");
        assert_eq!(root_of("/items/i1"), "../");
        assert_eq!(root_of("/loans/l1/accept"), "../../");
    }

    #[test]
    fn errors_carry_the_platforms_code_and_the_callers_words() {
        let answer: serde_json::Value = serde_json::from_slice(&error_json(409, "conflict", "Taken").body).unwrap();
        assert_eq!(answer, serde_json::json!({ "error": { "code": "conflict", "message": "Taken" } }));
    }
}
