//! A ticket's states and who may move it from one to another.
//!
//! Staff move a ticket to any other state: from `open` to waiting for
//! someone (the agent, the resident, an external party), to `closed`, and
//! back (reopening). The person who filed it may close it (solved, or
//! withdrawn) and reopen it once closed. Everyone else — a flatmate reading
//! the ticket of their unit — changes nothing. A resident's reply to a
//! ticket waiting for them hands it back to the agent.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// New, or reopened: the management has to look at it.
    Open,
    /// The agent working on it has to act.
    WaitingAgent,
    /// The management waits for the resident.
    WaitingResident,
    /// The management waits for an external party: a plumber, a supplier.
    WaitingExternal,
    /// Solved or withdrawn.
    Closed,
}

impl State {
    pub const ALL: [State; 5] =
        [State::Open, State::WaitingAgent, State::WaitingResident, State::WaitingExternal, State::Closed];

    /// The state's name in the API and in forms.
    pub fn code(self) -> &'static str {
        match self {
            State::Open => "open",
            State::WaitingAgent => "waiting_agent",
            State::WaitingResident => "waiting_resident",
            State::WaitingExternal => "waiting_external",
            State::Closed => "closed",
        }
    }

    /// The state named `code`, if any.
    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.code() == code)
    }

    pub fn is_active(self) -> bool {
        self != State::Closed
    }
}

/// Who wants to change a ticket, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Holds one of the app's staff roles in the property (the host says so).
    Staff,
    /// The person who filed the ticket.
    Owner,
    /// Anyone else who reads it: a flatmate.
    Other,
}

/// Why a change of state was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The ticket is in that state already.
    Unchanged,
    /// Not for this actor.
    NotAllowed,
}

/// Whether `actor` may move a ticket from `from` to `to`.
pub fn check(actor: Actor, from: State, to: State) -> Result<(), Refusal> {
    if from == to {
        return Err(Refusal::Unchanged);
    }
    let allowed = match actor {
        Actor::Staff => true,
        Actor::Owner => to == State::Closed || (from == State::Closed && to == State::Open),
        Actor::Other => false,
    };
    if allowed { Ok(()) } else { Err(Refusal::NotAllowed) }
}

/// The state a ticket moves to by itself when someone writes in its
/// conversation, if any: the resident answering what they were asked.
pub fn after_reply(actor: Actor, state: State) -> Option<State> {
    match (actor, state) {
        (Actor::Owner | Actor::Other, State::WaitingResident) => Some(State::WaitingAgent),
        _ => None,
    }
}

impl Refusal {
    /// The error for the API.
    pub fn into_error(self, lang: courtyard_sdk::lang::Lang) -> Error {
        let texts = crate::texts::of(lang);
        match self {
            Refusal::Unchanged => Error::Invalid(texts.state_unchanged.to_owned()),
            Refusal::NotAllowed => Error::Denied(texts.state_not_allowed.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_move_a_ticket_anywhere_but_where_it_is() {
        for from in State::ALL {
            for to in State::ALL {
                let expected = if from == to { Err(Refusal::Unchanged) } else { Ok(()) };
                assert_eq!(check(Actor::Staff, from, to), expected, "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn the_owner_closes_and_reopens_and_nothing_else() {
        for from in State::ALL {
            for to in State::ALL {
                let allowed = check(Actor::Owner, from, to).is_ok();
                let expected = from != to && (to == State::Closed || (from == State::Closed && to == State::Open));
                assert_eq!(allowed, expected, "{from:?} → {to:?}");
            }
        }
        assert_eq!(check(Actor::Owner, State::Open, State::WaitingAgent), Err(Refusal::NotAllowed));
        assert_eq!(check(Actor::Owner, State::Closed, State::WaitingExternal), Err(Refusal::NotAllowed));
    }

    #[test]
    fn a_flatmate_changes_nothing() {
        for from in State::ALL {
            for to in State::ALL.into_iter().filter(|to| *to != from) {
                assert_eq!(check(Actor::Other, from, to), Err(Refusal::NotAllowed));
            }
        }
    }

    #[test]
    fn a_residents_answer_hands_the_ticket_back_to_the_agent() {
        assert_eq!(after_reply(Actor::Owner, State::WaitingResident), Some(State::WaitingAgent));
        assert_eq!(after_reply(Actor::Other, State::WaitingResident), Some(State::WaitingAgent));
        assert_eq!(after_reply(Actor::Staff, State::WaitingResident), None);
        assert_eq!(after_reply(Actor::Owner, State::WaitingExternal), None);
        assert_eq!(after_reply(Actor::Owner, State::Closed), None);
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_none() {
        for state in State::ALL {
            assert_eq!(State::parse(state.code()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.code());
        }
        assert_eq!(State::parse("Closed"), None);
        assert_eq!(State::parse(""), None);
        assert!(!State::Closed.is_active() && State::WaitingExternal.is_active());
    }
}
