//! Pinboard: the building's central board.
//!
//! Residents post notices for their neighbours, read the notices of their
//! property and delete their own. JSON for apps and scripts, a page in the
//! portal's frame for browsers, in English and German (the person's
//! language, else the browser's). Each notice names its author by the
//! display name they chose, read from their profile; a notice whose
//! author's name cannot be read is "by a neighbour".
//!
//! | route | does |
//! |---|---|
//! | `GET /?after=…` | the board as an HTML page, with a form to post; `after` pages on |
//! | `GET /posts?after=…` | the board as JSON, newest first, 20 per page: `{"items": [...], "next": "…" or null}`; an item's `author_name` is the display name or `null`, `created_at` is RFC 3339 |
//! | `POST /posts` | a new post (JSON or form: `title`, `body`) |
//! | `GET /posts/{id}` | one post |
//! | `DELETE /posts/{id}` | deletes your own post |
//! | `POST /posts/{id}/delete` | the same, from the HTML form |

mod page;
mod texts;

use std::collections::BTreeMap;

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::profile::{self, Field};
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{App, Collection, Doc, Error, Params, Request, Response, Router, Visibility};
use serde::{Deserialize, Serialize};

use crate::page::Board;

/// A notice on the board.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
struct Post {
    title: String,
    body: String,
}

const POSTS: Collection<Post> = Collection::new("posts");
const MAX_TITLE: usize = 120;
const MAX_BODY: usize = 4_000;

struct Pinboard;

impl App for Pinboard {
    fn router() -> Router {
        Router::new()
            .get("/", board)
            .get("/posts", list)
            .post("/posts", create)
            .get("/posts/{id}", show)
            .delete("/posts/{id}", remove)
            .post("/posts/{id}/delete", remove_from_form)
    }
}

courtyard_sdk::export!(Pinboard);

/// A post as the API and the page show it.
#[derive(Serialize)]
struct PostView<'a> {
    id: &'a str,
    /// The subject who wrote it, as the host recorded it.
    author: &'a str,
    /// The author's display name; `None` when it cannot be read.
    author_name: Option<&'a str>,
    title: &'a str,
    body: &'a str,
    created_at: Timestamp,
    mine: bool,
}

fn view<'a>(doc: &'a Doc<Post>, caller: &Caller, names: &'a Authors) -> PostView<'a> {
    PostView {
        id: &doc.id,
        author: &doc.owner,
        author_name: names.of(&doc.owner),
        title: &doc.data.title,
        body: &doc.data.body,
        created_at: doc.created_at,
        mine: caller.subject.as_deref() == Some(doc.owner.as_str()),
    }
}

/// Display names of the authors of some posts, read once per author.
#[derive(Default)]
struct Authors(BTreeMap<String, Option<String>>);

impl Authors {
    /// Reads the display names of `owners`. A name that cannot be read (not
    /// approved, not filled in, moved away) stays unknown.
    fn read<'a>(owners: impl IntoIterator<Item = &'a str>) -> Authors {
        let mut names = Authors::default();
        for owner in owners {
            if !names.0.contains_key(owner) {
                let name = profile::read(Some(owner), &[Field::DisplayName])
                    .ok()
                    .and_then(|profile| profile.display_name().map(str::to_owned));
                names.0.insert(owner.to_owned(), name);
            }
        }
        names
    }

    fn of(&self, owner: &str) -> Option<&str> {
        self.0.get(owner).and_then(Option::as_deref)
    }
}

/// Why a post was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// Empty or too long.
    Title,
    /// Too long: it has `count` characters.
    Body { count: usize },
}

impl Problem {
    /// The sentence for the person, in `lang`.
    fn message(self, lang: Lang) -> String {
        let texts = texts::of(lang);
        match self {
            Problem::Title => fill(texts.title_length, &[("max", &MAX_TITLE)]),
            Problem::Body { count } => fill(texts.body_length, &[("max", &MAX_BODY), ("count", &count)]),
        }
    }
}

