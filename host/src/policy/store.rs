//! What each node remembers of approvals and consents, and how it forgets.
//!
//! Every policy change is written through [`PolicyStore`], which drops the
//! node's own copy at once. Other nodes learn of it through the database:
//! on PostgreSQL a `LISTEN courtyard_policy` connection receives the
//! notification the change's transaction sent, before the next call is
//! decided; while that connection is down the cache is bypassed, so a lost
//! notification can never leave a stale grant in place. Several processes on
//! one SQLite file watch the policy revision instead.
//!
//! A load that raced with an invalidation is not cached: a generation counter
//! tells.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::{Approval, PairwiseIds, Pseudonyms, Standing};
use crate::storage::{Database, Dialect, POLICY_CHANNEL, PolicyChange, StorageError};

/// Outer key, then inner key: looked up by `&str` without allocating.
type Nested<V> = HashMap<String, HashMap<String, V>>;

/// Approvals and standings, cached per node.
pub struct PolicyStore {
    database: Database,
    /// customer → app → approval.
    approvals: RwLock<Nested<Option<Arc<Approval>>>>,
    /// user → app → standing.
    standings: RwLock<Nested<Arc<Standing>>>,
    generation: AtomicU64,
    /// Whether invalidations are being received; if not, nothing is cached.
    live: AtomicBool,
    /// Every change this node heard of, as it heard it.
    heard: tokio::sync::broadcast::Sender<String>,
    pub pseudonyms: Pseudonyms,
    /// The ids third-party apps see instead of the platform's own.
    pub ids: PairwiseIds,
}

impl std::fmt::Debug for PolicyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyStore").field("live", &self.live).finish_non_exhaustive()
    }
}

const CACHE_ENTRIES: usize = 100_000;

