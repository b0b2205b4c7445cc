//! Staff's page to edit the property's ticket categories. It lives at
//! `/settings/categories`: the form posts to `categories`, home is `../`.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::Lang;

use super::{field_state, problem_summary};
use crate::texts;
use crate::validate::Problem;

/// The page with the list as `lines`, a refusal's problem, or the news
/// that it was saved.
pub fn render(lang: Lang, lines: &str, problem: Option<Problem>, saved: bool) -> Html {
    let t = texts::of(lang);
    let mut content = html!(
        "<p><a href=\"../\">{}</a></p>\n<h1>{}</h1>\n<p class=\"lead\" id=\"categories-hint\">{}</p>\n",
        t.all_tickets,
        t.categories_heading,
        t.categories_lead,
    );
    if saved {
        content.push(html!("<p class=\"note done\" role=\"status\">{}</p>\n", t.saved));
    }
    if let Some(problem) = &problem {
        content.push(problem_summary(t, problem, lang));
    }
    let field = field_state(problem.as_ref(), "categories", lang);
    content.push(html!(
        "<form class=\"card\" method=\"post\" action=\"categories\">\n<label for=\"categories\">{}</label>\n{}\
         <textarea id=\"categories\" name=\"categories\" rows=\"10\" maxlength=\"4000\" required \
         aria-describedby=\"categories-hint{}\"{}>{}</textarea>\n<button>{}</button>\n</form>\n",
        t.categories_label,
        field.message,
        field.described_by,
        field.invalid,
        lines,
        t.save,
    ));
    Frame::new(t.app, lang).page(t.categories_heading, content)
}
