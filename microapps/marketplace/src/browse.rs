//! The market: what a query string asks for, and the host query that
//! answers it.
//!
//! Browsing shows what is on the market: listings not gone (`listed`) and
//! not expired (`expires` after now), of one kind or any, newest first.
//! Every filter is decided in the host's query from the declared index,
//! never after reading, so a page and its cursor say nothing about what is
//! left out. A seller's own listings, expired and gone ones too, are "My
//! listings" ([`mine`]).

use courtyard_sdk::{Error, QueryBuilder};

use crate::model::{Kind, LISTINGS, Listing};

/// Listings per page.
pub const PAGE: u32 = 20;

/// A page of the market, as the query string asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// `None` for every kind.
    pub kind: Option<Kind>,
    /// The cursor of the page before.
    pub after: Option<String>,
}

impl Filters {
    /// Reads `kind` and `after` from a query string. An unknown kind is
    /// refused, not ignored.
    pub fn parse(query: &str) -> Result<Filters, Error> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| Error::Invalid("malformed query string".to_owned()))?;
        let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim().to_owned());
        let kind = match value("kind").as_deref() {
            None | Some("") | Some("any") => None,
            Some(code) => Some(Kind::parse(code).ok_or_else(|| {
                Error::Invalid(format!("unknown kind `{}`", code.chars().take(40).collect::<String>()))
            })?),
        };
        let after = value("after").filter(|cursor| !cursor.is_empty());
        if after.as_ref().is_some_and(|cursor| cursor.len() > 512) {
            return Err(Error::Invalid("malformed cursor".to_owned()));
        }
        Ok(Filters { kind, after })
    }

    /// The query string of these filters, with `after` for another page.
    pub fn query_string(&self, after: Option<&str>) -> String {
        let mut pairs = Vec::new();
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.code()));
        }
        if let Some(cursor) = after {
            pairs.push(("after", cursor));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The host query for the market at `now` (ms since the epoch).
    pub fn query(&self, now: i64) -> QueryBuilder<Listing> {
        let query =
            LISTINGS.query().filter("listed", true).greater_than("expires", now).limit(PAGE).after(self.after.clone());
        match self.kind {
            Some(kind) => query.filter("kind", kind.code()),
            None => query,
        }
    }
}

/// The caller's own listings, newest first, whatever their state.
pub fn mine(after: Option<String>) -> QueryBuilder<Listing> {
    LISTINGS.query().mine_only().limit(PAGE).after(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_unless_one_is_asked_for() {
        assert_eq!(Filters::parse("").unwrap(), Filters::default());
        assert_eq!(Filters::parse("kind=any&after=").unwrap(), Filters::default());
        let asked = Filters::parse("kind=lost_found&after=c%26d").unwrap();
        assert_eq!(asked, Filters { kind: Some(Kind::LostFound), after: Some("c&d".into()) });
    }

    #[test]
    fn unknown_kinds_and_long_cursors_are_refused() {
        for query in ["kind=auction", "kind=Sell", "kind=%3Cscript%3E", &format!("after={}", "c".repeat(513))] {
            assert!(matches!(Filters::parse(query), Err(Error::Invalid(_))), "{query}");
        }
        let Err(Error::Invalid(message)) = Filters::parse(&format!("kind={}", "x".repeat(1_000))) else {
            panic!("refused");
        };
        assert!(message.len() < 80, "what was sent is quoted briefly: {message}");
    }

    #[test]
    fn the_pager_keeps_the_kind() {
        let filters = Filters::parse("kind=free").unwrap();
        assert_eq!(filters.query_string(Some("n&1")), "kind=free&after=n%261");
        assert_eq!(Filters::parse(&filters.query_string(Some("n&1"))).unwrap().after.as_deref(), Some("n&1"));
        assert_eq!(Filters::default().query_string(None), "");
    }
}
