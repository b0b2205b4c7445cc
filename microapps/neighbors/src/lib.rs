//! My neighbours: the residents of a building who chose to be visible, and
//! direct messages between them.
//!
//! **Opt in, field by field.** A resident (a caller with a current unit)
//! chooses to be visible and which fields to show: a name (required; the
//! form suggests their platform display name), a short intro, up to ten
//! interests, the floor. Only the fields filled in are stored, in one
//! `property` document, which the host shows only to the people of that
//! building. Leaving the community deletes the document: it is gone from
//! every list at once. Staff are not residents and have no profile.
//!
//! **Direct messages.** A conversation is a document of its starter with
//! `participants` visibility naming the other resident; its messages are
//! replies to it, so the host lets the two of them read them and nobody
//! else, staff included. Each message notifies the other person; over the
//! notification limit the message is stored all the same. Other apps link
//! to `GET /conversations/with/{subject}?about=TEXT` to open the
//! conversation with a resident, or the form to start one prefilled with
//! the text. Names come from the neighbour's `display-name`; email
//! addresses and phone numbers are never read.
//!
//! **Blocking.** A block is a document of the blocker with `participants`
//! visibility naming the blocked person. That is what makes the check
//! possible where it matters: the *sender's* request reads the documents
//! its caller may read, so a block naming the sender is visible to it and
//! the message is refused (403 "you cannot message this neighbour")
//! before anything is stored. A `private` block would be invisible there,
//! and a `property` one would tell the whole building. The app only
//! looks for blocks naming the caller and owned by the recipient; it never
//! lists who blocked whom. The blocker no longer sees the blocked person's
//! profile, nor messages from them newer than the block. See [`model`].
//!
//! Every profile and every message of the other person has a "Report"
//! link to the host's moderation page.
//!
//! | route | does |
//! |---|---|
//! | `GET /`, `GET /profiles?sort=name\|newest&after=` | the neighbours who opted in: JSON `{"items", "next"}`, or the page |
//! | `GET /profiles/{id}` | one neighbour's profile |
//! | `GET /profile` | one's own profile (JSON, 404 when not visible), or the page with the form |
//! | `PUT /profile`, `POST /profile` | saves it: JSON `{"name", "intro", "interests": [...], "floor"}`, or the form |
//! | `DELETE /profile`, `POST /profile/delete` | leaves the community |
//! | `GET /conversations?after=` | the caller's conversations, each with the other person and the newest message |
//! | `POST /conversations` | `{"to": subject, "text"}`: writes to a neighbour, in the conversation there is or a new one; 201 `{"id", "message"}` |
//! | `GET /conversations/{id}?after=` | the newest page of messages, newest first: `{"items", "next", "with", "may_write"}`, or the page |
//! | `POST /conversations/{id}/messages` | `{"text"}`: 201 the message |
//! | `GET /conversations/with/{subject}?about=TEXT` | the conversation with that resident, or the form to start one |
//! | `GET /blocks`, `POST /blocks` `{"subject"}`, `DELETE /blocks/{subject}`, `POST /blocks/{subject}/delete` | whom the caller blocked; block; unblock |
//!
//! JSON unless the client asks for HTML (`accept: text/html`, or a form
//! post); `?format=json` asks for JSON whatever the `accept` says. Errors
//! answer `{"error": {"code", "message"}}` with the message in the
//! caller's language: 400 `invalid`, 403 `denied`, 404 `not_found`.

mod blocks;
mod conversations;
mod erase;
mod model;
mod page;
mod people;
mod profiles;
mod texts;
mod validate;
mod views;

use courtyard_sdk::app_root as root_of;
use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{App, Error, Request, Response, Router};

struct Neighbors;

impl App for Neighbors {
    fn router() -> Router {
        Router::new()
            .get("/", profiles::list)
            .get("/profiles", profiles::list)
            .get("/profiles/{id}", profiles::show)
            .get("/profile", profiles::mine)
            .put("/profile", profiles::save)
            .post("/profile", profiles::save)
            .delete("/profile", profiles::leave)
            .post("/profile/delete", profiles::leave)
            .get("/conversations", conversations::list)
            .post("/conversations", conversations::start)
            .get("/conversations/with/{subject}", conversations::with)
            .get("/conversations/{id}", conversations::show)
            .post("/conversations/{id}/messages", conversations::write)
            .get("/blocks", blocks::list)
            .post("/blocks", blocks::block)
            .delete("/blocks/{subject}", blocks::unblock)
            .post("/blocks/{subject}/delete", blocks::unblock)
    }

    fn subject_erased(subject: &str) -> Result<(), Error> {
        erase::subject(subject)
    }
}

courtyard_sdk::export!(Neighbors);

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
        let json = request.query_param("format").is_some_and(|format| format == "json");
        let page = !json && (request.is_form() || request.wants_html());
        Asking { caller, lang, page, root: root_of(&request.path) }
    }

    /// The caller's subject, if they are a resident of the property: they
    /// have a current unit there. Staff and visitors are refused.
    pub fn resident(&self) -> Result<&str, Error> {
        let subject = self.caller.require_subject()?;
        if self.caller.unit.is_none() {
            return Err(Error::Denied(texts::of(self.lang).residents_only.to_owned()));
        }
        Ok(subject)
    }
}

/// Runs `handle` for `request`; a browser gets a refusal as a page in the
/// portal's frame, anyone else as JSON.
pub(crate) fn run(
    request: &Request,
    handle: impl FnOnce(&Asking) -> Result<Response, Error>,
) -> Result<Response, Error> {
    let asking = Asking::of(request);
    match handle(&asking) {
        Err(error) if asking.page => Ok(page::refusal(&asking, &error)),
        other => other,
    }
}

/// The value of `name` in an `application/x-www-form-urlencoded` query,
/// encoded again for a link or a redirect.
pub(crate) fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|pair| pair[2..].to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_find_the_apps_root_from_any_path() {
        assert_eq!(root_of("/"), "./");
        assert_eq!(root_of("/profiles"), "./");
        assert_eq!(root_of("/profiles/p1"), "../");
        assert_eq!(root_of("/conversations/with/s1"), "../../");
        assert_eq!(root_of("/blocks/s1/delete"), "../../");
    }

    #[test]
    fn values_are_encoded_for_links() {
        assert_eq!(encode("Sofa & chair?"), "Sofa+%26+chair%3F");
        assert_eq!(encode(""), "");
    }
}
