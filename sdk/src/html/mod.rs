//! Markup that is safe by construction.
//!
//! A page is [`Html`]: markup the app vouches for. The only everyday way to
//! make one is the [`html!`](crate::html!) macro, which works like
//! `format!` and escapes every value it is given, unless the value is
//! `Html` already. [`Response::html`](crate::Response::html) takes `Html`,
//! not a `String`, so a neighbour's post that was never escaped does not
//! compile into a page:
//!
//! ```
//! use courtyard_sdk::html;
//! use courtyard_sdk::html::Html;
//!
//! let title = "<script>alert(1)</script>";
//! let post: Html = html!("<h2>{}</h2><p class=\"muted\">{} replies</p>", title, 3);
//! assert_eq!(post.as_str(), "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2><p class=\"muted\">3 replies</p>");
//!
//! // Html goes in as it is; lists of it collect into one.
//! let items: Html = ["a", "b"].iter().map(|item| html!("<li>{}</li>", item)).collect();
//! let list = html!("<ul class=\"items\">{}</ul>", items);
//! assert_eq!(list.as_str(), "<ul class=\"items\"><li>a</li><li>b</li></ul>");
//! ```
//!
//! What the macro accepts, checked while the app compiles:
//! - `{}` for each argument in order, and `{:.2}` for a precision. A name
//!   in the braces (`{title}`) is refused: it would take the variable from
//!   the surrounding code and bypass the escaping.
//! - Any `Display` value in element content or in a *quoted* attribute
//!   value (`title="{}"`): it is escaped, quotes included. An unquoted
//!   attribute value (`href={}`) is refused.
//! - Inside a tag, outside quotes, only `Html` (for example an attribute
//!   that is there or not: `html!("<option{}>", selected)` with
//!   `selected = html!(" selected")`).
//!
//! ```compile_fail
//! # use courtyard_sdk::{Response, html};
//! let title = String::from("<b>hi</b>");
//! // A String is not a page: it does not compile.
//! let page = Response::html(200, format!("<h2>{}</h2>", title));
//! ```
//!
//! ```compile_fail
//! # use courtyard_sdk::html;
//! let title = "<b>hi</b>";
//! // A name inside the braces would not be escaped: it does not compile.
//! let page = html!("<h2>{title}</h2>");
//! ```
//!
//! ```compile_fail
//! # use courtyard_sdk::html;
//! let link = "x onmouseover=alert(1)";
//! // An unquoted attribute value does not compile.
//! let page = html!("<a href={}>more</a>", link);
//! ```
//!
//! ```compile_fail
//! # use courtyard_sdk::html;
//! let attributes = "onclick=\"alert(1)\"";
//! // Text inside a tag, outside quotes, does not compile.
//! let page = html!("<button {}>Go</button>", attributes);
//! ```
//!
//! The escape hatch is [`Html::raw`], for markup the app wrote or checked
//! itself; search for it when reviewing an app. Values in `href` or `src`
//! are escaped but not checked as URLs: app pages may run no script, so a
//! `javascript:` link does nothing, but build links from your own paths.

mod template;

use std::fmt;

/// Markup the app vouches for: built by [`html!`](crate::html!), from
/// escaped text ([`Html::text`]), or explicitly raw ([`Html::raw`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// No markup at all, e.g. for an attribute or a part a page leaves out.
    pub fn new() -> Html {
        Html(String::new())
    }

    /// `text` escaped for element content and quoted attribute values.
    pub fn text(text: &str) -> Html {
        let mut escaped = String::with_capacity(text.len());
        push_escaped(&mut escaped, text);
        Html(escaped)
    }

    /// Markup taken as it is, **unescaped**. Only for markup the app wrote
    /// or checked itself, never for anything a person typed.
    pub fn raw(markup: impl Into<String>) -> Html {
        Html(markup.into())
    }

    /// Appends `more`.
    pub fn push(&mut self, more: Html) {
        self.0.push_str(&more.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Html").field(&self.0).finish()
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(parts: I) -> Html {
        let mut all = Html::new();
        all.extend(parts);
        all
    }
}

impl Extend<Html> for Html {
    fn extend<I: IntoIterator<Item = Html>>(&mut self, parts: I) {
        for part in parts {
            self.push(part);
        }
    }
}

/// Builds [`Html`] like `format!`, escaping every argument that is not
/// `Html` already. See [the module](crate::html) for what it accepts.
///
/// ```
/// use courtyard_sdk::html;
///
/// let price = 1890.5;
/// let note = "2 pianos & a \"harp\"";
/// let row = html!("<td>CHF {:.2}</td><td title=\"{}\">{}</td>", price, note, note);
/// assert_eq!(
///     row.as_str(),
///     "<td>CHF 1890.50</td><td title=\"2 pianos &amp; a &quot;harp&quot;\">2 pianos &amp; a &quot;harp&quot;</td>"
/// );
/// ```
#[macro_export]
macro_rules! html {
    ($template:literal $(,)?) => {{
        const { $crate::html::__private::check($template) };
        $crate::html::__private::from_template(::std::format!($template))
    }};
    ($template:literal, $($arg:expr),+ $(,)?) => {
        $crate::__html_slots!($template; []; []; $($arg),+)
    };
}

/// Wraps each argument of `html!` with where it stands in the template,
/// counting them as it goes.
#[doc(hidden)]
#[macro_export]
macro_rules! __html_slots {
    ($template:literal; [$($slot:expr),*]; [$($count:tt)*];) => {{
        const { $crate::html::__private::check($template) };
        $crate::html::__private::from_template(::std::format!($template, $($slot),*))
    }};
    ($template:literal; [$($slot:expr),*]; [$($count:tt)*]; $arg:expr $(, $rest:expr)*) => {
        $crate::__html_slots!(
            $template;
            [$($slot,)* $crate::html::__private::Slot::<
                { $crate::html::__private::in_tag($template, 0 $($count)*) }, _
            >::new(&$arg)];
            [$($count)* + 1];
            $($rest),*
        )
    };
}

/// What `html!` expands to; not for apps to call.
#[doc(hidden)]
pub mod __private {
    use std::fmt;

    pub use super::template::{check, in_tag};
    use super::{Escaping, Html};

    pub fn from_template(markup: String) -> Html {
        Html(markup)
    }

    /// What may stand at a place in a template: anything `Display`, escaped,
    /// or `Html`, as it is; inside a tag outside quotes, only `Html`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot stand at this place in `html!`",
        label = "not text to escape (`Display`) nor `Html`, or text inside a tag outside quotes",
        note = "text goes in element content or a quoted attribute value (`title=\"{{}}\"`); \
                inside a tag outside quotes only `Html` may stand, e.g. `html!(\" selected\")`"
    )]
    pub trait Fits<const IN_TAG: bool> {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result;
    }

    impl<T: fmt::Display + ?Sized> Fits<false> for T {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            use fmt::Write as _;
            let precision = out.precision();
            let mut escaping = Escaping(out);
            match precision {
                Some(precision) => write!(escaping, "{self:.precision$}"),
                None => write!(escaping, "{self}"),
            }
        }
    }

    impl Fits<false> for Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<false> for &Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<true> for Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<true> for &Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    /// One argument of `html!` and whether it stands inside a tag.
    pub struct Slot<'a, const IN_TAG: bool, T: ?Sized>(&'a T);

    impl<'a, const IN_TAG: bool, T: Fits<IN_TAG> + ?Sized> Slot<'a, IN_TAG, T> {
        pub fn new(value: &'a T) -> Self {
            Slot(value)
        }
    }

    impl<const IN_TAG: bool, T: Fits<IN_TAG> + ?Sized> fmt::Display for Slot<'_, IN_TAG, T> {
        fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.write(out)
        }
    }
}

