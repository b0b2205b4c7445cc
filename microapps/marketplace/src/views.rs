//! Listings as the API answers them and the pages show them, for one
//! reader.
//!
//! A view never carries the seller's email address or phone number: the
//! app does not even ask for them. Neighbours reach the seller through a
//! direct message in the neighbors app ([`contact_href`]), and report a
//! listing on the host's page ([`courtyard_sdk::moderation::report_path`]);
//! the seller's own listing offers neither.

use courtyard_sdk::Doc;
use courtyard_sdk::files::File;
use courtyard_sdk::moderation;
use courtyard_sdk::time::Timestamp;
use serde::Serialize;

use crate::model::{Kind, Listing, State};

/// The app's id, as the host and the moderation pages know it.
pub const APP: &str = "marketplace";
/// The collection listings are kept in.
pub const COLLECTION: &str = "listings";

/// A listing for one reader.
#[derive(Debug, Clone, Serialize)]
pub struct ListingView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub kind: Kind,
    /// In cents of `currency`; `null` for none.
    pub price_cents: Option<i64>,
    pub currency: String,
    pub state: State,
    /// Whether its 30 days are over: neighbours no longer see it.
    pub expired: bool,
    /// Whether the reader published it.
    pub mine: bool,
    /// The seller's display name, where the page or answer shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_name: Option<String>,
    pub created_at: Timestamp,
    /// When it was published or last renewed.
    pub published_at: Timestamp,
    pub expires_at: Timestamp,
    /// How many photos it has; the detail lists them in `photos`.
    pub photo_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<File>>,
    /// Where to write to the seller (the neighbors app); not on one's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Where to report it (the host's page); not on one's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

impl ListingView {
    /// The view of `doc` for the reader `me` at `now` (ms since the epoch).
    pub fn new(doc: &Doc<Listing>, me: Option<&str>, now: i64) -> ListingView {
        let listing = &doc.data;
        let mine = me == Some(doc.owner.as_str());
        ListingView {
            id: doc.id.clone(),
            title: listing.title.clone(),
            description: listing.description.clone(),
            kind: listing.kind,
            price_cents: listing.price,
            currency: listing.currency.clone(),
            state: listing.state,
            expired: listing.is_expired(now),
            mine,
            seller_name: None,
            created_at: doc.created_at,
            published_at: millis(listing.published),
            expires_at: millis(listing.expires),
            photo_count: listing.photos,
            photos: None,
            contact: (!mine).then(|| contact_href(&doc.owner, &listing.title)),
            report: (!mine).then(|| moderation::report_path(APP, COLLECTION, &doc.id)),
        }
    }
}

/// The neighbors app's conversation with `owner`, about `title`: the
/// platform's own user ids are the subjects of every core app, so the
/// neighbors app knows the seller by the same id.
pub fn contact_href(owner: &str, title: &str) -> String {
    let about = serde_urlencoded::to_string([("about", title)]).unwrap_or_default();
    format!("/apps/neighbors/conversations/with/{}?{about}", segment(owner))
}

/// `part` percent-encoded as one path segment.
fn segment(part: &str) -> String {
    let mut encoded = String::with_capacity(part.len());
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn millis(at: i64) -> Timestamp {
    Timestamp::from_millis(u64::try_from(at).unwrap_or_default())
}

#[cfg(test)]
pub(crate) mod tests {
    use courtyard_sdk::Visibility;

    use super::*;
    use crate::model::tests::{NOW, bike};

    pub fn doc(owner: &str, listing: Listing) -> Doc<Listing> {
        Doc {
            id: "l1".to_owned(),
            owner: owner.to_owned(),
            visibility: Visibility::Property,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(NOW as u64),
            updated_at: Timestamp::from_millis(NOW as u64),
            revision: 1,
            data: listing,
        }
    }

    #[test]
    fn neighbours_get_a_contact_and_a_report_link_and_the_seller_neither() {
        let listing = doc("anna-1", bike());
        let theirs = ListingView::new(&listing, Some("ben-2"), NOW);
        assert_eq!(theirs.contact.as_deref(), Some("/apps/neighbors/conversations/with/anna-1?about=Bike"));
        assert_eq!(theirs.report.as_deref(), Some("/moderation/report/marketplace/listings/l1"));
        assert!(!theirs.mine && !theirs.expired);
        let mine = ListingView::new(&listing, Some("anna-1"), NOW);
        assert!(mine.mine && mine.contact.is_none() && mine.report.is_none());
        let json = serde_json::to_value(&mine).unwrap();
        assert!(json.get("contact").is_none() && json.get("report").is_none(), "{json}");
        assert_eq!(json["price_cents"], 8_000);
        assert_eq!(json["currency"], "CHF");
        assert_eq!(json["published_at"], "2026-12-04T18:20:00.000Z");
        assert_eq!(json["expires_at"], "2027-01-03T18:20:00.000Z");
    }

    #[test]
    fn the_contact_link_keeps_the_title_in_its_query_and_the_subject_in_its_segment() {
        assert_eq!(
            contact_href("a/b?c", "Red bike & <helmet>"),
            "/apps/neighbors/conversations/with/a%2Fb%3Fc?about=Red+bike+%26+%3Chelmet%3E"
        );
    }

    #[test]
    fn a_listing_past_its_expiry_reads_as_expired() {
        let listing = doc("anna-1", bike());
        let later = ListingView::new(&listing, Some("anna-1"), listing.data.expires);
        assert!(later.expired);
    }
}