fn validate(post: &Post) -> Result<Post, Problem> {
    let title = post.title.trim();
    let body = post.body.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        return Err(Problem::Title);
    }
    let count = body.chars().count();
    if count > MAX_BODY {
        return Err(Problem::Body { count });
    }
    Ok(Post { title: title.to_owned(), body: body.to_owned() })
}

fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let page = POSTS.query().after(request.query_param("after")).fetch()?;
    let names = Authors::read(page.items.iter().map(|doc| doc.owner.as_str()));
    let items: Vec<PostView> = page.items.iter().map(|doc| view(doc, &caller, &names)).collect();
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next": page.next })))
}

fn show(_: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let doc = POSTS.get(params.require("id")?)?;
    let names = Authors::read([doc.owner.as_str()]);
    Ok(Response::json(200, &view(&doc, &caller, &names)))
}

fn create(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    let lang = Lang::of(&caller, request);
    let from_form = request.is_form();
    let typed: Post = if from_form { request.form()? } else { request.json()? };
    let post = match validate(&typed) {
        Ok(post) => post,
        Err(problem) if from_form => {
            let board = Board::new(lang, &caller).with_problem(problem, &typed);
            return Ok(show_board(board, None, 400));
        }
        Err(problem) => return Err(Error::Invalid(problem.message(lang))),
    };
    let doc = POSTS.insert(&post, Visibility::Property)?;
    courtyard_sdk::log::info(&format!("post {} created", doc.id));
    if from_form {
        return Ok(Response::see_other("./"));
    }
    let names = Authors::read([doc.owner.as_str()]);
    Ok(Response::json(201, &view(&doc, &caller, &names)))
}

fn remove(_: &Request, params: &Params) -> Result<Response, Error> {
    context::caller().require_subject()?;
    POSTS.delete(params.require("id")?)?;
    Ok(Response::empty(204))
}

fn remove_from_form(request: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    caller.require_subject()?;
    match POSTS.delete(params.require("id")?) {
        Ok(()) => Ok(Response::see_other("../../")),
        Err(Error::NotFound) => {
            let board = Board::new(Lang::of(&caller, request), &caller).gone();
            Ok(show_board(board, None, 404))
        }
        Err(error) => Err(error),
    }
}

fn board(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let board = Board::new(Lang::of(&caller, request), &caller);
    Ok(show_board(board, request.query_param("after"), 200))
}

/// Reads a page of the board from `after` and renders it with `board`'s
/// form and notices.
fn show_board(board: Board, after: Option<String>, status: u16) -> Response {
    let paged = after.is_some();
    match POSTS.query().after(after).fetch() {
        Ok(page) => {
            // The reader's own posts say "by you": no need to read their name.
            let others = page.items.iter().map(|doc| doc.owner.as_str()).filter(|owner| !board.is_reader(owner));
            let names = Authors::read(others);
            let posts: Vec<PostView> = page.items.iter().map(|doc| view(doc, board.caller(), &names)).collect();
            Response::html(status, board.render(Some(&posts), page.next.as_deref(), paged))
        }
        Err(error) => {
            courtyard_sdk::log::warn(&format!("the board could not be read: {error}"));
            let status = if status == 200 { error.status() } else { status };
            Response::html(status, board.render(None, None, paged))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_trimmed_and_checked() {
        let ok = validate(&Post { title: "  Hello ".into(), body: " there\n".into() }).unwrap();
        assert_eq!((ok.title.as_str(), ok.body.as_str()), ("Hello", "there"));
        assert_eq!(validate(&Post { title: " ".into(), body: String::new() }).unwrap_err(), Problem::Title);
        assert_eq!(validate(&Post { title: "é".repeat(121), body: String::new() }).unwrap_err(), Problem::Title);
        assert!(validate(&Post { title: "é".repeat(120), body: "é".repeat(4_000) }).is_ok());
        let long = validate(&Post { title: "x".into(), body: "é".repeat(4_001) }).unwrap_err();
        assert_eq!(long, Problem::Body { count: 4_001 });
        assert_eq!(long.message(Lang::En), "A notice has at most 4000 characters; yours has 4001.");
        assert_eq!(Problem::Title.message(Lang::De), "Gib deinem Aushang einen Titel mit 1 bis 120 Zeichen.");
    }
}
