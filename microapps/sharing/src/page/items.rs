//! The pages about things: browsing, one thing, your own things, and the
//! form to offer or change one.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::{Attributes, Html};
use courtyard_sdk::lang::fill;
use courtyard_sdk::{attributes, html};

use super::{alert, field_problem, file_href, message_link, option, problem_summary};
use crate::Asking;
use crate::model::CATEGORIES;
use crate::texts;
use crate::validate::{ItemForm, LoanForm, MAX_DAYS, MAX_DESCRIPTION, MAX_NAME, MAX_NOTE, MAX_PHOTO_BYTES, Problem};
use crate::views::ItemView;

/// The home page: things to borrow, and the form to offer one.
pub struct Browse<'a> {
    pub asking: &'a Asking,
    /// `None`: they could not be read.
    pub items: Option<&'a [ItemView]>,
    pub next: Option<&'a str>,
    pub category: Option<&'a str>,
    pub typed: &'a ItemForm,
    pub problem: Option<&'a Problem>,
}

impl Browse<'_> {
    pub fn render(&self) -> Html {
        let (asking, lang) = (self.asking, self.asking.lang);
        let t = texts::of(lang);
        let root = &asking.root;
        let mut content = html!(
            "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n<nav class=\"actions\" aria-label=\"{}\">\
             <a href=\"{}mine\">{}</a> <a href=\"{}loans\">{}</a> <a href=\"{}loans?role=lender\">{}</a></nav>\n",
            t.heading,
            t.lead,
            t.app,
            root,
            t.my_items,
            root,
            t.i_borrow,
            root,
            t.i_lend,
        );
        if let Some(problem) = self.problem {
            content.push(problem_summary(t, problem, lang));
        }
        let form = item_form(asking, &format!("{root}items"), self.typed, self.problem, t.offer_button);
        let open = if self.problem.is_some() { attributes!(" open") } else { Attributes::new() };
        content.push(html!(
            "<details class=\"card\"{}>\n<summary class=\"button\">{}</summary>\n{}</details>\n",
            open,
            t.offer,
            form
        ));
        content.push(html!("<h2 id=\"browse\">{}</h2>\n", t.browse));
        let options: Html = std::iter::once(option("", t.all_categories, self.category.is_none()))
            .chain(CATEGORIES.iter().map(|key| option(key, &t.category(key), self.category == Some(*key))))
            .collect();
        content.push(html!(
            "<form class=\"inline\" method=\"get\" action=\"{}\">\n<label for=\"filter-category\">{}</label>\n\
             <select id=\"filter-category\" name=\"category\">{}</select>\n<button class=\"secondary\">{}</button>\n</form>\n",
            root,
            t.fields.category,
            options,
            t.show,
        ));
        content.push(match self.items {
            None => html!("<p class=\"note error\">{}</p>\n", t.unavailable),
            Some([]) => html!("<p class=\"muted\">{}</p>\n", t.no_items),
            Some(items) => {
                let cards: Html = items.iter().map(|item| card(asking, item)).collect();
                html!("<ul class=\"cards\" aria-labelledby=\"browse\">\n{}</ul>\n", cards)
            }
        });
        if let Some(cursor) = self.next {
            let mut query = vec![("after", cursor)];
            if let Some(category) = self.category {
                query.push(("category", category));
            }
            let query = serde_urlencoded::to_string(query).unwrap_or_default();
            content.push(html!(
                "<nav class=\"pager\" aria-label=\"{}\"><a href=\"{}?{}\" rel=\"next\">{}</a></nav>\n",
                t.browse,
                root,
                query,
                t.more
            ));
        }
        Frame::new(t.app, lang).page(t.heading, content)
    }
}

/// The things the caller lends, withdrawn ones too.
pub fn mine(asking: &Asking, items: &[ItemView]) -> Html {
    let t = texts::of(asking.lang);
    let list = if items.is_empty() {
        html!("<p class=\"muted\">{}</p>\n", t.no_my_items)
    } else {
        let cards: Html = items.iter().map(|item| card(asking, item)).collect();
        html!("<ul class=\"cards\" aria-labelledby=\"mine\">\n{}</ul>\n", cards)
    };
    let content = html!(
        "<h1 id=\"mine\">{}</h1>\n{}<p><a href=\"{}loans?role=lender\">{}</a></p>\n<p><a href=\"{}\">{}</a></p>\n",
        t.my_items,
        list,
        asking.root,
        t.i_lend,
        asking.root,
        t.back
    );
    Frame::new(t.app, asking.lang).page(t.my_items, content)
}

