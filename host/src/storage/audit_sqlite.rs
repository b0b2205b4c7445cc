//! The audit appender for embedded SQLite: a connection of its own, used
//! from one thread, with one prepared statement for a row.
//!
//! Through the pool every statement is a hand-off to sqlx's worker thread
//! and every bound parameter a lookup by name; at tens of thousands of
//! entries a second that was most of what the log cost. Here a batch is one
//! `BEGIN IMMEDIATE … COMMIT` on this connection, bound by position. SQLite's
//! write lock orders the appenders of every process using the file, so the
//! log stays one chain; `synchronous=FULL` makes the commit durable before
//! anyone is told it happened.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OpenFlags, ToSql, TransactionBehavior, params};

use super::StorageError;
use super::audit::COLUMNS;
use crate::audit::{AuditEntry, ColumnValue, SignedCheckpoint, link};

/// How long a batch waits for another writer (another process on the same
/// file, or the pool) before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Appends chained batches to the `audit_entries` table of one SQLite file.
#[derive(Debug)]
pub struct SqliteAppender {
    path: PathBuf,
    connection: Option<Connection>,
}

impl SqliteAppender {
    /// An appender for the database file at `path`; it connects on first use.
    pub(super) fn new(path: PathBuf) -> SqliteAppender {
        SqliteAppender { path, connection: None }
    }

    /// Chains `entries` onto the log in one transaction and returns the
    /// first sequence number; `checkpoint` is asked as in
    /// [`Database::append_audit`](super::Database::append_audit). After a
    /// failure the next batch starts on a fresh connection.
    pub fn append(
        &mut self,
        entries: &mut [AuditEntry],
        checkpoint: impl FnOnce(i64, i64, &str) -> Option<SignedCheckpoint>,
    ) -> Result<i64, StorageError> {
        let mut connection = match self.connection.take() {
            Some(connection) => connection,
            None => open(&self.path)?,
        };
        let first_seq = append_on(&mut connection, entries, checkpoint)?;
        self.connection = Some(connection);
        Ok(first_seq)
    }
}

/// Joins the file the pool created and migrated.
fn open(path: &std::path::Path) -> Result<Connection, StorageError> {
    let connection =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    let mode: String = connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StorageError::Invalid(format!("the audit log needs WAL mode, the file is in {mode}")));
    }
    Ok(connection)
}

/// One batch in one `BEGIN IMMEDIATE … COMMIT` on `connection`.
fn append_on(
    connection: &mut Connection,
    entries: &mut [AuditEntry],
    checkpoint: impl FnOnce(i64, i64, &str) -> Option<SignedCheckpoint>,
) -> Result<i64, StorageError> {
    // Every statement is prepared once per connection; a rollback on
    // failure comes with dropping the transaction.
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (head_seq, head_hash): (i64, String) = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let (seq, hash) = link(entries, head_seq, head_hash);
    let mut insert = tx.prepare_cached(&INSERT)?;
    for entry in entries.iter() {
        insert.execute(rusqlite::params_from_iter(entry.column_values()))?;
    }
    drop(insert);
    tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")?.execute(params![seq, hash])?;
    if let Some(signed) = checkpoint(head_seq, seq, &hash) {
        tx.execute(
            "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![signed.seq, signed.hash, signed.at, signed.key_id, signed.signature],
        )?;
    }
    tx.commit()?;
    Ok(head_seq + 1)
}

impl ToSql for ColumnValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            ColumnValue::Integer(number) => number.to_sql(),
            ColumnValue::Text(text) => text.to_sql(),
        }
    }
}

/// One row of `audit_entries`, bound by position.
static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=COLUMNS.len()).map(|n| format!("?{n}")).collect();
    format!("INSERT INTO audit_entries ({}) VALUES ({})", COLUMNS.join(", "), placeholders.join(", "))
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{GENESIS, entry_hash};
    use crate::storage::Database;

    fn entries(writer: &str, count: usize) -> Vec<AuditEntry> {
        (0..count)
            .map(|n| AuditEntry::new(crate::audit::ActorKind::System, writer, &format!("test.{n}"), "test"))
            .collect()
    }

    /// Two appenders on one file, as two processes would be, still make one
    /// unbroken chain, and a commit is visible to the pool at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn appenders_sharing_a_file_make_one_chain() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("courtyard.db").display());
        let db = Database::connect(&url).await.unwrap();
        let writers: Vec<_> = ["node-a", "node-b"]
            .into_iter()
            .map(|writer| {
                let mut appender = db.sqlite_audit_appender().expect("a file");
                std::thread::spawn(move || {
                    let mut firsts = Vec::new();
                    for _ in 0..40 {
                        let mut batch = entries(writer, 3);
                        firsts.push(appender.append(&mut batch, |_, _, _| None).unwrap());
                    }
                    firsts
                })
            })
            .collect();
        let mut firsts: Vec<i64> = writers.into_iter().flat_map(|writer| writer.join().unwrap()).collect();
        firsts.sort_unstable();
        assert_eq!(firsts, (0..80).map(|batch| 1 + 3 * batch).collect::<Vec<i64>>(), "batches never interleave");

        let stored = db.audit_page(0, 1000).await.unwrap();
        assert_eq!(stored.len(), 240);
        let mut prev = GENESIS.to_owned();
        for (n, entry) in stored.iter().enumerate() {
            assert_eq!(entry.seq, n as i64 + 1);
            assert_eq!(entry.prev_hash, prev, "entry {} links to its predecessor", entry.seq);
            assert_eq!(entry.hash, entry_hash(entry));
            prev = entry.hash.clone();
        }
        assert_eq!(db.audit_head().await.unwrap(), (240, prev));
    }

    /// A file the appender cannot use is an error for that batch, never a
    /// panic, and the appender works again once the file is usable.
    #[tokio::test]
    async fn an_unusable_file_is_an_error_then_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("later.db");
        let mut appender = SqliteAppender::new(path.clone());
        let mut batch = entries("node", 2);
        assert!(appender.append(&mut batch, |_, _, _| None).is_err(), "no database yet");

        let db = Database::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
        assert_eq!(appender.append(&mut batch, |_, _, _| None).unwrap(), 1);
        assert_eq!(db.audit_head().await.unwrap().0, 2);
    }
}
