//! The board as a page in the portal's frame. Every value goes through
//! `html!`, which escapes it; the markup uses the portal's classes only.

use courtyard_sdk::context::Caller;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use crate::texts::{self, Texts};
use crate::{MAX_BODY, MAX_TITLE, Post, PostView, Problem};

/// One rendering of the board: for whom, in which language, and what went
/// wrong with their last form, if anything.
pub struct Board<'a> {
    lang: Lang,
    caller: &'a Caller,
    /// A refused post and what was typed, to show again.
    problem: Option<(Problem, &'a Post)>,
    /// A delete that found nothing of theirs.
    gone: bool,
}

impl<'a> Board<'a> {
    pub fn new(lang: Lang, caller: &'a Caller) -> Board<'a> {
        Board { lang, caller, problem: None, gone: false }
    }

    pub fn with_problem(self, problem: Problem, typed: &'a Post) -> Board<'a> {
        Board { problem: Some((problem, typed)), ..self }
    }

    pub fn gone(self) -> Board<'a> {
        Board { gone: true, ..self }
    }

    pub fn caller(&self) -> &Caller {
        self.caller
    }

    /// Whether `owner` is the person reading.
    pub fn is_reader(&self, owner: &str) -> bool {
        self.caller.subject.as_deref() == Some(owner)
    }

    /// The whole page: the form, then `posts` (`None` when they could not be
    /// read) with links to the next page and, on a later page, to the newest.
    pub fn render(&self, posts: Option<&[PostView]>, next: Option<&str>, paged: bool) -> Html {
        let t = texts::of(self.lang);
        let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t.heading, t.lead);
        if self.gone {
            content.push(html!("<p class=\"note error\" role=\"alert\">{}</p>\n", t.gone));
        }
        if self.caller.subject.is_some() {
            content.push(self.form(t));
        }
        content.push(html!("<h2 id=\"board\">{}</h2>\n", t.board));
        content.push(match posts {
            None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
            Some([]) if !paged => html!("<p class=\"muted\">{}</p>\n", t.empty),
            Some(posts) => {
                let items: Html = posts.iter().map(|post| self.item(t, post)).collect();
                html!("<ul class=\"cards\" aria-labelledby=\"board\">\n{}</ul>\n", items)
            }
        });
        content.push(pager(t, next, paged));
        Frame::new(t.app, self.lang).page(t.heading, content)
    }

    /// The form to post, with the problem and what was typed after a refusal.
    fn form(&self, t: &Texts) -> Html {
        let (problem, typed) = match self.problem {
            Some((problem, typed)) => (Some(problem), typed.clone()),
            None => (None, Post::default()),
        };
        let summary = match problem {
            Some(problem) => {
                let field = match problem {
                    Problem::Title => "title",
                    Problem::Body { .. } => "body",
                };
                html!(
                    "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p><a href=\"#{}\">{}</a></p></div>\n",
                    t.problem_heading,
                    field,
                    problem.message(self.lang),
                )
            }
            None => Html::new(),
        };
        let title = field_state(problem.filter(|problem| *problem == Problem::Title), "title", self.lang);
        let body = field_state(problem.filter(|problem| matches!(problem, Problem::Body { .. })), "body", self.lang);
        // Closed until asked for, so the notices come first on a phone;
        // open again when what was typed needs correcting.
        let open = if problem.is_some() { attributes!(" open") } else { Attributes::new() };
        html!(
            "<details class=\"compose\"{}>\n<summary class=\"button\">{}</summary>\n\
             <form class=\"card\" method=\"post\" action=\"posts\" aria-label=\"{}\">\n{}\
             <label for=\"title\">{}</label>\n<span class=\"hint\" id=\"title-hint\">{}</span>\n{}\
             <input id=\"title\" name=\"title\" maxlength=\"{}\" required aria-describedby=\"title-hint{}\"{} value=\"{}\">\n\
             <label for=\"body\">{}</label>\n<span class=\"hint\" id=\"body-hint\">{}</span>\n{}\
             <textarea id=\"body\" name=\"body\" rows=\"4\" maxlength=\"{}\" aria-describedby=\"body-hint{}\"{}>{}</textarea>\n\
             <button>{}</button>\n</form>\n</details>\n",
            open,
            t.write,
            t.write,
            summary,
            t.title,
            fill(t.title_hint, &[("max", &MAX_TITLE)]),
            title.message,
            MAX_TITLE,
            title.described_by,
            title.invalid,
            typed.title,
            t.body,
            fill(t.body_hint, &[("max", &MAX_BODY)]),
            body.message,
            MAX_BODY,
            body.described_by,
            body.invalid,
            typed.body,
            t.post,
        )
    }

    /// One notice: its title, text, author and time, and a delete button on
    /// the reader's own.
    fn item(&self, t: &Texts, post: &PostView) -> Html {
        let by = match (post.mine, post.author_name) {
            (true, _) => t.by_you.to_owned(),
            (false, Some(name)) => fill(t.by_name, &[("name", &name)]),
            (false, None) => t.by_neighbour.to_owned(),
        };
        let body = if post.body.is_empty() { Html::new() } else { html!("<p class=\"body\">{}</p>\n", post.body) };
        let delete = if post.mine {
            html!(
                "<form class=\"inline\" method=\"post\" action=\"posts/{}/delete\">\
                 <button class=\"secondary\">{}<span class=\"visually-hidden\">: {}</span></button></form>\n",
                post.id,
                t.delete,
                post.title,
            )
        } else {
            // Anyone may report a neighbour's notice to the management.
            html!(
                "<p><a class=\"report\" href=\"{}\">{}<span class=\"visually-hidden\">: {}</span></a></p>\n",
                courtyard_sdk::moderation::report_path("pinboard", "posts", post.id),
                t.report,
                post.title,
            )
        };
        html!(
            "<li class=\"card\">\n<h3>{}</h3>\n{}<p class=\"meta\">{} · {}</p>\n{}</li>\n",
            post.title,
            body,
            by,
            post.created_at.html(self.lang),
            delete,
        )
    }
}