/// Escapes what is written through it.
struct Escaping<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            self.0.write_str(&rest[..at])?;
            self.0.write_str(entity(rest.as_bytes()[at]))?;
            rest = &rest[at + 1..];
        }
        self.0.write_str(rest)
    }
}

fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' | '<' | '>' | '"' | '\'' => out.push_str(entity(ch as u8)),
            other => out.push(other),
        }
    }
}

fn entity(byte: u8) -> &'static str {
    match byte {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        _ => "&#x27;",
    }
}

#[cfg(test)]
mod tests {
    use super::Html;

    const HOSTILE: &str = r#"<script>alert("x")</script> & 'y'"#;
    const ESCAPED: &str = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;";

    #[test]
    fn text_is_escaped_in_content_and_in_quoted_values() {
        assert_eq!(html!("<p>{}</p>", HOSTILE).as_str(), format!("<p>{ESCAPED}</p>"));
        assert_eq!(Html::text(HOSTILE).as_str(), ESCAPED);
        let broken_out = "\" autofocus onfocus=\"alert(1)";
        let input = html!("<input name=\"title\" value=\"{}\">", broken_out);
        assert_eq!(input.as_str(), "<input name=\"title\" value=\"&quot; autofocus onfocus=&quot;alert(1)\">");
        let single = html!("<a title='{}'>x</a>", "' onclick='alert(1)");
        assert_eq!(single.as_str(), "<a title='&#x27; onclick=&#x27;alert(1)'>x</a>");
        let area = html!("<textarea name=\"body\">{}</textarea>", "</textarea><script>x</script>");
        assert_eq!(area.as_str(), "<textarea name=\"body\">&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>");
        let owned = String::from("a<b");
        assert_eq!(html!("{}{}", owned, &owned).as_str(), "a&lt;ba&lt;b");
    }

    #[test]
    fn numbers_and_precision_come_out_as_written() {
        assert_eq!(html!("{} rooms, CHF {:.2}, {}", 3, 1890.5, -7i64).as_str(), "3 rooms, CHF 1890.50, -7");
        assert_eq!(html!("{:.3}", "<abcdef").as_str(), "&lt;ab", "a precision cuts text before escaping");
        assert_eq!(html!("{{}} {}", 'x').as_str(), "{} x");
    }

    #[test]
    fn html_is_taken_as_it_is_once() {
        let inner = html!("<b>{}</b>", "&");
        let outer = html!("<p>{}</p>", inner);
        assert_eq!(outer.as_str(), "<p><b>&amp;</b></p>");
        let by_reference = html!("<p>{}</p>", &outer);
        assert_eq!(by_reference.as_str(), "<p><p><b>&amp;</b></p></p>");
        let selected = html!(" selected");
        assert_eq!(html!("<option value=\"{}\"{}>x</option>", "a\"b", selected).as_str(), {
            "<option value=\"a&quot;b\" selected>x</option>"
        });
        let none = Html::new();
        assert_eq!(html!("<option{}>", &none).as_str(), "<option>");
        assert_eq!(Html::raw("<hr>").as_str(), "<hr>");
    }

    #[test]
    fn parts_collect_into_one() {
        let list: Html = ["<1>", "2"].iter().map(|item| html!("<li>{}</li>", item)).collect();
        assert_eq!(list.as_str(), "<li>&lt;1&gt;</li><li>2</li>");
        let mut page = html!("<ul>");
        page.push(list);
        page.extend([html!("</ul>")]);
        assert_eq!(page.into_string(), "<ul><li>&lt;1&gt;</li><li>2</li></ul>");
        assert!(Html::default().is_empty());
    }
}
