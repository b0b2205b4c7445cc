//! Indexes an app's manifest declares for its collections, so that a query
//! filtering and ordering by those fields reads one page's worth of rows
//! however many documents a property holds.
//!
//! Each index leads with the document scope (app, customer, property,
//! collection) and follows with the declared fields in order, then `seq`,
//! the tie-breaker of every field-ordered page. Field names are checked
//! identifiers; the index name is derived from the definition, so
//! installing the same declaration twice, on any node, creates one index.

use sha2::{Digest, Sha256};

use super::{Database, StorageError};

/// Most fields in one declared index.
pub const MAX_INDEX_FIELDS: usize = 4;

impl Database {
    /// Creates the index for `fields` of `collection` of `app`, if missing.
    pub async fn ensure_document_index(
        &self,
        app: &str,
        collection: &str,
        fields: &[String],
    ) -> Result<(), StorageError> {
        if fields.is_empty() || fields.len() > MAX_INDEX_FIELDS {
            return Err(StorageError::Invalid(format!("an index has 1 to {MAX_INDEX_FIELDS} fields")));
        }
        let expressions = fields.iter().map(|field| self.field_expression(field)).collect::<Result<Vec<_>, _>>()?;
        let definition = format!("{app}\n{collection}\n{}", fields.join("\n"));
        let digest = hex::encode(Sha256::digest(definition.as_bytes()));
        let sql = format!(
            "CREATE INDEX IF NOT EXISTS documents_by_field_{} ON documents \
             (app_id, customer_id, property_id, collection, {}, seq)",
            &digest[..24],
            expressions.join(", ")
        );
        let mut tx = self.pool.begin().await?;
        if self.dialect == super::Dialect::Postgres {
            // `IF NOT EXISTS` is no lock: nodes starting together would race
            // to create the same index. One at a time, the others find it.
            super::advisory_lock(&mut tx, &format!("courtyard:index:{}", &digest[..24])).await?;
        }
        sqlx::query::<sqlx::Any>(&sql).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
