//! What callers get to see: profiles, messages and conversations as JSON
//! and as the pages' material. Nothing here carries an email address, a
//! phone number or who blocked whom.

use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error};
use serde::Serialize;

use crate::blocks::Standing;
use crate::model::{CONVERSATIONS, Conversation, MESSAGES, Message, Profile};
use crate::people::Names;

/// One neighbour's profile: the fields they chose, and whose it is.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub id: String,
    /// The neighbour, to write to them (`/conversations/with/{subject}`).
    pub subject: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interests: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<String>,
    pub mine: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ProfileView {
    pub fn new(doc: &Doc<Profile>, me: &str) -> ProfileView {
        let profile = &doc.data;
        ProfileView {
            id: doc.id.clone(),
            subject: doc.owner.clone(),
            name: profile.name.clone(),
            intro: profile.intro.clone(),
            interests: profile.interests.clone(),
            floor: profile.floor.clone(),
            mine: doc.owner == me,
            created_at: doc.created_at,
            updated_at: doc.updated_at,
        }
    }
}

/// One message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: String,
    pub conversation: String,
    /// Its author.
    pub from: String,
    pub mine: bool,
    pub text: String,
    pub created_at: Timestamp,
}

impl MessageView {
    pub fn new(doc: &Doc<Message>, me: &str) -> MessageView {
        MessageView {
            id: doc.id.clone(),
            conversation: doc.parent.clone().unwrap_or_default(),
            from: doc.owner.clone(),
            mine: doc.owner == me,
            text: doc.data.text.clone(),
            created_at: doc.created_at,
        }
    }
}

/// The other person of a conversation.
#[derive(Debug, Clone, Serialize)]
pub struct Other {
    pub subject: String,
    pub name: String,
}

/// One conversation in the caller's list.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationView {
    pub id: String,
    pub with: Other,
    /// Whether the caller started it.
    pub started_by_me: bool,
    /// The newest message the caller sees, if any.
    pub last: Option<MessageView>,
    pub created_at: Timestamp,
}

/// Whether the reader sees message `doc`: not one of a person they blocked
/// written after the block.
pub fn shown(doc: &Doc<Message>, other: &str, standing: Standing) -> bool {
    match standing {
        Standing::Blocked(since) => doc.owner != other || doc.created_at < since,
        Standing::Free | Standing::BlockedBy => true,
    }
}

/// The conversations of `me` on one page (newest started first), each with
/// the other person's name and the newest message. Documents whose body
/// does not match their owner are left out.
pub fn conversations(
    me: &str,
    after: Option<String>,
    names: &mut Names,
    lang: courtyard_sdk::lang::Lang,
) -> Result<(Vec<ConversationView>, Option<String>), Error> {
    let page = CONVERSATIONS.query().limit(20).after(after).fetch()?;
    let blocked: Vec<(String, Timestamp)> =
        crate::blocks::mine()?.into_iter().map(|block| (block.data.blocked, block.created_at)).collect();
    let mut items = Vec::new();
    for doc in &page.items {
        let Some(other) = doc.data.other(&doc.owner, me) else { continue };
        let standing = match blocked.iter().find(|(subject, _)| *subject == other) {
            Some((_, since)) => Standing::Blocked(*since),
            None => Standing::Free,
        };
        let newest = MESSAGES.query().replies_to(doc.id.clone()).limit(5).fetch()?;
        let last = newest.items.iter().find(|message| shown(message, &other, standing));
        items.push(ConversationView {
            id: doc.id.clone(),
            with: Other { name: names.of(&other, lang), subject: other },
            started_by_me: doc.owner == me,
            last: last.map(|message| MessageView::new(message, me)),
            created_at: doc.created_at,
        });
    }
    Ok((items, page.next))
}

/// The oldest conversation between `me` and `other`, from either side.
pub fn between(me: &str, other: &str) -> Result<Option<Doc<Conversation>>, Error> {
    let started = CONVERSATIONS.query().mine_only().filter("with", other).oldest_first().limit(1).fetch()?;
    let invited = CONVERSATIONS.query().filter("by", other).filter("with", me).oldest_first().limit(5).fetch()?;
    let candidates = started.items.into_iter().chain(invited.items.into_iter().filter(|doc| doc.owner == other));
    Ok(candidates.min_by_key(|doc| (doc.created_at, doc.id.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use courtyard_sdk::Visibility;

    pub fn message(id: &str, owner: &str, at: u64, text: &str) -> Doc<Message> {
        Doc {
            id: id.into(),
            owner: owner.into(),
            visibility: Visibility::Participants,
            parent: Some("c1".into()),
            unit: None,
            participants: vec!["ben".into()],
            keys: Vec::new(),
            created_at: Timestamp::from_millis(at),
            updated_at: Timestamp::from_millis(at),
            revision: 1,
            data: Message { text: text.into() },
        }
    }

    #[test]
    fn a_blocker_no_longer_sees_what_the_blocked_person_wrote_after_the_block() {
        let before = message("m1", "ben", 1_000, "hi");
        let after = message("m2", "ben", 3_000, "hello??");
        let own = message("m3", "anna", 4_000, "mine");
        let blocked = Standing::Blocked(Timestamp::from_millis(2_000));
        assert!(shown(&before, "ben", blocked) && !shown(&after, "ben", blocked) && shown(&own, "ben", blocked));
        assert!(shown(&after, "ben", Standing::Free) && shown(&after, "ben", Standing::BlockedBy));
    }

    #[test]
    fn a_message_names_its_author_and_conversation_and_nothing_else() {
        let json = serde_json::to_value(MessageView::new(&message("m1", "ben", 1_000, "Hallo"), "anna")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "m1", "conversation": "c1", "from": "ben", "mine": false, "text": "Hallo",
                "created_at": "1970-01-01T00:00:01.000Z"
            })
        );
    }
}
