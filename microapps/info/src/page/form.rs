//! Staff's form for a new entry or a change to one, with the problem and
//! what was typed after a refusal, and the files an entry has.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::fill;
use courtyard_sdk::{attributes, html};

use super::{described, field_state, problem_summary};
use crate::Asking;
use crate::model::Category;
use crate::texts::{self, Texts};
use crate::validate::{
    EntryForm, FILE_FIELD, MAX_BODY, MAX_FILE_BYTES, MAX_FILES, MAX_TIME, MAX_TITLE, MEDIA_TYPES, Problem,
};
use crate::views::EntryView;

/// The form: for a new entry when `editing` is `None`.
pub fn render(asking: &Asking, editing: Option<&EntryView>, typed: &EntryForm, problem: Option<&Problem>) -> Html {
    let t = texts::of(asking.lang);
    let lang = asking.lang;
    let root = &asking.root;
    let (heading, action, button, back) = match editing {
        None => (t.new_entry, format!("{root}entries"), t.publish, root.clone()),
        Some(entry) => {
            (t.edit_heading, format!("{root}entries/{}", entry.id), t.save, format!("{root}entries/{}", entry.id))
        }
    };
    let summary = problem.map(|problem| problem_summary(t, problem, lang)).unwrap_or_default();
    let [title, category, body, date, time, files] =
        ["title", "category", "body", "date", "time", FILE_FIELD].map(|field| field_state(problem, field, lang));
    let revision = match editing {
        Some(_) => html!("<input type=\"hidden\" name=\"revision\" value=\"{}\">\n", typed.revision),
        None => Html::new(),
    };
    let mut options = option("", t.choose_category, typed.category.trim().is_empty());
    for choice in Category::ALL {
        options.push(option(choice.key(), t.category(choice), typed.category.trim() == choice.key()));
    }
    let notify = if typed.notify() { attributes!(" checked") } else { Attributes::new() };
    let form = html!(
        "<form class=\"card\" method=\"post\" action=\"{}\" enctype=\"multipart/form-data\" aria-labelledby=\"form-heading\">\n{}\
         <label for=\"title\">{}</label>\n<span class=\"hint\" id=\"title-hint\">{}</span>\n{}\
         <input id=\"title\" name=\"title\" maxlength=\"{}\" required{}{} value=\"{}\">\n\
         <label for=\"category\">{}</label>\n{}\
         <select id=\"category\" name=\"category\" required{}{}>{}</select>\n\
         <label for=\"body\">{}</label>\n<span class=\"hint\" id=\"body-hint\">{}</span>\n{}\
         <textarea id=\"body\" name=\"body\" rows=\"10\" maxlength=\"{}\" required{}{}>{}</textarea>\n\
         <label for=\"date\">{}</label>\n<span class=\"hint\" id=\"date-hint\">{} (2027-03-12)</span>\n{}\
         <input id=\"date\" name=\"date\" inputmode=\"numeric\" maxlength=\"10\" autocomplete=\"off\"{}{} value=\"{}\">\n\
         <label for=\"time\">{}</label>\n<span class=\"hint\" id=\"time-hint\">{}</span>\n{}\
         <input id=\"time\" name=\"time\" maxlength=\"{}\"{}{} value=\"{}\">\n\
         <label for=\"attachment\">{}</label>\n<span class=\"hint\" id=\"attachment-hint\">{}</span>\n{}\
         <input type=\"file\" id=\"attachment\" name=\"attachment\" multiple accept=\"{}\"{}{}>\n\
         <div><input type=\"checkbox\" id=\"notify\" name=\"notify\" value=\"1\" aria-describedby=\"notify-hint\"{}>\
         <label for=\"notify\">{}</label>\n<span class=\"hint\" id=\"notify-hint\">{}</span></div>\n\
         <button>{}</button>\n</form>\n",
        action,
        revision,
        t.title,
        fill(t.title_hint, &[("max", &MAX_TITLE)]),
        title.message,
        MAX_TITLE,
        described(&format!("title-hint{}", title.described_by)),
        title.invalid,
        typed.title,
        t.category,
        category.message,
        described(&category.described_by),
        category.invalid,
        options,
        t.body,
        fill(t.body_hint, &[("max", &MAX_BODY)]),
        body.message,
        MAX_BODY,
        described(&format!("body-hint{}", body.described_by)),
        body.invalid,
        typed.body,
        t.date,
        t.date_hint,
        date.message,
        described(&format!("date-hint{}", date.described_by)),
        date.invalid,
        typed.date,
        t.time,
        fill(t.time_hint, &[("max", &MAX_TIME)]),
        time.message,
        MAX_TIME,
        described(&format!("time-hint{}", time.described_by)),
        time.invalid,
        typed.time,
        t.attachments,
        fill(t.attachments_hint, &[("max", &MAX_FILES), ("mib", &(MAX_FILE_BYTES >> 20))]),
        files.message,
        MEDIA_TYPES.join(","),
        described(&format!("attachment-hint{}", files.described_by)),
        files.invalid,
        notify,
        t.notify_label,
        t.notify_hint,
        button,
    );
    let attached = editing.map(|entry| attached_files(t, root, entry)).unwrap_or_default();
    let content = html!(
        "<h1 id=\"form-heading\">{}</h1>\n{}{}{}<p><a href=\"{}\">{}</a></p>\n",
        heading,
        summary,
        form,
        attached,
        back,
        t.cancel
    );
    Frame::new(t.app, lang).page(heading, content)
}

/// The files an entry has, each with a button to remove it.
fn attached_files(t: &Texts, root: &str, entry: &EntryView) -> Html {
    let files = entry.files.as_deref().unwrap_or_default();
    if files.is_empty() {
        return Html::new();
    }
    let items: Html = files
        .iter()
        .map(|file| {
            html!(
                "<li class=\"card\">\n<p>{}</p>\n<form class=\"inline\" method=\"post\" action=\"{}entries/{}/files/{}/delete\">\
                 <button class=\"secondary\">{}</button></form>\n</li>\n",
                file.name,
                root,
                entry.id,
                file.id,
                fill(t.remove_file, &[("name", &file.name)]),
            )
        })
        .collect();
    html!("<h2 id=\"attached\">{}</h2>\n<ul class=\"cards\" aria-labelledby=\"attached\">\n{}</ul>\n", t.files, items)
}

fn option(value: &str, label: &str, chosen: bool) -> Html {
    let selected = if chosen { attributes!(" selected") } else { Attributes::new() };
    html!("<option value=\"{}\"{}>{}</option>", value, selected, label)
}
