//! The home page (search, categories, the entries) and an entry's page.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Response, html};

use super::{Listing, file_href, option};
use crate::Asking;
use crate::category::Category;
use crate::entries::Filters;
use crate::store::MAX_QUERY;
use crate::texts::{self, Texts};
use crate::views::EntryView;

/// The home page: the search form, the list and its pager.
pub fn home(asking: &Asking, listing: &Listing) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t.heading, t.lead);
    content.push(if asking.caller.staff {
        html!(
            "<p class=\"actions\"><a class=\"button\" href=\"{}new\">{}</a> <a href=\"{}suggestions\">{}</a></p>\n",
            root,
            t.new_entry,
            root,
            t.queue_link,
        )
    } else {
        html!("<p><a href=\"{}suggestions\">{}</a></p>\n", root, t.suggest_link)
    });
    content.push(search_form(asking, t, listing.filters));
    content.push(html!("<h2 id=\"entries\">{}</h2>\n", t.entries));
    let filtered = listing.filters.category.is_some() || listing.filters.search.is_some();
    content.push(match listing.items {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some([]) => html!("<p class=\"muted\">{}</p>\n", if filtered { t.no_matches } else { t.no_entries }),
        Some(items) => {
            let cards: Html = items.iter().map(|view| card(asking, t, view)).collect();
            html!("<ul class=\"cards\" aria-labelledby=\"entries\">\n{}</ul>\n", cards)
        }
    });
    content.push(pager(asking, t, listing));
    Frame::new(t.app, asking.lang).page(t.heading, content)
}

fn search_form(asking: &Asking, t: &Texts, filters: &Filters) -> Html {
    let mut categories = option("", t.all_categories, filters.category.is_none());
    for category in Category::ALL {
        categories.push(option(category.code(), category.label(asking.lang), filters.category == Some(category)));
    }
    html!(
        "<form class=\"card\" method=\"get\" action=\"{}\" role=\"search\" aria-label=\"{}\">\n\
         <label for=\"q\">{}</label>\n<span class=\"hint\" id=\"q-hint\">{}</span>\n\
         <input type=\"search\" id=\"q\" name=\"q\" maxlength=\"{}\" aria-describedby=\"q-hint\" value=\"{}\">\n\
         <label for=\"filter-category\">{}</label>\n<select id=\"filter-category\" name=\"category\">{}</select>\n\
         <button>{}</button>\n</form>\n",
        asking.root,
        t.search,
        t.search,
        t.search_hint,
        MAX_QUERY,
        filters.search.as_deref().unwrap_or_default(),
        t.category,
        categories,
        t.show,
    )
}

fn card(asking: &Asking, t: &Texts, view: &EntryView) -> Html {
    let mut meta = Html::text(view.category_label);
    if !view.details.city.is_empty() {
        meta.push(html!(" · {}", view.details.city));
    }
    if let Some(open) = view.open_now {
        meta.push(html!(" · {}", if open { t.open_now } else { t.closed_now }));
    }
    let offer = if view.details.offer.is_empty() {
        Html::new()
    } else {
        html!("<p class=\"body\">{}</p>\n", view.details.offer)
    };
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}entries/{}\">{}</a></h3>\n<p class=\"meta\">{}</p>\n{}</li>\n",
        asking.root,
        view.id,
        view.details.name,
        meta,
        offer,
    )
}

/// Links to further entries and back to the start, keeping the filters.
fn pager(asking: &Asking, t: &Texts, listing: &Listing) -> Html {
    let filters = listing.filters;
    let query = |after: Option<&str>| {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(category) = filters.category {
            pairs.push(("category", category.code()));
        }
        if let Some(search) = &filters.search {
            pairs.push(("q", search));
        }
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    };
    let first = if filters.after.is_some() {
        html!("<a href=\"{}?{}\">{}</a>", asking.root, query(None), t.first)
    } else {
        Html::new()
    };
    let more = match listing.next {
        Some(cursor) => html!("<a href=\"{}?{}\" rel=\"next\">{}</a>", asking.root, query(Some(cursor)), t.more),
        None => Html::new(),
    };
    if first.is_empty() && more.is_empty() {
        return Html::new();
    }
    html!("<nav class=\"pager\" aria-label=\"{}\">{}{}</nav>\n", t.entries, first, more)
}

