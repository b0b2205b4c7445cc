//! A listing's page: its facts, description and photos, and what the
//! reader may do: the seller changes its state, edits, renews and deletes
//! it; a neighbour contacts the seller or reports the listing. The page
//! lives at `/listings/{id}`: forms post to `{id}/…`, photos and the
//! market are one level up.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{Response, html};

use super::{photos, price};
use crate::model::State;
use crate::texts::{self, Texts};
use crate::validate::MAX_PHOTO_BYTES;
use crate::views::ListingView;

/// The whole page of `view`; `unattached` photos of the last post were
/// refused.
pub fn render(lang: Lang, view: &ListingView, unattached: usize) -> Html {
    let t = texts::of(lang);
    let mut content = html!("<p><a href=\"../\">{}</a></p>\n<h1>{}</h1>\n", t.all_listings, view.title);
    if unattached > 0 {
        let sentence = fill(t.unattached, &[("count", &unattached), ("mib", &(MAX_PHOTO_BYTES >> 20))]);
        content.push(html!("<p class=\"note error\" role=\"alert\">{}</p>\n", sentence));
    }
    if view.mine && view.expired {
        content.push(html!("<p class=\"note\">{}</p>\n", t.expired_note));
    }
    content.push(facts(t, lang, view));
    if !view.description.is_empty() {
        content.push(html!("<p class=\"body\">{}</p>\n", view.description));
    }
    content.push(photos(lang, &view.title, view.photos.as_deref().unwrap_or_default(), "../"));
    content.push(if view.mine { seller_actions(t, view) } else { neighbour_actions(t, view) });
    Frame::new(t.app, lang).page(&view.title, content)
}

/// The page for a listing the caller cannot read: `404`.
pub fn missing(lang: Lang) -> Response {
    let t = texts::of(lang);
    let content = html!("<h1>{}</h1>\n<p><a href=\"../\">{}</a></p>\n", t.missing, t.all_listings);
    Response::html(404, Frame::new(t.app, lang).page(t.missing, content))
}

fn facts(t: &Texts, lang: Lang, view: &ListingView) -> Html {
    let seller = match (&view.seller_name, view.mine) {
        (_, true) => t.you.to_owned(),
        (Some(name), false) => name.clone(),
        (None, false) => t.a_neighbour.to_owned(),
    };
    let price = match price(t, view) {
        Some(price) => html!("<dt>{}</dt><dd>{}</dd>\n", t.price, price),
        None => Html::new(),
    };
    let expiry = if view.expired { t.expired } else { t.expires };
    html!(
        "<dl class=\"facts\">\n<dt>{}</dt><dd>{}</dd>\n{}<dt>{}</dt><dd>{}</dd>\n\
         <dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        t.kind,
        t.kinds.of(view.kind),
        price,
        t.state,
        t.state(view.kind, view.state),
        t.from,
        seller,
        t.published,
        view.published_at.html(lang),
        expiry,
        view.expires_at.html(lang),
    )
}

/// The seller's buttons: the states the listing may move to, edit, renew
/// and delete.
fn seller_actions(t: &Texts, view: &ListingView) -> Html {
    let id = &view.id;
    let states: Html = view
        .state
        .next()
        .iter()
        .map(|state| {
            let class = if *state == State::Gone { "" } else { "secondary" };
            html!(
                "<form class=\"inline\" method=\"post\" action=\"{}/state\">\
                 <input type=\"hidden\" name=\"state\" value=\"{}\"><button class=\"{}\">{}</button></form>\n",
                id,
                state.code(),
                class,
                t.mark(view.kind, *state),
            )
        })
        .collect();
    html!(
        "<section class=\"card\" aria-labelledby=\"yours\">\n<h2 id=\"yours\">{}</h2>\n{}\
         <p><a href=\"{}/edit\">{}</a></p>\n\
         <form class=\"inline\" method=\"post\" action=\"{}/renew\"><button class=\"secondary\">{}</button></form>\n\
         <form class=\"inline\" method=\"post\" action=\"{}/delete\"><button class=\"danger\">{}</button></form>\n\
         </section>\n",
        t.your_listing,
        states,
        id,
        t.edit,
        id,
        t.renew,
        id,
        t.delete,
    )
}

/// A neighbour's links: a direct message to the seller, and the report.
fn neighbour_actions(t: &Texts, view: &ListingView) -> Html {
    let contact = match &view.contact {
        Some(href) if view.state != State::Gone => html!(
            "<p><a class=\"button contact\" href=\"{}\" aria-describedby=\"contact-hint\">{}</a></p>\n\
             <p class=\"hint\" id=\"contact-hint\">{}</p>\n",
            href,
            t.contact,
            t.contact_hint,
        ),
        _ => Html::new(),
    };
    let report = match &view.report {
        Some(href) => html!("<p><a class=\"report\" href=\"{}\">{}</a></p>\n", href, t.report),
        None => Html::new(),
    };
    html!("{}{}", contact, report)
}
