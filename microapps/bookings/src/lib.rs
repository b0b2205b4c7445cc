//! Bookings: the common room, the guest flat, a laundry slot.
//!
//! Staff (the manifest's `staff_roles`) define bookable resources per
//! property, each with opening hours per weekday, a slot length, the
//! longest booking, how far ahead residents may book, how many bookings a
//! resident may hold at a time, and a cancellation deadline. Residents see
//! the free times by day and by week, book consecutive slots, and cancel
//! up to the deadline. Staff block slots (for maintenance, say) and cancel
//! any booking with a reason, which the resident is notified of.
//!
//! **No double booking.** Every slot has a unique key,
//! `slot:{resource}:{YYYY-MM-DDTHH:MM}`, and a booking claims the keys of
//! all its slots in the one insert that stores it: the host stores it with
//! all of them or not at all, on any number of nodes, so of any number of
//! requests for a slot exactly one wins and the others answer 409 "already
//! booked". Blocks are bookings of kind `blocked` and claim the same keys.
//! Cancelling keeps the booking as history and frees its keys.
//!
//! **Who booked stays between the resident and staff.** A booking is
//! visible to its owner and staff only (`staff` visibility), so neighbours
//! cannot read it. What they see of it is a second document in
//! `occupied`, visible to the property, that says which resource, day and
//! times are taken and whether by a block, stored right after the booking
//! won its keys and marked cancelled with it. The app never shows an
//! `occupied` document's owner: it only compares it with the reader, to
//! say "your booking". The keys could tell the same through conflicts,
//! but only for a slot one tries to book, and they name slots, not people.
//!
//! **Times.** Slots are wall-clock times of the building, in the
//! resource's time zone (see [`clock`]); instants in JSON are RFC 3339 in
//! UTC (`starts_at`, `ends_at`, `cancellable_until`).
//!
//! | route | does |
//! |---|---|
//! | `GET /` | page: what can be booked; staff add resources |
//! | `GET /resources` | JSON: the resources, `{"items", "next"}`; `?after=` pages on |
//! | `POST /resources` | staff: a new resource (JSON or form) |
//! | `GET /resources/{id}?day=YYYY-MM-DD` | the day's slots, each `free`, `taken`, `blocked`, `mine` or `past` (JSON, or the page for a browser, with forms to book and, for staff, to block, cancel and change the rules) |
//! | `GET /resources/{id}?week=YYYY-MM-DD` | the week (Monday to Sunday) holding that day |
//! | `PUT /resources/{id}`, `POST /resources/{id}` | staff: change the rules (JSON; form) |
//! | `POST /resources/{id}/bookings` | book: `{"day", "start", "slots"}` (JSON or form) |
//! | `POST /resources/{id}/blocks` | staff: block slots: `{"day", "start", "slots", "reason"}` |
//! | `GET /bookings?resource=&state=&from=YYYY-MM-DD&after=` | your bookings (staff: all of the property) from a day on, earliest first (JSON, or the page) |
//! | `GET /bookings/{id}` | one booking |
//! | `POST /bookings/{id}/cancel` | cancel it (`{"reason"}`; staff must give one for a resident's booking) |
//!
//! Errors answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied`, 404 `not_found`, 409
//! `conflict` (a slot is taken; `slot` names its time), 429 `limit` (the
//! quota is used up).

mod availability;
mod booking;
mod bookings;
mod clock;
mod page;
mod resource;
mod resources;
mod slots;
mod store;
mod texts;

use courtyard_sdk::app_root as root_of;
use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{App, Error, Request, Response, Router};

struct Bookings;

impl App for Bookings {
    fn router() -> Router {
        Router::new()
            .get("/", resources::home)
            .get("/resources", resources::list)
            .post("/resources", resources::create)
            .get("/resources/{id}", resources::show)
            .put("/resources/{id}", resources::change)
            .post("/resources/{id}", resources::change)
            .post("/resources/{id}/bookings", bookings::book)
            .post("/resources/{id}/blocks", bookings::block)
            .get("/bookings", bookings::list)
            .get("/bookings/{id}", bookings::show)
            .post("/bookings/{id}/cancel", bookings::cancel)
    }
}

courtyard_sdk::export!(Bookings);

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
    pub fn of(request: &Request) -> Asking {
        let caller = context::caller();
        let lang = Lang::of(&caller, request);
        let page = request.is_form() || request.wants_html();
        Asking { caller, lang, page, root: root_of(&request.path) }
    }

    pub fn subject(&self) -> Option<&str> {
        self.caller.subject.as_deref()
    }

    /// Refuses anyone but staff, in their language.
    pub fn require_staff(&self) -> Result<(), Error> {
        self.caller.require_subject()?;
        if self.caller.staff { Ok(()) } else { Err(Error::Denied(texts::of(self.lang).staff_only.to_owned())) }
    }
}

/// Now, in UTC milliseconds.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(Timestamp::now().millis()).unwrap_or(i64::MAX)
}

/// A JSON error answer with a message in the caller's language.
pub(crate) fn error_json(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, &serde_json::json!({ "error": { "code": code, "message": message } }))
}

/// A 409 for a taken slot: the code the platform uses, the sentence in
/// the caller's language, and the slot's time.
pub(crate) fn taken_json(lang: Lang, key: &str) -> Response {
    let time = slots::time_of_key(key).unwrap_or_default();
    let message = taken_message(lang, key);
    Response::json(409, &serde_json::json!({ "error": { "code": "conflict", "message": message, "slot": time } }))
}

pub(crate) fn taken_message(lang: Lang, key: &str) -> String {
    let time = slots::time_of_key(key).map(|stamp| stamp.replace('T', " ")).unwrap_or_default();
    courtyard_sdk::lang::fill(texts::of(lang).already_booked, &[("time", &time)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_find_the_apps_root_from_any_path() {
        assert_eq!(root_of("/"), "./");
        assert_eq!(root_of("/bookings"), "./");
        assert_eq!(root_of("/resources/r1"), "../");
        assert_eq!(root_of("/resources/r1/"), "../../");
        assert_eq!(root_of("/bookings/b1/cancel"), "../../");
    }

    #[test]
    fn a_taken_slot_is_named_in_the_callers_language() {
        let key = "slot:r1:2027-03-12T08:00";
        assert!(taken_message(Lang::En, key).starts_with("Already booked: the slot at 2027-03-12 08:00 is taken"));
        assert!(taken_message(Lang::De, key).starts_with("Schon gebucht"));
        let answer: serde_json::Value = serde_json::from_slice(&taken_json(Lang::En, key).body).unwrap();
        assert_eq!(answer["error"]["code"], "conflict");
        assert_eq!(answer["error"]["slot"], "2027-03-12T08:00");
    }
}