/// What a field shows about its problem: the sentence, and the attributes
/// that tie it to the field.
struct FieldState {
    message: Html,
    /// The sentence's id, after the hint's in `aria-describedby`.
    described_by: String,
    invalid: Attributes,
}

fn field_state(problem: Option<Problem>, field: &str, lang: Lang) -> FieldState {
    match problem {
        Some(problem) => FieldState {
            message: html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", field, problem.message(lang)),
            described_by: format!(" {field}-error"),
            invalid: attributes!(" aria-invalid=\"true\""),
        },
        None => FieldState { message: Html::new(), described_by: String::new(), invalid: Attributes::new() },
    }
}

/// Links to older notices and back to the newest.
fn pager(t: &Texts, next: Option<&str>, paged: bool) -> Html {
    let newest = if paged { html!("<a href=\"./\">{}</a>", t.newest) } else { Html::new() };
    let older = match next {
        Some(cursor) => {
            let query = serde_urlencoded::to_string([("after", cursor)]).unwrap_or_default();
            html!("<a href=\"?{}\" rel=\"next\">{}</a>", query, t.older)
        }
        None => Html::new(),
    };
    if newest.is_empty() && older.is_empty() {
        return Html::new();
    }
    html!("<nav class=\"pager\" aria-label=\"{}\">{}{}</nav>\n", t.board, newest, older)
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::time::Timestamp;

    use super::*;

    fn caller(locale: &str) -> Caller {
        Caller {
            subject: Some("me".to_owned()),
            property: Some("p".to_owned()),
            roles: vec!["resident".to_owned()],
            staff: false,
            unit: None,
            locale: locale.to_owned(),
            request_id: "r".to_owned(),
        }
    }

    fn post<'a>(id: &'a str, title: &'a str, body: &'a str, mine: bool, name: Option<&'a str>) -> PostView<'a> {
        PostView {
            id,
            author: "someone",
            author_name: name,
            title,
            body,
            created_at: Timestamp::from_millis(1_796_408_400_000),
            mine,
        }
    }

    #[test]
    fn a_neighbours_hostile_post_is_shown_as_text() {
        let me = caller("en");
        let posts = [post("1\"", "<script>alert(1)</script>", "Tom & \"Jerry\"", false, Some("<b>Eve</b>"))];
        let html = Board::new(Lang::En, &me).render(Some(&posts), Some("c&d"), false);
        let html = html.as_str();
        assert!(html.contains("<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3>"), "{html}");
        assert!(html.contains("<p class=\"body\">Tom &amp; &quot;Jerry&quot;</p>"), "{html}");
        assert!(html.contains("by &lt;b&gt;Eve&lt;/b&gt; · <time datetime=\"2026-12-04T18:20:00.000Z\">"), "{html}");
        assert!(!html.contains("<script") && !html.contains("style="), "{html}");
        assert!(html.contains("<a href=\"?after=c%26d\" rel=\"next\">Older notices</a>"), "{html}");
        assert!(!html.contains("delete"), "no delete button on a neighbour's post: {html}");
        assert!(html.contains("href=\"/moderation/report/pinboard/posts/"), "a report link instead: {html}");
        assert!(html.contains("<details class=\"compose\">\n<summary class=\"button\">Post a notice</summary>"));
    }

    #[test]
    fn a_refused_post_keeps_what_was_typed_and_says_why_in_german() {
        let me = caller("de-CH");
        let typed = Post { title: String::new(), body: "</textarea><b>x</b>".to_owned() };
        let board = Board::new(Lang::De, &me).with_problem(Problem::Title, &typed);
        let html = board.render(Some(&[post("7", "Mein Velo", "", true, None)]), None, false);
        let html = html.as_str();
        assert!(html.contains("<html lang=\"de\">") && html.contains("Dein Aushang wurde nicht veröffentlicht"));
        assert!(html.contains("<details class=\"compose\" open>"), "the form is open to correct: {html}");
        assert!(html.contains("<a href=\"#title\">Gib deinem Aushang einen Titel mit 1 bis 120 Zeichen.</a>"));
        assert!(
            html.contains("aria-describedby=\"title-hint title-error\" aria-invalid=\"true\" value=\"\""),
            "{html}"
        );
        assert!(html.contains(">&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>"), "{html}");
        assert!(html.contains("von dir") && html.contains("action=\"posts/7/delete\""), "{html}");
        assert!(html.contains(">Löschen<span class=\"visually-hidden\">: Mein Velo</span>"), "{html}");
        assert!(html.contains("<title>Das Brett deines Hauses · Pinboard</title>"), "{html}");
    }

    #[test]
    fn an_empty_board_and_an_unreadable_one_say_so() {
        let me = caller("en");
        let empty = Board::new(Lang::En, &me).render(Some(&[]), None, false);
        assert!(empty.as_str().contains("Nothing on the board yet") && !empty.as_str().contains("pager"));
        let broken = Board::new(Lang::En, &me).gone().render(None, None, true);
        assert!(broken.as_str().contains("cannot be shown right now"), "{broken:?}");
        assert!(broken.as_str().contains("That notice is gone") && broken.as_str().contains("href=\"./\""));
    }
}
