//! The fixed kinds of business the directory sorts entries into.

use courtyard_sdk::lang::Lang;
use serde::{Deserialize, Serialize};

/// What kind of business an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Restaurant,
    Doctor,
    DayCare,
    Trades,
    Shop,
    Services,
    Other,
}

impl Category {
    /// Every category, in the order pages offer them.
    pub const ALL: [Category; 7] = [
        Category::Restaurant,
        Category::Doctor,
        Category::DayCare,
        Category::Trades,
        Category::Shop,
        Category::Services,
        Category::Other,
    ];

    /// The key the API, the forms and the stored documents use.
    pub fn code(self) -> &'static str {
        match self {
            Category::Restaurant => "restaurant",
            Category::Doctor => "doctor",
            Category::DayCare => "day_care",
            Category::Trades => "trades",
            Category::Shop => "shop",
            Category::Services => "services",
            Category::Other => "other",
        }
    }

    /// The category keyed `code`, if there is one.
    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.code() == code)
    }

    /// Its name for people, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, de) = match self {
            Category::Restaurant => ("Restaurants and cafés", "Restaurants und Cafés"),
            Category::Doctor => ("Doctors and health", "Ärztinnen, Ärzte und Gesundheit"),
            Category::DayCare => ("Day care and schools", "Kinderbetreuung und Schulen"),
            Category::Trades => ("Tradespeople", "Handwerk"),
            Category::Shop => ("Shops", "Geschäfte"),
            Category::Services => ("Services", "Dienstleistungen"),
            Category::Other => ("Other", "Sonstiges"),
        };
        match lang {
            Lang::En => en,
            Lang::De => de,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_key_and_a_name_in_each_language() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.code()), Some(category));
            let json = serde_json::to_value(category).unwrap();
            assert_eq!(json, category.code());
            assert_ne!(category.label(Lang::En), category.label(Lang::De));
        }
        for lang in Lang::ALL {
            let mut labels: Vec<&str> = Category::ALL.iter().map(|category| category.label(lang)).collect();
            labels.sort_unstable();
            labels.dedup();
            assert_eq!(labels.len(), Category::ALL.len(), "{lang:?}");
        }
        assert_eq!(Category::parse("Restaurant"), None);
        assert_eq!(Category::DayCare.label(Lang::De), "Kinderbetreuung und Schulen");
    }
}
