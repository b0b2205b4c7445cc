//! The directory's pages in the portal's frame. Every value goes through
//! `html!`, which escapes it; the markup uses the portal's classes only,
//! works without script, and ties every problem to its field. Links are
//! relative to the app's root ([`Asking::root`]), so they work wherever
//! the app is mounted.

pub mod browse;
mod form;
pub mod suggest;

use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::Lang;
use courtyard_sdk::{attributes, html};

pub use form::FormPage;
pub use suggest::SuggestionPage;

use crate::details::Problem;
use crate::entries::Filters;
use crate::texts::Texts;
use crate::views::EntryView;

/// A page of the list, as the home page shows it.
pub struct Listing<'a> {
    pub filters: &'a Filters,
    /// `None` when the entries could not be read.
    pub items: Option<&'a [EntryView]>,
    pub next: Option<&'a str>,
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
    /// ` aria-describedby="…"` with the hint (if any) and the sentence.
    pub described: Attributes,
    pub invalid: Attributes,
}

/// The state of field `field`, with the hint `hint` (an element id, or
/// empty), when `problem` is the form's problem.
pub fn field_state(problem: Option<&Problem>, field: &str, hint: &str, lang: Lang) -> FieldState {
    let problem = problem.filter(|problem| problem.field() == field);
    let error_id = format!("{field}-error");
    let ids = match (hint.is_empty(), problem.is_some()) {
        (true, false) => String::new(),
        (false, false) => hint.to_owned(),
        (true, true) => error_id.clone(),
        (false, true) => format!("{hint} {error_id}"),
    };
    let described = if ids.is_empty() { Attributes::new() } else { attributes!(" aria-describedby=\"{}\"", ids) };
    match problem {
        Some(problem) => FieldState {
            message: html!("<span class=\"error-text\" id=\"{}\">{}</span>\n", error_id, problem.message(lang)),
            described,
            invalid: attributes!(" aria-invalid=\"true\""),
        },
        None => FieldState { message: Html::new(), described, invalid: Attributes::new() },
    }
}

/// One `<option>`.
pub fn option(value: &str, label: &str, selected: bool) -> Html {
    let selected = if selected { attributes!(" selected") } else { Attributes::new() };
    html!("<option value=\"{}\"{}>{}</option>", value, selected, label)
}

/// The address of a file's download from a page `root` below the mount
/// point; `None` for a link that is not a plain path below the app.
pub fn file_href(root: &str, link: &str) -> Option<String> {
    let path = link.strip_prefix('/')?;
    let plain = !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(|segment| segment != ".." && segment != ".")
        && !path.contains(['\\', ':', '?', '#'])
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    plain.then(|| format!("{root}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_tied_to_its_field_and_its_hint() {
        let state = field_state(Some(&Problem::Website), "website", "website-hint", Lang::En);
        assert_eq!(state.described.as_str(), " aria-describedby=\"website-hint website-error\"");
        assert_eq!(state.invalid.as_str(), " aria-invalid=\"true\"");
        assert!(state.message.as_str().contains("id=\"website-error\""));
        let other = field_state(Some(&Problem::Website), "name", "", Lang::En);
        assert!(other.described.is_empty() && other.invalid.is_empty() && other.message.is_empty());
    }

    #[test]
    fn only_plain_paths_below_the_app_become_links() {
        assert_eq!(file_href("../", "/.files/abc").as_deref(), Some("../.files/abc"));
        for bad in ["//evil.example/x", "https://evil.example/x", "/../admin", "/.files/a b", "", "/", "/x?y"] {
            assert_eq!(file_href("../", bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod pages;
