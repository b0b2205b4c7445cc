//! The form to publish a listing (at `/new`, posting to `listings`) or to
//! change one (at `/listings/{id}/edit`, posting to `../{id}`), with the
//! problem and what was typed after a refusal.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::{Lang, fill};

use super::{described, field_state, kind_options, problem_summary};
use crate::model::{CURRENCY, Kind};
use crate::texts;
use crate::validate::{ListingForm, MAX_DESCRIPTION, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_TITLE, PHOTO_FIELD, Problem};

/// The form for a new listing (`editing` is `None`) or for listing
/// `editing`, filled with `typed`.
pub fn render(lang: Lang, editing: Option<&str>, typed: &ListingForm, problem: Option<&Problem>) -> Html {
    let t = texts::of(lang);
    let (heading, action, back, submit) = match editing {
        None => (t.new_heading, "listings".to_owned(), "./", t.publish),
        Some(id) => (t.edit_heading, format!("../{id}"), "../../", t.save),
    };
    let summary = problem.map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
    let [title, description, kind, price, photos] =
        ["title", "description", "kind", "price", PHOTO_FIELD].map(|field| field_state(problem, field, lang));
    let kinds = kind_options(t, Kind::parse(typed.kind.trim()));
    let content = html!(
        "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n{}\
         <form class=\"card\" method=\"post\" action=\"{}\" enctype=\"multipart/form-data\" aria-labelledby=\"form-heading\">\n\
         <h2 class=\"visually-hidden\" id=\"form-heading\">{}</h2>\n\
         <label for=\"kind\">{}</label>\n{}\
         <select id=\"kind\" name=\"kind\" required{}{}>{}</select>\n\
         <label for=\"title\">{}</label>\n<span class=\"hint\" id=\"title-hint\">{}</span>\n{}\
         <input id=\"title\" name=\"title\" maxlength=\"{}\" required aria-describedby=\"title-hint{}\"{} value=\"{}\">\n\
         <label for=\"description\">{}</label>\n<span class=\"hint\" id=\"description-hint\">{}</span>\n{}\
         <textarea id=\"description\" name=\"description\" rows=\"5\" maxlength=\"{}\" \
         aria-describedby=\"description-hint{}\"{}>{}</textarea>\n\
         <label for=\"price\">{}</label>\n<span class=\"hint\" id=\"price-hint\">{}</span>\n{}\
         <input id=\"price\" name=\"price\" inputmode=\"decimal\" autocomplete=\"off\" \
         aria-describedby=\"price-hint{}\"{} value=\"{}\">\n\
         <label for=\"photo\">{}</label>\n<span class=\"hint\" id=\"photo-hint\">{}</span>\n{}\
         <input type=\"file\" id=\"photo\" name=\"photo\" multiple accept=\"image/jpeg,image/png\" \
         aria-describedby=\"photo-hint{}\"{}>\n\
         <button>{}</button>\n</form>\n",
        back,
        t.all_listings,
        heading,
        summary,
        action,
        heading,
        t.kind,
        kind.message,
        described(&kind.described_by),
        kind.invalid,
        kinds,
        t.title,
        fill(t.title_hint, &[("max", &MAX_TITLE)]),
        title.message,
        MAX_TITLE,
        title.described_by,
        title.invalid,
        typed.title,
        t.description,
        fill(t.description_hint, &[("max", &MAX_DESCRIPTION)]),
        description.message,
        MAX_DESCRIPTION,
        description.described_by,
        description.invalid,
        typed.description,
        fill(t.price_label, &[("currency", &CURRENCY)]),
        t.price_hint,
        price.message,
        price.described_by,
        price.invalid,
        typed.price,
        t.photos,
        fill(t.photos_hint, &[("max", &MAX_PHOTOS), ("mib", &(MAX_PHOTO_BYTES >> 20))]),
        photos.message,
        photos.described_by,
        photos.invalid,
        submit,
    );
    Frame::new(t.app, lang).page(heading, content)
}