/// An entry's page: its details, its hours, and staff's buttons.
pub fn entry(asking: &Asking, view: &EntryView) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let d = &view.details;
    let mut content = html!("<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n", root, t.all_entries, d.name);
    if let Some(href) = view.photo.as_ref().and_then(|photo| file_href(root, &photo.link)) {
        let alt = fill(t.logo_alt, &[("name", &d.name)]);
        content.push(html!("<p><img src=\"{}\" alt=\"{}\"></p>\n", href, alt));
    }
    content.push(html!("<p class=\"meta\">{}</p>\n", view.category_label));
    if let Some(open) = view.open_now {
        content.push(html!("<p class=\"note\">{}</p>\n", if open { t.open_now } else { t.closed_now }));
    }
    let mut facts = Html::new();
    let place = [d.postal_code.as_str(), d.city.as_str()].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>();
    if !d.street.is_empty() || !place.is_empty() {
        let lines = if d.street.is_empty() { Html::new() } else { html!("{}<br>", d.street) };
        facts.push(html!("<dt>{}</dt><dd>{}{}</dd>\n", t.address, lines, place.join(" ")));
    }
    if !d.phone.is_empty() {
        let dial: String = d.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        facts.push(html!("<dt>{}</dt><dd><a href=\"tel:{}\">{}</a></dd>\n", t.phone, dial, d.phone));
    }
    if !d.email.is_empty() {
        facts.push(html!("<dt>{}</dt><dd><a href=\"mailto:{}\">{}</a></dd>\n", t.email, d.email, d.email));
    }
    if !d.website.is_empty() {
        facts.push(html!(
            "<dt>{}</dt><dd><a href=\"{}\" rel=\"noopener noreferrer\">{}</a></dd>\n",
            t.website,
            d.website,
            d.website
        ));
    }
    if !facts.is_empty() {
        content.push(html!("<dl class=\"facts\">\n{}</dl>\n", facts));
    }
    if !d.offer.is_empty() {
        content.push(html!("<h2 id=\"offer\">{}</h2>\n<p class=\"body\">{}</p>\n", t.offer, d.offer));
    }
    content.push(hours(t, view));
    if asking.caller.staff {
        content.push(html!(
            "<p class=\"actions\"><a class=\"button\" href=\"{}entries/{}/edit\">{}</a></p>\n\
             <form class=\"inline\" method=\"post\" action=\"{}entries/{}/delete\">\
             <button class=\"danger\">{}</button></form>\n",
            root,
            view.id,
            t.edit,
            root,
            view.id,
            t.delete,
        ));
    }
    Frame::new(t.app, asking.lang).page(&d.name, content)
}

/// The opening hours, day by day, and the time zone they are in.
fn hours(t: &Texts, view: &EntryView) -> Html {
    let heading = html!("<h2 id=\"hours\">{}</h2>\n", t.hours);
    let hours = &view.details.hours;
    if hours.is_empty() {
        return html!("{}<p class=\"muted\">{}</p>\n", heading, t.no_hours);
    }
    let days: Html = hours
        .days()
        .iter()
        .enumerate()
        .map(|(at, text)| {
            html!("<dt>{}</dt><dd>{}</dd>\n", t.weekdays[at], if text.is_empty() { t.closed_day } else { text })
        })
        .collect();
    let zone = fill(t.zone_note, &[("zone", &view.details.time_zone)]);
    html!("{}<dl class=\"facts\" aria-labelledby=\"hours\">\n{}</dl>\n<p class=\"muted\">{}</p>\n", heading, days, zone)
}

/// The page for an entry the caller cannot read: `404`.
pub fn gone(asking: &Asking) -> Response {
    let t = texts::of(asking.lang);
    let content = html!("<h1>{}</h1>\n<p><a href=\"{}\">{}</a></p>\n", t.gone, asking.root, t.all_entries);
    Response::html(404, Frame::new(t.app, asking.lang).page(t.gone, content))
}
