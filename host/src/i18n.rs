//! The words of the host's pages and mails, in English and German.
//!
//! Each language is one catalogue, `host/locales/{en,de}.toml`, of sections
//! of `key = "text"`; a text is named `section.key`. Both catalogues must
//! name the same texts, and every text a page uses must exist: a test reads
//! the templates and the page code and fails on any gap.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language host pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
}

impl Lang {
    #[cfg(test)]
    pub(crate) const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The BCP 47 tag, for the page's `lang` attribute.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language of a locale tag such as `de-CH`, if we speak it.
    pub(crate) fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    /// The person's own locale first, then what the browser prefers (by
    /// `q` weight), then English.
    pub(crate) fn pick(locale: Option<&str>, accept_language: Option<&str>) -> Lang {
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
                (weight > 0.0).then_some((weight, lang))
            })
            .collect();
        // Stable: of equal weights, the first named wins.
        offered.sort_by(|a, b| b.0.total_cmp(&a.0));
        offered.first().map_or(Lang::En, |(_, lang)| *lang)
    }
}

type Catalogue = HashMap<String, String>;

static CATALOGUES: LazyLock<[Catalogue; 2]> =
    LazyLock::new(|| [parse(include_str!("../locales/en.toml")), parse(include_str!("../locales/de.toml"))]);

/// Reads a catalogue: sections of `key = "text"`, flattened to `section.key`.
fn parse(source: &str) -> Catalogue {
    let table: toml::Table = toml::from_str(source).expect("a locale catalogue is valid TOML");
    let mut words = Catalogue::new();
    for (section, entries) in table {
        let toml::Value::Table(entries) = entries else { panic!("locale section `{section}` is not a table") };
        for (key, text) in entries {
            let toml::Value::String(text) = text else { panic!("locale text `{section}.{key}` is not a string") };
            words.insert(format!("{section}.{key}"), text);
        }
    }
    words
}

/// The texts of one language, as pages and mails use them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Texts {
    lang: Lang,
}

impl Texts {
    pub(crate) fn new(lang: Lang) -> Texts {
        Texts { lang }
    }

    /// The texts for a mail to a person whose locale is `locale`.
    pub(crate) fn for_mail(locale: &str) -> Texts {
        Texts::new(Lang::pick(Some(locale), None))
    }

    /// The page's `lang` attribute value.
    pub(crate) fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The text named `key`. A missing one shows its name (and is logged);
    /// the catalogue test makes sure none is missing.
    pub(crate) fn t(&self, key: &str) -> &'static str {
        match catalogue(self.lang).get(key) {
            Some(text) => text.as_str(),
            None => {
                tracing::warn!(key, lang = self.lang.code(), "a page text is missing from the catalogue");
                "…"
            }
        }
    }

    /// The text named `key` with its `{name}` placeholders filled in, in one
    /// pass: a value that itself holds `{…}` (a title someone typed) stays
    /// as it is.
    pub(crate) fn f(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut rest = self.t(key);
        let mut text = String::with_capacity(rest.len());
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let filled = after.find('}').and_then(|close| {
                let value = values.iter().find(|(name, _)| *name == &after[..close])?.1;
                Some((value, close))
            });
            match filled {
                Some((value, close)) => {
                    text.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    text.push('{');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        text
    }
}

/// Month names as people read them in a date, as app pages write them too
/// (the SDK's `Timestamp::for_people`).
pub(crate) const MONTHS: [[&str; 12]; 2] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
];

impl Texts {
    /// A moment for people, in UTC and saying so: `4 Dec 2026, 18:20 UTC`,
    /// `4. Dez. 2026, 18:20 UTC`.
    pub(crate) fn when(&self, epoch_ms: i64) -> String {
        let Ok(moment) = time::OffsetDateTime::from_unix_timestamp(epoch_ms.div_euclid(1000)) else {
            return String::new();
        };
        let month = MONTHS[usize::from(self.lang == Lang::De)][usize::from(u8::from(moment.month())) - 1];
        let (day, year, hour, minute) = (moment.day(), moment.year(), moment.hour(), moment.minute());
        match self.lang {
            Lang::En => format!("{day} {month} {year}, {hour:02}:{minute:02} UTC"),
            Lang::De => format!("{day}. {month} {year}, {hour:02}:{minute:02} UTC"),
        }
    }
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    match lang {
        Lang::En => &CATALOGUES[0],
        Lang::De => &CATALOGUES[1],
    }
}

/// Every text name a catalogue holds (for the catalogue test).
#[cfg(test)]
pub(crate) fn names(lang: Lang) -> std::collections::BTreeSet<String> {
    catalogue(lang).keys().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_persons_locale_wins_then_the_browsers_best_weighted_choice() {
        assert_eq!(Lang::pick(Some("de-CH"), Some("en")), Lang::De);
        assert_eq!(Lang::pick(Some("fr"), Some("fr-CH, de;q=0.8, en;q=0.5")), Lang::De);
        assert_eq!(Lang::pick(None, Some("en;q=0.4, de;q=0.9")), Lang::De);
        assert_eq!(Lang::pick(None, Some("de;q=0")), Lang::En);
        assert_eq!(Lang::pick(None, Some("garbage;;;q=x,")), Lang::En);
        assert_eq!(Lang::pick(None, None), Lang::En);
    }

    #[test]
    fn placeholders_are_filled_in() {
        let texts = Texts::new(Lang::En);
        assert_eq!(texts.f("home.unread", &[("count", "3")]), "3 unread");
    }

    #[test]
    fn moments_read_as_app_pages_write_them() {
        assert_eq!(Texts::new(Lang::En).when(1_796_408_400_123), "4 Dec 2026, 18:20 UTC");
        assert_eq!(Texts::new(Lang::De).when(1_796_408_400_123), "4. Dez. 2026, 18:20 UTC");
        assert_eq!(Texts::new(Lang::De).when(1_772_323_200_000), "1. März 2026, 00:00 UTC");
    }

    #[test]
    fn a_value_is_never_read_as_a_placeholder() {
        let texts = Texts::new(Lang::En);
        let filled = texts.f("home.third_party_by", &[("vendor", "{vendor} {x")]);
        assert_eq!(filled, "Third-party app by {vendor} {x");
    }
}
