//! The language an app speaks to a person, and a check that its texts are
//! translated.
//!
//! The platform speaks English and German. An app picks one the way the
//! platform's own pages do: the person's own locale (from [`context`]
//! (crate::context)) when it names a language we speak, else the best
//! weighted one of the browser's `Accept-Language` we speak, else English.
//!
//! Keep an app's texts in one struct per language: a text missing from one
//! language is a field left out, which does not compile. A unit test with
//! [`missing_translations`] catches the rest — an empty text, a German text
//! that is still the English one, a placeholder lost in translation:
//!
//! ```
//! use courtyard_sdk::lang::{Lang, missing_translations};
//!
//! #[derive(serde::Serialize)]
//! struct Texts {
//!     title: &'static str,
//!     by: &'static str,
//!     post: &'static str,
//! }
//!
//! const EN: Texts = Texts { title: "Pinboard", by: "by {name}", post: "Post" };
//! const DE: Texts = Texts { title: "Pinnwand", by: "von {name}", post: "Veröffentlichen" };
//!
//! fn texts(lang: Lang) -> &'static Texts {
//!     match lang {
//!         Lang::En => &EN,
//!         Lang::De => &DE,
//!     }
//! }
//!
//! // In the app's tests:
//! assert_eq!(missing_translations(&EN, &DE, &[]), Vec::<String>::new());
//! assert_eq!(texts(Lang::pick(Some("fr-CH"), Some("de-CH, en;q=0.5"))).title, "Pinnwand");
//! ```

use serde::Serialize;
use serde_json::Value;

use crate::Request;
use crate::context::Caller;

/// A language the platform speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The BCP 47 tag, for a page's `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language of a locale tag such as `de-CH`, if we speak it.
    pub fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("de") {
            Some(Lang::De)
        } else {
            None
        }
    }

    /// The person's own locale first, then what the browser prefers (by
    /// `q` weight; languages we do not speak are skipped, `q=0` means "not
    /// this one"), then English. The platform's pages pick by the same rule.
    pub fn pick(locale: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = locale.and_then(Lang::of_tag) {
            return lang;
        }
        let mut offered: Vec<(f32, Lang)> = accept_language
            .unwrap_or_default()
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::of_tag(pieces.next()?)?;
                let weight = pieces
                    .find_map(|piece| piece.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                // NaN is not above zero either.
                (weight > 0.0).then_some((weight, lang))
            })
            .collect();
        // Stable: of equal weights, the first named wins.
        offered.sort_by(|a, b| b.0.total_cmp(&a.0));
        offered.first().map_or(Lang::En, |(_, lang)| *lang)
    }

    /// The language for `caller` making `request`: [`Lang::pick`] with the
    /// caller's locale and the request's `Accept-Language`.
    pub fn of(caller: &Caller, request: &Request) -> Lang {
        Lang::pick(Some(&caller.locale), request.header("accept-language"))
    }
}

