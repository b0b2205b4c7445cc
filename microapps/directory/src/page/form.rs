//! The form of a business's details: staff's new and edit pages, the
//! resident's suggestion and staff's acceptance of one.

use courtyard_sdk::calendar::ZONES;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{attributes, html};

use super::{field_state, option, problem_summary};
use crate::Asking;
use crate::category::Category;
use crate::details::{
    DetailsInput, MAX_CITY, MAX_EMAIL, MAX_NAME, MAX_OFFER, MAX_PHONE, MAX_PHOTO_BYTES, MAX_POSTAL_CODE, MAX_STREET,
    MAX_WEBSITE, PHOTO_FIELD, Problem,
};
use crate::hours::{DAYS, MAX_DAY};
use crate::texts::{self, Texts};

/// Staff's page to add or change an entry.
pub struct FormPage<'a> {
    asking: &'a Asking,
    /// The entry changed (its id and name), or `None` for a new one.
    editing: Option<(&'a str, &'a str)>,
    typed: DetailsInput,
    problem: Option<Problem>,
}

impl<'a> FormPage<'a> {
    pub fn new_entry(asking: &'a Asking, typed: DetailsInput, problem: Option<Problem>) -> FormPage<'a> {
        FormPage { asking, editing: None, typed, problem }
    }

    pub fn edit_entry(
        asking: &'a Asking,
        id: &'a str,
        name: &'a str,
        typed: DetailsInput,
        problem: Option<Problem>,
    ) -> FormPage<'a> {
        FormPage { asking, editing: Some((id, name)), typed, problem }
    }

    pub fn render(&self) -> Html {
        let lang = self.asking.lang;
        let t = texts::of(lang);
        let root = &self.asking.root;
        let (heading, action, button, back) = match self.editing {
            None => (t.new_entry.to_owned(), format!("{root}entries"), t.create, root.clone()),
            Some((id, name)) => (
                fill(t.edit_heading, &[("name", &name)]),
                format!("{root}entries/{id}"),
                t.save,
                format!("{root}entries/{id}"),
            ),
        };
        let summary = self.problem.as_ref().map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
        let content = html!(
            "<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n{}\
             <form class=\"card\" method=\"post\" action=\"{}\" enctype=\"multipart/form-data\" aria-label=\"{}\">\n{}\
             <button>{}</button>\n</form>\n",
            back,
            t.all_entries,
            heading,
            summary,
            action,
            heading,
            fields(t, lang, &self.typed, self.problem.as_ref(), true),
            button,
        );
        Frame::new(t.app, lang).page(&heading, content)
    }
}

