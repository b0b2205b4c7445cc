//! Pairwise pseudonyms: how a third-party app sees a person.
//!
//! `HMAC-SHA256(deployment key, app id ‖ user id)`, truncated to 128 bits:
//! stable for one app, unrelated between apps, and meaningless without the
//! key. The host stores each pseudonym it hands out so it can resolve it
//! back when the app names a person; erasing the person deletes those rows,
//! after which the pseudonym resolves to no one.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::storage::{Database, StorageError};

/// Derives, registers and resolves pseudonyms. One per node.
pub struct Pseudonyms {
    key: Vec<u8>,
    database: Database,
    /// (app, user) pairs known to be stored.
    registered: RwLock<HashSet<(String, String)>>,
    /// (app, pseudonym) → user.
    resolved: RwLock<HashMap<(String, String), String>>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonyms").finish_non_exhaustive()
    }
}

/// Bounds the per-node caches; past it they start over.
const CACHE_ENTRIES: usize = 100_000;

impl Pseudonyms {
    /// Uses the deployment's pseudonym key (created by the first node).
    pub async fn load(database: Database) -> Result<Pseudonyms, StorageError> {
        let key = database.deployment_key("pseudonym").await?.into_bytes();
        Ok(Pseudonyms { key, database, registered: RwLock::default(), resolved: RwLock::default() })
    }

    /// The pseudonym `app_id` sees for `user_id`.
    pub fn derive(&self, app_id: &str, user_id: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(b"courtyard pseudonym v1\0");
        mac.update(app_id.as_bytes());
        mac.update(b"\0");
        mac.update(user_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("ps-{}", hex::encode(&digest[..16]))
    }

    /// The pseudonym, stored so it can be resolved later.
    pub async fn for_app(&self, app_id: &str, user_id: &str) -> Result<String, StorageError> {
        let pseudonym = self.derive(app_id, user_id);
        let pair = (app_id.to_owned(), user_id.to_owned());
        if !self.registered.read().unwrap_or_else(|p| p.into_inner()).contains(&pair) {
            self.database.register_pseudonym(&pseudonym, app_id, user_id).await?;
            let mut registered = self.registered.write().unwrap_or_else(|p| p.into_inner());
            if registered.len() >= CACHE_ENTRIES {
                registered.clear();
            }
            registered.insert(pair);
        }
        Ok(pseudonym)
    }

    /// Whether `(app_id, user_id)` is known to be stored already.
    pub fn is_registered(&self, app_id: &str, user_id: &str) -> bool {
        self.registered.read().unwrap_or_else(|p| p.into_inner()).contains(&(app_id.to_owned(), user_id.to_owned()))
    }

    /// The user behind `pseudonym` for `app_id`, if it still resolves.
    pub async fn resolve(&self, app_id: &str, pseudonym: &str) -> Result<Option<String>, StorageError> {
        let key = (app_id.to_owned(), pseudonym.to_owned());
        if let Some(user) = self.resolved.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(Some(user.clone()));
        }
        let user = self.database.resolve_pseudonym(pseudonym, app_id).await?;
        if let Some(user) = &user {
            let mut resolved = self.resolved.write().unwrap_or_else(|p| p.into_inner());
            if resolved.len() >= CACHE_ENTRIES {
                resolved.clear();
            }
            resolved.insert(key, user.clone());
        }
        Ok(user)
    }

    /// Drops what this node remembers about `user_id` (after erasure).
    pub fn forget_user(&self, user_id: &str) {
        self.registered.write().unwrap_or_else(|p| p.into_inner()).retain(|(_, user)| user != user_id);
        self.resolved.write().unwrap_or_else(|p| p.into_inner()).retain(|_, user| user != user_id);
    }
}
