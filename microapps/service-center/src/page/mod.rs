//! The service center's pages in the portal's frame. Every value goes
//! through `html!`, which escapes it; the markup uses the portal's classes
//! only, works without script, and ties every problem to its field.
//!
//! Pages live at three depths below the app's mount point, and every link
//! is relative to the page it is on: `/` (the home page), `/tickets/{id}`
//! (links go up with `../`) and `/settings/categories` (the same).

pub mod home;
pub mod settings;
pub mod ticket;

use courtyard_sdk::files::File;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use crate::states::State;
use crate::texts::Texts;
use crate::validate::Problem;

/// What a ticket's page says about the form just posted.
#[derive(Debug, Default)]
pub struct Flash {
    /// A refused message or note, and what was typed.
    pub problem: Option<(Problem, String)>,
    /// How many files of the last post the host refused.
    pub unattached: usize,
}

/// The box at the top of a form that was refused, linking to the field.
pub fn problem_summary(t: &Texts, problem: &Problem, lang: Lang) -> Html {
    html!(
        "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p><a href=\"#{}\">{}</a></p></div>\n",
        t.problem_heading,
        problem.field(),
        problem.message(lang),
    )
}

/// What a field shows about its problem: the sentence, and the attributes
/// that tie it to the field.
pub struct FieldState {
    pub message: Html,
    /// The sentence's id, to append to `aria-describedby`.
    pub described_by: String,
    pub invalid: Attributes,
}

/// The state of field `field` when `problem` is the form's problem.
pub fn field_state(problem: Option<&Problem>, field: &str, lang: Lang) -> FieldState {
    match problem.filter(|problem| problem.field() == field) {
        Some(problem) => FieldState {
            message: html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", field, problem.message(lang)),
            described_by: format!(" {field}-error"),
            invalid: attributes!(" aria-invalid=\"true\""),
        },
        None => FieldState { message: Html::new(), described_by: String::new(), invalid: Attributes::new() },
    }
}

/// The files of a ticket or message: photos as thumbnails that open the
/// photo, PDFs as download links. `up` leads from the page to the app's
/// mount point (`../` on a ticket's page).
pub fn files(t: &Texts, files: &[File], up: &str) -> Html {
    let items: Html = files
        .iter()
        .filter_map(|file| {
            let href = file_href(up, &file.link)?;
            Some(if file.is_image() {
                let alt = fill(t.photo, &[("name", &file.name)]);
                html!("<li><a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a></li>\n", href, href, alt)
            } else {
                let label = fill(t.pdf, &[("name", &file.name)]);
                html!("<li><a href=\"{}\" download>{}</a></li>\n", href, label)
            })
        })
        .collect();
    if items.is_empty() {
        return Html::new();
    }
    html!("<ul class=\"files\" aria-label=\"{}\">\n{}</ul>\n", t.files, items)
}

/// The address of a file's download from a page `up` below the mount
/// point; `None` for a link that is not a plain path below the app.
pub fn file_href(up: &str, link: &str) -> Option<String> {
    let path = link.strip_prefix('/')?;
    let plain = !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|segment| segment != ".." && segment != ".")
        && !path.contains(['\\', ':', '?', '#'])
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    plain.then(|| format!("{up}{path}"))
}

/// `<option>`s for every state, `selected` marked, `skip` left out.
pub fn state_options(t: &Texts, selected: Option<State>, skip: Option<State>) -> Html {
    State::ALL
        .into_iter()
        .filter(|state| Some(*state) != skip)
        .map(|state| option(state.code(), t.state(state), selected == Some(state)))
        .collect()
}

/// One `<option>`.
pub fn option(value: &str, label: &str, selected: bool) -> Html {
    let selected = if selected { attributes!(" selected") } else { Attributes::new() };
    html!("<option value=\"{}\"{}>{}</option>", value, selected, label)
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::time::Timestamp;

    use super::*;
    use crate::texts;

    fn file(name: &str, media_type: &str, link: &str) -> File {
        File {
            id: "f1".into(),
            collection: "tickets".into(),
            document: "t1".into(),
            owner: "anna".into(),
            name: name.into(),
            media_type: media_type.into(),
            size: 10,
            created_at: Timestamp::from_millis(0),
            link: link.into(),
        }
    }

    #[test]
    fn photos_are_thumbnails_and_pdfs_downloads_relative_to_the_page() {
        let t = texts::of(Lang::En);
        let html = files(
            t,
            &[file("tap <1>.jpg", "image/jpeg", "/.files/f1"), file("offer.pdf", "application/pdf", "/.files/f2")],
            "../",
        );
        let html = html.as_str();
        assert!(
            html.contains("<a href=\"../.files/f1\"><img src=\"../.files/f1\" alt=\"Photo: tap &lt;1&gt;.jpg\"></a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"../.files/f2\" download>offer.pdf (PDF)</a>"), "{html}");
        assert_eq!(files(t, &[], "").as_str(), "");
    }

    #[test]
    fn only_plain_paths_below_the_app_become_links() {
        assert_eq!(file_href("", "/.files/abc").as_deref(), Some(".files/abc"));
        for bad in ["//evil.example/x", "https://evil.example/x", "/../admin", "/.files/a b", "", "/", "/x?y"] {
            assert_eq!(file_href("../", bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod pages;
