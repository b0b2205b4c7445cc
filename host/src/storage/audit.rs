//! Audit entries: appending a chained batch, reading the chain back, and
//! the queries customers and residents run.

use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::{Database, StorageError};
use crate::audit::{ActorKind, AuditEntry, ColumnValue, Outcome, SignedCheckpoint, link};

/// In the order of [`AuditEntry::column_values`].
pub(super) const COLUMNS: [&str; 22] = [
    "seq",
    "at",
    "customer_id",
    "actor_kind",
    "actor_id",
    "app_version",
    "app_digest",
    "on_behalf_of",
    "action",
    "resource_type",
    "resource_id",
    "subject_id",
    "fields",
    "purpose",
    "legal_basis",
    "grant_ref",
    "consent_ref",
    "outcome",
    "reason",
    "request_id",
    "prev_hash",
    "hash",
];

/// Most rows per INSERT statement (22 parameters each). sqlx looks up every
/// parameter by name, which SQLite answers by walking a list, so the cost
/// per statement grows with the square of its parameters: 8 rows measured
/// fastest, 64 rows at a third of the speed. (Embedded databases in a file
/// append through [`SqliteAppender`](super::SqliteAppender) instead; this path
/// serves PostgreSQL and in-memory SQLite.)
const ROWS_PER_INSERT: usize = 8;

/// Most entries one page of the audit log holds.
pub const MAX_AUDIT_PAGE: i64 = 1000;

/// What an audit query looks for. Every set field must match.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries of this customer (always set for customer admins).
    pub customer_id: Option<String>,
    pub subject_id: Option<String>,
    /// Entries by this app.
    pub app_id: Option<String>,
    /// Entries by this user (as actor, or as the person an app acted for).
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// `allowed`, `denied` or `failed`.
    pub outcome: Option<String>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Leave out entries the subject made themselves ("who accessed my data").
    pub others_only: bool,
    /// Continue after this sequence number (ascending) or before it (descending).
    pub cursor: Option<i64>,
    pub newest_first: bool,
    pub limit: i64,
}

/// A stored entry holding a word no writer writes: the log was tampered with.
#[derive(Debug, thiserror::Error)]
#[error("audit entry {seq} holds `{value}` in `{column}`, which no writer writes")]
pub struct CorruptEntry {
    pub seq: i64,
    pub column: &'static str,
    pub value: String,
}

