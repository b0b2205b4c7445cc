//! Pinboard: the building's central board.
//!
//! Residents post notices for their neighbours, read the notices of their
//! property and delete their own. JSON for apps and scripts, a plain
//! server-rendered page for browsers. Each notice names its author by the
//! display name they chose, read from their profile; a notice whose author's
//! name cannot be read is "by a neighbour".
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the board as an HTML page, with a form to post |
//! | `GET /posts?after=…` | the board as JSON, newest first, 20 per page; `author_name` is the display name or `null` |
//! | `POST /posts` | a new post (JSON or form: `title`, `body`) |
//! | `GET /posts/{id}` | one post |
//! | `DELETE /posts/{id}` | deletes your own post |
//! | `POST /posts/{id}/delete` | the same, from the HTML form |

use std::collections::BTreeMap;

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::html::escape;
use courtyard_sdk::profile::{self, Field};
use courtyard_sdk::{App, Collection, Doc, Error, Params, Request, Response, Router, Visibility};
use serde::{Deserialize, Serialize};

/// A notice on the board.
#[derive(Debug, Serialize, Deserialize)]
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
            .get("/", page)
            .get("/posts", list)
            .post("/posts", create)
            .get("/posts/{id}", show)
            .delete("/posts/{id}", remove)
            .post("/posts/{id}/delete", remove_from_form)
    }
}

courtyard_sdk::export!(Pinboard);

/// A post as the API shows it.
#[derive(Serialize)]
struct PostView<'a> {
    id: &'a str,
    /// The subject who wrote it, as the host recorded it.
    author: &'a str,
    /// The author's display name; `None` when it cannot be read.
    author_name: Option<&'a str>,
    title: &'a str,
    body: &'a str,
    created_at: u64,
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

fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let page = POSTS.query().after(request.query_param("after")).fetch()?;
    let names = Authors::read(page.items.iter().map(|doc| doc.owner.as_str()));
    let items: Vec<PostView> = page.items.iter().map(|doc| view(doc, &caller, &names)).collect();
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next_cursor": page.next_cursor })))
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
    let from_form = request.is_form();
    let post: Post = if from_form { request.form()? } else { request.json()? };
    let post = match validate(post) {
        Ok(post) => post,
        Err(err) if from_form => return Ok(render(&caller, Some(&err.to_string()), 400)),
        Err(err) => return Err(err),
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

fn remove_from_form(_: &Request, params: &Params) -> Result<Response, Error> {
    context::caller().require_subject()?;
    POSTS.delete(params.require("id")?)?;
    Ok(Response::see_other("../../"))
}

fn validate(post: Post) -> Result<Post, Error> {
    let title = post.title.trim().to_owned();
    let body = post.body.trim().to_owned();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        return Err(Error::Invalid(format!("a title has 1 to {MAX_TITLE} characters")));
    }
    if body.chars().count() > MAX_BODY {
        return Err(Error::Invalid(format!("a post has at most {MAX_BODY} characters")));
    }
    Ok(Post { title, body })
}

fn page(_: &Request, _: &Params) -> Result<Response, Error> {
    Ok(render(&context::caller(), None, 200))
}

/// The board as a page. Every value from storage is escaped.
fn render(caller: &Caller, problem: Option<&str>, status: u16) -> Response {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Pinboard</title><style>\
         body{font-family:system-ui,sans-serif;max-width:40rem;margin:auto;padding:1rem}\
         article{border-bottom:1px solid #ddd;padding:.5rem 0}input,textarea{width:100%;margin:.25rem 0}\
         .problem{color:#a00}</style></head><body><h1>Pinboard</h1>",
    );
    if let Some(problem) = problem {
        html.push_str(&format!("<p class=\"problem\" role=\"alert\">{}</p>", escape(problem)));
    }
    if caller.subject.is_some() {
        html.push_str(
            "<form method=\"post\" action=\"posts\"><label>Title <input name=\"title\" maxlength=\"120\" required>\
             </label><label>Notice <textarea name=\"body\" rows=\"3\" maxlength=\"4000\"></textarea></label>\
             <button>Post</button></form>",
        );
    }
    match POSTS.query().fetch() {
        Ok(page) if page.items.is_empty() => html.push_str("<p>Nothing on the board yet.</p>"),
        Ok(page) => {
            // The reader's own posts say "by you": no need to read their name.
            let others = page
                .items
                .iter()
                .map(|doc| doc.owner.as_str())
                .filter(|owner| caller.subject.as_deref() != Some(*owner));
            let names = Authors::read(others);
            for doc in &page.items {
                let post = view(doc, caller, &names);
                let by = match (post.mine, post.author_name) {
                    (true, _) => "you",
                    (false, Some(name)) => name,
                    (false, None) => "a neighbour",
                };
                html.push_str(&format!(
                    "<article><h2>{}</h2><p>{}</p><small>by {}</small>",
                    escape(post.title),
                    escape(post.body),
                    escape(by),
                ));
                if post.mine {
                    html.push_str(&format!(
                        "<form method=\"post\" action=\"posts/{}/delete\"><button>Delete</button></form>",
                        escape(post.id)
                    ));
                }
                html.push_str("</article>");
            }
        }
        Err(err) => html.push_str(&format!("<p class=\"problem\">{}</p>", escape(&err.to_string()))),
    }
    html.push_str("</body></html>");
    Response::html(status, html)
}