/// The fields of a business, with what was typed and the problem; with
/// `photo`, the logo's file input too (the form must then be
/// `multipart/form-data`).
pub fn fields(t: &Texts, lang: Lang, typed: &DetailsInput, problem: Option<&Problem>, photo: bool) -> Html {
    let mut html = input(
        lang,
        problem,
        Field { id: "name", label: t.name, max: MAX_NAME, required: true, ..Field::default() },
        &typed.name,
    );
    let category = field_state(problem, "category", "", lang);
    let mut options = option("", t.choose_category, typed.category.trim().is_empty());
    for choice in Category::ALL {
        options.push(option(choice.code(), choice.label(lang), typed.category.trim() == choice.code()));
    }
    html.push(html!(
        "<label for=\"category\">{}</label>\n{}<select id=\"category\" name=\"category\" required{}{}>{}</select>\n",
        t.category,
        category.message,
        category.described,
        category.invalid,
        options,
    ));
    let mut address = input(
        lang,
        problem,
        Field { id: "street", label: t.street, max: MAX_STREET, ..Field::default() },
        &typed.street,
    );
    address.push(input(
        lang,
        problem,
        Field { id: "postal_code", label: t.postal_code, max: MAX_POSTAL_CODE, ..Field::default() },
        &typed.postal_code,
    ));
    address.push(input(
        lang,
        problem,
        Field { id: "city", label: t.city, max: MAX_CITY, ..Field::default() },
        &typed.city,
    ));
    html.push(html!("<fieldset>\n<legend>{}</legend>\n{}</fieldset>\n", t.address, address));
    let days: Html = DAYS
        .iter()
        .zip(typed.hours.days())
        .enumerate()
        .map(|(at, (day, text))| {
            let id = format!("hours_{day}");
            let state = field_state(problem, &id, "hours-hint", lang);
            html!(
                "<label for=\"{}\">{}</label>\n{}<input id=\"{}\" name=\"{}\" maxlength=\"{}\"{}{} value=\"{}\">\n",
                id,
                t.weekdays[at],
                state.message,
                id,
                id,
                MAX_DAY,
                state.described,
                state.invalid,
                text,
            )
        })
        .collect();
    html.push(html!(
        "<fieldset>\n<legend>{}</legend>\n<span class=\"hint\" id=\"hours-hint\">{}</span>\n{}</fieldset>\n",
        t.hours,
        t.hours_hint,
        days,
    ));
    html.push(input(
        lang,
        problem,
        Field { id: "phone", label: t.phone, max: MAX_PHONE, kind: "tel", ..Field::default() },
        &typed.phone,
    ));
    html.push(input(
        lang,
        problem,
        Field { id: "email", label: t.email, max: MAX_EMAIL, kind: "email", ..Field::default() },
        &typed.email,
    ));
    html.push(input(
        lang,
        problem,
        Field {
            id: "website",
            label: t.website,
            hint: t.website_hint,
            max: MAX_WEBSITE,
            kind: "url",
            ..Field::default()
        },
        &typed.website,
    ));
    let offer = field_state(problem, "offer", "offer-hint", lang);
    html.push(html!(
        "<label for=\"offer\">{}</label>\n<span class=\"hint\" id=\"offer-hint\">{}</span>\n{}\
         <textarea id=\"offer\" name=\"offer\" rows=\"3\" maxlength=\"{}\"{}{}>{}</textarea>\n",
        t.offer,
        fill(t.offer_hint, &[("max", &MAX_OFFER)]),
        offer.message,
        MAX_OFFER,
        offer.described,
        offer.invalid,
        typed.offer,
    ));
    let zone = field_state(problem, "time_zone", "", lang);
    let chosen = if typed.time_zone.trim().is_empty() { crate::hours::DEFAULT_ZONE } else { typed.time_zone.trim() };
    let zones: Html = ZONES.iter().map(|z| option(z.name(), z.name(), z.name() == chosen)).collect();
    html.push(html!(
        "<label for=\"time_zone\">{}</label>\n{}<select id=\"time_zone\" name=\"time_zone\"{}{}>{}</select>\n",
        t.time_zone,
        zone.message,
        zone.described,
        zone.invalid,
        zones,
    ));
    if photo {
        let state = field_state(problem, PHOTO_FIELD, "photo-hint", lang);
        html.push(html!(
            "<label for=\"photo\">{}</label>\n<span class=\"hint\" id=\"photo-hint\">{}</span>\n{}\
             <input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/jpeg,image/png\"{}{}>\n",
            t.photo,
            fill(t.photo_hint, &[("mib", &(MAX_PHOTO_BYTES >> 20))]),
            state.message,
            state.described,
            state.invalid,
        ));
    }
    html
}

/// A one-line text field.
#[derive(Default)]
struct Field<'a> {
    id: &'a str,
    label: &'a str,
    /// A hint under the label, or empty.
    hint: &'a str,
    max: usize,
    /// The input's `type`, `text` when empty.
    kind: &'a str,
    required: bool,
}

fn input(lang: Lang, problem: Option<&Problem>, field: Field, value: &str) -> Html {
    let hint_id = if field.hint.is_empty() { String::new() } else { format!("{}-hint", field.id) };
    let state = field_state(problem, field.id, &hint_id, lang);
    let hint = if field.hint.is_empty() {
        Html::new()
    } else {
        html!("<span class=\"hint\" id=\"{}\">{}</span>\n", hint_id, field.hint)
    };
    let required = if field.required { attributes!(" required") } else { Attributes::new() };
    let kind = if field.kind.is_empty() { "text" } else { field.kind };
    html!(
        "<label for=\"{}\">{}</label>\n{}{}<input type=\"{}\" id=\"{}\" name=\"{}\" maxlength=\"{}\"{}{}{} value=\"{}\">\n",
        field.id,
        field.label,
        hint,
        state.message,
        kind,
        field.id,
        field.id,
        field.max,
        required,
        state.described,
        state.invalid,
        value,
    )
}
