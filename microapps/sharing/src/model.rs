//! What sharing keeps in host storage, and who may read it.
//!
//! | collection | document | visibility |
//! |---|---|---|
//! | `items` | an [`Item`] a resident offers, with at most one photo | `property`: everyone of the building who uses the app |
//! | `loans` | a [`Loan`]: the borrower's request, owned by the borrower | `participants`, naming the lender: the two of them, not staff |
//! | `events` | an [`Event`] under its loan: a step, owned by whoever took it | `participants`, naming the other side |
//!
//! The host only lets a document's owner change it, so a loan is never
//! updated by the lender: each step is an event, and the loan's state is
//! derived from them ([`crate::states`]). An acceptance claims the keys
//! `item:{id}:{day}` of every day of the loan: of two overlapping requests
//! only one can be accepted. The keys name the thing and its days, never
//! a person.

use courtyard_sdk::Collection;
use courtyard_sdk::calendar::Date;
use serde::{Deserialize, Serialize};

use crate::states::Step;

pub const ITEMS: Collection<Item> = Collection::new("items");
pub const LOANS: Collection<Loan> = Collection::new("loans");
pub const EVENTS: Collection<Event> = Collection::new("events");

/// The categories of things, by key.
pub const CATEGORIES: [&str; 8] = ["tools", "garden", "kitchen", "sports", "kids", "transport", "electronics", "other"];

/// A thing a resident offers to lend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// The longest loan, in days (the first and the last day included).
    pub max_days: u32,
    /// Whether the owner lends it at the moment.
    pub available: bool,
    /// Withdrawn by its owner: no longer listed, no new requests.
    #[serde(default)]
    pub withdrawn: bool,
}

/// A request to borrow an item, stored by the borrower.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub item: String,
    /// The item's name when it was asked for, for lists.
    pub item_name: String,
    /// The item's owner (a participant of the loan).
    pub lender: String,
    /// The first day, `YYYY-MM-DD`.
    pub from: String,
    /// The day it is due back.
    pub until: String,
    /// The same day while the loan is open, for home's "Coming up"; gone
    /// once the borrower has seen it over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// What "Coming up" shows, e.g. "Drill due back".
    #[serde(default)]
    pub title: String,
    /// A word to the lender, optional.
    #[serde(default)]
    pub note: String,
    /// The lender's data was erased; the loan is over.
    #[serde(default)]
    pub erased: bool,
}

impl Loan {
    pub fn first_day(&self) -> Option<Date> {
        Date::parse(&self.from)
    }

    pub fn until_day(&self) -> Option<Date> {
        Date::parse(&self.until)
    }
}

/// A step of a loan, stored under it by whoever took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub loan: String,
    pub item: String,
    pub kind: Step,
    /// For a reminder: the day it went out, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub day: String,
}

/// The unique key of `day` of item `item`, claimed by an acceptance.
pub fn day_key(item: &str, day: Date) -> String {
    format!("item:{item}:{day}")
}

/// The unique key of the reminder of loan `loan` on `day`.
pub fn reminder_key(loan: &str, day: Date) -> String {
    format!("reminder:{loan}:{day}")
}

/// Whether `id` can be a document id at all (a UUID, or the like).
pub fn is_document_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_thing_and_its_day() {
        let day = Date::parse("2027-03-12").unwrap();
        assert_eq!(day_key("i1", day), "item:i1:2027-03-12");
        assert_eq!(reminder_key("l1", day), "reminder:l1:2027-03-12");
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "x".repeat(65).as_str(), "<script>"] {
            assert!(!is_document_id(bad), "{bad}");
        }
    }

    #[test]
    fn an_open_loan_carries_its_due_day_and_a_closed_one_does_not() {
        let loan = Loan {
            item: "i1".into(),
            item_name: "Drill".into(),
            lender: "anna".into(),
            from: "2027-03-10".into(),
            until: "2027-03-12".into(),
            due: Some("2027-03-12".into()),
            title: "Drill due back".into(),
            note: String::new(),
            erased: false,
        };
        let json = serde_json::to_value(&loan).unwrap();
        assert_eq!(json["due"], "2027-03-12");
        let closed = serde_json::to_value(Loan { due: None, ..loan.clone() }).unwrap();
        assert!(closed.get("due").is_none(), "{closed}");
        assert_eq!(loan.until_day(), Date::parse("2027-03-12"));
        let event = Event { loan: "l1".into(), item: "i1".into(), kind: Step::HandOver, day: String::new() };
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({"loan": "l1", "item": "i1", "kind": "hand_over"})
        );
    }
}
