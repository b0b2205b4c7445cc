//! The `subject-erased` hook: the app's own documents that name the
//! erased person go.
//!
//! By the time the hook runs the host has deleted every document the
//! person owned: their profile, the conversations they started, their
//! messages and their blocks. A hook reads only what the person could read
//! themselves, own documents only; so what is left for it is whatever of
//! theirs survived (a document stored while the erasure ran, say), and it
//! deletes that. Blocks *against* the person belong to the blockers and
//! are out of the hook's reach; the app drops them the next time a blocker
//! lists whom they blocked, since the person then no longer resolves (see
//! [`crate::blocks::list`]). Running it twice changes nothing.

use courtyard_sdk::{Collection, Doc, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{BLOCKS, Block, CONVERSATIONS, Conversation, MESSAGES, PROFILES};

/// Pages read per collection at most.
const MAX_PAGES: usize = 20;

/// Deletes the documents of the app that name `subject`.
pub fn subject(subject: &str) -> Result<(), Error> {
    sweep(&PROFILES, subject, |_| false)?;
    sweep(&MESSAGES, subject, |_| false)?;
    sweep(&CONVERSATIONS, subject, |conversation: &Conversation| names_in_conversation(conversation, subject))?;
    sweep(&BLOCKS, subject, |block: &Block| block.blocked == subject)?;
    Ok(())
}

/// Whether a conversation names `subject` on either side.
fn names_in_conversation(conversation: &Conversation, subject: &str) -> bool {
    conversation.by == subject || conversation.with == subject
}

/// Whether `doc` is about `subject`: theirs, or naming them.
fn names<T>(doc: &Doc<T>, subject: &str, in_body: impl Fn(&T) -> bool) -> bool {
    doc.owner == subject || doc.participants.iter().any(|participant| participant == subject) || in_body(&doc.data)
}

/// Deletes what `collection` holds about `subject`, page by page.
fn sweep<T: Serialize + DeserializeOwned>(
    collection: &Collection<T>,
    subject: &str,
    in_body: impl Fn(&T) -> bool,
) -> Result<(), Error> {
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let page = collection.query().limit(100).after(cursor).fetch()?;
        for doc in page.items.iter().filter(|doc| names(doc, subject, &in_body)) {
            match collection.delete(&doc.id) {
                Ok(()) | Err(Error::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::Visibility;
    use courtyard_sdk::time::Timestamp;

    use super::*;

    fn doc<T>(owner: &str, participants: &[&str], data: T) -> Doc<T> {
        Doc {
            id: "d1".into(),
            owner: owner.into(),
            visibility: Visibility::Participants,
            parent: None,
            unit: None,
            participants: participants.iter().map(|p| (*p).to_owned()).collect(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
            revision: 1,
            data,
        }
    }

    #[test]
    fn documents_of_or_naming_the_erased_person_are_chosen_and_no_others() {
        let of_ben = |block: &Block| block.blocked == "ben";
        assert!(names(&doc("anna", &["ben"], Block { blocked: "ben".into() }), "ben", of_ben));
        assert!(names(&doc("ben", &["carl"], Block { blocked: "carl".into() }), "ben", of_ben));
        assert!(!names(&doc("anna", &["carl"], Block { blocked: "carl".into() }), "ben", of_ben));
        let talk = Conversation { by: "anna".into(), with: "ben".into() };
        assert!(names_in_conversation(&talk, "ben") && names_in_conversation(&talk, "anna"));
        assert!(!names_in_conversation(&talk, "carl"));
        // A body naming someone else does not match on its own.
        let other = Conversation { by: "anna".into(), with: "carl".into() };
        assert!(!names(&doc("anna", &["carl"], other), "ben", |c: &Conversation| names_in_conversation(c, "ben")));
    }
}