/// One thing in a list.
fn card(asking: &Asking, item: &ItemView) -> Html {
    let t = texts::of(asking.lang);
    let mut meta = vec![t.category(&item.category)];
    if item.withdrawn {
        meta.push(t.withdrawn.to_owned());
    } else if !item.available {
        meta.push(t.not_available.to_owned());
    }
    if let Some(name) = &item.owner_name.as_deref().filter(|_| !item.mine) {
        meta.push(fill(t.lent_by, &[("name", name)]));
    }
    let photo = match item.photo.as_deref().and_then(|link| file_href(&asking.root, link)) {
        Some(src) => html!("<img src=\"{}\" alt=\"{}\">\n", src, fill(t.photo_alt, &[("name", &item.name)])),
        None => Html::new(),
    };
    html!(
        "<li class=\"card\">\n<h3><a href=\"{}items/{}\">{}</a></h3>\n{}<p class=\"meta\">{}</p>\n</li>\n",
        asking.root,
        item.id,
        item.name,
        photo,
        meta.join(" · "),
    )
}

/// What the page of one thing says about the last form posted.
#[derive(Debug, Default)]
pub struct Flash<'a> {
    pub item: Option<(&'a Problem, &'a ItemForm)>,
    pub loan: Option<(&'a Problem, &'a LoanForm)>,
    /// A refusal of the request that is no field's.
    pub refusal: Option<&'a str>,
}

/// One thing: its photo and facts, and for its owner the form to change
/// or withdraw it, for anyone else the form to ask for it.
pub fn item(asking: &Asking, item: &ItemView, flash: &Flash) -> Html {
    let (lang, root) = (asking.lang, &asking.root);
    let t = texts::of(lang);
    let mut content = html!("<p><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n", root, t.back, item.name);
    if let Some(refusal) = flash.refusal {
        content.push(alert(t, refusal));
    }
    if let Some(problem) = flash.item.map(|(problem, _)| problem).or(flash.loan.map(|(problem, _)| problem)) {
        content.push(problem_summary(t, problem, lang));
    }
    if let Some(src) = item.photo.as_deref().and_then(|link| file_href(root, link)) {
        content.push(html!("<img src=\"{}\" alt=\"{}\">\n", src, fill(t.photo_alt, &[("name", &item.name)])));
    }
    if !item.description.is_empty() {
        content.push(html!("<p class=\"body\">{}</p>\n", item.description));
    }
    let owner = item.owner_name.as_deref().unwrap_or(t.neighbour);
    let state = match (item.withdrawn, item.available) {
        (true, _) => html!("<p class=\"note\">{}</p>\n", t.withdrawn),
        (false, false) => html!("<p class=\"note\">{}</p>\n", t.not_available),
        _ => Html::new(),
    };
    content.push(html!(
        "<dl class=\"facts\">\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n{}",
        t.fields.category,
        t.category(&item.category),
        t.longest,
        fill(t.days, &[("days", &item.max_days)]),
        t.lender,
        if item.mine { t.yours.to_owned() } else { owner.to_owned() },
        state,
    ));
    if item.mine {
        let typed = flash.item.map(|(_, typed)| typed.clone()).unwrap_or_else(|| ItemForm::of(item));
        let problem = flash.item.map(|(problem, _)| problem);
        let form = item_form(asking, &item.id, &typed, problem, t.save);
        let open = if problem.is_some() { attributes!(" open") } else { Attributes::new() };
        content.push(html!(
            "<details class=\"card\"{}>\n<summary class=\"button\">{}</summary>\n{}</details>\n",
            open,
            t.edit,
            form
        ));
        if !item.withdrawn {
            content.push(html!(
                "<form class=\"inline\" method=\"post\" action=\"{}/withdraw\"><button class=\"danger\">{}</button></form>\n",
                item.id,
                t.withdraw
            ));
        }
    } else {
        content.push(html!(
            "<p class=\"actions\">{} <a href=\"{}\">{}</a></p>\n",
            message_link(t, &item.owner, owner, &item.name),
            item.report.as_deref().unwrap_or_default(),
            t.report
        ));
        if item.available {
            content.push(loan_form(asking, item, flash.loan));
        }
    }
    Frame::new(t.app, lang).page(&item.name, content)
}

