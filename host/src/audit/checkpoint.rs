//! Signed checkpoints and chain verification.
//!
//! A checkpoint is the chain's hash at one entry, signed with the
//! deployment's Ed25519 audit key (`[audit] signing_key`, or
//! `<data_dir>/audit.key` generated on first start). Verification walks the
//! chain from the first stored entry, which is either the genesis entry or
//! one whose predecessor a signed checkpoint vouches for, to the head.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::chain::{GENESIS, entry_hash};
use crate::storage::{Database, StorageError};

/// A checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedCheckpoint {
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    pub key_id: String,
    /// Ed25519 signature, hex.
    pub signature: String,
}

/// Signs and checks checkpoints with the deployment's audit key.
pub struct CheckpointSigner {
    key: SigningKey,
    key_id: String,
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointSigner").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

fn message(seq: i64, hash: &str, at: i64) -> String {
    format!("courtyard audit checkpoint\n{seq}\n{hash}\n{at}")
}

impl CheckpointSigner {
    pub fn from_seed(seed: [u8; 32]) -> CheckpointSigner {
        let key = SigningKey::from_bytes(&seed);
        let key_id = hex::encode(&Sha256::digest(key.verifying_key().as_bytes())[..8]);
        CheckpointSigner { key, key_id }
    }

    /// The key from configuration (64 hex digits), or the node's own key
    /// kept in `<data_dir>/audit.key`.
    pub fn load(configured: Option<&str>, data_dir: &std::path::Path) -> anyhow::Result<CheckpointSigner> {
        let seed_hex = match configured {
            Some(seed) => seed.trim().to_owned(),
            None => {
                let bytes = crate::identity::secrets::local_secret(data_dir, "audit.key", || {
                    hex::encode(rand::random::<[u8; 32]>()).into_bytes()
                })?;
                String::from_utf8_lossy(&bytes).trim().to_owned()
            }
        };
        let seed: [u8; 32] = hex::decode(&seed_hex)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| anyhow::anyhow!("the audit signing key must be 64 hex digits (32 bytes)"))?;
        Ok(CheckpointSigner::from_seed(seed))
    }

    /// Identifies the key: the start of the SHA-256 of its public half.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key, hex, for publishing.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    pub fn sign(&self, seq: i64, hash: &str, at: i64) -> SignedCheckpoint {
        let signature = self.key.sign(message(seq, hash, at).as_bytes());
        SignedCheckpoint {
            seq,
            hash: hash.to_owned(),
            at,
            key_id: self.key_id.clone(),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// Whether this key made `checkpoint`.
    pub fn verifies(&self, checkpoint: &SignedCheckpoint) -> bool {
        let verifying: VerifyingKey = self.key.verifying_key();
        let Some(bytes) = hex::decode(&checkpoint.signature).ok().and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        else {
            return false;
        };
        checkpoint.key_id == self.key_id
            && verifying
                .verify(
                    message(checkpoint.seq, &checkpoint.hash, checkpoint.at).as_bytes(),
                    &Signature::from_bytes(&bytes),
                )
                .is_ok()
    }
}

/// The first place the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The entry (sequence number) where verification failed.
    pub seq: i64,
    pub problem: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub first_seq: Option<i64>,
    pub last_seq: Option<i64>,
    pub checkpoints: u64,
    pub broken: Option<Broken>,
}

const PAGE: i64 = 5_000;

/// Checks the whole stored chain, its checkpoints and its head.
pub async fn verify(database: &Database, signer: &CheckpointSigner) -> Result<VerifyReport, StorageError> {
    let mut report = VerifyReport::default();
    let checkpoints = database.audit_checkpoints().await?;
    report.checkpoints = checkpoints.len() as u64;
    for checkpoint in &checkpoints {
        if !signer.verifies(checkpoint) {
            report.broken = Some(Broken {
                seq: checkpoint.seq,
                problem: format!(
                    "the checkpoint at entry {} does not carry a valid signature of audit key {}",
                    checkpoint.seq,
                    signer.key_id()
                ),
            });
            return Ok(report);
        }
    }
    let checkpoint_at = |seq: i64| checkpoints.iter().find(|checkpoint| checkpoint.seq == seq);
    let (head_seq, head_hash) = database.audit_head().await?;
    let mut expected_seq: Option<i64> = None;
    let mut expected_prev = String::new();
    let mut after = 0;
    loop {
        let page = match database.audit_page(after, PAGE).await {
            Ok(page) => page,
            Err(StorageError::CorruptAudit(corrupt)) => {
                report.broken = Some(Broken { seq: corrupt.seq, problem: corrupt.to_string() });
                return Ok(report);
            }
            Err(err) => return Err(err),
        };
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in page {
            let broken = |problem: String, seq: i64| Some(Broken { seq, problem });
            match expected_seq {
                None => {
                    report.first_seq = Some(entry.seq);
                    let vouched = entry.seq == 1 && entry.prev_hash == GENESIS
                        || checkpoint_at(entry.seq - 1).is_some_and(|checkpoint| checkpoint.hash == entry.prev_hash);
                    if !vouched {
                        report.broken = broken(
                            format!(
                                "entry {} is the first one stored, but neither is it the first entry of the chain \
                                 nor does a signed checkpoint vouch for the entry before it",
                                entry.seq
                            ),
                            entry.seq,
                        );
                        return Ok(report);
                    }
                }
                Some(expected) if entry.seq != expected => {
                    report.broken = broken(format!("entry {expected} is missing"), expected);
                    return Ok(report);
                }
                Some(_) if entry.prev_hash != expected_prev => {
                    report.broken =
                        broken(format!("entry {} does not link to the entry before it", entry.seq), entry.seq);
                    return Ok(report);
                }
                Some(_) => {}
            }
            if entry_hash(&entry) != entry.hash {
                report.broken =
                    broken(format!("entry {} was changed: it does not match its hash", entry.seq), entry.seq);
                return Ok(report);
            }
            if checkpoint_at(entry.seq).is_some_and(|checkpoint| checkpoint.hash != entry.hash) {
                report.broken = broken(format!("entry {} does not match its signed checkpoint", entry.seq), entry.seq);
                return Ok(report);
            }
            report.entries += 1;
            report.last_seq = Some(entry.seq);
            expected_seq = Some(entry.seq + 1);
            expected_prev = entry.hash;
        }
    }
    let (last_seq, last_hash) = match report.last_seq {
        Some(seq) => (seq, expected_prev),
        None => match checkpoint_at(head_seq) {
            Some(checkpoint) => (checkpoint.seq, checkpoint.hash.clone()),
            None => (0, GENESIS.to_owned()),
        },
    };
    if last_seq != head_seq || last_hash != head_hash {
        let seq = if last_seq < head_seq { last_seq + 1 } else { head_seq };
        report.broken = Some(Broken {
            seq,
            problem: format!(
                "the chain ends at entry {last_seq} but its recorded head is entry {head_seq}: entries were removed \
                 or the head was changed"
            ),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_verify_only_unchanged_and_with_their_key() {
        let signer = CheckpointSigner::from_seed([7; 32]);
        let checkpoint = signer.sign(1000, &"a".repeat(64), 1);
        assert!(signer.verifies(&checkpoint));
        let mut moved = checkpoint.clone();
        moved.seq = 999;
        assert!(!signer.verifies(&moved));
        let other = CheckpointSigner::from_seed([8; 32]);
        assert!(!other.verifies(&checkpoint));
    }
}
