//! What the service center keeps in host storage, and who may read it.
//!
//! | collection | document | visibility |
//! |---|---|---|
//! | `tickets` | a [`Ticket`], top level | `unit` for the resident's own unit (flatmates read it), else `staff` |
//! | `messages` | a [`Message`], a reply to its ticket | the ticket's: the host gives it the ticket's unit and owner |
//! | `notes` | a [`Note`], top level, naming its ticket | `staff`: its author and staff, never the resident |
//! | `settings` | the property's [`Categories`](crate::categories::Categories) | `property` |
//!
//! Internal notes are deliberately not replies: a staff-visible reply is
//! read by the ticket's owner, a top-level staff document only by its
//! author and staff. The host enforces both in its storage query.

use courtyard_sdk::Collection;
use serde::{Deserialize, Serialize};

use crate::states::State;

pub const TICKETS: Collection<Ticket> = Collection::new("tickets");
pub const MESSAGES: Collection<Message> = Collection::new("messages");
pub const NOTES: Collection<Note> = Collection::new("notes");

/// The most changes a ticket's history keeps; a ticket changed more often
/// than this is better filed anew.
pub const MAX_HISTORY: usize = 200;

/// Where the problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// The resident's own unit.
    Unit,
    /// A common area of the property: the stairs, the laundry room, …
    CommonArea,
}

/// A problem reported to the property management.
///
/// `state`, `active`, `category`, `assignee` and `activity` are top-level
/// fields so the staff queue filters and orders by them in the host's
/// query (the manifest declares them in `[[indexes]]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: Location,
    /// Where exactly, in the person's words; may be empty.
    #[serde(default)]
    pub place: String,
    pub state: State,
    /// Whether the ticket is not closed: the queue's default filter.
    pub active: bool,
    /// The staff member working on it (their subject), or empty.
    #[serde(default)]
    pub assignee: String,
    /// The last change or message, milliseconds since the Unix epoch.
    pub activity: i64,
    /// How many files were posted with it (the host keeps the files).
    #[serde(default)]
    pub attachments: u32,
    /// The language of the person who filed it, for their notifications.
    #[serde(default)]
    pub lang: String,
    /// Every change, oldest first; the first is the filing.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// One change of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Milliseconds since the Unix epoch.
    pub at: u64,
    /// The subject who made it.
    pub by: String,
    /// Whether they acted as staff.
    pub by_staff: bool,
    pub change: Change,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Filed,
    State { from: State, to: State },
    Assigned,
    Unassigned,
}

/// One message of a ticket's conversation: a reply to the ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
    /// Whether its author wrote it as staff (the host said so when it was
    /// written).
    pub by_staff: bool,
    /// How many files were posted with it.
    #[serde(default)]
    pub attachments: u32,
}

/// An internal note of staff about a ticket. Never shown to residents, and
/// never readable by them: see the module's table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    pub ticket: String,
    pub text: String,
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
    fn history_and_locations_serialise_as_the_api_names_them() {
        let entry = HistoryEntry {
            at: 1,
            by: "s".into(),
            by_staff: true,
            change: Change::State { from: State::Open, to: State::WaitingExternal },
        };
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["change"], serde_json::json!({ "kind": "state", "from": "open", "to": "waiting_external" }));
        assert_eq!(serde_json::to_value(Location::CommonArea).unwrap(), "common_area");
    }

    #[test]
    fn only_plain_ids_are_looked_up() {
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "x".repeat(65).as_str(), "<script>", "é"] {
            assert!(!is_document_id(bad), "{bad}");
        }
    }
}
