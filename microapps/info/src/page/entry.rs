//! An entry's page: its text in paragraphs, its day, its files, and for
//! staff the way to change or delete it.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::fill;
use courtyard_sdk::{Response, html};

use super::{Flash, files, paragraphs};
use crate::Asking;
use crate::announce::Announced;
use crate::texts;
use crate::validate::MAX_FILE_BYTES;
use crate::views::EntryView;

/// The page of `entry`, with what became of the form just posted.
pub fn render(asking: &Asking, entry: &EntryView, flash: &Flash) -> Html {
    let t = texts::of(asking.lang);
    let root = &asking.root;
    let mut content = html!("<h1>{}</h1>\n", entry.title);
    if let Some(message) = flash.announced.message(asking.lang) {
        let class = match flash.announced {
            Announced::Notified(_) => "note done",
            _ => "note error",
        };
        content.push(html!("<p class=\"{}\" role=\"status\">{}</p>\n", class, message));
    }
    if flash.unattached > 0 {
        let message = fill(t.unattached, &[("count", &flash.unattached), ("mib", &(MAX_FILE_BYTES >> 20))]);
        content.push(html!("<p class=\"note error\" role=\"status\">{}</p>\n", message));
    }
    let when = entry.when();
    let day = if when.is_empty() {
        Html::new()
    } else {
        let datetime = entry.date.clone().unwrap_or_default();
        html!("<dt>{}</dt><dd><time datetime=\"{}\">{}</time></dd>\n", t.date, datetime, when)
    };
    content.push(html!(
        "<dl class=\"facts\">\n<dt>{}</dt><dd><a href=\"{}entries?category={}\">{}</a></dd>\n{}\
         <dt>{}</dt><dd>{}</dd>\n</dl>\n",
        t.category,
        root,
        entry.category.key(),
        entry.category_label,
        day,
        t.updated,
        entry.updated_at.html(asking.lang),
    ));
    content.push(html!("<div class=\"card\">\n{}</div>\n", paragraphs(&entry.body)));
    content.push(files(t, entry.files.as_deref().unwrap_or_default(), root));
    if asking.caller.staff {
        content.push(html!(
            "<div class=\"actions\">\n<a class=\"button\" href=\"{}entries/{}/edit\">{}</a>\n</div>\n\
             <form class=\"inline\" method=\"post\" action=\"{}entries/{}/delete\">\
             <button class=\"danger\">{}</button></form>\n",
            root,
            entry.id,
            t.edit,
            root,
            entry.id,
            t.delete,
        ));
    }
    content.push(html!("<p><a href=\"{}\">{}</a></p>\n", root, t.back));
    Frame::new(t.app, asking.lang).page(&entry.title, content)
}

/// The page for an entry that does not exist or cannot be seen.
pub fn gone(asking: &Asking) -> Response {
    let t = texts::of(asking.lang);
    let content =
        html!("<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n", t.gone_heading, t.gone, asking.root, t.back);
    Response::html(404, Frame::new(t.app, asking.lang).page(t.gone_heading, content))
}
