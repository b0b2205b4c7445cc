//! What the marketplace keeps in host storage, and the rules of a
//! listing's life: its kinds, its states and its expiry.
//!
//! | collection | document | visibility |
//! |---|---|---|
//! | `listings` | a [`Listing`], with up to five photos attached | `property`: everyone using the app in the seller's property |
//!
//! The host limits a `property` document to the caller's property in its
//! storage query: a listing of another property, or of another customer,
//! answers `404` as if it did not exist. Photos are files attached to the
//! listing; the host serves them to whoever reads the listing.

use courtyard_sdk::Collection;
use serde::{Deserialize, Serialize};

pub const LISTINGS: Collection<Listing> = Collection::new("listings");

/// A listing is on the market this long after it was published or last
/// renewed.
pub const LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1_000;

/// The currency prices are in. The platform does not tell an app the
/// property's currency yet; every property is in Switzerland so far.
pub const CURRENCY: &str = "CHF";

/// What a listing is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Something for sale, with a price.
    Sell,
    /// Something given away for free.
    Free,
    /// Something the seller looks for, maybe with what they would pay.
    Wanted,
    /// Something lost or found in the building, maybe with a reward.
    LostFound,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Sell, Kind::Free, Kind::Wanted, Kind::LostFound];

    /// The kind's name in the API, in forms and in the index.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Sell => "sell",
            Kind::Free => "free",
            Kind::Wanted => "wanted",
            Kind::LostFound => "lost_found",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// Where a listing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Available,
    /// Promised to someone; back to available if it falls through.
    Reserved,
    /// Sold, given away, found: off the market for good.
    Gone,
}

impl State {
    pub const ALL: [State; 3] = [State::Available, State::Reserved, State::Gone];

    pub fn code(self) -> &'static str {
        match self {
            State::Available => "available",
            State::Reserved => "reserved",
            State::Gone => "gone",
        }
    }

    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.code() == code)
    }

    /// Whether a listing in this state is shown when browsing.
    pub fn is_listed(self) -> bool {
        self != State::Gone
    }

    /// The states the seller may move a listing to from this one:
    /// available and reserved back and forth, and gone from either.
    pub fn next(self) -> &'static [State] {
        match self {
            State::Available => &[State::Reserved, State::Gone],
            State::Reserved => &[State::Available, State::Gone],
            State::Gone => &[],
        }
    }
}

/// Why a change of state was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The listing is in that state already.
    Unchanged,
    /// Gone is for good.
    Final,
}

/// Whether the seller may move a listing from `from` to `to`.
pub fn check_state(from: State, to: State) -> Result<(), Refusal> {
    if from == to {
        Err(Refusal::Unchanged)
    } else if from.next().contains(&to) {
        Ok(())
    } else {
        Err(Refusal::Final)
    }
}

/// A listing: something offered, given away, wanted, lost or found.
///
/// `listed`, `kind` and `expires` are top-level fields so that browsing
/// filters by them in the host's query (the manifest declares the index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: Kind,
    /// In cents of [`Listing::currency`]; `None` for free things, and for
    /// wanted and lost-and-found ones that name no sum.
    #[serde(default)]
    pub price: Option<i64>,
    pub currency: String,
    pub state: State,
    /// Whether the listing is not gone: browsing's filter.
    pub listed: bool,
    /// When it was published or last renewed, ms since the Unix epoch.
    pub published: i64,
    /// When it leaves the market: [`LIFETIME_MS`] after `published`.
    pub expires: i64,
    /// How many photos are attached (the host keeps them).
    #[serde(default)]
    pub photos: u32,
}

impl Listing {
    /// Whether it has expired at `now` (ms since the Unix epoch).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires <= now
    }

    /// Published again at `now`, for another [`LIFETIME_MS`].
    pub fn renew(&mut self, now: i64) {
        self.published = now;
        self.expires = expiry(now);
    }

    /// Moves it to `state`, keeping `listed` in step.
    pub fn set_state(&mut self, state: State) {
        self.state = state;
        self.listed = state.is_listed();
    }
}

/// When a listing published at `now` expires.
pub fn expiry(now: i64) -> i64 {
    now.saturating_add(LIFETIME_MS)
}

/// Whether `id` could be a document id at all. Anything else is answered
/// as absent, like an id of another property.
pub fn is_document_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const NOW: i64 = 1_796_408_400_000;

    pub fn bike() -> Listing {
        Listing {
            title: "Bike".to_owned(),
            description: "A red city bike.".to_owned(),
            kind: Kind::Sell,
            price: Some(8_000),
            currency: CURRENCY.to_owned(),
            state: State::Available,
            listed: true,
            published: NOW,
            expires: expiry(NOW),
            photos: 0,
        }
    }

    #[test]
    fn a_listing_expires_thirty_days_after_publishing_and_renewing_starts_again() {
        let mut listing = bike();
        assert!(!listing.is_expired(NOW));
        assert!(!listing.is_expired(NOW + LIFETIME_MS - 1));
        assert!(listing.is_expired(NOW + LIFETIME_MS), "on the dot it is gone from the market");
        listing.renew(NOW + LIFETIME_MS + 5);
        assert_eq!(listing.published, NOW + LIFETIME_MS + 5);
        assert_eq!(listing.expires, NOW + 2 * LIFETIME_MS + 5);
        assert!(!listing.is_expired(NOW + 2 * LIFETIME_MS));
        assert_eq!(LIFETIME_MS, 2_592_000_000);
        assert_eq!(expiry(i64::MAX), i64::MAX);
    }

    #[test]
    fn available_and_reserved_go_back_and_forth_and_gone_is_for_good() {
        assert_eq!(check_state(State::Available, State::Reserved), Ok(()));
        assert_eq!(check_state(State::Reserved, State::Available), Ok(()));
        assert_eq!(check_state(State::Reserved, State::Gone), Ok(()));
        assert_eq!(check_state(State::Available, State::Gone), Ok(()));
        assert_eq!(check_state(State::Gone, State::Available), Err(Refusal::Final));
        assert_eq!(check_state(State::Gone, State::Reserved), Err(Refusal::Final));
        for state in State::ALL {
            assert_eq!(check_state(state, state), Err(Refusal::Unchanged));
        }
        let mut listing = bike();
        listing.set_state(State::Gone);
        assert!(!listing.listed);
        listing.state = State::Reserved;
        listing.set_state(State::Available);
        assert!(listing.listed);
    }

    #[test]
    fn codes_round_trip_and_serialise_as_the_api_names_them() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.code()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
        }
        for state in State::ALL {
            assert_eq!(State::parse(state.code()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.code());
        }
        assert_eq!((Kind::parse("Sell"), Kind::parse(""), State::parse("sold")), (None, None, None));
        let json = serde_json::to_value(bike()).unwrap();
        assert_eq!(json["kind"], "sell");
        assert_eq!((json["listed"].clone(), json["expires"].clone()), (true.into(), expiry(NOW).into()));
    }

    #[test]
    fn only_plain_ids_are_looked_up() {
        assert!(is_document_id("3f2c9a1e-0000-4000-8000-000000000001"));
        for bad in ["", "../x", "a b", "x".repeat(65).as_str(), "<script>", "é"] {
            assert!(!is_document_id(bad), "{bad}");
        }
    }
}
