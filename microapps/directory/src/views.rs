//! Entries and suggestions as the API answers them and the pages show
//! them. A view never holds an owner: who made an entry, and who
//! suggested a business, is nobody's business on the page or in the JSON;
//! a suggestion says only whether it is the reader's own.

use courtyard_sdk::calendar::Zone;
use courtyard_sdk::files::File;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error};
use serde::Serialize;

use crate::details::Details;
use crate::hours;
use crate::store::{Entry, State, Suggestion};

/// An entry, for a list or its page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: String,
    #[serde(flatten)]
    pub details: Details,
    /// The category's name in the reader's language.
    pub category_label: &'static str,
    /// Whether the business is open now, by its hours in the building's
    /// time zone; `null` when the hours do not tell.
    pub open_now: Option<bool>,
    pub has_photo: bool,
    /// The logo, on an entry's own page and answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<File>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl EntryView {
    pub fn new(doc: &Doc<Entry>, lang: Lang, now_ms: i64) -> EntryView {
        EntryView {
            id: doc.id.clone(),
            details: doc.data.details.clone(),
            category_label: doc.data.details.category.label(lang),
            open_now: open_now(&doc.data.details, now_ms),
            has_photo: doc.data.photos > 0,
            photo: None,
            created_at: doc.created_at,
            updated_at: doc.updated_at,
        }
    }

    /// With its logo, if it has one that can be listed.
    pub fn with_photo(mut self) -> EntryView {
        if self.has_photo {
            self.photo = photos_of(&self.id).into_iter().find(File::is_image);
        }
        self
    }
}

/// Whether the business of `details` is open at `now_ms`, in its zone.
pub fn open_now(details: &Details, now_ms: i64) -> Option<bool> {
    let zone = Zone::named(&details.time_zone).or_else(|| Zone::named(hours::DEFAULT_ZONE))?;
    let (weekday, minute) = hours::local(zone, now_ms);
    details.hours.open_at(weekday, minute)
}

/// The files of entry `id`; an entry whose files cannot be listed right
/// now is still shown, without them.
pub fn photos_of(id: &str) -> Vec<File> {
    courtyard_sdk::files::list("entries", id).unwrap_or_else(|error| {
        courtyard_sdk::log::warn(&format!("the logo of entry {id} could not be listed: {}", error.code()));
        Vec::new()
    })
}

/// A suggestion, for its suggester or staff.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionView {
    pub id: String,
    #[serde(flatten)]
    pub details: Details,
    pub category_label: &'static str,
    pub state: State,
    /// Why it was declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The entry made from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Whether the reader suggested it.
    pub mine: bool,
    pub created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
}

impl SuggestionView {
    pub fn new(doc: &Doc<Suggestion>, reader: &str, lang: Lang) -> SuggestionView {
        let suggestion = &doc.data;
        SuggestionView {
            id: doc.id.clone(),
            details: suggestion.details.clone(),
            category_label: suggestion.details.category.label(lang),
            state: suggestion.state,
            reason: (suggestion.state == State::Rejected).then(|| suggestion.reason.clone()),
            entry: (suggestion.state == State::Accepted && !suggestion.entry.is_empty())
                .then(|| suggestion.entry.clone()),
            mine: doc.owner == reader,
            created_at: doc.created_at,
            decided_at: (suggestion.decided > 0).then(|| Timestamp::from_millis(suggestion.decided)),
        }
    }
}

/// A page of views as the API answers it.
pub fn page<T: Serialize>(items: &[T], next: Option<&str>) -> serde_json::Value {
    serde_json::json!({ "items": items, "next": next })
}

/// Logs why a list could not be read, without personal data.
pub fn unreadable(what: &str, error: &Error) {
    courtyard_sdk::log::warn(&format!("the {what} could not be read: {}", error.code()));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::details::{DetailsInput, check};
    use courtyard_sdk::Visibility;

    pub fn doc<T>(id: &str, owner: &str, data: T) -> Doc<T> {
        Doc {
            id: id.to_owned(),
            owner: owner.to_owned(),
            visibility: Visibility::Property,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(1_796_408_400_000),
            updated_at: Timestamp::from_millis(1_796_408_400_000),
            revision: 1,
            data,
        }
    }

    pub fn bakery() -> Details {
        let mut input = DetailsInput {
            name: "Bäckerei <Sonne>".into(),
            category: "shop".into(),
            street: "Elm Street 3".into(),
            website: "https://sonne.example/".into(),
            offer: "10% for residents".into(),
            ..DetailsInput::default()
        };
        input.hours.mon = "06:30–18:30".into();
        check(&input).unwrap()
    }

    #[test]
    fn an_entry_says_whether_it_is_open_in_the_buildings_time_and_names_no_owner() {
        // Monday 2026-12-07, 09:00 in Berlin (08:00 UTC, winter).
        let monday_nine = 1_796_630_400_000;
        let entry = doc("e1", "staff-7", Entry::new(bakery(), 0));
        let view = EntryView::new(&entry, Lang::De, monday_nine);
        assert_eq!(view.open_now, Some(true));
        assert_eq!(EntryView::new(&entry, Lang::En, monday_nine + 10 * 3_600_000).open_now, Some(false));
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["category_label"], "Geschäfte");
        assert_eq!(json["hours"]["mon"], "06:30–18:30");
        assert_eq!(json["created_at"], "2026-12-04T18:20:00.000Z");
        assert!(!json.to_string().contains("staff-7") && json.get("photo").is_none(), "{json}");
    }

    #[test]
    fn a_suggestion_says_whose_only_to_the_suggester_and_the_reason_once_declined() {
        let suggestion = Suggestion {
            details: bakery(),
            state: State::Rejected,
            reason: "Closed down.".into(),
            entry: String::new(),
            lang: "en".into(),
            decided: 1_796_408_500_000,
        };
        let suggested = doc("s1", "anna", suggestion);
        let hers = SuggestionView::new(&suggested, "anna", Lang::En);
        assert!(hers.mine);
        assert_eq!(hers.reason.as_deref(), Some("Closed down."));
        let json = serde_json::to_value(SuggestionView::new(&suggested, "mia", Lang::En)).unwrap();
        assert_eq!((json["mine"].clone(), json["state"].clone()), (false.into(), "rejected".into()));
        assert!(!json.to_string().contains("anna"), "{json}");
        assert_eq!(json["decided_at"], "2026-12-04T18:21:40.000Z");
        assert!(json.get("entry").is_none());
    }
}
