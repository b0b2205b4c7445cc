//! What `html!` and `attributes!` check in a template while the app compiles.
//!
//! The template is read as HTML just far enough to know where each `{}`
//! stands: in text, in a quoted attribute value, or inside a tag outside
//! quotes. Text may hold escaped values and [`Html`](super::Html); a quoted
//! value only escaped values; the inside of a tag only
//! [`Attributes`](super::Attributes). Anything that would let a value
//! escape the escaping fails the build: a placeholder naming a variable
//! (`{name}` would take it unescaped from the surrounding code), `={}`
//! outside quotes (an unquoted attribute value, or one as soon as the
//! markup is placed in a tag), an `html!` template that ends inside a tag,
//! an `attributes!` template that leaves its tag or ends inside quotes.

/// Why a template is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// `{name}`: a value taken from the surrounding code, not an argument.
    Named,
    /// `{0}`: placeholders are filled in order.
    Positional,
    /// A format option other than a precision (`{:.2}`).
    Option,
    /// `={}` outside quotes: an attribute value without quotes, in a tag or
    /// in a fragment that could be placed in one.
    Unquoted,
    /// An `html!` template ends inside a tag or a quoted attribute value.
    OpenTag,
    /// An `attributes!` template holds `<` or `>` outside quotes.
    LeavesTag,
    /// An `attributes!` template ends inside a quoted value.
    OpenQuote,
    /// An `attributes!` template does not start with white space (or with a
    /// placeholder, which holds attributes that do).
    NoSpace,
    /// A `{` without its `}`.
    Unclosed,
}

/// Where a placeholder stands; `html!` picks what may stand there by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Element content: escaped values and `Html`.
    Text,
    /// Inside a tag outside quotes: `Attributes` only.
    Tag,
    /// In an attribute value quoted with this byte: escaped values only.
    Quoted(u8),
}

/// Element content, where an `html!` template starts.
pub const TEXT: u8 = 0;
/// A quoted attribute value.
pub const QUOTED: u8 = 1;
/// Inside a tag outside quotes, where an `attributes!` template starts.
pub const TAG: u8 = 2;

const fn code(place: Place) -> u8 {
    match place {
        Place::Text => TEXT,
        Place::Quoted(_) => QUOTED,
        Place::Tag => TAG,
    }
}

/// Reads `template` from `start` ([`TEXT`] for `html!`, [`TAG`] for
/// `attributes!`), checking every placeholder. Answers where the
/// placeholder numbered `wanted` (from 0) stands, or [`TEXT`] when there is
/// no such placeholder.
pub const fn scan(template: &str, start: u8, wanted: usize) -> Result<u8, Problem> {
    let bytes = template.as_bytes();
    let attributes = start == TAG;
    if attributes && !bytes.is_empty() && !bytes[0].is_ascii_whitespace() {
        let placeholder = bytes[0] == b'{' && !(bytes.len() > 1 && bytes[1] == b'{');
        if !placeholder {
            return Err(Problem::NoSpace);
        }
    }
    let mut at = 0;
    let mut place = if attributes { Place::Tag } else { Place::Text };
    let mut count = 0;
    let mut found = TEXT;
    while at < bytes.len() {
        let byte = bytes[at];
        let next = if at + 1 < bytes.len() { bytes[at + 1] } else { 0 };
        if (byte == b'{' && next == b'{') || (byte == b'}' && next == b'}') {
            at += 2;
            continue;
        }
        if byte == b'{' {
            let mut end = at + 1;
            while end < bytes.len() && bytes[end] != b'}' {
                end += 1;
            }
            if end == bytes.len() {
                return Err(Problem::Unclosed);
            }
            if let Err(problem) = option(bytes, at + 1, end) {
                return Err(problem);
            }
            // Outside quotes `={}` is an unquoted value: in a tag now, or in
            // a tag once this markup is placed in one.
            if !matches!(place, Place::Quoted(_)) && before(bytes, at) == b'=' {
                return Err(Problem::Unquoted);
            }
            if count == wanted {
                found = code(place);
            }
            count += 1;
            at = end + 1;
            continue;
        }
        if attributes && matches!(place, Place::Tag) && (byte == b'<' || byte == b'>') {
            return Err(Problem::LeavesTag);
        }
        place = match place {
            Place::Text if byte == b'<' && (next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'{')) => {
                Place::Tag
            }
            Place::Tag if byte == b'"' || byte == b'\'' => Place::Quoted(byte),
            Place::Tag if byte == b'>' => Place::Text,
            Place::Quoted(quote) if byte == quote => Place::Tag,
            unchanged => unchanged,
        };
        at += 1;
    }
    match place {
        Place::Text if !attributes => Ok(found),
        Place::Tag if attributes => Ok(found),
        _ if attributes => Err(Problem::OpenQuote),
        _ => Err(Problem::OpenTag),
    }
}

