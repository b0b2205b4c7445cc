//! Sharing's pages in the portal's frame. Every value goes through
//! `html!`, which escapes it; the markup uses the portal's classes only,
//! works without script, and ties every problem to its field. Links are
//! relative to the app's root ([`Asking::root`](crate::Asking)).

pub mod items;
pub mod loans;

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{Response, attributes, html};

use crate::texts::{self, Texts};
use crate::validate::Problem;

/// The box at the top of a refused form, linking to the field.
pub fn problem_summary(t: &Texts, problem: &Problem, lang: Lang) -> Html {
    html!(
        "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p><a href=\"#{}\">{}</a></p></div>\n",
        t.problem_heading,
        problem.field(),
        problem.message(lang),
    )
}

/// A refusal that is not about one field.
pub fn alert(t: &Texts, message: &str) -> Html {
    html!("<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p>{}</p></div>\n", t.problem_heading, message)
}

/// What field `field` shows of `problem`: the sentence, and the attributes
/// tying it to the field.
pub fn field_problem(problem: Option<&Problem>, field: &str, lang: Lang) -> (Html, Attributes) {
    match problem.filter(|problem| problem.field() == field) {
        Some(problem) => (
            html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", field, problem.message(lang)),
            attributes!(" aria-invalid=\"true\" aria-describedby=\"{}-error\"", field),
        ),
        None => (Html::new(), Attributes::new()),
    }
}

/// One `<option>`.
pub fn option(value: &str, label: &str, selected: bool) -> Html {
    let selected = if selected { attributes!(" selected") } else { Attributes::new() };
    html!("<option value=\"{}\"{}>{}</option>", value, selected, label)
}

/// The address of a file's download from the app's root `root`; `None`
/// for a link that is not a plain path below the app.
pub fn file_href(root: &str, link: &str) -> Option<String> {
    let path = link.strip_prefix('/')?;
    let plain = !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|segment| segment != ".." && segment != ".")
        && !path.contains(['\\', ':', '?', '#'])
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    plain.then(|| format!("{root}{path}"))
}

/// The link to write to `other` about `about` in the neighbours app.
pub fn message_href(other: &str, about: &str) -> String {
    let about = serde_urlencoded::to_string([("about", about)]).unwrap_or_default();
    let other = serde_urlencoded::to_string([("", other)]).unwrap_or_default();
    format!("/apps/neighbors/conversations/with/{}?{about}", other.trim_start_matches('='))
}

/// A "Message {name}" link, unless the other side is gone.
pub fn message_link(t: &Texts, other: &str, name: &str, about: &str) -> Html {
    if other.is_empty() {
        return Html::new();
    }
    html!(
        "<a class=\"button secondary\" href=\"{}\">{}</a>",
        message_href(other, about),
        fill(t.message, &[("name", &name)])
    )
}

/// The page for something the caller cannot read: `404`.
pub fn gone(lang: Lang, root: &str) -> Response {
    let t = texts::of(lang);
    let content = html!("<h1>{}</h1>\n<p><a href=\"{}\">{}</a></p>\n", t.gone, root, t.back);
    Response::html(404, Frame::new(t.app, lang).page(t.gone, content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_link_names_the_other_side_and_the_thing() {
        assert_eq!(message_href("u-1", "Drill & bits"), "/apps/neighbors/conversations/with/u-1?about=Drill+%26+bits");
        assert_eq!(message_href("a/b", "x"), "/apps/neighbors/conversations/with/a%2Fb?about=x");
        let t = texts::of(Lang::De);
        assert!(message_link(t, "u-1", "Anna", "Leiter").as_str().contains(">Nachricht an Anna</a>"));
        assert!(message_link(t, "", "Anna", "Leiter").is_empty());
    }

    #[test]
    fn only_plain_paths_below_the_app_become_links() {
        assert_eq!(file_href("../", "/.files/abc").as_deref(), Some("../.files/abc"));
        for bad in ["//evil.example/x", "https://evil.example/x", "/../admin", "/.files/a b", "", "/x?y"] {
            assert_eq!(file_href("../", bad), None, "{bad}");
        }
    }
}
