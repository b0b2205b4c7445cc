//! The portal's frame around an app's pages.
//!
//! [`Frame::page`] turns an app's content into a whole page that looks like
//! the platform's own: the person's language in `<html lang>`, the title
//! "{page} · {app}", the platform's stylesheet, a header with the app's name
//! and a link back to home, a skip link and one `<main>`. It works the
//! same wherever the app is served — a core app at `/apps/{app}/` on the
//! platform, a third-party app on its own origin — because both answer the
//! two paths it uses: [`STYLESHEET`] and [`HOME`].
//!
//! ```
//! use courtyard_sdk::frame::Frame;
//! use courtyard_sdk::html;
//! use courtyard_sdk::lang::Lang;
//!
//! let frame = Frame::new("Pinboard", Lang::De);
//! let page = frame.page("Pinboard", html!("<h1>{}</h1>", "Pinnwand"));
//! assert!(page.as_str().starts_with("<!doctype html>\n<html lang=\"de\">"));
//! assert!(page.as_str().contains("<a class=\"home\" href=\"/.courtyard/home\">Zur Startseite</a>"));
//! // In a handler: `Ok(Response::html(200, page))`.
//! ```
//!
//! # Classes apps may rely on
//!
//! The stylesheet is the platform's own, so host pages and app pages look
//! alike on a phone. These class names are stable; anything else in it may
//! change:
//!
//! | class | for |
//! |---|---|
//! | `lead` | the sentence under a page's `h1` |
//! | `card` | a box: a form, a summary, one thing; an `h3` first in it is its title |
//! | `cards` | a list (`ul`/`ol`) of boxes: one `li class="card"` per item |
//! | `body`, `meta` | in a card: text that keeps the line breaks people typed; its small print |
//! | `facts` | a `dl` of names and values |
//! | `hint`, `error-text` | help under a label; the problem with a field (and `aria-invalid="true"` on it) |
//! | `secondary`, `danger` | quieter and destructive `button`s; `button` on an `a` makes it look like one |
//! | `button` on a `summary` | a `details` that opens like a button, e.g. a form to write something |
//! | `inline` | a `form` whose button keeps its own width, e.g. "Delete" in a card |
//! | `actions` | a row of buttons |
//! | `note`, `note error`, `note done` | a notice, a problem, a success |
//! | `muted` | quieter text |
//! | `pager` | links to further pages of a list |
//! | `visually-hidden` | text for screen readers only |
//!
//! Plain `label`, `input`, `select`, `textarea`, `fieldset`, `legend` and
//! `table` are styled without a class. Pages may use no inline styles and no
//! scripts: the platform's policy for app pages refuses both.

use crate::html;
use crate::html::Html;
use crate::lang::Lang;

/// The platform's stylesheet, on the platform and on every app's origin.
pub const STYLESHEET: &str = "/.courtyard/app.css";
/// Back to the portal's home, from the platform and from every app's origin.
pub const HOME: &str = "/.courtyard/home";

/// The frame of one app's pages in one language.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    app: &'a str,
    lang: Lang,
}

/// The frame's own words.
struct Words {
    skip: &'static str,
    home: &'static str,
}

const EN: Words = Words { skip: "Skip to the content", home: "Back to home" };
const DE: Words = Words { skip: "Zum Inhalt springen", home: "Zur Startseite" };

impl<'a> Frame<'a> {
    /// The frame for the app named `app` (its name as people see it), in `lang`.
    pub fn new(app: &'a str, lang: Lang) -> Frame<'a> {
        Frame { app, lang }
    }

    /// The language of the frame.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// `content` as a whole page titled `title`. The content goes into
    /// `<main>` as it is; it should start with the page's `<h1>`.
    pub fn page(&self, title: &str, content: Html) -> Html {
        let words = match self.lang {
            Lang::En => &EN,
            Lang::De => &DE,
        };
        let title = if title == self.app { Html::text(title) } else { html!("{} · {}", title, self.app) };
        html!(
            "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<link rel=\"stylesheet\" href=\"{}\">\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#main\">{}</a>\n\
             <header class=\"bar\">\n  <span class=\"brand\">{}</span>\n  \
             <a class=\"home\" href=\"{}\">{}</a>\n</header>\n\
             <main id=\"main\">\n{}\n</main>\n</body>\n</html>\n",
            self.lang.code(),
            title,
            STYLESHEET,
            words.skip,
            self.app,
            HOME,
            words.home,
            content,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_the_portals_frame_in_the_persons_language() {
        let page = Frame::new("Moving <Service>", Lang::En).page("Your quote", html!("<h1>Quote</h1>"));
        let page = page.as_str();
        assert!(page.starts_with("<!doctype html>\n<html lang=\"en\">"), "{page}");
        assert!(page.contains("<title>Your quote · Moving &lt;Service&gt;</title>"), "{page}");
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/.courtyard/app.css\">"), "{page}");
        assert!(page.contains("<a class=\"skip\" href=\"#main\">Skip to the content</a>"), "{page}");
        assert!(page.contains("<span class=\"brand\">Moving &lt;Service&gt;</span>"), "{page}");
        assert!(page.contains("<a class=\"home\" href=\"/.courtyard/home\">Back to home</a>"), "{page}");
        assert!(page.contains("<main id=\"main\">\n<h1>Quote</h1>\n</main>"), "{page}");
        assert!(!page.contains("style=") && !page.contains("<script"), "{page}");

        let german = Frame::new("Pinboard", Lang::De).page("Pinboard", Html::new());
        let german = german.as_str();
        assert!(german.contains("<html lang=\"de\">") && german.contains("<title>Pinboard</title>"), "{german}");
        assert!(german.contains(">Zum Inhalt springen<") && german.contains(">Zur Startseite<"), "{german}");
        assert_eq!(Frame::new("x", Lang::De).lang(), Lang::De);
    }
}
