//! How an entry's hash is computed: SHA-256 over the previous hash, a
//! newline, and a JSON array of every other column in a fixed order.
//! An array leaves no room for ambiguity between neighbouring fields.

use serde::ser::{Serialize, SerializeSeq, Serializer};
use sha2::{Digest, Sha256};

use super::AuditEntry;

/// The `prev_hash` of the very first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash `entry` must carry, given its `prev_hash`.
pub fn entry_hash(entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(entry.prev_hash.as_bytes());
    hasher.update(b"\n");
    // Serialised straight into the hasher: the writer runs this for every
    // entry, and building a JSON value first cost a score of allocations.
    serde_json::to_writer(&mut hasher, &Columns(entry))
        .expect("strings and integers always serialise, and a hasher takes every byte");
    hex::encode(hasher.finalize())
}

/// One stored column's value, borrowed from an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnValue<'a> {
    Integer(i64),
    Text(Option<&'a str>),
}

/// How many leading columns the hash covers: all but `prev_hash` and `hash`.
const HASHED_COLUMNS: usize = 20;

impl AuditEntry {
    /// Every stored column, in the order of the `audit_entries` column list
    /// the storage layer writes (`seq`, `at`, … `request_id`, then
    /// `prev_hash` and `hash`). The hash covers the same order, so this is
    /// the one place it is spelled out.
    pub fn column_values(&self) -> [ColumnValue<'_>; 22] {
        use ColumnValue::{Integer, Text};
        fn text(value: &Option<String>) -> ColumnValue<'_> {
            Text(value.as_deref())
        }
        fn required(value: &str) -> ColumnValue<'_> {
            Text(Some(value))
        }
        [
            Integer(self.seq),
            Integer(self.at),
            text(&self.customer_id),
            required(self.actor_kind.as_str()),
            required(&self.actor_id),
            text(&self.app_version),
            text(&self.app_digest),
            text(&self.on_behalf_of),
            required(&self.action),
            required(&self.resource_type),
            text(&self.resource_id),
            text(&self.subject_id),
            text(&self.fields),
            text(&self.purpose),
            text(&self.legal_basis),
            text(&self.grant_ref),
            text(&self.consent_ref),
            required(self.outcome.as_str()),
            text(&self.reason),
            text(&self.request_id),
            required(&self.prev_hash),
            required(&self.hash),
        ]
    }
}

/// The hashed columns as a compact JSON array.
struct Columns<'a>(&'a AuditEntry);

impl Serialize for Columns<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut columns = serializer.serialize_seq(Some(HASHED_COLUMNS))?;
        for value in &self.0.column_values()[..HASHED_COLUMNS] {
            match value {
                ColumnValue::Integer(number) => columns.serialize_element(number)?,
                ColumnValue::Text(text) => columns.serialize_element(text)?,
            }
        }
        columns.end()
    }
}

/// Links `entries` onto a chain whose head is `head_seq`/`head_hash`:
/// numbers them, sets each `prev_hash` and `hash`, and returns the new head.
pub fn link(entries: &mut [AuditEntry], head_seq: i64, head_hash: String) -> (i64, String) {
    let mut seq = head_seq;
    let mut prev = head_hash;
    for entry in entries {
        seq += 1;
        entry.seq = seq;
        entry.prev_hash = std::mem::take(&mut prev);
        entry.hash = entry_hash(entry);
        prev = entry.hash.clone();
    }
    (seq, prev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::ActorKind;

    #[test]
    fn every_column_and_the_link_count() {
        let mut entry = AuditEntry::new(ActorKind::User, "u1", "property.update", "property");
        entry.seq = 7;
        entry.prev_hash = GENESIS.to_owned();
        let original = entry_hash(&entry);
        assert_eq!(original, entry_hash(&entry), "deterministic");
        let mut changed = entry.clone();
        changed.fields = Some("name".into());
        assert_ne!(entry_hash(&changed), original);
        let mut relinked = entry.clone();
        relinked.prev_hash = "1".repeat(64);
        assert_ne!(entry_hash(&relinked), original);
        // Moving text between neighbouring columns changes the hash too.
        let mut a = entry.clone();
        a.actor_kind = ActorKind::App;
        a.actor_id = "eru1".into();
        assert_ne!(entry_hash(&a), original);
    }

    /// Entries already on disk were hashed over a `serde_json::Value` array;
    /// the streamed form must produce the very same bytes.
    #[test]
    fn same_text_as_a_json_array() {
        let mut entry = AuditEntry::new(ActorKind::App, "moving-service", "profile.read", "profile");
        entry.seq = -3;
        entry.at = i64::MAX;
        entry.customer_id = Some("c\"1\\".into());
        entry.fields = Some("display_name,email".into());
        entry.purpose = Some("Quote \u{e9}\u{1f69a} <b>&amp;\u{2028}".into());
        entry.reason = Some("\u{7f}\u{fffd}".into());
        let value = serde_json::json!([
            entry.seq,
            entry.at,
            entry.customer_id,
            entry.actor_kind.as_str(),
            entry.actor_id,
            entry.app_version,
            entry.app_digest,
            entry.on_behalf_of,
            entry.action,
            entry.resource_type,
            entry.resource_id,
            entry.subject_id,
            entry.fields,
            entry.purpose,
            entry.legal_basis,
            entry.grant_ref,
            entry.consent_ref,
            entry.outcome.as_str(),
            entry.reason,
            entry.request_id,
        ]);
        assert_eq!(serde_json::to_string(&Columns(&entry)).unwrap(), value.to_string());
    }
}
