//! Marketplace: what neighbours sell, give away, look for, lost or found.
//!
//! A resident publishes a listing of one of four kinds — for sale (with a
//! price), free to give away, wanted, lost and found — with a title, a
//! description and up to five photos. Everyone using the app in the same
//! property browses the listings on the market, newest first, by kind;
//! nobody else ever reads them (see [`model`]). The seller moves a listing
//! from available to reserved and back, and marks it sold (gone) whenever
//! they like. A listing expires 30 days after it was published or last
//! renewed: it leaves the browse page and the JSON list, and only its
//! seller still sees it, under "My listings", to renew or delete it.
//!
//! Neighbours answer a listing in a direct message of the neighbors app
//! ("Contact the seller"), never by email or phone, which the app does not
//! read. Every listing not one's own links to the host's page to report it;
//! staff take listings down there, in the moderation queue, not here.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the page: the listings on the market, `?kind=&after=` |
//! | `GET /listings?kind=&after=` | the same as JSON, `{"items": [...], "next": "…" or null}`; `kind` is `sell`, `free`, `wanted` or `lost_found` |
//! | `POST /listings` | publishes a listing: JSON `{"title", "description", "kind", "price_cents"}`, or a form (`title`, `description`, `kind`, `price` as `80.00`) with photos in `photo` of a `multipart/form-data` form |
//! | `GET /new` | the form to publish one |
//! | `GET /mine` | the caller's listings, expired and gone ones too (JSON, or the page) |
//! | `GET /listings/{id}` | one listing with its photos and seller's name (JSON, or the page) |
//! | `PUT /listings/{id}`, `POST /listings/{id}` | the seller changes it (JSON; form, which may add photos) |
//! | `GET /listings/{id}/edit` | the form to change it |
//! | `POST /listings/{id}/state` | `{"state"}`: `available`, `reserved` or `gone`, seller only |
//! | `POST /listings/{id}/renew` | another 30 days from now, seller only |
//! | `DELETE /listings/{id}`, `POST /listings/{id}/delete` | deletes it with its photos, seller only |
//!
//! Errors answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied` (not the seller), 404
//! `not_found` (another property's listing, a guessed id, or someone
//! else's expired listing).
//!
//! The app keeps nothing derived from people outside their listings, so
//! the `subject-erased` hook has nothing to do: the host has deleted the
//! person's listings and their photos before it is called.

mod browse;
mod listings;
mod model;
mod page;
mod texts;
mod validate;
mod views;

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{App, Error, Request, Router};

struct Marketplace;

impl App for Marketplace {
    fn router() -> Router {
        Router::new()
            .get("/", listings::browse)
            .get("/listings", listings::browse)
            .post("/listings", listings::create)
            .get("/new", listings::new_form)
            .get("/mine", listings::mine)
            .get("/listings/{id}", listings::show)
            .put("/listings/{id}", listings::edit)
            .post("/listings/{id}", listings::edit)
            .delete("/listings/{id}", listings::delete)
            .get("/listings/{id}/edit", listings::edit_form)
            .post("/listings/{id}/state", listings::set_state)
            .post("/listings/{id}/renew", listings::renew)
            .post("/listings/{id}/delete", listings::delete)
    }

    /// Nothing to clean up: the listings and their photos are the host's
    /// documents and files, which it erased before calling; the app keeps
    /// no copy, cache or index of anyone's data besides them.
    fn subject_erased(_subject: &str) -> Result<(), Error> {
        Ok(())
    }
}

courtyard_sdk::export!(Marketplace);

/// Who asks, in which language, and how they want the answer.
pub(crate) struct Asking {
    pub caller: Caller,
    pub lang: Lang,
    /// A browser: answer with pages and, after forms, redirects.
    pub page: bool,
    /// Now, ms since the Unix epoch.
    pub now: i64,
}

impl Asking {
    /// The signed-in caller of `request`; anyone else is refused.
    pub fn of(request: &Request) -> Result<Asking, Error> {
        let caller = context::caller();
        caller.require_subject()?;
        let lang = Lang::of(&caller, request);
        Ok(Asking { caller, lang, page: request.wants_html(), now: now_ms() })
    }

    pub fn subject(&self) -> &str {
        self.caller.subject.as_deref().unwrap_or_default()
    }
}

/// Now, in UTC milliseconds.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(Timestamp::now().millis()).unwrap_or(i64::MAX)
}
