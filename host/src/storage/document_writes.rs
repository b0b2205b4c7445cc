//! Storing, changing and deleting documents, with their participants and
//! the unique keys they claim, each in one transaction: all or nothing.

use sqlx::{Any, Transaction};

use super::audience;
use super::documents::{DocumentScope, StoredDocument, Visibility, document_from_row};
use super::sql::Sql;
use super::{Database, Dialect, StorageError, now_ms};

/// A document to store for the scope's reader.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub body: String,
    pub visibility: Visibility,
    /// The document it answers (internal id), which the reader must see.
    pub parent: Option<String>,
    /// The reader's unit, for a document of their own (a reply takes its
    /// parent's).
    pub unit: Option<String>,
    /// For `participants`: who else reads it (internal ids).
    pub participants: Vec<String>,
    /// Unique keys claimed within app, collection and property.
    pub keys: Vec<String>,
}

/// What an update changes.
#[derive(Debug, Clone)]
pub struct DocumentChanges {
    pub body: String,
    pub expected_revision: Option<u64>,
    /// New keys replacing the claimed ones; `None` keeps them.
    pub keys: Option<Vec<String>>,
}

impl Database {
    /// Stores a new document owned by the scope's reader.
    pub async fn insert_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        new: NewDocument,
    ) -> Result<StoredDocument, StorageError> {
        let owner = scope.subject().ok_or(StorageError::NotFound)?.to_owned();
        // A reply is reckoned from what it answers: its unit, its owner and
        // its participants; and the reader must see it.
        let (unit, anchor, participants) = match &new.parent {
            Some(parent) => {
                let parent = self.readable_parent(scope, parent).await?;
                let participants =
                    if new.visibility == Visibility::Participants { parent.participants.clone() } else { Vec::new() };
                (parent.unit.clone(), Some(parent.anchor_owner.clone()), participants)
            }
            None => (new.unit.clone(), None, new.participants.clone()),
        };
        if new.visibility == Visibility::Unit && unit.is_none() {
            return Err(StorageError::Invalid("a `unit` document needs a unit: the caller has none here".to_owned()));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_ms();
        let body_param = if self.dialect == Dialect::Postgres { "$8::jsonb" } else { "$8" };
        let mut tx = self.pool.begin().await?;
        sqlx::query::<Any>(&format!(
            "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
             body, created_at, updated_at, revision, unit_id, parent_id, anchor_owner) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, {body_param}, $9, $9, 1, $10, $11, $12)"
        ))
        .bind(&id)
        .bind(&scope.app)
        .bind(collection)
        .bind(&scope.customer)
        .bind(&scope.property)
        .bind(&owner)
        .bind(new.visibility.as_str())
        .bind(&new.body)
        .bind(now)
        .bind(unit.as_deref())
        .bind(new.parent.as_deref())
        .bind(anchor.as_deref())
        .execute(&mut *tx)
        .await?;
        for participant in &participants {
            sqlx::query::<Any>("INSERT INTO document_participants (document_id, subject) VALUES ($1, $2)")
                .bind(&id)
                .bind(participant)
                .execute(&mut *tx)
                .await?;
        }
        self.claim_keys(&mut tx, scope, collection, &id, &new.keys).await?;
        tx.commit().await?;
        Ok(StoredDocument {
            seq: 0,
            anchor_owner: anchor.unwrap_or_else(|| owner.clone()),
            id,
            owner,
            visibility: new.visibility,
            parent: new.parent,
            unit,
            participants,
            keys: new.keys,
            body: new.body,
            created_at: now as u64,
            updated_at: now as u64,
            revision: 1,
        })
    }

    async fn readable_parent(&self, scope: &DocumentScope, parent: &str) -> Result<StoredDocument, StorageError> {
        let mut sql = Sql::new(&self.select_documents());
        let (app, customer, property, id) = (
            sql.bind_text(&scope.app),
            sql.bind_text(&scope.customer),
            sql.bind_text(&scope.property),
            sql.bind_text(parent),
        );
        sql.push(&format!(
            " WHERE documents.app_id = {app} AND documents.customer_id = {customer} \
             AND documents.property_id = {property} AND documents.id = {id}"
        ));
        audience::push_readable(&mut sql, &scope.reader);
        let row = sql.query().fetch_optional(&self.pool).await?.ok_or_else(|| {
            StorageError::Invalid("the parent document does not exist or is not visible to the caller".to_owned())
        })?;
        document_from_row(&row)
    }

    /// Claims `keys` for document `id` inside `tx`. A key held already ends
    /// the transaction with [`StorageError::Taken`] naming it.
    async fn claim_keys(
        &self,
        tx: &mut Transaction<'_, Any>,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
        keys: &[String],
    ) -> Result<(), StorageError> {
        for key in keys {
            // `ON CONFLICT DO NOTHING` leaves the transaction usable on
            // PostgreSQL; no row inserted means the key is taken.
            let claimed = sqlx::query::<Any>(
                "INSERT INTO document_keys (app_id, customer_id, property_id, collection, claim, document_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(&scope.app)
            .bind(&scope.customer)
            .bind(&scope.property)
            .bind(collection)
            .bind(key)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            if claimed.rows_affected() != 1 {
                return Err(StorageError::Taken(key.clone()));
            }
        }
        Ok(())
    }

    /// Changes a document the reader may change (see `audience`).
    ///
    /// A document they cannot change is [`StorageError::NotFound`], as is
    /// one they cannot see: the caller learns nothing about other people's.
    pub async fn update_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
        changes: DocumentChanges,
    ) -> Result<StoredDocument, StorageError> {
        let current = self.changeable_document(scope, collection, id).await?;
        if let Some(expected) = changes.expected_revision.filter(|expected| *expected != current.revision) {
            return Err(StorageError::Conflict(format!(
                "document was changed: expected revision {expected}, found {}",
                current.revision
            )));
        }
        let now = now_ms();
        let body_param = if self.dialect == Dialect::Postgres { "$1::jsonb" } else { "$1" };
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query::<Any>(&format!(
            "UPDATE documents SET body = {body_param}, updated_at = $2, revision = revision + 1 \
             WHERE id = $3 AND revision = $4"
        ))
        .bind(&changes.body)
        .bind(now)
        .bind(id)
        .bind(current.revision as i64)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StorageError::Conflict("document was changed concurrently".to_owned()));
        }
        let keys = match changes.keys {
            Some(keys) => {
                sqlx::query::<Any>("DELETE FROM document_keys WHERE document_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                self.claim_keys(&mut tx, scope, collection, id, &keys).await?;
                keys
            }
            None => current.keys.clone(),
        };
        tx.commit().await?;
        Ok(StoredDocument {
            body: changes.body,
            updated_at: now as u64,
            revision: current.revision + 1,
            keys,
            ..current
        })
    }

    /// Deletes a document the reader owns, frees its keys and drops its
    /// participants. Its replies stay, reckoned from what they copied.
    pub async fn delete_document(&self, scope: &DocumentScope, collection: &str, id: &str) -> Result<(), StorageError> {
        let subject = scope.subject().ok_or(StorageError::NotFound)?;
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query::<Any>(
            "DELETE FROM documents WHERE id = $1 AND app_id = $2 AND customer_id = $3 AND property_id = $4 \
             AND collection = $5 AND owner_subject = $6",
        )
        .bind(id)
        .bind(&scope.app)
        .bind(&scope.customer)
        .bind(&scope.property)
        .bind(collection)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
        if deleted.rows_affected() == 0 {
            // Visible but not owned is refused the same way as invisible:
            // the caller learns nothing about other people's documents.
            return Err(StorageError::NotFound);
        }
        for table in ["document_participants", "document_keys"] {
            sqlx::query::<Any>(&format!("DELETE FROM {table} WHERE document_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        self.drop_files_in(&mut tx, &scope.app, &[id.to_owned()], None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The document, if the reader may change it.
    pub(super) async fn changeable_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        id: &str,
    ) -> Result<StoredDocument, StorageError> {
        let document = self.get_document(scope, collection, id).await?;
        if audience::may_change(&scope.reader, &document.owner, document.visibility) {
            Ok(document)
        } else {
            Err(StorageError::NotFound)
        }
    }
}
