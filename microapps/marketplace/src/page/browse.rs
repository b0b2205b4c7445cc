//! The market: the listings on offer, newest first, a filter by kind, and
//! the links to publish a listing and to one's own.

use courtyard_sdk::files::File;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::{Lang, fill};

use super::{file_href, kind_options, option, summary};
use crate::browse::Filters;
use crate::texts::{self, Texts};
use crate::views::ListingView;

/// The page with `cards` (`None` when they could not be read), each with
/// its first photo, and a link to the next page.
pub fn render(
    lang: Lang,
    filters: &Filters,
    cards: Option<&[(ListingView, Option<File>)]>,
    next: Option<&str>,
) -> Html {
    let t = texts::of(lang);
    let mut content = html!(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n\
         <p class=\"actions\"><a class=\"button\" href=\"new\">{}</a> <a class=\"button secondary\" href=\"mine\">{}</a></p>\n",
        t.heading,
        t.lead,
        t.new_listing,
        t.my_listings,
    );
    let kinds: Html =
        [option("any", t.any_kind, filters.kind.is_none()), kind_options(t, filters.kind)].into_iter().collect();
    content.push(html!(
        "<form class=\"card\" method=\"get\" action=\"./\" aria-label=\"{}\">\n\
         <label for=\"filter-kind\">{}</label>\n<select id=\"filter-kind\" name=\"kind\">{}</select>\n\
         <button>{}</button>\n</form>\n",
        t.filter,
        t.kind,
        kinds,
        t.show,
    ));
    content.push(html!("<h2 id=\"listings\">{}</h2>\n", t.listings));
    content.push(match cards {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some([]) if filters.after.is_none() => html!("<p class=\"muted\">{}</p>\n", t.no_listings),
        Some(cards) => {
            let items: Html = cards.iter().map(|(view, photo)| card(t, view, photo.as_ref())).collect();
            html!("<ul class=\"cards\" aria-labelledby=\"listings\">\n{}</ul>\n", items)
        }
    });
    content.push(pager(t, filters, next));
    Frame::new(t.app, lang).page(t.heading, content)
}

/// One listing on the market.
fn card(t: &Texts, view: &ListingView, photo: Option<&File>) -> Html {
    let thumbnail = match photo.and_then(|photo| file_href("", &photo.link)) {
        Some(href) => {
            let alt = fill(t.photo_alt, &[("n", &1), ("title", &view.title)]);
            html!("<ul class=\"files\"><li><img src=\"{}\" alt=\"{}\"></li></ul>\n", href, alt)
        }
        None => Html::new(),
    };
    html!(
        "<li class=\"card\">\n<h3><a href=\"listings/{}\">{}</a></h3>\n{}<p class=\"meta\">{}</p>\n</li>\n",
        view.id,
        view.title,
        thumbnail,
        summary(t, view),
    )
}

/// Links to older listings and back to the latest, keeping the kind.
fn pager(t: &Texts, filters: &Filters, next: Option<&str>) -> Html {
    let newest = if filters.after.is_some() {
        html!("<a href=\"?{}\">{}</a>", filters.query_string(None), t.newest)
    } else {
        Html::new()
    };
    let older = match next {
        Some(cursor) => html!("<a href=\"?{}\" rel=\"next\">{}</a>", filters.query_string(Some(cursor)), t.older),
        None => Html::new(),
    };
    if newest.is_empty() && older.is_empty() {
        return Html::new();
    }
    html!("<nav class=\"pager\" aria-label=\"{}\">{}{}</nav>\n", t.listings, newest, older)
}
