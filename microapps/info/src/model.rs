//! What Info A–Z keeps in host storage, and who may read it.
//!
//! | collection | document | visibility |
//! |---|---|---|
//! | `entries` | an [`Entry`], top level | `property`: everyone who uses the app in the property reads it; staff of the property change it |
//!
//! An entry is the building's information, written by staff: it names no
//! resident and keeps nothing about its author beyond the owner the host
//! records itself. `date` is a top-level text field, left out when the
//! entry has none, so the host's ordered query by it (the manifest's index)
//! and the home page's "Coming up" see dated entries only.

use courtyard_sdk::Collection;
use serde::{Deserialize, Serialize};

pub const ENTRIES: Collection<Entry> = Collection::new("entries");

/// What an entry is about: a fixed set, named in every language by
/// [`Texts::category`](crate::texts::Texts::category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    HouseRules,
    Cleaning,
    Waste,
    FloorPlans,
    Contacts,
    Dates,
    Other,
}

impl Category {
    /// Every category, in the order pages offer them.
    pub const ALL: [Category; 7] = [
        Category::HouseRules,
        Category::Cleaning,
        Category::Waste,
        Category::FloorPlans,
        Category::Contacts,
        Category::Dates,
        Category::Other,
    ];

    /// The key in JSON, in documents and in addresses: `house_rules`, …
    pub fn key(self) -> &'static str {
        match self {
            Category::HouseRules => "house_rules",
            Category::Cleaning => "cleaning",
            Category::Waste => "waste",
            Category::FloorPlans => "floor_plans",
            Category::Contacts => "contacts",
            Category::Dates => "dates",
            Category::Other => "other",
        }
    }

    pub fn parse(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.key() == key)
    }
}

/// One piece of the building's information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub title: String,
    pub category: Category,
    /// Plain text; blank lines part its paragraphs.
    pub body: String,
    /// `YYYY-MM-DD`, for entries about a day ("water off on 12 March").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The time of that day in people's words, e.g. `8–12`; only with a date.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub time: String,
    /// Deleted by staff who did not write it. The host lets only its owner
    /// delete a document, but any staff of the property change it: staff
    /// delete someone else's entry by emptying it (no title, text, date or
    /// files) and marking it retired, and the app never shows it again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub retired: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Entry {
    /// What is left of an entry deleted by someone other than its author.
    pub fn retired() -> Entry {
        Entry {
            title: String::new(),
            category: Category::Other,
            body: String::new(),
            date: None,
            time: String::new(),
            retired: true,
        }
    }
}

/// Whether `id` could be a document id at all. Anything else is answered
/// as absent, like an id of another property.
pub fn is_document_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_by_key_and_serialise_as_their_key() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.key()), Some(category));
            assert_eq!(serde_json::to_value(category).unwrap(), category.key());
        }
        assert_eq!(Category::parse("House rules"), None);
        assert_eq!(Category::parse(""), None);
    }

    #[test]
    fn an_undated_entry_has_no_date_field_and_a_retired_one_is_empty() {
        let entry = Entry {
            title: "Laundry".into(),
            category: Category::HouseRules,
            body: "Until 22:00.".into(),
            date: None,
            time: String::new(),
            retired: false,
        };
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json, serde_json::json!({ "title": "Laundry", "category": "house_rules", "body": "Until 22:00." }));
        let retired = serde_json::to_value(Entry::retired()).unwrap();
        assert_eq!(retired, serde_json::json!({ "title": "", "category": "other", "body": "", "retired": true }));
        let back: Entry = serde_json::from_value(json).unwrap();
        assert_eq!(back, entry);
    }

    #[test]
    fn only_plain_ids_are_looked_up() {
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "x".repeat(65).as_str(), "<script>", "é"] {
            assert!(!is_document_id(bad), "{bad}");
        }
    }
}