/// Checks what stands between `{` and `}`: nothing, or `:.` and digits.
const fn option(bytes: &[u8], start: usize, end: usize) -> Result<(), Problem> {
    if start == end {
        return Ok(());
    }
    if bytes[start].is_ascii_digit() {
        return Err(Problem::Positional);
    }
    if bytes[start] != b':' {
        return Err(Problem::Named);
    }
    if end < start + 3 || bytes[start + 1] != b'.' {
        return Err(Problem::Option);
    }
    let mut at = start + 2;
    while at < end {
        if !bytes[at].is_ascii_digit() {
            return Err(Problem::Option);
        }
        at += 1;
    }
    Ok(())
}

/// The last byte before `at` that is not white space, or 0.
const fn before(bytes: &[u8], at: usize) -> u8 {
    let mut at = at;
    while at > 0 {
        at -= 1;
        if !bytes[at].is_ascii_whitespace() {
            return bytes[at];
        }
    }
    0
}

/// Fails the build with a sentence saying what is wrong with `template`,
/// read from `start` ([`TEXT`] or [`TAG`]).
pub const fn check(template: &str, start: u8) {
    match scan(template, start, usize::MAX) {
        Ok(_) => {}
        Err(Problem::Named) => panic!(
            "html!: pass each value as an argument after the template and write `{{}}` for it; \
             `{{name}}` would take the value unescaped"
        ),
        Err(Problem::Positional) => panic!("html!: placeholders are filled in order; write `{{}}`, not `{{0}}`"),
        Err(Problem::Option) => panic!("html!: the only format option is a precision, such as `{{:.2}}`"),
        Err(Problem::Unquoted) => panic!(
            "html!: `={{}}` outside quotes is an unquoted attribute value, or becomes one when the markup is \
             placed in a tag: quote it (`href=\"{{}}\"`), or write `&#61;` for an equals sign in text"
        ),
        Err(Problem::OpenTag) => panic!("html!: a template must not end inside a tag or an attribute value"),
        Err(Problem::LeavesTag) => {
            panic!("attributes!: a template holds attributes only; `<` and `>` belong in a quoted value")
        }
        Err(Problem::OpenQuote) => panic!("attributes!: a template must not end inside a quoted value"),
        Err(Problem::NoSpace) => {
            panic!("attributes!: start the template with a space, as in `attributes!(\" selected\")`")
        }
        Err(Problem::Unclosed) => panic!("html!: a `{{` has no `}}`; write `{{{{` for a brace"),
    }
}

