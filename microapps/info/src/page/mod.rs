//! Info A–Z's pages in the portal's frame. Every value goes through
//! `html!`, which escapes it; the markup uses the portal's classes only,
//! works without script, and ties every problem to its field. Links are
//! relative to the app's root ([`Asking::root`](crate::Asking)), so they
//! work wherever the app is mounted.

pub mod entry;
pub mod form;
pub mod index;

#[cfg(test)]
mod tests;

use courtyard_sdk::files::File;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use crate::announce::Announced;
use crate::texts::Texts;
use crate::validate::Problem;
use crate::views::EntryView;

/// What an entry's page says about the form just posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flash {
    pub announced: Announced,
    /// How many files of the last post the host refused.
    pub unattached: usize,
}

impl Default for Flash {
    fn default() -> Flash {
        Flash { announced: Announced::NotAsked, unattached: 0 }
    }
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
    match problem.filter(|problem| problem.field() == field && **problem != Problem::Changed) {
        Some(problem) => FieldState {
            message: html!("<span class=\"error-text\" id=\"{}-error\">{}</span>\n", field, problem.message(lang)),
            described_by: format!(" {field}-error"),
            invalid: attributes!(" aria-invalid=\"true\""),
        },
        None => FieldState { message: Html::new(), described_by: String::new(), invalid: Attributes::new() },
    }
}

/// The text of an entry: a paragraph for each run of lines between blank
/// lines, with its line breaks kept (`body`). Text stays text: nothing in
/// it becomes a link or markup.
pub fn paragraphs(body: &str) -> Html {
    body.split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| html!("<p class=\"body\">{}</p>\n", paragraph))
        .collect()
}

/// An entry in a list: its title, leading to it, and what and when.
pub fn entry_item(root: &str, entry: &EntryView) -> Html {
    let when = entry.when();
    let meta =
        if when.is_empty() { Html::text(&entry.category_label) } else { html!("{} · {}", entry.category_label, when) };
    html!(
        "<li class=\"card\">\n<a href=\"{}entries/{}\">{}</a>\n<p class=\"meta\">{}</p>\n</li>\n",
        root,
        entry.id,
        entry.title,
        meta,
    )
}

/// The files of an entry: photos as thumbnails that open the photo, PDFs
/// as download links. `root` leads from the page to the app's mount point.
pub fn files(t: &Texts, files: &[File], root: &str) -> Html {
    let items: Html = files
        .iter()
        .filter_map(|file| {
            let href = file_href(root, &file.link)?;
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
    html!("<h2 id=\"files\">{}</h2>\n<ul class=\"files\" aria-labelledby=\"files\">\n{}</ul>\n", t.files, items)
}

/// The address of a file's download from a page; `None` for a link that
/// is not a plain path below the app.
pub fn file_href(root: &str, link: &str) -> Option<String> {
    let path = link.strip_prefix('/')?;
    let plain = !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|segment| segment != ".." && segment != ".")
        && !path.contains(['?', '#', '\\', ':']);
    plain.then(|| format!("{root}{path}"))
}

/// ` aria-describedby="…"` for hints and error sentences, if there are any.
pub fn described(ids: &str) -> Attributes {
    if ids.trim().is_empty() { Attributes::new() } else { attributes!(" aria-describedby=\"{}\"", ids.trim()) }
}
