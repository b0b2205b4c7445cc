//! The audit log: one entry for every data access by an app (allowed or
//! denied) and every create, update or delete by a person or the system.
//!
//! Entries hold references (ids, field names, grant keys), never personal
//! data values. They are chained: each entry's hash covers the previous
//! entry's hash and every one of its own columns, so changing, removing or
//! reordering any entry breaks the chain from there on
//! (`courtyard audit verify` names the first broken entry). Signed
//! checkpoints let old entries be pruned while the rest still verifies.
//!
//! Appends go through one writer per node that commits whatever has queued
//! up in a single transaction (group commit): a thread with its own
//! connection on embedded SQLite, a task on the pool on PostgreSQL.
//! [`Auditor::record`] hands back a [`Receipt`]; whoever acknowledges the
//! action waits for it, so no action is acknowledged whose entry could still
//! be lost.

mod chain;
mod checkpoint;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

pub use chain::{ColumnValue, GENESIS, entry_hash, link};
pub use checkpoint::{Broken, CheckpointSigner, SignedCheckpoint, VerifyReport, verify};

use crate::storage::{Database, SqliteAppender, StorageError, now_ms};

/// Most entries one group commit writes.
const MAX_BATCH: usize = 256;
/// Times the writer task yields to gather more entries before committing.
const GATHER_YIELDS: usize = 2;
/// Pause before the one retry of a failed batch.
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(50);

/// Who acted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A signed-in person.
    User,
    /// A micro-app, in a request or a hook.
    App,
    /// The platform itself: jobs, the CLI, defaults.
    #[default]
    System,
    /// Someone not signed in (signing up, asking for access).
    Anonymous,
}

/// How it went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Done as asked.
    #[default]
    Allowed,
    /// Refused before it happened.
    Denied,
    /// Allowed, but it went wrong.
    Failed,
}

impl ActorKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::App => "app",
            ActorKind::System => "system",
            ActorKind::Anonymous => "anonymous",
        }
    }

    /// The kind a stored word names; `None` for a word no writer writes.
    pub fn from_stored(text: &str) -> Option<ActorKind> {
        [ActorKind::User, ActorKind::App, ActorKind::System, ActorKind::Anonymous]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    /// The outcome a word names, stored or in a filter; `None` for others.
    pub fn from_name(text: &str) -> Option<Outcome> {
        [Outcome::Allowed, Outcome::Denied, Outcome::Failed].into_iter().find(|outcome| outcome.as_str() == text)
    }
}

/// One audit entry. `seq`, `prev_hash` and `hash` are set by the writer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// Milliseconds since the Unix epoch, as stored and hashed; answers show
    /// it as RFC 3339 with milliseconds, which keeps every digit.
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub at: i64,
    /// The customer (data controller) the entry belongs to, if any.
    pub customer_id: Option<String>,
    pub actor_kind: ActorKind,
    /// The user id, app id or job name.
    pub actor_id: String,
    pub app_version: Option<String>,
    pub app_digest: Option<String>,
    /// For an app: the user the request ran for.
    pub on_behalf_of: Option<String>,
    /// What happened, e.g. `profile.read` or `property.update`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// The person whose data was touched, if one.
    pub subject_id: Option<String>,
    /// Field names (never values), comma-separated.
    pub fields: Option<String>,
    pub purpose: Option<String>,
    pub legal_basis: Option<String>,
    pub grant_ref: Option<String>,
    pub consent_ref: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// An entry by `actor_kind`/`actor_id` doing `action` on a resource.
    pub fn new(actor_kind: ActorKind, actor_id: &str, action: &str, resource_type: &str) -> AuditEntry {
        AuditEntry {
            at: now_ms(),
            actor_kind,
            actor_id: actor_id.to_owned(),
            action: action.to_owned(),
            resource_type: resource_type.to_owned(),
            outcome: Outcome::Allowed,
            ..AuditEntry::default()
        }
    }
}

/// Longest text kept in one column; ids and names never need more.
const MAX_COLUMN: usize = 500;

/// Text from guests and clients as it may enter the log: bounded, and
/// without control characters (which some databases refuse and which could
/// forge lines in an export).
fn clean(text: &mut String) {
    if text.len() > MAX_COLUMN || text.chars().any(char::is_control) {
        *text = text.chars().take(MAX_COLUMN).map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    }
}

impl AuditEntry {
    fn cleaned(mut self) -> AuditEntry {
        for text in [&mut self.actor_id, &mut self.action, &mut self.resource_type] {
            clean(text);
        }
        for text in [
            &mut self.customer_id,
            &mut self.app_version,
            &mut self.app_digest,
            &mut self.on_behalf_of,
            &mut self.resource_id,
            &mut self.subject_id,
            &mut self.fields,
            &mut self.purpose,
            &mut self.legal_basis,
            &mut self.grant_ref,
            &mut self.consent_ref,
            &mut self.reason,
            &mut self.request_id,
        ]
        .into_iter()
        .flatten()
        {
            clean(text);
        }
        self
    }
}

/// The entry could not be made durable; the action must not be acknowledged.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the audit log could not record the action: {0}")]
pub struct AuditError(pub String);

/// Resolves once the entry is committed (or failed to be).
#[derive(Debug)]
pub struct Receipt(oneshot::Receiver<Result<i64, AuditError>>);

impl Receipt {
    /// The entry's sequence number once it is durable.
    pub async fn settled(self) -> Result<i64, AuditError> {
        self.0.await.unwrap_or_else(|_| Err(AuditError("the audit writer stopped".to_owned())))
    }
}

struct Pending {
    entry: AuditEntry,
    done: oneshot::Sender<Result<i64, AuditError>>,
}

