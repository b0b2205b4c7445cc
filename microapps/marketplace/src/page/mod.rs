//! The marketplace's pages in the portal's frame. Every value goes through
//! `html!`, which escapes it; the markup uses the portal's classes only,
//! works without script, and ties every problem to its field.
//!
//! Pages live at three depths below the app's mount point, and every link
//! is relative to the page it is on: `/`, `/new` and `/mine` (links go
//! down, `listings/{id}`), `/listings/{id}` (up with `../`) and
//! `/listings/{id}/edit` (up with `../../`). The links to the neighbors
//! app and to the host's report page are absolute paths of the platform.

pub mod browse;
pub mod form;
pub mod listing;
pub mod mine;

use courtyard_sdk::files::File;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use crate::model::Kind;
use crate::texts::{self, Texts};
use crate::validate::{Problem, format_amount};
use crate::views::ListingView;

/// The price of a listing for people: `CHF 80.00`, "Free" for something
/// given away, nothing where none was named.
pub fn price(t: &Texts, view: &ListingView) -> Option<String> {
    match (view.price_cents, view.kind) {
        (Some(cents), _) => Some(format!("{} {}", view.currency, format_amount(cents))),
        (None, Kind::Free) => Some(t.free.to_owned()),
        (None, _) => None,
    }
}

/// Kind · price · state, the small print of a listing.
pub fn summary(t: &Texts, view: &ListingView) -> String {
    let mut parts = vec![t.kinds.of(view.kind).to_owned()];
    parts.extend(price(t, view));
    parts.push(t.state(view.kind, view.state).to_owned());
    if view.expired {
        parts.push(t.expired.to_owned());
    }
    parts.join(" · ")
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

/// Photos as thumbnails, each linking to the photo itself. `up` leads from
/// the page to the app's mount point (`../` on a listing's page).
pub fn photos(lang: Lang, title: &str, photos: &[File], up: &str) -> Html {
    let t = texts::of(lang);
    let items: Html = photos
        .iter()
        .filter(|file| file.is_image())
        .enumerate()
        .filter_map(|(at, file)| {
            let href = file_href(up, &file.link)?;
            let alt = fill(t.photo_alt, &[("n", &(at + 1)), ("title", &title)]);
            Some(html!("<li><a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a></li>\n", href, href, alt))
        })
        .collect();
    if items.is_empty() {
        return Html::new();
    }
    html!("<ul class=\"files\" aria-label=\"{}\">\n{}</ul>\n", t.photos, items)
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

/// ` aria-describedby="…"` for an error sentence, if there is one.
pub fn described(ids: &str) -> Attributes {
    if ids.trim().is_empty() { Attributes::new() } else { attributes!(" aria-describedby=\"{}\"", ids.trim()) }
}

/// One `<option>`.
pub fn option(value: &str, label: &str, selected: bool) -> Html {
    let selected = if selected { attributes!(" selected") } else { Attributes::new() };
    html!("<option value=\"{}\"{}>{}</option>", value, selected, label)
}

/// `<option>`s for every kind, `selected` marked.
pub fn kind_options(t: &Texts, selected: Option<Kind>) -> Html {
    Kind::ALL.into_iter().map(|kind| option(kind.code(), t.kinds.of(kind), selected == Some(kind))).collect()
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::time::Timestamp;

    use super::*;

    pub fn file(name: &str, media_type: &str, link: &str) -> File {
        File {
            id: "f1".into(),
            collection: "listings".into(),
            document: "l1".into(),
            owner: "anna".into(),
            name: name.into(),
            media_type: media_type.into(),
            size: 10,
            created_at: Timestamp::from_millis(0),
            link: link.into(),
        }
    }

    #[test]
    fn photos_are_thumbnails_linking_to_the_photo_relative_to_the_page() {
        let photos = [file("a.png", "image/png", "/.files/f1"), file("b.jpg", "image/jpeg", "/.files/f2")];
        let html = super::photos(Lang::En, "Bike <red>", &photos, "../");
        let html = html.as_str();
        assert!(
            html.contains(
                "<a href=\"../.files/f1\"><img src=\"../.files/f1\" alt=\"Photo 1 of Bike &lt;red&gt;\"></a>"
            ),
            "{html}"
        );
        assert!(html.contains("alt=\"Photo 2 of Bike &lt;red&gt;\""), "{html}");
        assert!(html.starts_with("<ul class=\"files\" aria-label=\"Photos\">"), "{html}");
        assert_eq!(super::photos(Lang::De, "x", &[], "").as_str(), "");
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
