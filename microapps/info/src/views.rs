//! Entries as the API answers them and the pages show them.

use courtyard_sdk::Doc;
use courtyard_sdk::calendar::Date;
use courtyard_sdk::files::File;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use serde::Serialize;

use crate::alphabet;
use crate::day::for_people;
use crate::model::{Category, Entry};
use crate::texts;

/// One entry, for a list or its own page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: String,
    pub title: String,
    pub category: Category,
    /// The category's name in the caller's language.
    pub category_label: String,
    pub body: String,
    /// `YYYY-MM-DD`, or `null`.
    pub date: Option<String>,
    /// The day for people in the caller's language, with its weekday.
    pub date_label: Option<String>,
    /// The time of that day in people's words; empty without one.
    pub time: String,
    /// The letter of the A–Z index it is listed under (`#` for others).
    pub letter: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Send it back with a change, to learn when someone changed it first.
    pub revision: u64,
    /// On an entry's own answer only: its attachments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<File>>,
}

impl EntryView {
    pub fn new(doc: &Doc<Entry>, lang: Lang) -> EntryView {
        let entry = &doc.data;
        EntryView {
            id: doc.id.clone(),
            title: entry.title.clone(),
            category: entry.category,
            category_label: texts::of(lang).category(entry.category).to_owned(),
            body: entry.body.clone(),
            date: entry.date.clone(),
            date_label: entry.date.as_deref().and_then(Date::parse).map(|day| for_people(day, lang)),
            time: entry.time.clone(),
            letter: alphabet::letter(&entry.title).to_string(),
            created_at: doc.created_at,
            updated_at: doc.updated_at,
            revision: doc.revision,
            files: None,
        }
    }

    pub fn with_files(mut self, files: Vec<File>) -> EntryView {
        self.files = Some(files);
        self
    }

    /// When, for people: `Fri, 12 Mar 2027, 8–12`; empty when undated.
    pub fn when(&self) -> String {
        match (&self.date_label, self.time.is_empty()) {
            (Some(day), true) => day.clone(),
            (Some(day), false) => format!("{day}, {}", self.time),
            (None, _) => String::new(),
        }
    }
}

/// A list of entries as the API answers it.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub items: Vec<EntryView>,
    /// Whether the property has more entries than were looked through.
    pub truncated: bool,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use courtyard_sdk::Visibility;

    pub fn doc(id: &str, title: &str, category: Category, date: Option<&str>, time: &str) -> Doc<Entry> {
        Doc {
            id: id.to_owned(),
            owner: "mia".to_owned(),
            visibility: Visibility::Property,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(1_796_408_400_000),
            updated_at: Timestamp::from_millis(1_796_408_500_000),
            revision: 2,
            data: Entry {
                title: title.to_owned(),
                category,
                body: "First <b>paragraph</b>.\nSame one.\n\nSecond & last, see https://example.org".to_owned(),
                date: date.map(str::to_owned),
                time: time.to_owned(),
                retired: false,
            },
        }
    }

    #[test]
    fn the_view_names_category_day_and_letter_in_the_readers_language() {
        let view = EntryView::new(&doc("e1", "Ölheizung", Category::Dates, Some("2027-03-12"), "8–12"), Lang::De);
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["category"], "dates");
        assert_eq!(json["category_label"], "Termine");
        assert_eq!(json["date"], "2027-03-12");
        assert_eq!(json["date_label"], "Fr., 12. März 2027");
        assert_eq!((json["letter"].as_str(), json["revision"].as_u64()), (Some("O"), Some(2)));
        assert_eq!(json["updated_at"], "2026-12-04T18:21:40.000Z");
        assert!(json.get("files").is_none() && json.get("owner").is_none(), "{json}");
        assert_eq!(view.when(), "Fr., 12. März 2027, 8–12");
        let undated = EntryView::new(&doc("e2", "Laundry", Category::HouseRules, None, ""), Lang::En);
        assert_eq!((undated.when(), undated.date_label.clone()), (String::new(), None));
        let with = undated.with_files(Vec::new());
        assert_eq!(serde_json::to_value(&with).unwrap()["files"], serde_json::json!([]));
    }
}
