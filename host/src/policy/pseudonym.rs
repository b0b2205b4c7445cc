//! Pairwise pseudonyms: how a third-party app sees a person.
//!
//! `HMAC-SHA256(deployment key, app id ‖ user id)`, truncated to 128 bits:
//! stable for one app, unrelated between apps, and meaningless without the
//! key. The host stores each pseudonym it hands out so it can resolve it
//! back when the app names a person; erasing the person deletes those rows,
//! after which the pseudonym resolves to no one.

use std::collections::HashMap;
use std::sync::RwLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::storage::{Database, StorageError};

/// Derives, registers and resolves pseudonyms. One per node.
pub struct Pseudonyms {
    key: Vec<u8>,
    database: Database,
    /// app → user → pseudonym, for pairs known to be stored.
    registered: RwLock<HashMap<String, HashMap<String, String>>>,
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
        if let Some(known) = self.registered_as(app_id, user_id) {
            return Ok(known);
        }
        let pseudonym = self.derive(app_id, user_id);
        self.database.register_pseudonym(&pseudonym, app_id, user_id).await?;
        let mut registered = self.registered.write().unwrap_or_else(|p| p.into_inner());
        if registered.values().map(HashMap::len).sum::<usize>() >= CACHE_ENTRIES {
            registered.clear();
        }
        registered.entry(app_id.to_owned()).or_default().insert(user_id.to_owned(), pseudonym.clone());
        Ok(pseudonym)
    }

    /// The pseudonym of `(app_id, user_id)`, if it is known to be stored.
    pub fn registered_as(&self, app_id: &str, user_id: &str) -> Option<String> {
        let registered = self.registered.read().unwrap_or_else(|p| p.into_inner());
        registered.get(app_id).and_then(|users| users.get(user_id)).cloned()
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
        for users in self.registered.write().unwrap_or_else(|p| p.into_inner()).values_mut() {
            users.remove(user_id);
        }
        self.resolved.write().unwrap_or_else(|p| p.into_inner()).retain(|_, user| user != user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pseudonyms_are_pairwise_stable_and_stop_resolving_after_erasure() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
        let database = Database::connect(&url).await.unwrap();
        let user = database.insert_user("erin@example.org", "Erin", "en", None, true).await.unwrap();
        let pseudonyms = Pseudonyms::load(database.clone()).await.unwrap();
        let movers = pseudonyms.for_app("movers", &user.id).await.unwrap();
        assert_eq!(movers, pseudonyms.for_app("movers", &user.id).await.unwrap());
        assert_ne!(movers, pseudonyms.for_app("grocer", &user.id).await.unwrap());
        assert!(!movers.contains(&user.id));
        // Another node on the same database derives the same pseudonym.
        let other_node = Pseudonyms::load(database.clone()).await.unwrap();
        assert_eq!(other_node.derive("movers", &user.id), movers);
        assert_eq!(pseudonyms.resolve("movers", &movers).await.unwrap().as_deref(), Some(user.id.as_str()));
        assert_eq!(
            pseudonyms.resolve("grocer", &movers).await.unwrap(),
            None,
            "one app's pseudonym means nothing to another"
        );

        database.forget_pseudonyms(&user.id).await.unwrap();
        pseudonyms.forget_user(&user.id);
        assert_eq!(pseudonyms.resolve("movers", &movers).await.unwrap(), None, "erased: it resolves to no one");
    }
}
