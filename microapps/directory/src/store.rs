//! What the directory keeps in host storage, who may read it, and the
//! queries that read it.
//!
//! | collection | document | visibility |
//! |---|---|---|
//! | `entries` | an [`Entry`]: a business, written by staff | `property`: everyone who uses the app in the property |
//! | `suggestions` | a [`Suggestion`]: a business a resident suggests, and staff's decision | `staff`: the suggester and staff |
//!
//! An entry made from a suggestion is a new document owned by the staff
//! member who accepted it. Nothing in it names the suggester or the
//! suggestion: when the suggester's data is erased, the host deletes
//! their suggestions and the entry stays, a business's public details.
//!
//! The host deletes a document only for its owner. When a staff member
//! removes an entry another staff member made, the app empties it instead
//! ([`Removed`]): without `sort_name` it drops out of every list, and
//! reading it answers `404`.

use courtyard_sdk::{Collection, Doc, Error, Page};
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::details::Details;

pub const ENTRIES: Collection<Entry> = Collection::new("entries");
pub const REMOVED: Collection<Removed> = Collection::new("entries");
pub const SUGGESTIONS: Collection<Suggestion> = Collection::new("suggestions");

/// Entries on a page of the list.
pub const PAGE: u32 = 20;
/// Entries a search reads per host query, and host queries per search:
/// a search looks at most at 500 entries per request, and `next`
/// continues it.
const SCAN_PAGE: u32 = 100;
const SCAN_PAGES: usize = 5;
/// The longest search text.
pub const MAX_QUERY: usize = 120;

/// A business in the directory.
///
/// `category` and `sort_name` are top-level fields, so the list filters
/// and orders by them in the host's query (the manifest declares them in
/// `[[indexes]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    #[serde(flatten)]
    pub details: Details,
    /// The name in lower case: the list's order.
    pub sort_name: String,
    /// How many logos or photos are attached (0 or 1).
    #[serde(default)]
    pub photos: u32,
}

impl Entry {
    pub fn new(details: Details, photos: u32) -> Entry {
        Entry { sort_name: fold(&details.name), details, photos }
    }
}

/// What is left of an entry a staff member removed who did not make it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Removed {
    pub removed: bool,
}

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Accepted,
    Rejected,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Accepted => "accepted",
            State::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<State> {
        [State::Open, State::Accepted, State::Rejected].into_iter().find(|state| state.code() == code)
    }
}

/// A business a resident suggests, and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suggestion {
    #[serde(flatten)]
    pub details: Details,
    pub state: State,
    /// Why staff declined it; empty otherwise.
    #[serde(default)]
    pub reason: String,
    /// The entry made from it, once accepted.
    #[serde(default)]
    pub entry: String,
    /// The suggester's language, for the notification of the decision.
    #[serde(default)]
    pub lang: String,
    /// When staff decided, milliseconds since the Unix epoch; 0 while open.
    #[serde(default)]
    pub decided: u64,
}

/// `text` for comparing without regard to case.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Whether `entry`'s name holds `needle` (folded already).
pub fn matches(entry: &Entry, needle: &str) -> bool {
    needle.is_empty() || fold(&entry.details.name).contains(needle)
}

/// A page of the property's entries by name, of one category or all;
/// with `search`, the entries whose names hold it, from the next
/// [`SCAN_PAGES`] × [`SCAN_PAGE`] entries (a page of a search may hold
/// fewer matches than that, or none, while `next` is not `None`).
pub fn browse(category: Option<Category>, search: Option<&str>, after: Option<String>) -> Result<Page<Entry>, Error> {
    let query = || {
        let query = ENTRIES.query();
        match category {
            Some(category) => query.filter("category", category.code()),
            None => query,
        }
        .order_by("sort_name")
    };
    let Some(search) = search else {
        return query().limit(PAGE).after(after).fetch();
    };
    let needle = fold(search);
    let mut items = Vec::new();
    let mut cursor = after;
    for _ in 0..SCAN_PAGES {
        let page = query().limit(SCAN_PAGE).after(cursor.take()).fetch()?;
        items.extend(page.items.into_iter().filter(|doc| matches(&doc.data, &needle)));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    Ok(Page { items, next: cursor })
}

/// Whether `id` could be a document id at all. Anything else is answered
/// as absent, like an id of another property.
pub fn is_document_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The entry `id`, if the caller reads it and it was not removed.
pub fn entry(id: &str) -> Result<Doc<Entry>, Error> {
    if !is_document_id(id) {
        return Err(Error::NotFound);
    }
    match ENTRIES.get(id) {
        // An emptied entry (see the module) does not read as an entry.
        Err(Error::Invalid(_)) => Err(Error::NotFound),
        other => other,
    }
}

/// The suggestion `id`, if the caller reads it: its suggester or staff.
pub fn suggestion(id: &str) -> Result<Doc<Suggestion>, Error> {
    if !is_document_id(id) {
        return Err(Error::NotFound);
    }
    SUGGESTIONS.get(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::details::{DetailsInput, check};

    #[test]
    fn an_entry_is_stored_flat_with_its_sort_name_and_nothing_of_the_suggester() {
        let input = DetailsInput { name: "Café Élise".into(), category: "restaurant".into(), ..Default::default() };
        let entry = Entry::new(check(&input).unwrap(), 0);
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["sort_name"], "café élise");
        assert_eq!(json["category"], "restaurant", "top level, for the host's filter");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert!(!keys.iter().any(|key| ["owner", "suggester", "suggestion", "by"].contains(&key.as_str())), "{keys:?}");
        let back: Entry = serde_json::from_value(json).unwrap();
        assert_eq!(back.details.name, "Café Élise");
        assert!(serde_json::from_value::<Entry>(serde_json::json!({ "removed": true })).is_err());
    }

    #[test]
    fn search_is_a_case_insensitive_substring_of_the_name() {
        let input = DetailsInput { name: "Bäckerei SONNE".into(), category: "shop".into(), ..Default::default() };
        let entry = Entry::new(check(&input).unwrap(), 0);
        for needle in ["sonne", "BÄCK", " erei s ", ""] {
            assert!(matches(&entry, &fold(needle)), "{needle}");
        }
        assert!(!matches(&entry, &fold("mond")));
        assert_eq!(State::parse("accepted"), Some(State::Accepted));
        assert_eq!(State::parse("Open"), None);
    }

    #[test]
    fn only_plain_ids_are_looked_up() {
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "x".repeat(65).as_str(), "<script>"] {
            assert!(!is_document_id(bad), "{bad}");
        }
    }
}
