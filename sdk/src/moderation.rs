//! Reporting abuse to the property's moderators.
//!
//! Reports are the host's business, not the app's: a person reports a
//! document on a page of the host, which checks that they may read it,
//! records the report and puts it in the moderation queue of the property's
//! staff. Staff can hide, restore or delete the document there with a
//! reason; the author is told, and every step is audited. A hidden document
//! leaves every reader's query (its author's too) until it is restored, as
//! if it did not exist.
//!
//! An app only links to that page, next to each post, listing, profile or
//! message a person might find abusive:
//!
//! ```
//! use courtyard_sdk::moderation;
//!
//! let href = moderation::report_path("pinboard", "posts", "0b7a6e9c-1d5e-4a57-9a0b-7c1f0e3d2a11");
//! assert_eq!(href, "/moderation/report/pinboard/posts/0b7a6e9c-1d5e-4a57-9a0b-7c1f0e3d2a11");
//! ```

/// The host page on which the caller reports document `document` of this
/// app's collection `collection` (`app` is the app's own id). An absolute
/// path on the platform's origin: link to it as it is.
pub fn report_path(app: &str, collection: &str, document: &str) -> String {
    format!("/moderation/report/{}/{}/{}", segment(app), segment(collection), segment(document))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_cannot_leave_its_place_in_the_path() {
        assert_eq!(report_path("a", "b/../c", "d?e#f"), "/moderation/report/a/b%2F..%2Fc/d%3Fe%23f");
    }
}
