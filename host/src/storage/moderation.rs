//! Moderation: reports of abusive documents, the property staff's
//! decisions on them, and the `hidden_at` mark that takes a document out of
//! every reader's query (see `audience`).
//!
//! Reports name their reporter by id so one person reports a document once;
//! nothing here ever shows a reporter to anyone. Decisions are kept after
//! the document is gone, naming people by id only.

use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::tenancy::new_id;
use super::{Database, StorageError, now_ms};

/// Most cases one queue page lists.
pub const QUEUE_PAGE: i64 = 100;

/// Why a person reports a document.
pub const REPORT_REASONS: [&str; 7] = ["spam", "harassment", "hate", "violence", "illegal", "privacy", "other"];

/// What staff do about a reported or hidden document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationAction {
    Hide,
    Restore,
    Delete,
    /// Nothing wrong: the reports are settled, the document stays.
    Dismiss,
}

impl ModerationAction {
    pub fn parse(text: &str) -> Option<ModerationAction> {
        match text {
            "hide" => Some(ModerationAction::Hide),
            "restore" => Some(ModerationAction::Restore),
            "delete" => Some(ModerationAction::Delete),
            "dismiss" => Some(ModerationAction::Dismiss),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Hide => "hide",
            ModerationAction::Restore => "restore",
            ModerationAction::Delete => "delete",
            ModerationAction::Dismiss => "dismiss",
        }
    }
}

/// A document as moderators see it, whatever its visibility.
#[derive(Debug, Clone)]
pub struct ModeratedDocument {
    pub id: String,
    pub app_id: String,
    pub collection: String,
    pub customer_id: String,
    pub property_id: String,
    pub owner: String,
    /// The JSON object, as text.
    pub body: String,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
}

/// A document in the queue: open reports, or hidden.
#[derive(Debug, Clone)]
pub struct ModerationCase {
    pub document_id: String,
    pub app_id: String,
    pub collection: String,
    /// Open reports (0 for a hidden document nobody reports any more).
    pub reports: i64,
    /// When the first open report came, or when it was hidden.
    pub since: i64,
    pub hidden: bool,
}

/// One report, without its reporter.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub reason: String,
    pub note: String,
    pub created_at: i64,
    pub settled: bool,
}

/// One decision on a document.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub action: String,
    pub reason: String,
    pub moderator_id: String,
    pub created_at: i64,
}

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub document: &'a ModeratedDocument,
    pub reporter_id: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
}

impl Database {
    /// Document `id` of `property`, hidden or not, for moderators.
    pub async fn moderated_document(
        &self,
        customer: &str,
        property: &str,
        id: &str,
    ) -> Result<Option<ModeratedDocument>, StorageError> {
        let row = sqlx::query::<Any>(
            "SELECT id, app_id, collection, customer_id, property_id, owner_subject, CAST(body AS TEXT) AS body, \
                    created_at, hidden_at \
             FROM documents WHERE id = $1 AND customer_id = $2 AND property_id = $3",
        )
        .bind(id)
        .bind(customer)
        .bind(property)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(moderated_from).transpose()
    }