impl PolicyStore {
    /// A store that caches only once invalidations flow (see
    /// [`spawn_invalidation`]); on SQLite that is at once.
    pub async fn new(database: Database) -> Result<PolicyStore, StorageError> {
        let pseudonyms = Pseudonyms::load(database.clone()).await?;
        let ids = PairwiseIds::new(database.deployment_key("pairwise-ids").await?.into_bytes());
        let live = database.dialect() == Dialect::Sqlite;
        Ok(PolicyStore {
            database,
            approvals: RwLock::default(),
            standings: RwLock::default(),
            generation: AtomicU64::new(0),
            live: AtomicBool::new(live),
            heard: tokio::sync::broadcast::channel(1024).0,
            pseudonyms,
            ids,
        })
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The customer's approval of `app`, if this node has it cached.
    pub fn cached_approval(&self, customer_id: &str, app_id: &str) -> Option<Option<Arc<Approval>>> {
        let approvals = self.approvals.read().unwrap_or_else(|p| p.into_inner());
        approvals.get(customer_id).and_then(|apps| apps.get(app_id)).cloned()
    }

    /// The person's standing towards `app`, if this node has it cached.
    pub fn cached_standing(&self, user_id: &str, app_id: &str) -> Option<Arc<Standing>> {
        let standings = self.standings.read().unwrap_or_else(|p| p.into_inner());
        standings.get(user_id).and_then(|apps| apps.get(app_id)).cloned()
    }

    /// The customer's approval of `app`.
    pub async fn approval(&self, customer_id: &str, app_id: &str) -> Result<Option<Arc<Approval>>, StorageError> {
        if let Some(cached) = self.cached_approval(customer_id, app_id) {
            return Ok(cached);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let loaded = self.database.approval(customer_id, app_id).await?.map(Arc::new);
        self.remember(&self.approvals, generation, customer_id, app_id, loaded.clone());
        Ok(loaded)
    }

    /// The person's standing towards `app`.
    pub async fn standing(&self, user_id: &str, app_id: &str) -> Result<Arc<Standing>, StorageError> {
        if let Some(cached) = self.cached_standing(user_id, app_id) {
            return Ok(cached);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let loaded = Arc::new(self.database.standing(user_id, app_id).await?);
        self.remember(&self.standings, generation, user_id, app_id, Arc::clone(&loaded));
        Ok(loaded)
    }

    fn remember<V>(&self, map: &RwLock<Nested<V>>, generation: u64, outer: &str, inner: &str, value: V) {
        if !self.live.load(Ordering::Acquire) {
            return;
        }
        let mut map = map.write().unwrap_or_else(|p| p.into_inner());
        // Checked under the lock: an invalidation bumps the generation
        // before it takes the lock to clear.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.entry(outer.to_owned()).or_default().insert(inner.to_owned(), value);
    }

    /// Forgets what `change` is about.
    pub fn apply(&self, change: &PolicyChange) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        match change {
            PolicyChange::Approval { customer, app } => {
                if let Some(apps) = self.approvals.write().unwrap_or_else(|p| p.into_inner()).get_mut(customer) {
                    apps.remove(app);
                }
            }
            PolicyChange::Standing { user, app } => {
                if let Some(apps) = self.standings.write().unwrap_or_else(|p| p.into_inner()).get_mut(user) {
                    apps.remove(app);
                }
            }
            PolicyChange::User { user } => {
                self.standings.write().unwrap_or_else(|p| p.into_inner()).remove(user);
                self.pseudonyms.forget_user(user);
            }
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.approvals.write().unwrap_or_else(|p| p.into_inner()).clear();
        self.standings.write().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::Release);
        self.clear();
    }

    /// Saves an approval and forgets the old one on this node.
    pub async fn save_approval(&self, approval: &Approval) -> Result<(), StorageError> {
        let change = PolicyChange::Approval { customer: approval.customer_id.clone(), app: approval.app_id.clone() };
        let echo = self.heard.subscribe();
        self.database.save_approval(approval).await?;
        self.apply(&change);
        self.await_echo(echo, &change).await;
        Ok(())
    }

    /// Waits (briefly) until this node's own listener heard `change`: the
    /// database delivers a notification to every listening node at once,
    /// so by then the other nodes have it too, and the change is answered
    /// only when it is in force everywhere.
    async fn await_echo(&self, mut echo: tokio::sync::broadcast::Receiver<String>, change: &PolicyChange) {
        if self.database.dialect() != Dialect::Postgres || !self.live.load(Ordering::Acquire) {
            return;
        }
        let payload = change.payload();
        let heard = async {
            loop {
                match echo.recv().await {
                    Ok(heard) if heard == payload => return,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        };
        if tokio::time::timeout(Duration::from_secs(2), heard).await.is_err() {
            tracing::warn!(change = %payload, "a policy change was not echoed by the database within 2 s");
        }
    }

    /// Records a consent decision and forgets the old standing on this node.
    pub async fn record_consent(
        &self,
        user_id: &str,
        app_id: &str,
        version: &str,
        grants: &std::collections::BTreeSet<String>,
        purposes_hash: &str,
        given: bool,
    ) -> Result<crate::storage::ConsentRecord, StorageError> {
        let change = PolicyChange::Standing { user: user_id.to_owned(), app: app_id.to_owned() };
        let echo = self.heard.subscribe();
        let record = self.database.record_consent(user_id, app_id, version, grants, purposes_hash, given).await?;
        self.apply(&change);
        self.await_echo(echo, &change).await;
        Ok(record)
    }

    /// Starts or lifts the person's restriction of processing (GDPR Art. 18);
    /// returns since when it holds.
    pub async fn set_restriction(&self, user_id: &str, restricted: bool) -> Result<Option<i64>, StorageError> {
        let change = PolicyChange::User { user: user_id.to_owned() };
        let echo = self.heard.subscribe();
        let since = self.database.set_restriction(user_id, restricted).await?;
        self.apply(&change);
        self.await_echo(echo, &change).await;
        Ok(since)
    }

    /// Withdraws the person's consent to `app` and forgets it on this node.
    pub async fn withdraw_consent(&self, user_id: &str, app_id: &str) -> Result<Vec<String>, StorageError> {
        let change = PolicyChange::Standing { user: user_id.to_owned(), app: app_id.to_owned() };
        let echo = self.heard.subscribe();
        let withdrawn = self.database.withdraw_consent(user_id, app_id).await?;
        self.apply(&change);
        self.await_echo(echo, &change).await;
        Ok(withdrawn)
    }
}

/// Keeps `store` in step with changes other nodes make, until the process
/// ends. `database_url` is the one the node connected with.
pub fn spawn_invalidation(store: Arc<PolicyStore>, database_url: String) {
    match store.database.dialect() {
        Dialect::Postgres => {
            tokio::spawn(listen(store, database_url));
        }
        Dialect::Sqlite => {
            tokio::spawn(watch_revision(store));
        }
    }
}

async fn listen(store: Arc<PolicyStore>, url: String) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(POLICY_CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        let mut listener = match listener {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for policy changes; deciding from the database meanwhile");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        // Whatever was cached before listening may be stale.
        store.set_live(true);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match PolicyChange::parse(notification.payload()) {
                        Some(change) => store.apply(&change),
                        None => store.clear(),
                    }
                    let _ = store.heard.send(notification.payload().to_owned());
                }
                Ok(None) | Err(_) => {
                    tracing::warn!("lost the policy-change listener; deciding from the database until it is back");
                    store.set_live(false);
                    break;
                }
            }
        }
    }
}

async fn watch_revision(store: Arc<PolicyStore>) {
    let mut seen = store.database.policy_revision().await.unwrap_or(-1);
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    loop {
        ticker.tick().await;
        match store.database.policy_revision().await {
            Ok(revision) if revision != seen => {
                seen = revision;
                store.clear();
            }
            Ok(_) => {}
            Err(err) => tracing::debug!(error = %err, "cannot read the policy revision"),
        }
    }
}
