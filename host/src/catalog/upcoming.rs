//! What a core app shows under "Coming up" on the portal's home page:
//! dated documents of one of its collections, which the host reads itself,
//! as the person looking, without running the app.
//!
//! ```toml
//! [[upcoming]]
//! collection = "entries"
//! date = "date"            # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", text
//! title = "title"
//! link = "/entries/{id}"
//! ```
//!
//! The date field leads a declared index of the collection, so home reads
//! the next few dates from an index, however many documents there are.

use serde::{Deserialize, Serialize};

use super::documents::IndexDeclaration;
use crate::storage::is_field_name;

/// The most sections one app declares.
const MAX_SECTIONS: usize = 4;
/// The longest link pattern.
const MAX_LINK: usize = 200;

/// One `[[upcoming]]` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpcomingDeclaration {
    /// One of the app's collections.
    pub collection: String,
    /// The top-level text field holding the date.
    pub date: String,
    /// The top-level text field shown as the line.
    pub title: String,
    /// The page below the app's mount point; `{id}` stands for the
    /// document's id.
    pub link: String,
}

impl UpcomingDeclaration {
    /// The path below the app's mount point for document `id`.
    pub fn link_for(&self, id: &str) -> String {
        self.link.replace("{id}", id)
    }
}

/// Checks the sections against the app's collections and indexes.
pub fn check_upcoming(
    sections: &[UpcomingDeclaration],
    collections: &[&str],
    indexes: &[IndexDeclaration],
) -> Result<(), String> {
    if sections.len() > MAX_SECTIONS {
        return Err(format!("at most {MAX_SECTIONS} sections"));
    }
    for section in sections {
        if !collections.contains(&section.collection.as_str()) {
            return Err(format!("`{}` is not a collection the app declares", section.collection));
        }
        for field in [&section.date, &section.title] {
            if !is_field_name(field) {
                return Err(format!("`{field}` is not a field name: use 1 to 64 ASCII letters, digits or `_`"));
            }
        }
        let indexed = indexes
            .iter()
            .any(|index| index.collection == section.collection && index.fields.first() == Some(&section.date));
        if !indexed {
            return Err(format!(
                "declare an index of `{}` whose first field is `{}`, so home reads dates from it",
                section.collection, section.date
            ));
        }
        // A plain path: `{id}` is filled in, nothing is appended.
        let link = &section.link;
        let safe = super::naming::is_path_below_app(link, MAX_LINK) && !link.contains(['?', '#']);
        if !safe {
            return Err(
                "`link` is a path below the app starting with one `/`, without `.`, `..`, `?` or `#`".to_owned()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(link: &str, date: &str) -> UpcomingDeclaration {
        UpcomingDeclaration {
            collection: "entries".into(),
            date: date.into(),
            title: "title".into(),
            link: link.into(),
        }
    }

    #[test]
    fn a_section_reads_an_indexed_date_and_links_below_the_app() {
        let indexes = [IndexDeclaration { collection: "entries".into(), fields: vec!["date".into()] }];
        assert!(check_upcoming(&[section("/entries/{id}", "date")], &["entries"], &indexes).is_ok());
        assert_eq!(section("/entries/{id}", "date").link_for("42"), "/entries/42");
        let unindexed = check_upcoming(&[section("/entries/{id}", "due")], &["entries"], &indexes).unwrap_err();
        assert!(unindexed.contains("index"), "{unindexed}");
        assert!(check_upcoming(&[section("/entries/{id}", "date")], &["other"], &indexes).is_err());
        for hostile in ["//evil.example/{id}", "https://evil/{id}", "/../pinboard/{id}", "/%2e%2e/{id}", "/a b"] {
            assert!(check_upcoming(&[section(hostile, "date")], &["entries"], &indexes).is_err(), "{hostile}");
        }
    }
}
