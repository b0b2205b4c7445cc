//! What the app keeps in host storage, and who may read it.
//!
//! | collection | document | visibility | who reads it |
//! |---|---|---|---|
//! | `profiles` | a [`Profile`] a resident chose to show, one per resident | `property` | the residents (and staff) of the building; the host limits it to the property |
//! | `conversations` | a [`Conversation`] between its starter and one neighbour | `participants`, naming the neighbour | the two of them; never staff |
//! | `messages` | a [`Message`], a reply to its conversation | `participants`: the host gives it the conversation's owner and participants | the two of them; never staff |
//! | `blocks` | a [`Block`]: the owner blocked the neighbour it names | `participants`, naming the blocked neighbour | the blocker, and the blocked neighbour's requests |
//!
//! A block is readable by the person it blocks so that *their* request —
//! the one that tries to send a message — can find it: the host only lets
//! a request see documents its caller may read, and a `private` block
//! would be invisible exactly where it has to be checked. The app only
//! ever uses a block it finds naming the caller to refuse with "you
//! cannot message this neighbour"; it never lists or shows them.

use courtyard_sdk::Collection;
use serde::{Deserialize, Serialize};

pub const PROFILES: Collection<Profile> = Collection::new("profiles");
pub const CONVERSATIONS: Collection<Conversation> = Collection::new("conversations");
pub const MESSAGES: Collection<Message> = Collection::new("messages");
pub const BLOCKS: Collection<Block> = Collection::new("blocks");

/// The fields a resident chose to show their building. Only what they
/// filled in is stored: an absent field is not in the document at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Whose it is: the owner, written by the app, so that a neighbour's
    /// name can be looked up by person (and checked against the owner).
    #[serde(default)]
    pub subject: String,
    pub name: String,
    /// The name in lower case: the building's list is ordered by it (an
    /// index of the manifest).
    pub sort_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interests: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<String>,
}

/// A conversation between the subject who started it (its owner) and
/// `with`. `by` repeats the owner so that the neighbour's request can find
/// the conversation with a filter; the app wrote it, and checks it against
/// the owner the host reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub by: String,
    pub with: String,
}

impl Conversation {
    /// The other person of the conversation, for `me`; `None` when `me` is
    /// neither of them.
    pub fn other(&self, owner: &str, me: &str) -> Option<String> {
        if owner == me && self.by == me {
            Some(self.with.clone())
        } else if self.with == me && owner == self.by {
            Some(self.by.clone())
        } else {
            None
        }
    }
}

/// One message; its author is the document's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
}

/// The owner blocked `blocked`: no conversation or message from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub blocked: String,
}

/// Whether `id` could be a document id at all. Anything else is answered
/// as absent, like an id of another property.
pub fn is_document_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `subject` could name a person at all (the platform's ids are
/// plain ASCII); anything else is nobody.
pub fn is_subject(subject: &str) -> bool {
    (1..=128).contains(&subject.len()) && subject.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_person_is_found_from_either_side_and_for_nobody_else() {
        let talk = Conversation { by: "anna".into(), with: "ben".into() };
        assert_eq!(talk.other("anna", "anna").as_deref(), Some("ben"));
        assert_eq!(talk.other("anna", "ben").as_deref(), Some("anna"));
        assert_eq!(talk.other("anna", "carl"), None);
        // A body that does not match its owner is nobody's conversation.
        assert_eq!(talk.other("mallory", "ben"), None);
        assert_eq!(talk.other("mallory", "mallory"), None);
    }

    #[test]
    fn absent_profile_fields_are_not_stored() {
        let profile = Profile {
            subject: "anna".into(),
            name: "Anna".into(),
            sort_name: "anna".into(),
            intro: None,
            interests: vec![],
            floor: None,
        };
        assert_eq!(
            serde_json::to_value(&profile).unwrap(),
            serde_json::json!({ "subject": "anna", "name": "Anna", "sort_name": "anna" })
        );
    }

    #[test]
    fn only_plain_ids_and_subjects_are_looked_up() {
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        assert!(is_subject("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "<script>", "é", "a/b"] {
            assert!(!is_document_id(bad) && !is_subject(bad), "{bad}");
        }
        assert!(!is_subject(&"x".repeat(129)));
    }
}
