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
//! - In element content: any `Display` value, escaped, or `Html` as it is.
//! - In a *quoted* attribute value (`title="{}"`): any `Display` value,
//!   escaped, quotes included; not `Html`, whose markup could close the
//!   quotes.
//! - Inside a tag, outside quotes: only [`Attributes`], built by the
//!   [`attributes!`](crate::attributes!) macro from literal names and
//!   escaped values, e.g. an attribute that is there or not:
//!   `html!("<option{}>", selected)` with `selected = attributes!(" selected")`.
//! - `={}` outside quotes is refused anywhere in a template, in a tag or
//!   not: it is an unquoted attribute value, or becomes one as soon as the
//!   markup is placed in a tag. Inside quotes (`href="?after={}"`) it is a
//!   value like any other.
//!
//! ```
//! use courtyard_sdk::html::{Attributes, Html};
//! use courtyard_sdk::{attributes, html};
//!
//! let chosen = "b";
//! let options: Html = ["a", "b\" onclick=\"x"]
//!     .iter()
//!     .map(|value| {
//!         let selected = if *value == chosen { attributes!(" selected") } else { Attributes::new() };
//!         let data = attributes!(" data-value=\"{}\"", value);
//!         html!("<option value=\"{}\"{}{}>{}</option>", value, data, selected, value)
//!     })
//!     .collect();
//! assert_eq!(
//!     options.as_str(),
//!     "<option value=\"a\" data-value=\"a\">a</option>\
//!      <option value=\"b&quot; onclick=&quot;x\" data-value=\"b&quot; onclick=&quot;x\">b&quot; onclick=&quot;x</option>"
//! );
//! ```
//!
//! ```compile_fail,E0308
//! # use courtyard_sdk::{Response, html};
//! let title = String::from("<b>hi</b>");
//! // A String is not a page: it does not compile.
//! let page = Response::html(200, format!("<h2>{}</h2>", title));
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::html;
//! let title = "<b>hi</b>";
//! // A name inside the braces would not be escaped: it does not compile.
//! let page = html!("<h2>{title}</h2>");
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::html;
//! let link = "x onmouseover=alert(1)";
//! // An unquoted attribute value does not compile.
//! let page = html!("<a href={}>more</a>", link);
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::html;
//! let link = "x onmouseover=alert(1)";
//! // Nor does one in a fragment meant to be placed in a tag later.
//! let href = html!(" href={}", link);
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::html;
//! let attributes = "onclick=\"alert(1)\"";
//! // Text inside a tag, outside quotes, does not compile.
//! let page = html!("<button {}>Go</button>", attributes);
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::html;
//! let typed = "onclick=alert(1)";
//! // Html, even escaped text, is no attribute: it does not compile inside a tag.
//! let escaped = html!("{}", typed);
//! let page = html!("<option{}>x</option>", escaped);
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::html;
//! let typed = "onclick=alert(1)";
//! // Html's own quotes would close a quoted value: it does not compile there.
//! let fragment = html!("\" {}", typed);
//! let page = html!("<a title=\"{}\">x</a>", fragment);
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::attributes;
//! let typed = "onclick=alert(1)";
//! // Attribute names are literal: text does not compile where a name stands.
//! let extra = attributes!(" {}", typed);
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::attributes;
//! let typed = "x onclick=alert(1)";
//! // Values are quoted in attributes too.
//! let extra = attributes!(" title={}", typed);
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::attributes;
//! // Attributes stay inside their tag.
//! let extra = attributes!(" x=\"1\"><script>alert(1)</script");
//! ```
//!
//! ```compile_fail,E0080
//! # use courtyard_sdk::attributes;
//! // A template ending inside quotes would swallow what follows it.
//! let extra = attributes!(" title=\"{}", "x");
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::{attributes, html};
//! // Attributes belong inside a tag, not in its content.
//! let page = html!("<p>{}</p>", attributes!(" hidden"));
//! ```
//!
//! ```compile_fail,E0277
//! # use courtyard_sdk::{attributes, html};
//! // Nor in a quoted value.
//! let page = html!("<p title=\"{}\">x</p>", attributes!(" hidden"));
//! ```
//!
//! The escape hatch is [`Html::raw`], for markup the app wrote or checked
//! itself; search for it when reviewing an app. There is none for
//! [`Attributes`]. Values in `href` or `src` are escaped but not checked
//! as URLs: app pages may run no script, so a `javascript:` link does
//! nothing, but build links from your own paths.

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

    /// `text` escaped, as element content. (In a quoted attribute value,
    /// pass the text itself to `html!`, which escapes it there.)
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

/// Attributes for inside a tag, built only by
/// [`attributes!`](crate::attributes!) from literal names and escaped
/// values; the one thing `html!` puts inside a tag outside quotes.
///
/// ```
/// use courtyard_sdk::html::Attributes;
/// use courtyard_sdk::{attributes, html};
///
/// let problem = Some("title");
/// let invalid = match problem {
///     Some(field) => attributes!(" aria-invalid=\"true\" aria-errormessage=\"{}-error\"", field),
///     None => Attributes::new(),
/// };
/// let input = html!("<input id=\"title\" name=\"title\"{}>", invalid);
/// assert_eq!(
///     input.as_str(),
///     "<input id=\"title\" name=\"title\" aria-invalid=\"true\" aria-errormessage=\"title-error\">"
/// );
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Attributes(String);

