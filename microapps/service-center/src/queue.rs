//! The list of tickets: what a query string asks for, and the host query
//! that answers it.
//!
//! Tickets are ordered by their last activity, latest first. Staff narrow
//! the queue by state (one state, every state but closed, or any), by
//! category and by assignee (themselves, nobody, anyone). A resident's list
//! is everything the host lets them read: their own tickets and their
//! unit's. Every filter is an equality the host serves from a declared
//! index, and it is decided in the host's query, never after reading.

use courtyard_sdk::{Error, QueryBuilder};

use crate::model::{TICKETS, Ticket};
use crate::states::State;

/// Tickets per page.
pub const PAGE: u32 = 20;

/// Which states to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Every state but closed: what still needs someone.
    #[default]
    Active,
    Any,
    Only(State),
}

impl StateFilter {
    pub fn code(self) -> &'static str {
        match self {
            StateFilter::Active => "active",
            StateFilter::Any => "any",
            StateFilter::Only(state) => state.code(),
        }
    }
}

/// Whose tickets to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Me,
    Nobody,
}

impl AssigneeFilter {
    pub fn code(self) -> &'static str {
        match self {
            AssigneeFilter::Anyone => "anyone",
            AssigneeFilter::Me => "me",
            AssigneeFilter::Nobody => "nobody",
        }
    }
}

/// A page of the list, as the query string asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub state: StateFilter,
    /// A category key; `None` for any.
    pub category: Option<String>,
    pub assignee: AssigneeFilter,
    /// The cursor of the page before.
    pub after: Option<String>,
}

impl Filters {
    /// Reads `state`, `category`, `assignee` and `after` from a query
    /// string. A resident's list (`staff` false) shows closed tickets too
    /// unless asked otherwise. Unknown values are refused, not ignored.
    pub fn parse(query: &str, staff: bool) -> Result<Filters, Error> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| Error::Invalid("malformed query string".to_owned()))?;
        let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim().to_owned());
        let state = match value("state").as_deref() {
            None | Some("") => {
                if staff {
                    StateFilter::Active
                } else {
                    StateFilter::Any
                }
            }
            Some("active") => StateFilter::Active,
            Some("any") => StateFilter::Any,
            Some(code) => StateFilter::Only(
                State::parse(code).ok_or_else(|| Error::Invalid(format!("unknown state `{}`", short(code))))?,
            ),
        };
        let category = match value("category") {
            None => None,
            Some(key) if key.is_empty() || key == "any" => None,
            Some(key)
                if key.len() <= 32 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
            {
                Some(key)
            }
            Some(key) => return Err(Error::Invalid(format!("unknown category `{}`", short(&key)))),
        };
        let assignee = match value("assignee").as_deref() {
            None | Some("") | Some("anyone") => AssigneeFilter::Anyone,
            Some("me") => AssigneeFilter::Me,
            Some("nobody") => AssigneeFilter::Nobody,
            Some(other) => return Err(Error::Invalid(format!("unknown assignee `{}`", short(other)))),
        };
        let after = value("after").filter(|cursor| !cursor.is_empty());
        if after.as_ref().is_some_and(|cursor| cursor.len() > 512) {
            return Err(Error::Invalid("malformed cursor".to_owned()));
        }
        Ok(Filters { state, category, assignee, after })
    }

    /// The query string of these filters, with `after` for another page.
    pub fn query_string(&self, after: Option<&str>) -> String {
        let mut pairs = vec![("state", self.state.code()), ("assignee", self.assignee.code())];
        if let Some(category) = &self.category {
            pairs.push(("category", category));
        }
        if let Some(cursor) = after {
            pairs.push(("after", cursor));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The host query for these filters, for the caller `subject`.
    pub fn query(&self, subject: &str) -> QueryBuilder<Ticket> {
        let mut query = TICKETS.query().order_by_descending("activity").limit(PAGE).after(self.after.clone());
        query = match self.state {
            StateFilter::Active => query.filter("active", true),
            StateFilter::Any => query,
            StateFilter::Only(state) => query.filter("state", state.code()),
        };
        if let Some(category) = &self.category {
            query = query.filter("category", category.as_str());
        }
        match self.assignee {
            AssigneeFilter::Anyone => query,
            AssigneeFilter::Me => query.filter("assignee", subject),
            AssigneeFilter::Nobody => query.filter("assignee", ""),
        }
    }
}

/// At most 40 characters of something a person sent, to quote it back.
fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_see_what_is_not_closed_unless_they_ask_otherwise() {
        assert_eq!(Filters::parse("", true).unwrap(), Filters::default());
        assert_eq!(Filters::parse("", false).unwrap().state, StateFilter::Any);
        let asked = Filters::parse("state=waiting_external&category=heating&assignee=me&after=c%26d", true).unwrap();
        assert_eq!(
            asked,
            Filters {
                state: StateFilter::Only(State::WaitingExternal),
                category: Some("heating".into()),
                assignee: AssigneeFilter::Me,
                after: Some("c&d".into()),
            }
        );
        let any = Filters::parse("state=any&category=any&assignee=nobody&after=", true).unwrap();
        assert_eq!(
            (any.state, any.category, any.assignee, any.after),
            (StateFilter::Any, None, AssigneeFilter::Nobody, None)
        );
    }

    #[test]
    fn unknown_values_are_refused() {
        for query in [
            "state=Closed",
            "state=%3Cscript%3E",
            "assignee=someone-else",
            "category=a%20b",
            "category=%22",
            &format!("category={}", "k".repeat(33)),
            &format!("after={}", "c".repeat(513)),
        ] {
            assert!(matches!(Filters::parse(query, true), Err(Error::Invalid(_))), "{query}");
        }
        let Err(Error::Invalid(message)) = Filters::parse(&format!("state={}", "x".repeat(1_000)), true) else {
            panic!("refused");
        };
        assert!(message.len() < 80, "what was sent is quoted briefly: {message}");
    }

    #[test]
    fn the_pager_keeps_the_filters() {
        let filters = Filters::parse("state=closed&category=other&assignee=nobody", true).unwrap();
        assert_eq!(filters.query_string(Some("n&1")), "state=closed&assignee=nobody&category=other&after=n%261");
        let back = Filters::parse(&filters.query_string(Some("n&1")), true).unwrap();
        assert_eq!(back.after.as_deref(), Some("n&1"));
        assert_eq!(Filters::default().query_string(None), "state=active&assignee=anyone");
    }
}
