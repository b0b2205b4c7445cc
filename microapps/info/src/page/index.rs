//! The pages that list entries: the A–Z index (the app's home), the
//! results of a category or a search, and the upcoming dates.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;

use super::entry_item;
use crate::Asking;
use crate::alphabet::{self, OTHER};
use crate::model::Category;
use crate::store::MAX_ENTRIES;
use crate::texts::{self, Texts};
use crate::validate::MAX_SEARCH;
use crate::views::EntryView;

/// The home page: search, categories, the next dates and the index.
/// `entries` is `None` when they could not be read.
pub fn home(asking: &Asking, entries: Option<(&[EntryView], bool)>, next: &[EntryView], deleted: bool) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t.heading, t.lead);
    if deleted {
        content.push(html!("<p class=\"note done\" role=\"status\">{}</p>\n", t.deleted));
    }
    if asking.caller.staff {
        content.push(html!("<p><a class=\"button\" href=\"{}entries/new\">{}</a></p>\n", root, t.new_entry));
    }
    content.push(search_form(t, root, "", None));
    content.push(categories(t, root));
    let upcoming = if next.is_empty() {
        html!("<p class=\"muted\">{}</p>\n", t.no_upcoming)
    } else {
        let items: Html = next.iter().map(|entry| entry_item(root, entry)).collect();
        html!("<ul class=\"cards\" aria-labelledby=\"upcoming\">\n{}</ul>\n", items)
    };
    content.push(html!(
        "<h2 id=\"upcoming\">{}</h2>\n{}<p><a href=\"{}upcoming\">{}</a></p>\n",
        t.upcoming,
        upcoming,
        root,
        t.all_upcoming
    ));
    content.push(html!("<h2 id=\"index\">{}</h2>\n", t.index));
    content.push(match entries {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some(([], _)) => html!("<p class=\"muted\">{}</p>\n", t.no_entries),
        Some((entries, truncated)) => html!("{}{}", a_to_z(t, root, entries), truncation(t, truncated)),
    });
    Frame::new(t.app, asking.lang).page(t.heading, content)
}

/// A category's entries, or a search's, A to Z.
pub fn results(
    asking: &Asking,
    search: &str,
    category: Option<Category>,
    entries: &[EntryView],
    truncated: bool,
) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let heading = match (search.is_empty(), category) {
        (false, _) => fill(t.results_for, &[("query", &search)]),
        (true, Some(category)) => t.category(category).to_owned(),
        (true, None) => t.index.to_owned(),
    };
    let mut content = html!("<h1>{}</h1>\n", heading);
    content.push(search_form(t, root, search, category));
    let count = fill(t.found, &[("count", &entries.len())]);
    content.push(html!("<p class=\"muted\" role=\"status\">{}</p>\n", count));
    if entries.is_empty() {
        content.push(html!("<p>{}</p>\n", t.no_results));
    } else {
        content.push(html!("<h2 id=\"index\">{}</h2>\n{}", t.index, a_to_z(t, root, entries)));
    }
    content.push(truncation(t, truncated));
    if search.is_empty() {
        content.push(categories(t, root));
    }
    content.push(html!("<p><a href=\"{}\">{}</a></p>\n", root, t.back));
    Frame::new(t.app, asking.lang).page(&heading, content)
}

/// Dated entries from today on, soonest first.
pub fn upcoming(asking: &Asking, entries: &[EntryView]) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let list = if entries.is_empty() {
        html!("<p class=\"muted\">{}</p>\n", t.no_upcoming)
    } else {
        let items: Html = entries.iter().map(|entry| entry_item(root, entry)).collect();
        html!("<ol class=\"cards\" aria-label=\"{}\">\n{}</ol>\n", t.upcoming, items)
    };
    let content = html!(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n{}<p><a href=\"{}\">{}</a></p>\n",
        t.upcoming,
        t.upcoming_lead,
        list,
        root,
        t.back
    );
    Frame::new(t.app, asking.lang).page(t.upcoming, content)
}

/// The entries grouped by letter, with links to each letter.
fn a_to_z(t: &Texts, root: &str, entries: &[EntryView]) -> Html {
    let groups = alphabet::group(entries.iter().collect(), |entry| entry.title.as_str());
    let jumps: Html =
        groups.iter().map(|(letter, _)| html!("<a href=\"#letter-{}\">{}</a>\n", anchor(*letter), letter)).collect();
    let sections: Html = groups
        .iter()
        .map(|(letter, members)| {
            let items: Html = members.iter().map(|entry| entry_item(root, entry)).collect();
            let id = anchor(*letter);
            html!(
                "<h3 id=\"letter-{}\">{}</h3>\n<ul class=\"cards\" aria-labelledby=\"letter-{}\">\n{}</ul>\n",
                id,
                letter,
                id,
                items
            )
        })
        .collect();
    html!("<nav aria-label=\"{}\">\n<p class=\"actions\">\n{}</p>\n</nav>\n{}", t.letters, jumps, sections)
}

/// The id part of a letter's heading: the letter, or `other` for `#`.
fn anchor(letter: char) -> String {
    if letter == OTHER { "other".to_owned() } else { letter.to_string() }
}

/// The search: a word, and on a category's page that category.
fn search_form(t: &Texts, root: &str, typed: &str, category: Option<Category>) -> Html {
    let within = match category {
        Some(category) => html!("<input type=\"hidden\" name=\"category\" value=\"{}\">\n", category.key()),
        None => Html::new(),
    };
    html!(
        "<form class=\"card\" method=\"get\" action=\"{}entries\" role=\"search\" aria-label=\"{}\">\n\
         <label for=\"q\">{}</label>\n<span class=\"hint\" id=\"q-hint\">{}</span>\n\
         <input id=\"q\" name=\"q\" maxlength=\"{}\" enterkeyhint=\"search\" aria-describedby=\"q-hint\" value=\"{}\">\n\
         {}<button>{}</button>\n</form>\n",
        root,
        t.search,
        t.search,
        t.search_hint,
        MAX_SEARCH,
        typed,
        within,
        t.search_button,
    )
}

/// Links to each category's entries.
fn categories(t: &Texts, root: &str) -> Html {
    let links: Html = Category::ALL
        .iter()
        .map(|category| {
            let query = serde_urlencoded::to_string([("category", category.key())]).unwrap_or_default();
            html!("<li><a href=\"{}entries?{}\">{}</a></li>\n", root, query, t.category(*category))
        })
        .collect();
    html!("<h2 id=\"categories\">{}</h2>\n<ul aria-labelledby=\"categories\">\n{}</ul>\n", t.categories, links)
}

/// The sentence that not everything was looked through, when it was not.
fn truncation(t: &Texts, truncated: bool) -> Html {
    if truncated {
        html!("<p class=\"note\">{}</p>\n", fill(t.truncated, &[("max", &MAX_ENTRIES)]))
    } else {
        Html::new()
    }
}
