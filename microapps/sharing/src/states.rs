//! A loan's life, derived from what happened to it.
//!
//! Only a document's owner can change it, so a loan is never updated as
//! it moves on: the borrower's request is the loan, and every later step
//! is an event under it, stored by whoever took the step. The loan's state
//! is what its events say, in the order they were stored, read by
//! [`replay`]: an event by the wrong party, or one that does not follow
//! from the state reached so far (a hand-over of a loan never accepted, a
//! second acceptance), is ignored, whoever stored it.
//!
//! ```text
//! requested ──accept (lender)──▶ accepted ──hand over (lender)──▶ handed over ──return (lender)──▶ returned
//!     │  └──decline (lender)──▶ declined       │
//!     └──cancel (borrower)──▶ cancelled ◀──────┘ cancel (borrower)
//! ```
//!
//! A loan handed over whose due day has passed shows as overdue
//! ([`Shown::Overdue`]); reminders (by either side) change nothing.

use courtyard_sdk::calendar::Date;
use serde::{Deserialize, Serialize};

/// Where a loan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Requested,
    Accepted,
    HandedOver,
    Returned,
    Declined,
    Cancelled,
    /// The lender's data was erased: the loan is over for the borrower.
    Ended,
}

impl State {
    /// Whether nothing more can happen to it.
    pub fn is_over(self) -> bool {
        matches!(self, State::Returned | State::Declined | State::Cancelled | State::Ended)
    }
}

/// A step someone takes with a loan: the `kind` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Accept,
    Decline,
    Cancel,
    HandOver,
    Return,
    Remind,
}

impl Step {
    pub const ALL: [Step; 6] = [Step::Accept, Step::Decline, Step::Cancel, Step::HandOver, Step::Return, Step::Remind];

    /// Its name in paths and JSON: `accept`, `hand-over`, …
    pub fn code(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Decline => "decline",
            Step::Cancel => "cancel",
            Step::HandOver => "hand-over",
            Step::Return => "return",
            Step::Remind => "remind",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.code() == code)
    }
}

/// The two sides of a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Borrower,
    Lender,
}

/// Why a step does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The other side takes this step.
    WrongParty,
    /// Not from the state the loan is in.
    OutOfOrder,
}

/// The state after `party` takes `step` in `state`.
pub fn next(state: State, party: Party, step: Step) -> Result<State, Refusal> {
    let by = match step {
        Step::Accept | Step::Decline | Step::HandOver | Step::Return => Some(Party::Lender),
        Step::Cancel => Some(Party::Borrower),
        Step::Remind => None,
    };
    if by.is_some_and(|by| by != party) {
        return Err(Refusal::WrongParty);
    }
    match (state, step) {
        (State::Requested, Step::Accept) => Ok(State::Accepted),
        (State::Requested, Step::Decline) => Ok(State::Declined),
        (State::Requested | State::Accepted, Step::Cancel) => Ok(State::Cancelled),
        (State::Accepted, Step::HandOver) => Ok(State::HandedOver),
        (State::HandedOver, Step::Return) => Ok(State::Returned),
        (State::HandedOver, Step::Remind) => Ok(State::HandedOver),
        _ => Err(Refusal::OutOfOrder),
    }
}

/// One stored event, as far as the rules care: who stored it and what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Happened {
    /// `None`: neither side of the loan stored it.
    pub by: Option<Party>,
    pub step: Step,
}

/// The state `events` (in the order they were stored) lead to, and which
/// of them counted.
pub fn replay(events: &[Happened]) -> (State, Vec<bool>) {
    let mut state = State::Requested;
    let counted = events
        .iter()
        .map(|event| match event.by.map(|by| next(state, by, event.step)) {
            Some(Ok(after)) => {
                state = after;
                true
            }
            _ => false,
        })
        .collect();
    (state, counted)
}

/// A loan's state as people see it on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    Requested,
    Accepted,
    HandedOver,
    /// Handed over, and the due day is past.
    Overdue,
    Returned,
    Declined,
    Cancelled,
    Ended,
}

impl Shown {
    pub fn of(state: State, due: Date, today: Date) -> Shown {
        match state {
            State::Requested => Shown::Requested,
            State::Accepted => Shown::Accepted,
            State::HandedOver if today > due => Shown::Overdue,
            State::HandedOver => Shown::HandedOver,
            State::Returned => Shown::Returned,
            State::Declined => Shown::Declined,
            State::Cancelled => Shown::Cancelled,
            State::Ended => Shown::Ended,
        }
    }
}

/// Whether opening a loan reminds its borrower: it is handed over, the
/// due day is tomorrow or has come, and no reminder went out `today`.
pub fn reminder_due(state: State, due: Date, today: Date, reminded_today: bool) -> bool {
    state == State::HandedOver && today >= due.add_days(-1) && !reminded_today
}

