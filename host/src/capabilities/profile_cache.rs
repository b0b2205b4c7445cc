//! Profiles as apps read them, remembered per node for a short while.
//!
//! Who may read a field is decided afresh on every call (approval and
//! consent are invalidated through the database, never by time). What the
//! field holds — a name, an email address, the unit — may be up to
//! `auth.cache_ms` old on a node, the same bound the node already applies to
//! roles and sessions; membership of the property follows within that bound
//! too, and the node that made a change forgets at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::storage::{Database, ProfileRecord, StorageError};

/// Bounds the cache; past it, it starts over.
const ENTRIES: usize = 50_000;

/// (user, property) → the profile, or `None` when the user is no member.
type Entries = HashMap<String, HashMap<String, (Instant, Option<Arc<ProfileRecord>>)>>;

/// One per node.
pub struct ProfileCache {
    database: Database,
    ttl: Duration,
    entries: RwLock<Entries>,
}

impl std::fmt::Debug for ProfileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileCache").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl ProfileCache {
    pub fn new(database: Database, ttl: Duration) -> ProfileCache {
        ProfileCache { database, ttl, entries: RwLock::default() }
    }

    /// The cached answer, if fresh: `Some(None)` means "not a member".
    pub fn cached(&self, user_id: &str, property_id: &str) -> Option<Option<Arc<ProfileRecord>>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let (at, record) = entries.get(user_id)?.get(property_id)?;
        (at.elapsed() < self.ttl).then(|| record.clone())
    }

    /// The profile of `user_id` in `property_id` as of `today`.
    pub async fn load(
        &self,
        user_id: &str,
        property_id: &str,
        today: &str,
    ) -> Result<Option<Arc<ProfileRecord>>, StorageError> {
        if let Some(cached) = self.cached(user_id, property_id) {
            return Ok(cached);
        }
        let record = self.database.profile_in_property(user_id, property_id, today).await?.map(Arc::new);
        if !self.ttl.is_zero() {
            let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
            if entries.len() >= ENTRIES {
                entries.clear();
            }
            entries
                .entry(user_id.to_owned())
                .or_default()
                .insert(property_id.to_owned(), (Instant::now(), record.clone()));
        }
        Ok(record)
    }

    /// Forgets everything on this node: a person, unit, occupancy or
    /// property changed here (changes are rare next to reads).
    pub fn clear(&self) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