/// `text` with each `{name}` in it replaced by its value:
/// `fill("by {name}", &[("name", &"Ada")])` is `"by Ada"`. The result is
/// text like any other: put it into pages with `html!`, which escapes it.
/// Values are put in once, in one pass: a value that itself holds `{max}`
/// stays as it is.
pub fn fill(text: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut filled = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = after
            .split_once('}')
            .and_then(|(name, tail)| values.iter().find(|(known, _)| *known == name).map(|(_, value)| (value, tail)));
        match known {
            Some((value, tail)) => {
                filled.push_str(&value.to_string());
                rest = tail;
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// What is wrong with `translation` as a translation of `reference` (one
/// struct of texts each, serialised with serde), one sentence per problem:
/// a text that is empty in either, a text that is the same in both (unless
/// its name is in `same_on_purpose`, such as a brand name), a name in
/// `same_on_purpose` whose texts differ after all, and `{placeholders}` that
/// differ. Nested structs and lists are named by path: `errors.title`.
pub fn missing_translations<T: Serialize>(reference: &T, translation: &T, same_on_purpose: &[&str]) -> Vec<String> {
    let (reference, translation) = match (serde_json::to_value(reference), serde_json::to_value(translation)) {
        (Ok(reference), Ok(translation)) => (reference, translation),
        _ => return vec!["the texts cannot be serialised".to_owned()],
    };
    let mut texts = Vec::new();
    flatten(String::new(), &reference, &translation, &mut texts);
    let mut problems = Vec::new();
    for (name, reference, translation) in &texts {
        let listed = same_on_purpose.contains(&name.as_str());
        if reference.trim().is_empty() || translation.trim().is_empty() {
            problems.push(format!("`{name}` is empty"));
        } else if reference == translation && !listed {
            problems.push(format!("`{name}` is not translated: \"{translation}\""));
        } else if reference != translation && listed {
            problems.push(format!("`{name}` is listed as the same in both, but differs"));
        }
        if placeholders(reference) != placeholders(translation) {
            problems.push(format!("`{name}` has other placeholders in translation: \"{translation}\""));
        }
    }
    for name in same_on_purpose {
        if !texts.iter().any(|(text, _, _)| text == name) {
            problems.push(format!("`{name}` is listed but is no text"));
        }
    }
    problems
}

/// Pairs up the texts of two values of the same shape, by path.
fn flatten(path: String, reference: &Value, translation: &Value, out: &mut Vec<(String, String, String)>) {
    let child = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    match (reference, translation) {
        (Value::String(reference), Value::String(translation)) => {
            out.push((path, reference.clone(), translation.clone()));
        }
        (Value::Object(reference), Value::Object(translation)) => {
            for (name, value) in reference {
                flatten(child(name), value, translation.get(name).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(reference), Value::Array(translation)) => {
            for (at, value) in reference.iter().enumerate() {
                flatten(child(&at.to_string()), value, translation.get(at).unwrap_or(&Value::Null), out);
            }
        }
        (Value::String(reference), _) => out.push((path, reference.clone(), String::new())),
        _ => {}
    }
}

/// The `{names}` in a text, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_persons_locale_wins_then_the_browsers_best_weighted_choice() {
        assert_eq!(Lang::pick(Some("de-CH"), Some("en")), Lang::De);
        assert_eq!(Lang::pick(Some("EN_gb"), Some("de")), Lang::En);
        assert_eq!(Lang::pick(Some("fr"), Some("fr-CH, de;q=0.8, en;q=0.5")), Lang::De);
        assert_eq!(Lang::pick(Some(""), Some("en;q=0.4, de;q=0.9")), Lang::De);
        assert_eq!(Lang::pick(None, Some("en, de")), Lang::En, "equal weights: the first named");
        assert_eq!(Lang::pick(None, Some("de;q=0")), Lang::En);
        assert_eq!(Lang::pick(None, Some("de;q=nan, en;q=0.1")), Lang::En, "NaN is no weight");
        assert_eq!(Lang::pick(None, Some("garbage;;;q=x,")), Lang::En);
        assert_eq!(Lang::pick(None, Some(&"x,".repeat(10_000))), Lang::En);
        assert_eq!(Lang::pick(None, None), Lang::En);
        assert_eq!(Lang::ALL.map(Lang::code), ["en", "de"]);
    }

    #[derive(Serialize)]
    struct Texts {
        title: &'static str,
        by: &'static str,
        errors: Errors,
    }

    #[derive(Serialize)]
    struct Errors {
        empty: &'static str,
    }

    const EN: Texts = Texts { title: "Pinboard", by: "by {name}", errors: Errors { empty: "Give it a title." } };

    #[test]
    fn placeholders_are_filled_in() {
        assert_eq!(fill("{count} of {max}, {count}", &[("count", &3), ("max", &"<5>")]), "3 of <5>, 3");
        assert_eq!(fill("no {such}", &[]), "no {such}");
        assert_eq!(fill("by {name} ({n})", &[("name", &"{n}"), ("n", &1)]), "by {n} (1)", "one pass");
        assert_eq!(fill("{{name}} {", &[("name", &"x")]), "{x} {");
    }

    #[test]
    fn a_faithful_translation_passes() {
        let de = Texts { title: "Pinnwand", by: "von {name}", errors: Errors { empty: "Gib ihm einen Titel." } };
        assert_eq!(missing_translations(&EN, &de, &[]), Vec::<String>::new());
    }

    #[test]
    fn untranslated_empty_and_mangled_texts_are_named() {
        let de = Texts { title: "Pinboard", by: "von {nam}", errors: Errors { empty: " " } };
        let problems = missing_translations(&EN, &de, &[]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        for expected in ["`title` is not translated", "`by` has other placeholders", "`errors.empty` is empty"] {
            assert!(problems.iter().any(|problem| problem.contains(expected)), "{expected}: {problems:?}");
        }
        let de = Texts { title: "Pinboard", by: "von {name}", errors: Errors { empty: "Titel!" } };
        assert_eq!(missing_translations(&EN, &de, &["title"]), Vec::<String>::new());
        let listed = missing_translations(&EN, &de, &["by", "gone"]);
        assert!(listed.iter().any(|problem| problem.contains("`by` is listed")), "{listed:?}");
        assert!(listed.iter().any(|problem| problem.contains("`gone` is listed but is no text")), "{listed:?}");
    }
}
