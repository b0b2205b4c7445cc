//! The categories residents file tickets under: one list per property,
//! kept by staff, in English and German.
//!
//! The list is one `settings` document visible to the whole property,
//! claimed under the key `categories` so two staff saving at once never
//! create two lists. Until staff save one, the defaults apply. Staff edit
//! it as lines of `key | English | Deutsch`; a ticket keeps the key, so
//! renaming a category renames it on every ticket.

use courtyard_sdk::lang::Lang;
use courtyard_sdk::{Collection, Error, Visibility};
use serde::{Deserialize, Serialize};

use crate::validate::{Problem, line};

pub const SETTINGS: Collection<Categories> = Collection::new("settings");
/// The unique key of the property's one list.
const KEY: &str = "categories";
pub const MAX_CATEGORIES: usize = 20;
const MAX_KEY: usize = 32;
const MAX_LABEL: usize = 60;

/// One category: its key, as tickets keep it, and its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub key: String,
    pub en: String,
    pub de: String,
}

impl Category {
    fn new(key: &str, en: &str, de: &str) -> Category {
        Category { key: key.to_owned(), en: en.to_owned(), de: de.to_owned() }
    }

    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::De => &self.de,
        }
    }
}

/// The property's categories, in the order residents see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Categories {
    pub categories: Vec<Category>,
}

impl Default for Categories {
    fn default() -> Self {
        Categories {
            categories: vec![
                Category::new("plumbing", "Plumbing", "Sanitär"),
                Category::new("electrical", "Electrical", "Elektrik"),
                Category::new("heating", "Heating", "Heizung"),
                Category::new("common_areas", "Common areas", "Allgemeine Räume"),
                Category::new("other", "Other", "Anderes"),
            ],
        }
    }
}

impl Categories {
    pub fn has(&self, key: &str) -> bool {
        self.categories.iter().any(|category| category.key == key)
    }

    /// The name of category `key` in `lang`; a key no longer offered is
    /// shown as it is.
    pub fn label<'a>(&'a self, key: &'a str, lang: Lang) -> &'a str {
        self.categories.iter().find(|category| category.key == key).map_or(key, |category| category.label(lang))
    }

    /// The list as staff edit it: one `key | English | Deutsch` per line.
    pub fn to_lines(&self) -> String {
        self.categories.iter().map(|c| format!("{} | {} | {}\n", c.key, c.en, c.de)).collect()
    }

    /// Reads lines of `key | English | Deutsch`; blank lines are skipped.
    pub fn from_lines(text: &str) -> Result<Categories, Problem> {
        let mut categories = Vec::new();
        for (at, typed) in text.lines().enumerate().filter(|(_, typed)| !typed.trim().is_empty()) {
            let parts: Vec<&str> = typed.split('|').collect();
            let [key, en, de] = parts.as_slice() else {
                return Err(Problem::CategoryLine { line: at + 1 });
            };
            categories.push(Category { key: key.trim().to_owned(), en: en.to_string(), de: de.to_string() });
        }
        Categories { categories }.checked().map_err(|problem| match problem {
            // A line's own fault names the line.
            Problem::CategoryLine { line } => {
                let numbered = text.lines().enumerate().filter(|(_, typed)| !typed.trim().is_empty());
                Problem::CategoryLine { line: numbered.map(|(at, _)| at + 1).nth(line - 1).unwrap_or(line) }
            }
            other => other,
        })
    }