fn entry_from(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    let seq: i64 = row.try_get("seq")?;
    let corrupt =
        |column: &'static str, value: String| sqlx::Error::Decode(Box::new(CorruptEntry { seq, column, value }));
    let actor_kind: String = row.try_get("actor_kind")?;
    let actor_kind = ActorKind::from_stored(&actor_kind).ok_or_else(|| corrupt("actor_kind", actor_kind))?;
    let outcome: String = row.try_get("outcome")?;
    let outcome = Outcome::from_name(&outcome).ok_or_else(|| corrupt("outcome", outcome))?;
    Ok(AuditEntry {
        seq,
        at: row.try_get("at")?,
        customer_id: row.try_get("customer_id")?,
        actor_kind,
        actor_id: row.try_get("actor_id")?,
        app_version: row.try_get("app_version")?,
        app_digest: row.try_get("app_digest")?,
        on_behalf_of: row.try_get("on_behalf_of")?,
        action: row.try_get("action")?,
        resource_type: row.try_get("resource_type")?,
        resource_id: row.try_get("resource_id")?,
        subject_id: row.try_get("subject_id")?,
        fields: row.try_get("fields")?,
        purpose: row.try_get("purpose")?,
        legal_basis: row.try_get("legal_basis")?,
        grant_ref: row.try_get("grant_ref")?,
        consent_ref: row.try_get("consent_ref")?,
        outcome,
        reason: row.try_get("reason")?,
        request_id: row.try_get("request_id")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Database {
    /// Chains `entries` onto the log in one transaction and returns the
    /// first sequence number. `checkpoint` is asked, with the head before
    /// and after the batch, whether to store a signed checkpoint.
    pub async fn append_audit(
        &self,
        mut entries: Vec<AuditEntry>,
        checkpoint: impl FnOnce(i64, i64, &str) -> Option<SignedCheckpoint>,
    ) -> Result<i64, StorageError> {
        let mut tx = self.pool.begin().await?;
        // Lock the head first: on PostgreSQL this row lock puts appenders of
        // every node in one line; on SQLite it takes the write lock up front.
        sqlx::query::<Any>("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut *tx).await?;
        let head = sqlx::query::<Any>("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let head_seq: i64 = head.try_get("seq")?;
        let (seq, prev) = link(&mut entries, head_seq, head.try_get("hash")?);
        // Chunks of 8, 4, 2 or 1 rows: a handful of statement shapes,
        // each prepared once per connection and then reused.
        let mut rest: &[AuditEntry] = &entries;
        while !rest.is_empty() {
            let size = ROWS_PER_INSERT.min(1 << rest.len().ilog2());
            let (chunk, tail) = rest.split_at(size);
            rest = tail;
            let mut sql = format!("INSERT INTO audit_entries ({}) VALUES ", COLUMNS.join(", "));
            for row in 0..chunk.len() {
                let placeholders: Vec<String> =
                    (1..=COLUMNS.len()).map(|column| format!("${}", row * COLUMNS.len() + column)).collect();
                sql.push_str(if row == 0 { "(" } else { ", (" });
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
            }
            let mut query = sqlx::query::<Any>(&sql);
            for entry in chunk {
                for value in entry.column_values() {
                    query = match value {
                        ColumnValue::Integer(number) => query.bind(number),
                        ColumnValue::Text(text) => query.bind(text),
                    };
                }
            }
            query.execute(&mut *tx).await?;
        }
        sqlx::query::<Any>("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev)
            .execute(&mut *tx)
            .await?;
        if let Some(signed) = checkpoint(head_seq, seq, &prev) {
            sqlx::query::<Any>(
                "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(signed.seq)
            .bind(&signed.hash)
            .bind(signed.at)
            .bind(&signed.key_id)
            .bind(&signed.signature)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(head_seq + 1)
    }

    /// The chain's head: last sequence number and hash.
    pub async fn audit_head(&self) -> Result<(i64, String), StorageError> {
        let row = sqlx::query::<Any>("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((row.try_get("seq")?, row.try_get("hash")?))
    }

    /// Up to `limit` entries after `after_seq`, in chain order.
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from).collect::<Result<_, _>>().map_err(|err| match err {
            sqlx::Error::Decode(source) if source.is::<CorruptEntry>() => match source.downcast::<CorruptEntry>() {
                Ok(corrupt) => StorageError::CorruptAudit(*corrupt),
                Err(other) => StorageError::Unavailable(sqlx::Error::Decode(other)),
            },
            other => StorageError::Unavailable(other),
        })
    }

    pub async fn audit_checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM audit_checkpoints ORDER BY seq").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(SignedCheckpoint {
                    seq: row.try_get("seq")?,
                    hash: row.try_get("hash")?,
                    at: row.try_get("at")?,
                    key_id: row.try_get("key_id")?,
                    signature: row.try_get("signature")?,
                })
            })
            .collect()
    }

    /// Entries matching `query`.
    pub async fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StorageError> {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<String> = Vec::new();
        let mut numbers: Vec<i64> = Vec::new();
        let mut text = |condition: &str, value: &Option<String>| {
            if let Some(value) = value {
                values.push(value.clone());
                conditions.push(condition.replace('?', &format!("${}", values.len())));
            }
        };
        text("customer_id = ?", &query.customer_id);
        text("subject_id = ?", &query.subject_id);
        text("(actor_kind = 'app' AND actor_id = ?)", &query.app_id);
        text("action = ?", &query.action);
        text("outcome = ?", &query.outcome);
        if let Some(actor) = &query.actor_id {
            values.push(actor.clone());
            let n = values.len();
            conditions.push(format!("(actor_id = ${n} OR on_behalf_of = ${n})"));
        }
        if query.others_only {
            conditions.push("(actor_kind <> 'user' OR subject_id IS NULL OR actor_id <> subject_id)".to_owned());
        }
        let offset = values.len();
        let mut number = |condition: &str, value: Option<i64>| {
            if let Some(value) = value {
                numbers.push(value);
                conditions.push(condition.replace('?', &format!("${}", offset + numbers.len())));
            }
        };
        number("at >= ?", query.from_ms);
        number("at < ?", query.until_ms);
        number(if query.newest_first { "seq < ?" } else { "seq > ?" }, query.cursor);
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let order = if query.newest_first { "DESC" } else { "ASC" };
        let sql =
            format!("SELECT * FROM audit_entries {filter} ORDER BY seq {order} LIMIT ${}", offset + numbers.len() + 1);
        let mut statement = sqlx::query::<Any>(&sql);
        for value in &values {
            statement = statement.bind(value);
        }
        for value in &numbers {
            statement = statement.bind(*value);
        }
        // A page and the one entry that says another follows.
        let rows = statement.bind(query.limit.clamp(1, MAX_AUDIT_PAGE + 1)).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(entry_from).collect::<Result<_, _>>()?)
    }
}
