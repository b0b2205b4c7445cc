//! Tickets as the API answers them and the pages show them, for one
//! reader.
//!
//! A view is built for the caller: what they may not know is never put in
//! it. A resident's [`Detail`] has no internal notes (`notes` is `None`
//! and is left out of the JSON), and learns whether a ticket is assigned,
//! not to whom.

use courtyard_sdk::context::Caller;
use courtyard_sdk::files::File;
use courtyard_sdk::lang::Lang;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error};
use serde::Serialize;

use crate::categories::Categories;
use crate::model::{Change, HistoryEntry, Location, MESSAGES, Message, NOTES, Note, Ticket};
use crate::states::{Actor, State};

/// How the caller stands to a ticket.
pub fn actor(caller: &Caller, owner: &str) -> Actor {
    if caller.staff {
        Actor::Staff
    } else if caller.subject.as_deref() == Some(owner) {
        Actor::Owner
    } else {
        Actor::Other
    }
}

/// A ticket, for a list or at the top of its page.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    pub id: String,
    pub category: String,
    /// The category's name in the caller's language.
    pub category_label: String,
    pub title: String,
    pub description: String,
    pub location: Location,
    pub place: String,
    pub state: State,
    /// Whether a staff member works on it.
    pub assigned: bool,
    /// Whom, for staff only: the staff member's subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Whether the caller is assigned.
    pub assigned_to_me: bool,
    /// Whether the caller filed it.
    pub mine: bool,
    pub created_at: Timestamp,
    pub last_activity_at: Timestamp,
    pub history: Vec<HistoryView>,
}

/// One change in a ticket's history, without naming who made it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub at: Timestamp,
    pub by_staff: bool,
    pub by_me: bool,
    pub change: Change,
}

impl TicketView {
    pub fn new(doc: &Doc<Ticket>, caller: &Caller, categories: &Categories, lang: Lang) -> TicketView {
        let ticket = &doc.data;
        let me = caller.subject.as_deref();
        TicketView {
            id: doc.id.clone(),
            category: ticket.category.clone(),
            category_label: categories.label(&ticket.category, lang).to_owned(),
            title: ticket.title.clone(),
            description: ticket.description.clone(),
            location: ticket.location,
            place: ticket.place.clone(),
            state: ticket.state,
            assigned: !ticket.assignee.is_empty(),
            assignee: (caller.staff && !ticket.assignee.is_empty()).then(|| ticket.assignee.clone()),
            assigned_to_me: me.is_some_and(|me| me == ticket.assignee),
            mine: me == Some(doc.owner.as_str()),
            created_at: doc.created_at,
            last_activity_at: Timestamp::from_millis(u64::try_from(ticket.activity).unwrap_or_default()),
            history: ticket.history.iter().map(|entry| HistoryView::new(entry, me)).collect(),
        }
    }
}

impl HistoryView {
    fn new(entry: &HistoryEntry, me: Option<&str>) -> HistoryView {
        HistoryView {
            at: Timestamp::from_millis(entry.at),
            by_staff: entry.by_staff,
            by_me: me == Some(entry.by.as_str()),
            change: entry.change.clone(),
        }
    }
}

/// One message of the conversation.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: String,
    pub text: String,
    pub by_staff: bool,
    pub mine: bool,
    pub created_at: Timestamp,
    pub files: Vec<File>,
}

impl MessageView {
    pub fn new(doc: &Doc<Message>, caller: &Caller, files: Vec<File>) -> MessageView {
        MessageView {
            id: doc.id.clone(),
            text: doc.data.text.clone(),
            by_staff: doc.data.by_staff,
            mine: caller.subject.as_deref() == Some(doc.owner.as_str()),
            created_at: doc.created_at,
            files,
        }
    }
}

/// One internal note, for staff.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub id: String,
    pub text: String,
    pub mine: bool,
    pub created_at: Timestamp,
}

impl NoteView {
    pub fn new(doc: &Doc<Note>, caller: &Caller) -> NoteView {
        NoteView {
            id: doc.id.clone(),
            text: doc.data.text.clone(),
            mine: caller.subject.as_deref() == Some(doc.owner.as_str()),
            created_at: doc.created_at,
        }
    }
}

/// A ticket with everything its reader may see.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub ticket: TicketView,
    pub files: Vec<File>,
    pub messages: Vec<MessageView>,
    /// Staff only; `None` for everyone else, and then not in the JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<NoteView>>,
    /// Whether the reader may write in the conversation.
    pub may_reply: bool,
}

/// The most messages and notes a ticket's page shows.
const MAX_LISTED: u32 = 100;

impl Detail {
    /// Reads the conversation, the files and, for staff, the notes of the
    /// ticket `doc`, which the caller reads.
    pub fn read(doc: &Doc<Ticket>, caller: &Caller, categories: &Categories, lang: Lang) -> Result<Detail, Error> {
        let files = if doc.data.attachments > 0 { files_of("tickets", &doc.id) } else { Vec::new() };
        let messages = MESSAGES.query().replies_to(doc.id.clone()).oldest_first().limit(MAX_LISTED).fetch()?;
        let messages = messages
            .items
            .iter()
            .map(|message| {
                let files = if message.data.attachments > 0 { files_of("messages", &message.id) } else { Vec::new() };
                MessageView::new(message, caller, files)
            })
            .collect();
        let notes = if caller.staff {
            let notes = NOTES.query().filter("ticket", doc.id.as_str()).oldest_first().limit(MAX_LISTED).fetch()?;
            Some(notes.items.iter().map(|note| NoteView::new(note, caller)).collect())
        } else {
            None
        };
        Ok(Detail::assemble(TicketView::new(doc, caller, categories, lang), files, messages, notes, caller))
    }

