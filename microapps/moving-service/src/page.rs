//! The app's pages, in the portal's frame: plain HTML forms, no scripts
//! (third-party pages run in a sandbox that allows forms and nothing else).
//! Every value goes through `html!`, which escapes it.

use courtyard_sdk::frame::Frame;
use courtyard_sdk::html;
use courtyard_sdk::html::Html;
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::profile::Profile;
use courtyard_sdk::{Doc, Error};

use crate::quote::{MAX_NOTES, MAX_ROOMS, QuoteForm, SavedQuote};
use crate::texts::{self, Texts};

/// What the start page shows.
pub struct Overview<'a> {
    pub lang: Lang,
    /// The resident's details as the platform shares them.
    pub contact: &'a Result<Profile, Error>,
    /// The resident's saved quotes, newest first.
    pub quotes: &'a Result<Vec<Doc<SavedQuote>>, Error>,
    /// Why the last form post failed, if it did.
    pub problem: Option<&'a str>,
    /// What the resident typed, to show again after a problem.
    pub form: &'a QuoteForm,
}

/// The start page: the resident's details, their quotes and the form.
pub fn overview(view: &Overview) -> Html {
    let t = texts::of(view.lang);
    let mut content = html!("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t.heading, t.lead);
    if let Some(problem) = view.problem {
        content.push(html!(
            "<div class=\"note error\" role=\"alert\"><strong>{}</strong>\n<p>{}</p></div>\n",
            t.problem,
            problem
        ));
    }
    content.push(html!("<h2>{}</h2>\n", t.details));
    content.push(match view.contact {
        Ok(contact) => details(t, contact),
        Err(error) => {
            html!("<p class=\"note error\">{}</p>\n", fill(t.details_unreadable, &[("reason", error)]))
        }
    });
    content.push(html!("<h2>{}</h2>\n", t.quotes));
    content.push(match view.quotes {
        Ok(quotes) if quotes.is_empty() => html!("<p class=\"muted\">{}</p>\n", t.no_quotes),
        Ok(quotes) => {
            let items: Html = quotes.iter().map(|doc| quote_item(t, doc)).collect();
            html!("<ul class=\"cards\">\n{}</ul>\n", items)
        }
        Err(error) => html!("<p class=\"note error\">{}</p>\n", fill(t.quotes_unreadable, &[("reason", error)])),
    });
    if view.contact.is_ok() {
        content.push(form(t, view.form));
    }
    Frame::new(t.app, view.lang).page(t.heading, content)
}

fn details(t: &Texts, contact: &Profile) -> Html {
    let shown = |value: Option<&str>| match value {
        Some(value) => Html::text(value),
        None => html!("<span class=\"muted\">{}</span>", t.not_in_profile),
    };
    let (phone, no_phone) = match contact.phone() {
        Some(phone) => (html!("<dt>{}</dt><dd>{}</dd>", t.phone, phone), Html::new()),
        None => (Html::new(), html!("<p class=\"muted\">{}</p>\n", t.no_phone)),
    };
    html!(
        "<dl class=\"card facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>{}</dl>\n{}",
        t.name,
        shown(contact.display_name()),
        t.email,
        shown(contact.email()),
        t.unit,
        shown(contact.unit()),
        phone,
        no_phone,
    )
}

fn quote_item(t: &Texts, doc: &Doc<SavedQuote>) -> Html {
    let SavedQuote { request, quote } = &doc.data;
    let price = format!("{:.2}", quote.price_chf);
    let line = fill(t.quote_line, &[("price", &price), ("rooms", &request.rooms), ("date", &request.moving_on)]);
    html!(
        "<li class=\"card\"><a href=\"quotes/{}\">{}</a>\n<p class=\"meta\">{}</p></li>\n",
        doc.id,
        line,
        fill(t.valid_until_line, &[("date", &quote.valid_until)]),
    )
}

fn form(t: &Texts, typed: &QuoteForm) -> Html {
    html!(
        "<h2 id=\"ask\">{}</h2>\n<form class=\"card\" method=\"post\" action=\"quotes\" aria-labelledby=\"ask\">\n\
         <label for=\"moving_on\">{}</label>\n\
         <input type=\"date\" id=\"moving_on\" name=\"moving_on\" required value=\"{}\">\n\
         <label for=\"rooms\">{}</label>\n\
         <input type=\"number\" id=\"rooms\" name=\"rooms\" min=\"1\" max=\"{}\" required value=\"{}\">\n\
         <label for=\"notes\">{}</label>\n<span class=\"hint\" id=\"notes-hint\">{}</span>\n\
         <textarea id=\"notes\" name=\"notes\" rows=\"3\" maxlength=\"{}\" aria-describedby=\"notes-hint\">{}</textarea>\n\
         <button>{}</button>\n</form>\n",
        t.ask,
        t.moving_on,
        typed.moving_on,
        t.rooms,
        MAX_ROOMS,
        typed.rooms,
        t.notes,
        fill(t.notes_hint, &[("max", &MAX_NOTES)]),
        MAX_NOTES,
        typed.notes,
        t.ask,
    )
}

/// One saved quote, the page a notification links to.
pub fn quote(doc: &Doc<SavedQuote>, lang: Lang) -> Html {
    let t = texts::of(lang);
    let SavedQuote { request, quote } = &doc.data;
    let notes = request.notes.as_deref().unwrap_or(t.no_notes);
    let content = html!(
        "<h1>{}</h1>\n<dl class=\"card facts\">\
         <dt>{}</dt><dd>CHF {:.2}</dd><dt>{}</dt><dd>{}</dd>\
         <dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd class=\"body\">{}</dd>\
         <dt>{}</dt><dd>{}</dd></dl>\n<p>{}</p>\n<p><a href=\"../\">{}</a></p>\n",
        t.quote_heading,
        t.price,
        quote.price_chf,
        t.valid_until,
        quote.valid_until,
        t.moving_on,
        request.moving_on,
        t.rooms,
        request.rooms,
        t.notes,
        notes,
        t.reference,
        quote.quote_id,
        t.accept,
        t.all_quotes,
    );
    Frame::new(t.app, lang).page(t.quote_heading, content)
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::Visibility;
    use courtyard_sdk::profile::Field;
    use courtyard_sdk::time::Timestamp;

    use super::*;
    use crate::date::Date;
    use crate::quote::{QuoteRequest, VendorQuote};

    fn saved(notes: &str, reference: &str) -> Doc<SavedQuote> {
        Doc {
            id: "d\"1".to_owned(),
            owner: "p-1".to_owned(),
            visibility: Visibility::Private,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
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
        let view =
            Overview { lang: Lang::En, contact: &contact, quotes: &quotes, problem: Some("<i>no</i>"), form: &typed };
        let html = overview(&view).into_string();
        assert!(html.contains("&lt;b&gt;Ada&lt;/b&gt;") && html.contains("a&amp;b@example.org"), "{html}");
        assert!(html.contains("&lt;i&gt;no&lt;/i&gt;") && html.contains("&lt;/textarea&gt;"), "{html}");
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\""), "{html}");
        assert!(!html.contains("<script>") && !html.contains("<b>Ada") && !html.contains("style="), "{html}");
        assert!(html.contains("<dt>Unit</dt><dd><span class=\"muted\">not in your profile"), "{html}");
        assert!(html.contains("You share no phone number"), "{html}");
        assert!(html.contains("href=\"quotes/d&quot;1\">CHF 1890.50 for 3 rooms on 2027-04-30"), "{html}");
        assert!(html.contains("<form class=\"card\" method=\"post\" action=\"quotes\""), "{html}");
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">"), "{html}");
        assert!(html.contains("<a class=\"home\" href=\"/.courtyard/home\">Back to home</a>"), "{html}");
        assert!(html.contains("<title>Moving quotes · Moving Service</title>"), "{html}");
    }

    #[test]
    fn without_details_there_is_no_form() {
        let contact = Err(Error::Denied("sign in first".to_owned()));
        let quotes = Ok(Vec::new());
        let view =
            Overview { lang: Lang::En, contact: &contact, quotes: &quotes, problem: None, form: &QuoteForm::default() };
        let html = overview(&view).into_string();
        assert!(html.contains("cannot be read: denied: sign in first") && html.contains("No quotes yet"), "{html}");
        assert!(!html.contains("<form"), "{html}");
    }

    #[test]
    fn the_pages_speak_german() {
        let contact = Ok(Profile::from_entries([(Field::Phone, "+41 44".to_owned())]));
        let quotes = Ok(Vec::new());
        let view =
            Overview { lang: Lang::De, contact: &contact, quotes: &quotes, problem: None, form: &QuoteForm::default() };
        let html = overview(&view).into_string();
        assert!(html.contains("<html lang=\"de\">") && html.contains("<h1>Umzugsofferten</h1>"), "{html}");
        assert!(html.contains("<dt>Telefon</dt><dd>+41 44</dd>") && html.contains(">Offerte anfragen</button>"));
        assert!(html.contains(">Zur Startseite</a>") && !html.contains("Du teilst keine Telefonnummer"), "{html}");
        let one = quote(&saved("Klavier", "MR-7"), Lang::De).into_string();
        assert!(one.contains("<dt>Preis</dt><dd>CHF 1890.50</dd>") && one.contains("Alle deine Offerten"), "{one}");
    }

    #[test]
    fn one_quote_shows_its_reference_escaped() {
        let html = quote(&saved("2 <pianos>", "MR-<1>"), Lang::En).into_string();
        assert!(html.contains("CHF 1890.50") && html.contains("MR-&lt;1&gt;"), "{html}");
        assert!(html.contains("2 &lt;pianos&gt;") && !html.contains("<pianos>"), "{html}");
        assert!(html.contains("<title>Your moving quote · Moving Service</title>"), "{html}");
    }
}
