//! Pinboard: the building's central board.
//!
//! Residents post notices for their neighbours, read the notices of their
//! property and delete their own. JSON for apps and scripts, a plain
//! server-rendered page for browsers.
//!
//! | route | does |
//! |---|---|
//! | `GET /` | the board as an HTML page, with a form to post |
//! | `GET /posts?after=…` | the board as JSON, newest first, 20 per page |
//! | `POST /posts` | a new post (JSON or form: `title`, `body`) |
//! | `GET /posts/{id}` | one post |
//! | `DELETE /posts/{id}` | deletes your own post |
//! | `POST /posts/{id}/delete` | the same, from the HTML form |

use courtyard_sdk::context::{self, Caller};
use courtyard_sdk::html::escape;
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
    author: &'a str,
    title: &'a str,
    body: &'a str,
    created_at: u64,
    mine: bool,
}

fn view<'a>(doc: &'a Doc<Post>, caller: &Caller) -> PostView<'a> {
    PostView {
        id: &doc.id,
        author: &doc.owner,
        title: &doc.data.title,
        body: &doc.data.body,
        created_at: doc.created_at,
        mine: caller.subject.as_deref() == Some(doc.owner.as_str()),
    }
}

fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let page = POSTS.query().after(request.query_param("after")).fetch()?;
    let items: Vec<PostView> = page.items.iter().map(|doc| view(doc, &caller)).collect();
    Ok(Response::json(200, &serde_json::json!({ "items": items, "next_cursor": page.next_cursor })))
}

fn show(_: &Request, params: &Params) -> Result<Response, Error> {
    let caller = context::caller();
    let doc = POSTS.get(params.require("id")?)?;
    Ok(Response::json(200, &view(&doc, &caller)))
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
    Ok(Response::json(201, &view(&doc, &caller)))
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
            for doc in &page.items {
                let post = view(doc, caller);
                // Names need the profile import; until an app asks for it,
                // the board says whose post it is only relative to the reader.
                let by = if post.mine { "by you" } else { "by a neighbour" };
                html.push_str(&format!(
                    "<article><h2>{}</h2><p>{}</p><small>{by}</small>",
                    escape(post.title),
                    escape(post.body),
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
