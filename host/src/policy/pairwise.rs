//! Pairwise ids: how a third-party app sees the platform's own ids.
//!
//! Subjects already reach a third-party app as pairwise pseudonyms. Every
//! other id it sees is pairwise too, so two apps (of one vendor or of two)
//! can never join on one: document ids, the property, and the cursors of
//! query pages. A document id is a UUID, one 128-bit block, and the app sees
//! it encrypted with AES-128 under a key of its own, derived from the
//! deployment's key and the app id: a keyed permutation, so the host turns
//! the app's id back without storing anything, and an id the host never
//! issued to that app decrypts to one that does not exist. The property is
//! never sent back, so it is a keyed hash.

use aes::Aes128;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Turns internal ids into one app's ids and back. One per node.
pub struct PairwiseIds {
    key: Vec<u8>,
}

impl std::fmt::Debug for PairwiseIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairwiseIds").finish_non_exhaustive()
    }
}

/// What an id names; each kind gets keys of its own.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Document,
    Cursor,
}

impl PairwiseIds {
    pub fn new(key: impl Into<Vec<u8>>) -> PairwiseIds {
        PairwiseIds { key: key.into() }
    }

    fn mac(&self, label: &str, app_id: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(b"courtyard pairwise v1\0");
        mac.update(label.as_bytes());
        mac.update(b"\0");
        mac.update(app_id.as_bytes());
        mac
    }

    fn cipher(&self, kind: Kind, app_id: &str) -> Aes128 {
        let label = match kind {
            Kind::Document => "document",
            Kind::Cursor => "cursor",
        };
        let digest = self.mac(label, app_id).finalize().into_bytes();
        Aes128::new_from_slice(&digest[..16]).expect("16 bytes make an AES-128 key")
    }

    /// The id `app_id` sees for the document `id` (a UUID). Anything that
    /// is not a UUID is returned as it is: the host issues no such ids.
    pub fn document_for_app(&self, app_id: &str, id: &str) -> String {
        let Ok(uuid) = uuid::Uuid::parse_str(id) else { return id.to_owned() };
        let mut block = aes::Block::from(*uuid.as_bytes());
        self.cipher(Kind::Document, app_id).encrypt_block(&mut block);
        uuid::Uuid::from_bytes(block.into()).to_string()
    }

    /// The document an app's id names; `None` when it is no UUID at all.
    pub fn document_from_app(&self, app_id: &str, id: &str) -> Option<String> {
        let uuid = uuid::Uuid::parse_str(id).ok().filter(|_| id.len() == 36)?;
        let mut block = aes::Block::from(*uuid.as_bytes());
        self.cipher(Kind::Document, app_id).decrypt_block(&mut block);
        Some(uuid::Uuid::from_bytes(block.into()).to_string())
    }

    /// The cursor `app_id` sees for the storage position `seq`.
    pub fn cursor_for_app(&self, app_id: &str, seq: i64) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&seq.to_be_bytes());
        let mut block = aes::Block::from(bytes);
        self.cipher(Kind::Cursor, app_id).encrypt_block(&mut block);
        format!("p{}", hex::encode(block))
    }

    /// The storage position behind an app's cursor; `None` for a cursor the
    /// host did not issue to this app.
    pub fn cursor_from_app(&self, app_id: &str, cursor: &str) -> Option<i64> {
        let bytes: [u8; 16] = hex::decode(cursor.strip_prefix('p')?).ok()?.try_into().ok()?;
        let mut block = aes::Block::from(bytes);
        self.cipher(Kind::Cursor, app_id).decrypt_block(&mut block);
        let (seq, padding) = block.split_at(8);
        if padding.iter().any(|byte| *byte != 0) {
            return None;
        }
        Some(i64::from_be_bytes(seq.try_into().ok()?)).filter(|seq| *seq >= 0)
    }

    /// The id `app_id` sees for the property `id`.
    pub fn property_for_app(&self, app_id: &str, id: &str) -> String {
        let mut mac = self.mac("property", app_id);
        mac.update(b"\0");
        mac.update(id.as_bytes());
        format!("pr-{}", hex::encode(&mac.finalize().into_bytes()[..16]))
    }

    /// The id `app_id` sees for the unit `id`; like the property, a keyed
    /// hash, for the host never takes a unit back from an app.
    pub fn unit_for_app(&self, app_id: &str, id: &str) -> String {
        let mut mac = self.mac("unit", app_id);
        mac.update(b"\0");
        mac.update(id.as_bytes());
        format!("un-{}", hex::encode(&mac.finalize().into_bytes()[..16]))
    }
}

#[cfg(test)]
mod tests {
    use super::PairwiseIds;

    #[test]
    fn ids_round_trip_for_their_app_only() {
        let ids = PairwiseIds::new(b"deployment key".to_vec());
        let document = uuid::Uuid::new_v4().to_string();
        let seen = ids.document_for_app("movers", &document);
        assert_ne!(seen, document, "never the internal id");
        assert_eq!(ids.document_from_app("movers", &seen).as_deref(), Some(document.as_str()));
        let twin = ids.document_for_app("movers-twin", &document);
        assert_ne!(twin, seen, "two apps see two ids");
        assert_ne!(ids.document_from_app("movers-twin", &seen).as_deref(), Some(document.as_str()));
        assert_eq!(ids.document_from_app("movers", "not-an-id"), None);

        let cursor = ids.cursor_for_app("movers", 4711);
        assert_eq!(ids.cursor_from_app("movers", &cursor), Some(4711));
        assert_eq!(ids.cursor_from_app("movers-twin", &cursor), None, "another app's cursor is refused");
        assert_eq!(ids.cursor_from_app("movers", "c4711"), None, "internal positions are refused");
        assert_ne!(ids.cursor_for_app("movers-twin", 4711), cursor);

        let property = uuid::Uuid::new_v4().to_string();
        assert_ne!(ids.property_for_app("movers", &property), ids.property_for_app("movers-twin", &property));
        assert!(!ids.property_for_app("movers", &property).contains(&property));
        let other_key = PairwiseIds::new(b"another deployment".to_vec());
        assert_ne!(other_key.document_for_app("movers", &document), seen);
    }
}
