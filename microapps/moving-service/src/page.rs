//! The app's pages: plain HTML forms, no scripts (third-party pages run in
//! a sandbox that allows forms and nothing else). Every value is escaped.

use courtyard_sdk::html::escape;
use courtyard_sdk::profile::Profile;
use courtyard_sdk::{Doc, Error};

use crate::quote::{MAX_NOTES, MAX_ROOMS, QuoteForm, SavedQuote};

/// What the start page shows.
pub struct Overview<'a> {
    /// The resident's details as the platform shares them.
    pub contact: &'a Result<Profile, Error>,
    /// The resident's saved quotes, newest first.
    pub quotes: &'a Result<Vec<Doc<SavedQuote>>, Error>,
    /// Why the last form post failed, if it did.
    pub problem: Option<&'a str>,
    /// What the resident typed, to show again after a problem.
    pub form: &'a QuoteForm,
}

const HEAD: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
    <title>Moving quotes · Meier Removals</title><style>\
    body{font-family:system-ui,sans-serif;max-width:40rem;margin:auto;padding:1rem}\
    dt{font-weight:600}dd{margin:0 0 .5rem}label{display:block;margin:.5rem 0}\
    input,textarea{display:block;width:100%;margin-top:.25rem}\
    .problem{color:#a00}.muted{color:#555}</style></head><body>";
const FOOT: &str = "</body></html>";

/// The start page: the resident's details, their quotes and the form.
pub fn overview(view: &Overview) -> String {
    let mut html = String::from(HEAD);
    html.push_str(
        "<h1>Moving quotes</h1><p>Meier Removals Ltd prepares a quote for your move \
         from the details below. You get a notification when it is ready.</p>",
    );
    if let Some(problem) = view.problem {
        html.push_str(&format!("<p class=\"problem\" role=\"alert\">{}</p>", escape(problem)));
    }
    html.push_str("<h2>Your details</h2>");
    match view.contact {
        Ok(contact) => details(&mut html, contact),
        Err(error) => html
            .push_str(&format!("<p class=\"problem\">Your details cannot be read: {}</p>", escape(&error.to_string()))),
    }
    html.push_str("<h2>Your quotes</h2>");
    match view.quotes {
        Ok(quotes) if quotes.is_empty() => html.push_str("<p>No quotes yet.</p>"),
        Ok(quotes) => {
            html.push_str("<ul>");
            for doc in quotes {
                let SavedQuote { request, quote } = &doc.data;
                html.push_str(&format!(
                    "<li><a href=\"quotes/{}\">CHF {:.2} for {} rooms on {}</a>, valid until {}</li>",
                    escape(&doc.id),
                    quote.price_chf,
                    request.rooms,
                    request.moving_on,
                    quote.valid_until,
                ));
            }
            html.push_str("</ul>");
        }
        Err(error) => html
            .push_str(&format!("<p class=\"problem\">Your quotes cannot be shown: {}</p>", escape(&error.to_string()))),
    }
    if view.contact.is_ok() {
        form(&mut html, view.form);
    }
    html.push_str(FOOT);
    html
}

fn details(html: &mut String, contact: &Profile) {
    let missing = "<span class=\"muted\">not in your profile</span>".to_owned();
    let shown = |value: Option<&str>| value.map(escape).unwrap_or_else(|| missing.clone());
    html.push_str(&format!(
        "<dl><dt>Name</dt><dd>{}</dd><dt>Email</dt><dd>{}</dd><dt>Unit</dt><dd>{}</dd>",
        shown(contact.display_name()),
        shown(contact.email()),
        shown(contact.unit()),
    ));
    match contact.phone() {
        Some(phone) => html.push_str(&format!("<dt>Phone</dt><dd>{}</dd></dl>", escape(phone))),
        None => html.push_str(
            "</dl><p class=\"muted\">You share no phone number, so Meier Removals \
             will contact you by email.</p>",
        ),
    }
}

fn form(html: &mut String, typed: &QuoteForm) {
    html.push_str(&format!(
        "<h2>Ask for a quote</h2><form method=\"post\" action=\"quotes\">\
         <label>Moving date <input type=\"date\" name=\"moving_on\" required value=\"{}\"></label>\
         <label>Rooms <input type=\"number\" name=\"rooms\" min=\"1\" max=\"{MAX_ROOMS}\" required value=\"{}\"></label>\
         <label>Notes (optional) <textarea name=\"notes\" rows=\"3\" maxlength=\"{MAX_NOTES}\">{}</textarea></label>\
         <button>Ask for a quote</button></form>",
        escape(&typed.moving_on),
        escape(&typed.rooms),
        escape(&typed.notes),
    ));
}

/// One saved quote, the page a notification links to.
pub fn quote(doc: &Doc<SavedQuote>) -> String {
    let SavedQuote { request, quote } = &doc.data;
    let notes = request.notes.as_deref().map(escape).unwrap_or_else(|| "none".to_owned());
    format!(
        "{HEAD}<h1>Your moving quote</h1><dl>\
         <dt>Price</dt><dd>CHF {:.2}</dd><dt>Valid until</dt><dd>{}</dd>\
         <dt>Moving date</dt><dd>{}</dd><dt>Rooms</dt><dd>{}</dd><dt>Notes</dt><dd>{notes}</dd>\
         <dt>Reference</dt><dd>{}</dd></dl>\
         <p>To accept it, quote the reference to Meier Removals.</p><p><a href=\"../\">All your quotes</a></p>{FOOT}",
        quote.price_chf,
        quote.valid_until,
        request.moving_on,
        request.rooms,
        escape(&quote.quote_id),
    )
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::Visibility;
    use courtyard_sdk::profile::Field;

    use super::*;
    use crate::date::Date;
    use crate::quote::{QuoteRequest, VendorQuote};

    fn saved(notes: &str, reference: &str) -> Doc<SavedQuote> {
        Doc {
            id: "d\"1".to_owned(),
            owner: "p-1".to_owned(),
            visibility: Visibility::Private,
            created_at: 0,
            updated_at: 0,
            revision: 1,
            data: SavedQuote {
                request: QuoteRequest {
                    moving_on: Date::parse("2027-04-30").unwrap(),
                    rooms: 3,
                    notes: Some(notes.to_owned()),
                },
                quote: VendorQuote {
                    quote_id: reference.to_owned(),
                    price_chf: 1890.5,
                    valid_until: Date::parse("2027-04-15").unwrap(),
                },
            },
        }
    }

    #[test]
    fn the_overview_escapes_everything_and_names_missing_fields() {
        let contact = Ok(Profile::from_entries([
            (Field::DisplayName, "<b>Ada</b>".to_owned()),
            (Field::Email, "a&b@example.org".to_owned()),
        ]));
        let quotes = Ok(vec![saved("x", "MR-1")]);
        let typed =
            QuoteForm { moving_on: "\"><script>".to_owned(), rooms: "3".to_owned(), notes: "</textarea>".to_owned() };
        let html = overview(&Overview { contact: &contact, quotes: &quotes, problem: Some("<i>no</i>"), form: &typed });
        assert!(html.contains("&lt;b&gt;Ada&lt;/b&gt;") && html.contains("a&amp;b@example.org"), "{html}");
        assert!(html.contains("&lt;i&gt;no&lt;/i&gt;") && html.contains("&lt;/textarea&gt;"), "{html}");
        assert!(!html.contains("<script>") && !html.contains("<b>Ada"), "{html}");
        assert!(html.contains("<dt>Unit</dt><dd><span class=\"muted\">not in your profile"), "{html}");
        assert!(html.contains("You share no phone number"), "{html}");
        assert!(html.contains("href=\"quotes/d&quot;1\">CHF 1890.50 for 3 rooms on 2027-04-30"), "{html}");
        assert!(html.contains("<form method=\"post\" action=\"quotes\">"), "{html}");
    }

    #[test]
    fn without_details_there_is_no_form() {
        let contact = Err(Error::Denied("sign in first".to_owned()));
        let quotes = Ok(Vec::new());
        let html =
            overview(&Overview { contact: &contact, quotes: &quotes, problem: None, form: &QuoteForm::default() });
        assert!(html.contains("cannot be read: denied: sign in first") && html.contains("No quotes yet"), "{html}");
        assert!(!html.contains("<form"), "{html}");
    }

    #[test]
    fn one_quote_shows_its_reference_escaped() {
        let html = quote(&saved("2 <pianos>", "MR-<1>"));
        assert!(html.contains("CHF 1890.50") && html.contains("MR-&lt;1&gt;"), "{html}");
        assert!(html.contains("2 &lt;pianos&gt;") && !html.contains("<pianos>"), "{html}");
    }
}
