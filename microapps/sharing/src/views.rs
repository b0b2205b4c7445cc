//! Items and loans as the API and the pages show them to one reader.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, moderation};
use serde::Serialize;

use crate::model::{Event, Item, Loan};
use crate::states::{self, Happened, Party, Shown, State, Step};

/// A thing offered, for one reader.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub max_days: u32,
    pub available: bool,
    pub withdrawn: bool,
    /// Whether the reader lends it.
    pub mine: bool,
    pub owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// The photo's download path below the app, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// Where to report it (not for the owner): a path of the platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub created_at: Timestamp,
}

impl ItemView {
    pub fn new(doc: &Doc<Item>, reader: &str) -> ItemView {
        let mine = doc.owner == reader;
        ItemView {
            id: doc.id.clone(),
            name: doc.data.name.clone(),
            description: doc.data.description.clone(),
            category: doc.data.category.clone(),
            max_days: doc.data.max_days,
            available: doc.data.available && !doc.data.withdrawn,
            withdrawn: doc.data.withdrawn,
            mine,
            owner: doc.owner.clone(),
            owner_name: None,
            photo: None,
            report: (!mine).then(|| moderation::report_path("sharing", "items", &doc.id)),
            created_at: doc.created_at,
        }
    }
}

/// One line of a loan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryView {
    /// `None`: the request itself.
    pub step: Option<Step>,
    pub by: Party,
    pub by_me: bool,
    pub at: Timestamp,
}

/// A loan for one of its two sides.
#[derive(Debug, Clone, Serialize)]
pub struct LoanView {
    pub id: String,
    pub item: String,
    pub item_name: String,
    pub from: String,
    pub due: String,
    pub state: Shown,
    /// The reader's side.
    pub role: Party,
    /// The other side, as a subject; empty once erased.
    pub other: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_name: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub history: Vec<HistoryView>,
    /// The steps the reader may take now.
    pub steps: Vec<Step>,
    pub created_at: Timestamp,
    /// The derived state before `today`'s reading (for the app itself).
    #[serde(skip)]
    pub raw: State,
}

impl LoanView {
    /// `loan` with its `events` (oldest first) for `reader` on `today`.
    pub fn new(loan: &Doc<Loan>, events: &[Doc<Event>], reader: &str, today: Date) -> LoanView {
        let party_of = |subject: &str| {
            if subject == loan.owner {
                Some(Party::Borrower)
            } else if !loan.data.lender.is_empty() && subject == loan.data.lender {
                Some(Party::Lender)
            } else {
                None
            }
        };
        let happened: Vec<Happened> = events
            .iter()
            .filter(|event| event.data.loan == loan.id)
            .map(|event| Happened { by: party_of(&event.owner), step: event.data.kind })
            .collect();
        let (mut state, counted) = states::replay(&happened);
        if loan.data.erased {
            state = State::Ended;
        }
        let mut history =
            vec![HistoryView { step: None, by: Party::Borrower, by_me: loan.owner == reader, at: loan.created_at }];
        let valid = events.iter().filter(|event| event.data.loan == loan.id).zip(counted);
        history.extend(valid.filter(|(_, counted)| *counted).map(|(event, _)| HistoryView {
            step: Some(event.data.kind),
            by: party_of(&event.owner).unwrap_or(Party::Borrower),
            by_me: event.owner == reader,
            at: event.created_at,
        }));
        let role = if loan.owner == reader { Party::Borrower } else { Party::Lender };
        let other = match role {
            Party::Borrower => loan.data.lender.clone(),
            Party::Lender => loan.owner.clone(),
        };
        let due = loan.data.until_day().unwrap_or(today);
        LoanView {
            id: loan.id.clone(),
            item: loan.data.item.clone(),
            item_name: loan.data.item_name.clone(),
            from: loan.data.from.clone(),
            due: loan.data.until.clone(),
            state: Shown::of(state, due, today),
            role,
            other,
            other_name: None,
            note: loan.data.note.clone(),
            history,
            steps: states::steps_for(state, role),
            created_at: loan.created_at,
            raw: state,
        }
    }

    pub fn is_over(&self) -> bool {
        self.raw.is_over()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use courtyard_sdk::Visibility;

    use super::*;

    pub fn doc<T>(id: &str, owner: &str, at: u64, data: T) -> Doc<T> {
        Doc {
            id: id.to_owned(),
            owner: owner.to_owned(),
            visibility: Visibility::Participants,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(at),
            updated_at: Timestamp::from_millis(at),
            revision: 1,
            data,
        }
    }

    pub fn loan() -> Doc<Loan> {
        doc(
            "l1",
            "ben",
            1_000,
            Loan {
                item: "i1".into(),
                item_name: "Drill".into(),
                lender: "anna".into(),
                from: "2027-03-10".into(),
                until: "2027-03-12".into(),
                due: Some("2027-03-12".into()),
                title: "Drill due back".into(),
                note: String::new(),
                erased: false,
            },
        )
    }

    pub fn event(owner: &str, at: u64, kind: Step) -> Doc<Event> {
        doc("e", owner, at, Event { loan: "l1".into(), item: "i1".into(), kind, day: String::new() })
    }

    #[test]
    fn both_sides_read_the_same_history_and_only_their_own_steps() {
        let events = [
            event("ben", 2_000, Step::Accept),
            event("anna", 3_000, Step::Accept),
            event("cara", 3_500, Step::HandOver),
            event("anna", 4_000, Step::HandOver),
        ];
        let today = Date::parse("2027-03-11").unwrap();
        let ben = LoanView::new(&loan(), &events, "ben", today);
        assert_eq!((ben.state, ben.role, ben.other.as_str()), (Shown::HandedOver, Party::Borrower, "anna"));
        let steps: Vec<Option<Step>> = ben.history.iter().map(|line| line.step).collect();
        assert_eq!(steps, [None, Some(Step::Accept), Some(Step::HandOver)]);
        assert!(ben.steps.is_empty());
        let anna = LoanView::new(&loan(), &events, "anna", today);
        assert_eq!((anna.role, anna.other.as_str()), (Party::Lender, "ben"));
        assert_eq!(anna.steps, [Step::Return, Step::Remind]);
        assert_eq!(anna.history.iter().filter(|line| line.by_me).count(), 2);
        let late = LoanView::new(&loan(), &events, "ben", today.add_days(2));
        assert_eq!(late.state, Shown::Overdue);
        let json = serde_json::to_value(&ben).unwrap();
        assert_eq!((json["state"].as_str(), json["due"].as_str()), (Some("handed_over"), Some("2027-03-12")));
        assert_eq!(json["history"][1]["by"], "lender");
    }

    #[test]
    fn an_erased_lenders_loan_has_ended() {
        let mut erased = loan();
        erased.data.erased = true;
        erased.data.lender = String::new();
        let view = LoanView::new(&erased, &[event("anna", 2_000, Step::Accept)], "ben", Date::today_utc());
        assert_eq!((view.state, view.history.len(), view.other.as_str()), (Shown::Ended, 1, ""));
        assert!(view.is_over() && view.steps.is_empty());
    }

    #[test]
    fn the_owner_gets_no_report_link_and_a_neighbour_does() {
        let item = Item {
            name: "Drill".into(),
            description: String::new(),
            category: "tools".into(),
            max_days: 3,
            available: true,
            withdrawn: false,
        };
        let doc = doc("i1", "anna", 0, item);
        assert_eq!(ItemView::new(&doc, "anna").report, None);
        assert_eq!(ItemView::new(&doc, "ben").report.as_deref(), Some("/moderation/report/sharing/items/i1"));
    }
}