    /// The list trimmed and checked: 1 to 20 categories, keys of lower-case
    /// letters, digits, `_` and `-`, each key once, every name 1 to 60
    /// characters. A problem with one category names it by its position
    /// (from 1).
    pub fn checked(self) -> Result<Categories, Problem> {
        if self.categories.is_empty() || self.categories.len() > MAX_CATEGORIES {
            return Err(Problem::CategoryCount);
        }
        let mut checked: Vec<Category> = Vec::with_capacity(self.categories.len());
        for (at, category) in self.categories.into_iter().enumerate() {
            let key = category.key.trim();
            let key_ok = (1..=MAX_KEY).contains(&key.len())
                && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
            let (Some(en), Some(de)) = (line(&category.en, 1, MAX_LABEL), line(&category.de, 1, MAX_LABEL)) else {
                return Err(Problem::CategoryLine { line: at + 1 });
            };
            if !key_ok {
                return Err(Problem::CategoryLine { line: at + 1 });
            }
            if checked.iter().any(|known| known.key == key) {
                return Err(Problem::DuplicateCategory { key: key.to_owned() });
            }
            checked.push(Category { key: key.to_owned(), en, de });
        }
        Ok(Categories { categories: checked })
    }
}

/// The property's categories: the saved list, else the defaults.
pub fn load() -> Result<Categories, Error> {
    Ok(SETTINGS.query().limit(1).fetch()?.items.into_iter().next().map(|doc| doc.data).unwrap_or_default())
}

/// Saves the property's list (staff only; the caller checks). Two staff
/// saving at once: the second save replaces the first.
pub fn save(categories: &Categories) -> Result<(), Error> {
    for _ in 0..3 {
        match SETTINGS.query().limit(1).fetch()?.items.into_iter().next() {
            Some(doc) => {
                SETTINGS.update(&doc.id, categories, None)?;
                return Ok(());
            }
            None => match SETTINGS.new_document(categories, Visibility::Property).claim(KEY).insert() {
                Ok(_) => return Ok(()),
                // Someone saved the first list a moment ago: replace theirs.
                Err(Error::Conflict(_)) => continue,
                Err(other) => return Err(other),
            },
        }
    }
    Err(Error::Unavailable("the categories could not be saved; please try again".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_name_the_usual_trades_in_both_languages() {
        let defaults = Categories::default();
        let keys: Vec<&str> = defaults.categories.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["plumbing", "electrical", "heating", "common_areas", "other"]);
        assert_eq!(defaults.label("heating", Lang::De), "Heizung");
        assert_eq!(defaults.label("gone", Lang::En), "gone", "a retired key shows as it is");
        assert_eq!(defaults.clone().checked().unwrap(), defaults);
    }

    #[test]
    fn staff_edit_the_list_as_lines_and_it_reads_back_the_same() {
        let defaults = Categories::default();
        assert_eq!(Categories::from_lines(&defaults.to_lines()).unwrap(), defaults);
        let edited = Categories::from_lines("\n lift |  Lift | Aufzug \n\ngarden|Garden|Garten\n").unwrap();
        assert_eq!(
            edited.categories,
            vec![Category::new("lift", "Lift", "Aufzug"), Category::new("garden", "Garden", "Garten")]
        );
    }

    #[test]
    fn broken_lists_are_refused_naming_the_line() {
        assert_eq!(Categories::from_lines("").unwrap_err(), Problem::CategoryCount);
        assert_eq!(Categories::from_lines("a|A|A\n\nb|B").unwrap_err(), Problem::CategoryLine { line: 3 });
        assert_eq!(Categories::from_lines("a|A|A\n\nB|B|B").unwrap_err(), Problem::CategoryLine { line: 3 });
        assert_eq!(Categories::from_lines("a|A|A\nb||B").unwrap_err(), Problem::CategoryLine { line: 2 });
        assert_eq!(Categories::from_lines("a|<b>|x\u{0}").unwrap_err(), Problem::CategoryLine { line: 1 });
        assert_eq!(
            Categories::from_lines("a|A|A\na|B|B").unwrap_err(),
            Problem::DuplicateCategory { key: "a".to_owned() }
        );
        let many: String = (0..21).map(|n| format!("k{n}|K|K\n")).collect();
        assert_eq!(Categories::from_lines(&many).unwrap_err(), Problem::CategoryCount);
        let json = Categories { categories: vec![Category::new("x y", "X", "X")] };
        assert_eq!(json.checked().unwrap_err(), Problem::CategoryLine { line: 1 });
    }
}