impl Attributes {
    /// No attributes: for an attribute a tag has or has not.
    pub fn new() -> Attributes {
        Attributes(String::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Attributes").field(&self.0).finish()
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
        const { $crate::html::__private::check($template, $crate::html::__private::TEXT) };
        $crate::html::__private::html(::std::format!($template))
    }};
    ($template:literal, $($arg:expr),+ $(,)?) => {
        $crate::__html_slots!(TEXT, html; $template; []; []; $($arg),+)
    };
}

/// Builds [`Attributes`] like `format!`: a template that starts with a
/// space and holds attributes, with escaped values in quoted attribute
/// values and other `Attributes` where a name stands, and nothing that
/// would leave the tag.
///
/// ```
/// use courtyard_sdk::{attributes, html};
///
/// let described = attributes!(" aria-describedby=\"{}-hint\"", "title\"");
/// let both = attributes!("{} required", described);
/// assert_eq!(both.as_str(), " aria-describedby=\"title&quot;-hint\" required");
/// assert_eq!(html!("<input{}>", both).as_str(), "<input aria-describedby=\"title&quot;-hint\" required>");
/// ```
#[macro_export]
macro_rules! attributes {
    ($template:literal $(,)?) => {{
        const { $crate::html::__private::check($template, $crate::html::__private::TAG) };
        $crate::html::__private::attributes(::std::format!($template))
    }};
    ($template:literal, $($arg:expr),+ $(,)?) => {
        $crate::__html_slots!(TAG, attributes; $template; []; []; $($arg),+)
    };
}

/// Wraps each argument of `html!` or `attributes!` with where it stands in
/// the template, counting them as it goes.
#[doc(hidden)]
#[macro_export]
macro_rules! __html_slots {
    ($start:ident, $finish:ident; $template:literal; [$($slot:expr),*]; [$($count:tt)*];) => {{
        const { $crate::html::__private::check($template, $crate::html::__private::$start) };
        $crate::html::__private::$finish(::std::format!($template, $($slot),*))
    }};
    ($start:ident, $finish:ident; $template:literal; [$($slot:expr),*]; [$($count:tt)*]; $arg:expr $(, $rest:expr)*) => {
        $crate::__html_slots!(
            $start, $finish;
            $template;
            [$($slot,)* $crate::html::__private::Slot::<
                { $crate::html::__private::place($template, $crate::html::__private::$start, 0 $($count)*) }, _
            >::new(&$arg)];
            [$($count)* + 1];
            $($rest),*
        )
    };
}

/// What `html!` and `attributes!` expand to; not for apps to call.
#[doc(hidden)]
pub mod __private {
    use std::fmt;

    pub use super::template::{QUOTED, TAG, TEXT, check, place};
    use super::{Attributes, Escaping, Html};

    pub fn html(markup: String) -> Html {
        Html(markup)
    }

    pub fn attributes(markup: String) -> Attributes {
        Attributes(markup)
    }

    /// What may stand at a place in a template: in text anything `Display`,
    /// escaped, or `Html`, as it is; in a quoted value only `Display`,
    /// escaped; inside a tag outside quotes only `Attributes`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot stand at this place in `html!` or `attributes!`",
        label = "not what this place takes",
        note = "element content takes text (`Display`, escaped) or `Html`; a quoted attribute value \
                (`title=\"{{}}\"`) takes text only, escaped; inside a tag outside quotes only `Attributes` \
                stand, built with `attributes!`, e.g. `attributes!(\" selected\")`"
    )]
    pub trait Fits<const PLACE: u8> {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result;
    }

    /// Writes `value` escaped, keeping a precision (`{:.2}`).
    fn escaped<T: fmt::Display + ?Sized>(value: &T, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let precision = out.precision();
        let mut escaping = Escaping(out);
        match precision {
            Some(precision) => write!(escaping, "{value:.precision$}"),
            None => write!(escaping, "{value}"),
        }
    }

    impl<T: fmt::Display + ?Sized> Fits<TEXT> for T {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            escaped(self, out)
        }
    }

    impl<T: fmt::Display + ?Sized> Fits<QUOTED> for T {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            escaped(self, out)
        }
    }

    impl Fits<TEXT> for Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<TEXT> for &Html {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<TAG> for Attributes {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    impl Fits<TAG> for &Attributes {
        fn write(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
            out.write_str(&self.0)
        }
    }

    /// One argument of `html!` and where it stands.
    pub struct Slot<'a, const PLACE: u8, T: ?Sized>(&'a T);

    impl<'a, const PLACE: u8, T: Fits<PLACE> + ?Sized> Slot<'a, PLACE, T> {
        pub fn new(value: &'a T) -> Self {
            Slot(value)
        }
    }

    impl<const PLACE: u8, T: Fits<PLACE> + ?Sized> fmt::Display for Slot<'_, PLACE, T> {
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
mod tests;
