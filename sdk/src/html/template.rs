//! What `html!` checks in a template while the app compiles.
//!
//! The template is read as HTML just far enough to know where each `{}`
//! stands: in text or a quoted attribute value, where text is escaped, or
//! inside a tag outside quotes, where only [`Html`](super::Html) may stand.
//! Anything that would let a value escape the escaping fails the build:
//! a placeholder naming a variable (`{name}` would take it unescaped from
//! the surrounding code), an unquoted attribute value, a template that
//! ends inside a tag.

/// Why a template is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// `{name}`: a value taken from the surrounding code, not an argument.
    Named,
    /// `{0}`: placeholders are filled in order.
    Positional,
    /// A format option other than a precision (`{:.2}`).
    Option,
    /// `href={}`: an attribute value without quotes.
    Unquoted,
    /// The template ends inside a tag or a quoted attribute value.
    OpenTag,
    /// A `{` without its `}`.
    Unclosed,
}

/// Where the reader is in the template.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Text,
    Tag,
    Quoted(u8),
}

/// Reads `template`, checking every placeholder. Answers whether the
/// placeholder numbered `wanted` (from 0) stands inside a tag outside quotes.
pub const fn scan(template: &str, wanted: usize) -> Result<bool, Problem> {
    let bytes = template.as_bytes();
    let mut at = 0;
    let mut place = Place::Text;
    let mut count = 0;
    let mut found = false;
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
            let in_tag = matches!(place, Place::Tag);
            if in_tag && before(bytes, at) == b'=' {
                return Err(Problem::Unquoted);
            }
            if count == wanted {
                found = in_tag;
            }
            count += 1;
            at = end + 1;
            continue;
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
    if !matches!(place, Place::Text) {
        return Err(Problem::OpenTag);
    }
    Ok(found)
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

/// Fails the build with a sentence saying what is wrong with `template`.
pub const fn check(template: &str) {
    match scan(template, usize::MAX) {
        Ok(_) => {}
        Err(Problem::Named) => panic!(
            "html!: pass each value as an argument after the template and write `{{}}` for it; \
             `{{name}}` would take the value unescaped"
        ),
        Err(Problem::Positional) => panic!("html!: placeholders are filled in order; write `{{}}`, not `{{0}}`"),
        Err(Problem::Option) => panic!("html!: the only format option is a precision, such as `{{:.2}}`"),
        Err(Problem::Unquoted) => panic!("html!: quote attribute values: `href=\"{{}}\"`"),
        Err(Problem::OpenTag) => panic!("html!: a template must not end inside a tag or an attribute value"),
        Err(Problem::Unclosed) => panic!("html!: a `{{` has no `}}`; write `{{{{` for a brace"),
    }
}

/// Whether placeholder `index` stands inside a tag, outside quotes.
pub const fn in_tag(template: &str, index: usize) -> bool {
    matches!(scan(template, index), Ok(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_quoted_values_are_not_in_a_tag() {
        let template = "<p class=\"a\" title='{}'>{} &lt; {:.2}</p><a href=\"{}\">x</a> 1 < {}";
        assert_eq!(scan(template, 0), Ok(false));
        for index in 1..=4 {
            assert!(!in_tag(template, index), "{index}");
        }
        assert_eq!(scan("<option value=\"x\"{}>", 0), Ok(true));
        assert_eq!(scan("<{}>", 0), Ok(true), "a tag's name is no text");
        assert_eq!(scan("</{}>", 0), Ok(true));
        assert_eq!(scan("<p>{{not a placeholder}}</p>", 0), Ok(false));
    }

    #[test]
    fn what_could_escape_the_escaping_is_refused() {
        assert_eq!(scan("<p>{title}</p>", 0), Err(Problem::Named));
        assert_eq!(scan("<p>{title:.2}</p>", 0), Err(Problem::Named));
        assert_eq!(scan("<p>{0}</p>", 0), Err(Problem::Positional));
        for option in ["{:?}", "{:>5}", "{:#x}", "{:.}", "{:.2x}", "{:5.2}"] {
            assert_eq!(scan(option, 0), Err(Problem::Option), "{option}");
        }
        assert_eq!(scan("<a href={}>", 0), Err(Problem::Unquoted));
        assert_eq!(scan("<a href = {}>", 0), Err(Problem::Unquoted));
        assert_eq!(scan("<input value=\"{}", 0), Err(Problem::OpenTag));
        assert_eq!(scan("<input value=\"x\"", 0), Err(Problem::OpenTag));
        assert_eq!(scan("<p>{</p>", 0), Err(Problem::Unclosed));
    }
}