/// The request form: the first and the last day, a note.
fn loan_form(asking: &Asking, item: &ItemView, flash: Option<(&Problem, &LoanForm)>) -> Html {
    let (lang, t) = (asking.lang, texts::of(asking.lang));
    let problem = flash.map(|(problem, _)| problem);
    let today = Date::today_utc();
    let blank = LoanForm { from: today.to_string(), due: today.add_days(1).to_string(), note: String::new() };
    let typed = flash.map_or(&blank, |(_, typed)| typed);
    let (from_error, from_invalid) = field_problem(problem, "from", lang);
    let (due_error, due_invalid) = field_problem(problem, "due", lang);
    let (note_error, note_invalid) = field_problem(problem, "note", lang);
    html!(
        "<form class=\"card\" method=\"post\" action=\"{}/loans\" aria-labelledby=\"ask\">\n<h2 id=\"ask\">{}</h2>\n\
         <label for=\"from\">{}</label>\n{}<input type=\"date\" id=\"from\" name=\"from\" value=\"{}\" required{}>\n\
         <label for=\"due\">{}</label>\n<span class=\"hint\">{}</span>\n{}\
         <input type=\"date\" id=\"due\" name=\"due\" value=\"{}\" required{}>\n\
         <label for=\"note\">{}</label>\n{}<textarea id=\"note\" name=\"note\" rows=\"2\" maxlength=\"{}\"{}>{}</textarea>\n\
         <button>{}</button>\n</form>\n",
        item.id,
        t.ask,
        t.fields.from,
        from_error,
        typed.from,
        from_invalid,
        t.fields.due,
        fill(t.problems.too_long, &[("max", &item.max_days)]),
        due_error,
        typed.due,
        due_invalid,
        t.fields.note,
        note_error,
        MAX_NOTE,
        note_invalid,
        typed.note,
        t.ask_button,
    )
}

/// The form to offer a thing, or to change it (posting to `action`).
fn item_form(asking: &Asking, action: &str, typed: &ItemForm, problem: Option<&Problem>, button: &str) -> Html {
    let (lang, t) = (asking.lang, texts::of(asking.lang));
    let f = &t.fields;
    let field = |name| field_problem(problem, name, lang);
    let ((name_error, name_invalid), (description_error, description_invalid)) = (field("name"), field("description"));
    let ((category_error, category_invalid), (days_error, days_invalid)) = (field("category"), field("max_days"));
    let (photo_error, photo_invalid) = field("photo");
    let categories: Html = CATEGORIES.iter().map(|key| option(key, &t.category(key), typed.category == *key)).collect();
    let available = matches!(typed.available.as_text().as_str(), "on" | "true" | "");
    let checked = if available { attributes!(" checked") } else { Attributes::new() };
    html!(
        "<form method=\"post\" action=\"{}\" enctype=\"multipart/form-data\">\n\
         <label for=\"name\">{}</label>\n{}<input id=\"name\" name=\"name\" value=\"{}\" maxlength=\"{}\" required{}>\n\
         <label for=\"description\">{}</label>\n{}<textarea id=\"description\" name=\"description\" rows=\"3\" maxlength=\"{}\"{}>{}</textarea>\n\
         <label for=\"category\">{}</label>\n{}<select id=\"category\" name=\"category\"{}>{}</select>\n\
         <label for=\"max_days\">{}</label>\n<span class=\"hint\">{}</span>\n{}\
         <input type=\"number\" id=\"max_days\" name=\"max_days\" min=\"1\" max=\"{}\" value=\"{}\" required{}>\n\
         <label><input type=\"checkbox\" name=\"available\"{}> {}</label>\n\
         <label for=\"photo\">{}</label>\n<span class=\"hint\">{}</span>\n{}\
         <input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/jpeg,image/png\"{}>\n\
         <button>{}</button>\n</form>\n",
        action,
        f.name,
        name_error,
        typed.name,
        MAX_NAME,
        name_invalid,
        f.description,
        description_error,
        MAX_DESCRIPTION,
        description_invalid,
        typed.description,
        f.category,
        category_error,
        category_invalid,
        categories,
        f.max_days,
        fill(f.max_days_hint, &[("max", &MAX_DAYS)]),
        days_error,
        MAX_DAYS,
        typed.max_days.as_text(),
        days_invalid,
        checked,
        f.available,
        f.photo,
        fill(f.photo_hint, &[("mib", &(MAX_PHOTO_BYTES >> 20))]),
        photo_error,
        photo_invalid,
        button,
    )
}

#[cfg(test)]
#[path = "items_tests.rs"]
mod tests;

impl ItemForm {
    /// The form filled in with `item` as it is.
    pub fn of(item: &ItemView) -> ItemForm {
        use crate::validate::Loose;
        ItemForm {
            name: item.name.clone(),
            description: item.description.clone(),
            category: item.category.clone(),
            max_days: Loose::Text(item.max_days.to_string()),
            available: Loose::Text(if item.available { "on" } else { "off" }.to_owned()),
        }
    }
}