/// Appends entries through this node's writer task. Cheap to clone.
#[derive(Clone)]
pub struct Auditor {
    sender: mpsc::UnboundedSender<Pending>,
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auditor").finish_non_exhaustive()
    }
}

impl Auditor {
    /// Starts the writer: on a thread of its own with its own connection for
    /// an embedded database in a file, as a task on the current runtime
    /// otherwise.
    pub fn start(database: Database, signer: Option<Arc<CheckpointSigner>>, checkpoint_every: i64) -> Auditor {
        let (sender, receiver) = mpsc::unbounded_channel();
        let checkpoints = Checkpoints { signer, every: checkpoint_every.max(1) };
        match database.sqlite_audit_appender() {
            Some(appender) => {
                let started = std::thread::Builder::new()
                    .name("courtyard-audit".to_owned())
                    .spawn(move || write_batches_on_thread(appender, checkpoints, receiver));
                if let Err(err) = started {
                    // The receiver is gone with the closure, so every action
                    // is refused rather than acknowledged unrecorded.
                    tracing::error!(error = %err, "the audit writer could not start");
                }
            }
            None => {
                tokio::spawn(write_batches(database, checkpoints, receiver));
            }
        }
        Auditor { sender }
    }

    /// Queues `entry`; the receipt resolves when it is durable.
    pub fn record(&self, entry: AuditEntry) -> Receipt {
        let (done, receipt) = oneshot::channel();
        if let Err(refused) = self.sender.send(Pending { entry: entry.cleaned(), done }) {
            let _ = refused.0.done.send(Err(AuditError("the audit writer stopped".to_owned())));
        }
        Receipt(receipt)
    }

    /// Records `entry` and waits until it is durable.
    pub async fn write(&self, entry: AuditEntry) -> Result<i64, AuditError> {
        self.record(entry).settled().await
    }
}

/// When a batch gets a signed checkpoint: whenever it crosses a multiple of
/// `every`.
struct Checkpoints {
    signer: Option<Arc<CheckpointSigner>>,
    every: i64,
}

impl Checkpoints {
    fn decide(&self) -> impl FnOnce(i64, i64, &str) -> Option<SignedCheckpoint> + '_ {
        move |head_seq, last_seq, last_hash| {
            let crosses = head_seq / self.every != last_seq / self.every;
            self.signer.as_deref().filter(|_| crosses).map(|signer| signer.sign(last_seq, last_hash, now_ms()))
        }
    }
}

/// Answers every receipt of `batch`, and empties it.
fn settle(batch: &mut Vec<Pending>, result: Result<i64, StorageError>) {
    match result {
        Ok(first_seq) => {
            for (offset, pending) in batch.drain(..).enumerate() {
                let _ = pending.done.send(Ok(first_seq + offset as i64));
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "audit append failed; the actions are refused");
            let error = AuditError(err.to_string());
            for pending in batch.drain(..) {
                let _ = pending.done.send(Err(error.clone()));
            }
        }
    }
}

/// The writer task for a database reached through the pool (PostgreSQL).
async fn write_batches(database: Database, checkpoints: Checkpoints, mut receiver: mpsc::UnboundedReceiver<Pending>) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // Let requests that are about to record join this commit: a commit
        // costs about as much as a dozen entries.
        for _ in 0..GATHER_YIELDS {
            if batch.len() >= MAX_BATCH {
                break;
            }
            tokio::task::yield_now().await;
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(pending) => batch.push(pending),
                    Err(_) => break,
                }
            }
        }
        let entries: Vec<AuditEntry> = batch.iter().map(|pending| pending.entry.clone()).collect();
        let mut result = database.append_audit(entries.clone(), checkpoints.decide()).await;
        if let Err(err) = &result {
            // One retry covers a lost connection or a busy database.
            tracing::warn!(error = %err, entries = entries.len(), "audit append failed; retrying once");
            tokio::time::sleep(RETRY_AFTER).await;
            result = database.append_audit(entries, checkpoints.decide()).await;
        }
        settle(&mut batch, result);
    }
}

/// The writer thread for an embedded database: whatever queued up while
/// the previous batch committed goes into the next commit.
fn write_batches_on_thread(
    mut appender: SqliteAppender,
    checkpoints: Checkpoints,
    mut receiver: mpsc::UnboundedReceiver<Pending>,
) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
    let mut entries: Vec<AuditEntry> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = receiver.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        entries.extend(batch.iter_mut().map(|pending| std::mem::take(&mut pending.entry)));
        let mut result = appender.append(&mut entries, checkpoints.decide());
        if let Err(err) = &result {
            tracing::warn!(error = %err, entries = entries.len(), "audit append failed; retrying once");
            std::thread::sleep(RETRY_AFTER);
            result = appender.append(&mut entries, checkpoints.decide());
        }
        entries.clear();
        settle(&mut batch, result);
    }
}

/// Records what an operator did from the command line (outside any
/// server), and waits until it is durable.
pub async fn record_cli_actions(
    database: &Database,
    config: &crate::config::Config,
    entries: Vec<AuditEntry>,
) -> anyhow::Result<()> {
    let signer = CheckpointSigner::load(config.audit.signing_key.as_deref(), &config.data_dir)?;
    let auditor = Auditor::start(database.clone(), Some(Arc::new(signer)), config.audit.checkpoint_every);
    for mut entry in entries {
        entry.actor_kind = ActorKind::System;
        entry.actor_id = "courtyard-cli".to_owned();
        entry.purpose = entry.purpose.or_else(|| Some("Operator command".to_owned()));
        auditor.write(entry).await?;
    }
    Ok(())
}