    /// Puts a detail together; notes are dropped for anyone but staff,
    /// whatever was read.
    pub fn assemble(
        ticket: TicketView,
        files: Vec<File>,
        messages: Vec<MessageView>,
        notes: Option<Vec<NoteView>>,
        caller: &Caller,
    ) -> Detail {
        let may_reply = caller.subject.is_some() && (caller.staff || ticket.state != State::Closed);
        Detail { ticket, files, messages, notes: notes.filter(|_| caller.staff), may_reply }
    }
}

/// The files of document `id` of `collection`. A ticket whose files cannot
/// be listed right now is still shown, without them.
pub fn files_of(collection: &str, id: &str) -> Vec<File> {
    courtyard_sdk::files::list(collection, id).unwrap_or_else(|error| {
        courtyard_sdk::log::warn(&format!("the files of {collection} {id} could not be listed: {}", error.code()));
        Vec::new()
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use courtyard_sdk::Visibility;

    pub fn caller(subject: &str, staff: bool) -> Caller {
        Caller {
            subject: Some(subject.to_owned()),
            property: Some("p".to_owned()),
            roles: vec![if staff { "property-manager" } else { "resident" }.to_owned()],
            staff,
            unit: (!staff).then(|| "u1".to_owned()),
            locale: "en".to_owned(),
            request_id: "r".to_owned(),
        }
    }

    pub fn ticket_doc(owner: &str, assignee: &str, state: State) -> Doc<Ticket> {
        Doc {
            id: "t1".to_owned(),
            owner: owner.to_owned(),
            visibility: Visibility::Unit,
            parent: None,
            unit: Some("u1".to_owned()),
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(1_796_408_400_000),
            updated_at: Timestamp::from_millis(1_796_408_400_000),
            revision: 1,
            data: Ticket {
                category: "heating".to_owned(),
                title: "Cold <radiator>".to_owned(),
                description: "Since \"Monday\" & more".to_owned(),
                location: Location::Unit,
                place: "Living room".to_owned(),
                state,
                active: state.is_active(),
                assignee: assignee.to_owned(),
                activity: 1_796_408_500_000,
                attachments: 0,
                lang: "en".to_owned(),
                history: vec![HistoryEntry {
                    at: 1_796_408_400_000,
                    by: owner.to_owned(),
                    by_staff: false,
                    change: Change::Filed,
                }],
            },
        }
    }

    pub fn note(text: &str) -> NoteView {
        NoteView { id: "n1".to_owned(), text: text.to_owned(), mine: true, created_at: Timestamp::from_millis(0) }
    }

    #[test]
    fn a_resident_learns_that_someone_is_assigned_not_who() {
        let doc = ticket_doc("anna", "staff-7", State::Open);
        let view = TicketView::new(&doc, &caller("anna", false), &Categories::default(), Lang::De);
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!((json["assigned"].clone(), json.get("assignee")), (true.into(), None), "{json}");
        assert_eq!((json["mine"].clone(), json["category_label"].clone()), (true.into(), "Heizung".into()));
        assert_eq!(json["history"][0]["by_me"], true);
        assert!(json["history"][0].get("by").is_none(), "{json}");
        assert_eq!(json["last_activity_at"], "2026-12-04T18:21:40.000Z");
        let staff = TicketView::new(&doc, &caller("staff-7", true), &Categories::default(), Lang::En);
        assert_eq!((staff.assignee.as_deref(), staff.assigned_to_me, staff.mine), (Some("staff-7"), true, false));
    }

    #[test]
    fn internal_notes_never_reach_a_residents_detail() {
        let doc = ticket_doc("anna", "", State::Closed);
        for (who, staff) in [("anna", false), ("ben", false)] {
            let reader = caller(who, staff);
            let view = TicketView::new(&doc, &reader, &Categories::default(), Lang::En);
            let detail =
                Detail::assemble(view, Vec::new(), Vec::new(), Some(vec![note("tenant is difficult")]), &reader);
            assert!(detail.notes.is_none());
            assert!(!detail.may_reply, "a closed ticket is reopened before writing again");
            let json = serde_json::to_string(&detail).unwrap();
            assert!(!json.contains("difficult") && !json.contains("\"notes\""), "{json}");
        }
        let staff = caller("mia", true);
        let view = TicketView::new(&doc, &staff, &Categories::default(), Lang::En);
        let detail = Detail::assemble(view, Vec::new(), Vec::new(), Some(vec![note("tenant is difficult")]), &staff);
        assert_eq!(detail.notes.as_ref().map(Vec::len), Some(1));
        assert!(detail.may_reply, "staff write on closed tickets too");
    }

    #[test]
    fn actors_are_staff_owner_or_someone_else() {
        assert_eq!(actor(&caller("mia", true), "anna"), Actor::Staff);
        assert_eq!(actor(&caller("anna", false), "anna"), Actor::Owner);
        assert_eq!(actor(&caller("ben", false), "anna"), Actor::Other);
    }
}