/// The steps `party` may take now (reminders: the lender's button).
pub fn steps_for(state: State, party: Party) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|step| *step != Step::Remind || party == Party::Lender)
        .filter(|step| next(state, party, *step).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LENDER: Option<Party> = Some(Party::Lender);
    const BORROWER: Option<Party> = Some(Party::Borrower);

    fn by(by: Option<Party>, step: Step) -> Happened {
        Happened { by, step }
    }

    #[test]
    fn a_loan_goes_from_request_to_return() {
        let events = [
            by(LENDER, Step::Accept),
            by(LENDER, Step::HandOver),
            by(BORROWER, Step::Remind),
            by(LENDER, Step::Return),
        ];
        assert_eq!(replay(&events), (State::Returned, vec![true; 4]));
        assert_eq!(replay(&[]).0, State::Requested);
    }

    #[test]
    fn events_by_the_wrong_party_or_out_of_order_are_ignored() {
        let events = [
            by(BORROWER, Step::Accept),
            by(None, Step::Accept),
            by(LENDER, Step::HandOver),
            by(LENDER, Step::Accept),
            by(LENDER, Step::Accept),
            by(LENDER, Step::Cancel),
            by(BORROWER, Step::Return),
            by(LENDER, Step::HandOver),
        ];
        let (state, counted) = replay(&events);
        assert_eq!(state, State::HandedOver);
        assert_eq!(counted, [false, false, false, true, false, false, false, true]);
    }

    #[test]
    fn the_borrower_cancels_until_the_hand_over_and_the_lender_declines_only_a_request() {
        assert_eq!(next(State::Requested, Party::Borrower, Step::Cancel), Ok(State::Cancelled));
        assert_eq!(next(State::Accepted, Party::Borrower, Step::Cancel), Ok(State::Cancelled));
        assert_eq!(next(State::HandedOver, Party::Borrower, Step::Cancel), Err(Refusal::OutOfOrder));
        assert_eq!(next(State::Requested, Party::Lender, Step::Cancel), Err(Refusal::WrongParty));
        assert_eq!(next(State::Requested, Party::Lender, Step::Decline), Ok(State::Declined));
        assert_eq!(next(State::Accepted, Party::Lender, Step::Decline), Err(Refusal::OutOfOrder));
        assert_eq!(next(State::Requested, Party::Borrower, Step::Accept), Err(Refusal::WrongParty));
        for over in [State::Returned, State::Declined, State::Cancelled, State::Ended] {
            assert!(over.is_over());
            for step in Step::ALL {
                assert!(next(over, Party::Lender, step).is_err() && next(over, Party::Borrower, step).is_err());
            }
        }
        // A cancelled request stays cancelled whatever the lender does next.
        assert_eq!(replay(&[by(BORROWER, Step::Cancel), by(LENDER, Step::Accept)]).0, State::Cancelled);
    }

    #[test]
    fn a_loan_handed_over_past_its_due_day_is_overdue() {
        let due = Date::parse("2027-03-10").unwrap();
        assert_eq!(Shown::of(State::HandedOver, due, due), Shown::HandedOver);
        assert_eq!(Shown::of(State::HandedOver, due, due.add_days(1)), Shown::Overdue);
        assert_eq!(Shown::of(State::Accepted, due, due.add_days(5)), Shown::Accepted);
        assert_eq!(Shown::of(State::Returned, due, due.add_days(5)), Shown::Returned);
        assert_eq!(serde_json::to_value(Shown::HandedOver).unwrap(), "handed_over");
    }

    #[test]
    fn the_borrower_is_reminded_from_the_day_before_once_a_day() {
        let due = Date::parse("2027-03-10").unwrap();
        assert!(!reminder_due(State::HandedOver, due, due.add_days(-2), false));
        assert!(reminder_due(State::HandedOver, due, due.add_days(-1), false));
        assert!(reminder_due(State::HandedOver, due, due.add_days(4), false));
        assert!(!reminder_due(State::HandedOver, due, due, true));
        assert!(!reminder_due(State::Returned, due, due, false));
        assert!(!reminder_due(State::Accepted, due, due, false));
    }

    #[test]
    fn each_side_is_offered_only_its_own_next_steps() {
        assert_eq!(steps_for(State::Requested, Party::Lender), [Step::Accept, Step::Decline]);
        assert_eq!(steps_for(State::Requested, Party::Borrower), [Step::Cancel]);
        assert_eq!(steps_for(State::Accepted, Party::Lender), [Step::HandOver]);
        assert_eq!(steps_for(State::HandedOver, Party::Lender), [Step::Return, Step::Remind]);
        assert!(steps_for(State::HandedOver, Party::Borrower).is_empty());
        for step in Step::ALL {
            assert_eq!(Step::parse(step.code()), Some(step));
        }
        assert_eq!(Step::parse("Accept"), None);
    }
}