/// Where placeholder `index` of `template`, read from `start`, stands:
/// [`TEXT`], [`QUOTED`] or [`TAG`]. A template [`check`] refuses answers
/// [`TEXT`]; the refusal fails the build anyway.
pub const fn place(template: &str, start: u8, index: usize) -> u8 {
    match scan(template, start, index) {
        Ok(place) => place,
        Err(_) => TEXT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(template: &str, index: usize) -> Result<u8, Problem> {
        scan(template, TEXT, index)
    }

    fn attributes(template: &str, index: usize) -> Result<u8, Problem> {
        scan(template, TAG, index)
    }

    #[test]
    fn each_placeholder_is_placed_where_it_stands() {
        let template = "<p class=\"a\" title='{}'>{} &lt; {:.2}</p><a href=\"{}\">x</a> 1 < {}";
        let places: Vec<u8> = (0..5).map(|index| place(template, TEXT, index)).collect();
        assert_eq!(places, [QUOTED, TEXT, TEXT, QUOTED, TEXT]);
        assert_eq!(html("<option value=\"x\"{}>", 0), Ok(TAG));
        assert_eq!(html("<{}>", 0), Ok(TAG), "a tag's name is no text");
        assert_eq!(html("</{}>", 0), Ok(TAG));
        assert_eq!(html("<p>{{not a placeholder}}</p>", 0), Ok(TEXT));
        assert_eq!(html("<a href=\"?after={}\">", 0), Ok(QUOTED), "`={{}}` inside quotes stays in the value");
        assert_eq!(html("<p>\" {}</p>", 0), Ok(TEXT), "a quote in text opens no value");
        assert_eq!(attributes(" selected", 0), Ok(TEXT), "no placeholder");
        assert_eq!(attributes(" value=\"{}\"{}", 0), Ok(QUOTED));
        assert_eq!(attributes(" value=\"{}\"{}", 1), Ok(TAG));
        assert_eq!(attributes("{} title='a>b<c'", 0), Ok(TAG));
        assert_eq!(attributes("", 0), Ok(TEXT));
    }

    #[test]
    fn what_could_escape_the_escaping_is_refused() {
        assert_eq!(html("<p>{title}</p>", 0), Err(Problem::Named));
        assert_eq!(html("<p>{title:.2}</p>", 0), Err(Problem::Named));
        assert_eq!(html("<p>{0}</p>", 0), Err(Problem::Positional));
        for option in ["{:?}", "{:>5}", "{:#x}", "{:.}", "{:.2x}", "{:5.2}"] {
            assert_eq!(html(option, 0), Err(Problem::Option), "{option}");
        }
        assert_eq!(html("<a href={}>", 0), Err(Problem::Unquoted));
        assert_eq!(html("<a href = {}>", 0), Err(Problem::Unquoted));
        assert_eq!(html("<input value=\"{}", 0), Err(Problem::OpenTag));
        assert_eq!(html("<input value=\"x\"", 0), Err(Problem::OpenTag));
        assert_eq!(html("<a{}", 0), Err(Problem::OpenTag));
        assert_eq!(html("<p>{</p>", 0), Err(Problem::Unclosed));
    }

    #[test]
    fn an_unquoted_value_is_refused_outside_a_tag_too() {
        // A fragment like this would become `<a href=…>` once placed in a tag.
        assert_eq!(html(" href={}", 0), Err(Problem::Unquoted));
        assert_eq!(html("x ={}", 0), Err(Problem::Unquoted));
        assert_eq!(html("<p>total =\n {}</p>", 0), Err(Problem::Unquoted));
        assert_eq!(html("<p>{}={}</p>", 0), Err(Problem::Unquoted), "the second one stands after `=`");
        assert_eq!(html("<p>total &#61; {}</p>", 0), Ok(TEXT));
        assert_eq!(html("<p>a == b</p>", 0), Ok(TEXT), "an `=` before no placeholder is text");
    }

    #[test]
    fn attributes_stay_inside_their_tag() {
        assert_eq!(attributes(" href={}", 0), Err(Problem::Unquoted));
        assert_eq!(attributes(" x=\"1\"> <script>", 0), Err(Problem::LeavesTag));
        assert_eq!(attributes(" <b", 0), Err(Problem::LeavesTag));
        assert_eq!(attributes(" title=\"{}", 0), Err(Problem::OpenQuote));
        assert_eq!(attributes(" title='x", 0), Err(Problem::OpenQuote));
        assert_eq!(attributes("selected", 0), Err(Problem::NoSpace));
        assert_eq!(attributes("{{x}}", 0), Err(Problem::NoSpace), "a literal brace is no placeholder");
        assert_eq!(attributes(" {name}", 0), Err(Problem::Named));
        assert_eq!(attributes(" a=\"{}\"", 0), Ok(QUOTED));
    }
}
