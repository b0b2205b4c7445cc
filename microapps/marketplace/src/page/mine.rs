//! "My listings": everything the caller published, expired and gone
//! listings too, each with what to do about it: renew an expired one,
//! delete any.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::Lang;

use super::summary;
use crate::texts::{self, Texts};
use crate::views::ListingView;

/// The page with `views` (`None` when they could not be read); `paged`
/// when this is not the first page, `next` the cursor of the one after.
pub fn render(lang: Lang, views: Option<&[ListingView]>, paged: bool, next: Option<&str>) -> Html {
    let t = texts::of(lang);
    let mut content = html!(
        "<p><a href=\"./\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n\
         <p><a class=\"button\" href=\"new\">{}</a></p>\n",
        t.all_listings,
        t.my_listings,
        t.mine_lead,
        t.new_listing,
    );
    content.push(match views {
        None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
        Some([]) if !paged => html!("<p class=\"muted\">{}</p>\n", t.mine_empty),
        Some(views) => {
            let items: Html = views.iter().map(|view| item(t, lang, view)).collect();
            html!("<ul class=\"cards\" aria-label=\"{}\">\n{}</ul>\n", t.my_listings, items)
        }
    });
    let newest = if paged { html!("<a href=\"mine\">{}</a>", t.newest) } else { Html::new() };
    let older = match next {
        Some(cursor) => html!("<a href=\"mine?after={}\" rel=\"next\">{}</a>", encode(cursor), t.older),
        None => Html::new(),
    };
    if !newest.is_empty() || !older.is_empty() {
        content.push(html!("<nav class=\"pager\" aria-label=\"{}\">{}{}</nav>\n", t.my_listings, newest, older));
    }
    Frame::new(t.app, lang).page(t.my_listings, content)
}

/// One of the caller's listings, with "renew" when it has expired and
/// "delete" always.
fn item(t: &Texts, lang: Lang, view: &ListingView) -> Html {
    let id = &view.id;
    let renew = if view.expired {
        html!(
            "<form class=\"inline\" method=\"post\" action=\"listings/{}/renew\"><button class=\"secondary\">{}</button></form>\n",
            id,
            t.renew,
        )
    } else {
        Html::new()
    };
    let until = if view.expired { t.expired } else { t.expires };
    html!(
        "<li class=\"card\">\n<h3><a href=\"listings/{}\">{}</a></h3>\n<p class=\"meta\">{} · {} {}</p>\n{}\
         <form class=\"inline\" method=\"post\" action=\"listings/{}/delete\"><button class=\"danger\">{}</button></form>\n</li>\n",
        id,
        view.title,
        summary(t, view),
        until,
        view.expires_at.html(lang),
        renew,
        id,
        t.delete,
    )
}

fn encode(cursor: &str) -> String {
    serde_urlencoded::to_string([("a", cursor)]).unwrap_or_default().trim_start_matches("a=").to_owned()
}