    /// Stores a report, or opens the reporter's earlier one again with the
    /// new reason. Returns whether the document had no open report before.
    pub async fn report_document(&self, report: NewReport<'_>) -> Result<bool, StorageError> {
        let document = report.document;
        let mut tx = self.pool.begin().await?;
        let open: i64 = sqlx::query_scalar::<Any, i64>(
            "SELECT COUNT(*) FROM moderation_reports WHERE document_id = $1 AND settled_at IS NULL",
        )
        .bind(&document.id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "INSERT INTO moderation_reports \
             (id, customer_id, property_id, app_id, document_id, reporter_id, reason, note, created_at, settled_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) \
             ON CONFLICT (document_id, reporter_id) DO UPDATE SET reason = excluded.reason, note = excluded.note, \
             created_at = excluded.created_at, settled_at = NULL",
        )
        .bind(new_id())
        .bind(&document.customer_id)
        .bind(&document.property_id)
        .bind(&document.app_id)
        .bind(&document.id)
        .bind(report.reporter_id)
        .bind(report.reason)
        .bind(report.note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(open == 0)
    }

    /// Whether `reporter` has an open report on `document`.
    pub async fn reported_by(&self, document: &str, reporter: &str) -> Result<bool, StorageError> {
        let open: i64 = sqlx::query_scalar::<Any, i64>(
            "SELECT COUNT(*) FROM moderation_reports WHERE document_id = $1 AND reporter_id = $2 \
             AND settled_at IS NULL",
        )
        .bind(document)
        .bind(reporter)
        .fetch_one(&self.pool)
        .await?;
        Ok(open > 0)
    }

    /// The property's cases: documents with open reports, oldest report
    /// first, then hidden documents, most recently hidden first.
    pub async fn moderation_queue(&self, customer: &str, property: &str) -> Result<Vec<ModerationCase>, StorageError> {
        let reported = sqlx::query::<Any>(
            "SELECT r.document_id, r.app_id, d.collection, COUNT(*) AS reports, MIN(r.created_at) AS since, \
                    CAST(MAX(CASE WHEN d.hidden_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS hidden \
             FROM moderation_reports r JOIN documents d ON d.id = r.document_id \
             WHERE r.customer_id = $1 AND r.property_id = $2 AND r.settled_at IS NULL \
             GROUP BY r.document_id, r.app_id, d.collection ORDER BY since, r.document_id LIMIT $3",
        )
        .bind(customer)
        .bind(property)
        .bind(QUEUE_PAGE)
        .fetch_all(&self.pool)
        .await?;
        let hidden = sqlx::query::<Any>(
            "SELECT id AS document_id, app_id, collection, CAST(0 AS BIGINT) AS reports, hidden_at AS since, CAST(1 AS BIGINT) AS hidden \
             FROM documents WHERE property_id = $2 AND customer_id = $1 AND hidden_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM moderation_reports r WHERE r.document_id = documents.id \
                             AND r.settled_at IS NULL) \
             ORDER BY hidden_at DESC, id LIMIT $3",
        )
        .bind(customer)
        .bind(property)
        .bind(QUEUE_PAGE)
        .fetch_all(&self.pool)
        .await?;
        reported.iter().chain(hidden.iter()).map(case_from).collect()
    }

    /// How many documents of the property have open reports.
    pub async fn open_moderation_cases(&self, customer: &str, property: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar::<Any, i64>(
            "SELECT COUNT(DISTINCT r.document_id) FROM moderation_reports r \
             JOIN documents d ON d.id = r.document_id \
             WHERE r.customer_id = $1 AND r.property_id = $2 AND r.settled_at IS NULL",
        )
        .bind(customer)
        .bind(property)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The reports on `document`, newest first, without their reporters.
    pub async fn reports_on(&self, document: &str) -> Result<Vec<ReportRow>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT reason, note, created_at, settled_at FROM moderation_reports WHERE document_id = $1 \
             ORDER BY created_at DESC LIMIT 200",
        )
        .bind(document)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportRow {
                    reason: row.try_get("reason")?,
                    note: row.try_get("note")?,
                    created_at: row.try_get("created_at")?,
                    settled: row.try_get::<Option<i64>, _>("settled_at")?.is_some(),
                })
            })
            .collect()
    }

    /// The decisions on `document`, newest first.
    pub async fn decisions_on(&self, document: &str) -> Result<Vec<DecisionRow>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT action, reason, moderator_id, created_at FROM moderation_decisions WHERE document_id = $1 \
             ORDER BY created_at DESC, id LIMIT 200",
        )
        .bind(document)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DecisionRow {
                    action: row.try_get("action")?,
                    reason: row.try_get("reason")?,
                    moderator_id: row.try_get("moderator_id")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Records `action` on `document` by `moderator`: hides or restores it,
    /// settles its open reports, and keeps the decision. (Deleting the
    /// document itself is the caller's, through the document store.)
    pub async fn decide_moderation(
        &self,
        document: &ModeratedDocument,
        moderator: &str,
        action: ModerationAction,
        reason: &str,
    ) -> Result<(), StorageError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let hidden_at = match action {
            ModerationAction::Hide => Some(Some(now)),
            ModerationAction::Restore => Some(None),
            ModerationAction::Delete | ModerationAction::Dismiss => None,
        };
        if let Some(hidden_at) = hidden_at {
            sqlx::query::<Any>("UPDATE documents SET hidden_at = $1 WHERE id = $2")
                .bind(hidden_at)
                .bind(&document.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query::<Any>(
            "UPDATE moderation_reports SET settled_at = $1 WHERE document_id = $2 AND settled_at IS NULL",
        )
        .bind(now)
        .bind(&document.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "INSERT INTO moderation_decisions \
             (id, customer_id, property_id, app_id, document_id, author_id, moderator_id, action, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(&document.customer_id)
        .bind(&document.property_id)
        .bind(&document.app_id)
        .bind(&document.id)
        .bind(&document.owner)
        .bind(moderator)
        .bind(action.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn moderated_from(row: &AnyRow) -> Result<ModeratedDocument, StorageError> {
    Ok(ModeratedDocument {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        collection: row.try_get("collection")?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        owner: row.try_get("owner_subject")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        hidden_at: row.try_get("hidden_at")?,
    })
}

fn case_from(row: &AnyRow) -> Result<ModerationCase, StorageError> {
    Ok(ModerationCase {
        document_id: row.try_get("document_id")?,
        app_id: row.try_get("app_id")?,
        collection: row.try_get("collection")?,
        reports: row.try_get("reports")?,
        since: row.try_get("since")?,
        hidden: row.try_get::<i64, _>("hidden")? == 1,
    })
}
