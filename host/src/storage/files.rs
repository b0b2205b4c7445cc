//! Attachments: which file hangs on which document, and where its bytes are.
//!
//! A file's audience is its document's: every read here first reads the
//! document through the scope (`get_document`), so the one rule in
//! `audience.rs` decides files too. The bytes are content-addressed by
//! their SHA-256: on SQLite in `files/` beside the database file, on
//! PostgreSQL in `file_chunks`, 256 KiB a row, where every node reads them
//! and a database backup holds them. Content no file refers to any more is
//! removed in the transaction that drops the last reference.

use std::path::{Path, PathBuf};

use sqlx::{Any, Row, Transaction};

use super::documents::DocumentScope;
use super::sql::Sql;
use super::{Database, Dialect, StorageError, advisory_lock, now_ms};

/// Bytes per row of `file_chunks`.
pub const CHUNK_BYTES: usize = 256 << 10;

/// A file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub id: String,
    pub app_id: String,
    pub collection: String,
    pub document_id: String,
    /// The uploader (internal id).
    pub owner: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub created_at: u64,
}

/// A checked upload to keep on a document.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// The staged bytes, complete and flushed to disk.
    pub staged: PathBuf,
}

/// Where a file's bytes are read from.
#[derive(Debug, Clone)]
pub enum FileContent {
    /// A file beside the embedded database.
    Local(PathBuf),
    /// Rows of `file_chunks`, read one at a time with [`Database::file_chunk`].
    Chunks { sha256: String, count: u32 },
}

const FILE_COLUMNS: &str =
    "id, app_id, collection, document_id, owner_subject, name, media_type, size, sha256, created_at";

impl Database {
    /// Keeps `new` on document `document_id` of `collection`, which the
    /// reader may change, unless it already carries `per_document` files.
    pub async fn attach_file(
        &self,
        scope: &DocumentScope,
        collection: &str,
        document_id: &str,
        new: NewFile,
        per_document: u32,
    ) -> Result<StoredFile, StorageError> {
        let owner = scope.subject().ok_or(StorageError::NotFound)?.to_owned();
        self.changeable_document(scope, collection, document_id).await?;
        let file = StoredFile {
            id: uuid::Uuid::new_v4().to_string(),
            app_id: scope.app.clone(),
            collection: collection.to_owned(),
            document_id: document_id.to_owned(),
            owner,
            name: new.name,
            media_type: new.media_type,
            size: new.size,
            sha256: new.sha256,
            created_at: now_ms().max(0) as u64,
        };
        let mut tx = self.pool.begin().await?;
        if self.dialect == Dialect::Postgres {
            // Two attaches to one document, or a delete of the same content
            // beside an attach, take turns.
            advisory_lock(&mut tx, document_id).await?;
            advisory_lock(&mut tx, &file.sha256).await?;
        }
        // Inserted first: on SQLite this takes the write lock, so the count
        // below and the content check see every other writer's outcome.
        sqlx::query::<Any>(&format!(
            "INSERT INTO files ({FILE_COLUMNS}, customer_id, property_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&file.id)
        .bind(&file.app_id)
        .bind(&file.collection)
        .bind(&file.document_id)
        .bind(&file.owner)
        .bind(&file.name)
        .bind(&file.media_type)
        .bind(file.size as i64)
        .bind(&file.sha256)
        .bind(file.created_at as i64)
        .bind(&scope.customer)
        .bind(&scope.property)
        .execute(&mut *tx)
        .await?;
        let count: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM files WHERE document_id = $1")
            .bind(document_id)
            .fetch_one(&mut *tx)
            .await?;
        if count > i64::from(per_document) {
            return Err(StorageError::Full(format!("a document carries at most {per_document} files")));
        }
        match self.dialect {
            Dialect::Postgres => store_chunks(&mut tx, &file.sha256, &new.staged).await?,
            Dialect::Sqlite => {
                let target = self.blob_path(&file.sha256)?;
                let staged = new.staged.clone();
                tokio::task::spawn_blocking(move || keep_blob(&staged, &target))
                    .await
                    .map_err(|err| StorageError::File(std::io::Error::other(err)))??;
            }
        }
        tx.commit().await?;
        Ok(file)
    }

    /// The files on a document the reader may read, oldest first.
    pub async fn files_of_document(
        &self,
        scope: &DocumentScope,
        collection: &str,
        document_id: &str,
    ) -> Result<Vec<StoredFile>, StorageError> {
        self.get_document(scope, collection, document_id).await?;
        let rows = sqlx::query::<Any>(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE document_id = $1 AND app_id = $2 AND collection = $3 \
             ORDER BY created_at, id"
        ))
        .bind(document_id)
        .bind(&scope.app)
        .bind(collection)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(file_from_row).collect()
    }

    /// File `id` of the scope's app, customer and property, if the reader
    /// may read its document.
    pub async fn readable_file(&self, scope: &DocumentScope, id: &str) -> Result<StoredFile, StorageError> {
        let file = self.scoped_file(scope, id).await?;
        self.get_document(scope, &file.collection, &file.document_id).await?;
        Ok(file)
    }

    /// Deletes file `id` if the reader uploaded it, or may change its
    /// document (staff).
    pub async fn delete_file(&self, scope: &DocumentScope, id: &str) -> Result<StoredFile, StorageError> {
        let file = self.readable_file(scope, id).await?;
        if scope.subject() != Some(file.owner.as_str()) {
            self.changeable_document(scope, &file.collection, &file.document_id).await?;
        }
        let mut tx = self.pool.begin().await?;
        if self.dialect == Dialect::Postgres {
            advisory_lock(&mut tx, &file.sha256).await?;
        }
        sqlx::query::<Any>("DELETE FROM files WHERE id = $1").bind(&file.id).execute(&mut *tx).await?;
        self.release_contents(&mut tx, vec![file.sha256.clone()]).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Where the bytes of a stored file are.
    pub async fn file_content(&self, file: &StoredFile) -> Result<FileContent, StorageError> {
        match self.dialect {
            Dialect::Sqlite => Ok(FileContent::Local(self.blob_path(&file.sha256)?)),
            Dialect::Postgres => {
                let count: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM file_chunks WHERE sha256 = $1")
                    .bind(&file.sha256)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(FileContent::Chunks { sha256: file.sha256.clone(), count: count.max(0) as u32 })
            }
        }
    }

    /// Chunk `seq` of the content `sha256`, on PostgreSQL.
    pub async fn file_chunk(&self, sha256: &str, seq: u32) -> Result<Vec<u8>, StorageError> {
        let row = sqlx::query::<Any>("SELECT data FROM file_chunks WHERE sha256 = $1 AND seq = $2")
            .bind(sha256)
            .bind(i64::from(seq))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        Ok(row.try_get("data")?)
    }

    /// Drops, within `tx`, the files on `documents` of `app_id` and, with
    /// `owner`, every file they uploaded to the app; content nothing refers
    /// to any more goes too. Called by the transactions that delete
    /// documents.
    pub(super) async fn drop_files_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        app_id: &str,
        documents: &[String],
        owner: Option<&str>,
    ) -> Result<(), StorageError> {
        let condition = |statement: &str| {
            let mut sql = Sql::new(statement);
            let app = sql.bind_text(app_id);
            sql.push(&format!(" WHERE app_id = {app} AND (1 = 0"));
            if !documents.is_empty() {
                let ids: Vec<String> = documents.iter().map(|id| sql.bind_text(id)).collect();
                sql.push(&format!(" OR document_id IN ({})", ids.join(", ")));
            }
            if let Some(owner) = owner {
                let owner = sql.bind_text(owner);
                sql.push(&format!(" OR owner_subject = {owner}"));
            }
            sql.push(")");
            sql
        };
        let select = condition("SELECT DISTINCT sha256 FROM files");
        let contents: Vec<String> = select
            .query()
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get("sha256"))
            .collect::<Result<_, _>>()?;
        if contents.is_empty() {
            return Ok(());
        }
        condition("DELETE FROM files").query().execute(&mut **tx).await?;
        self.release_contents(tx, contents).await
    }

    /// Removes the content of `hashes` that no file refers to any more.
    async fn release_contents(
        &self,
        tx: &mut Transaction<'static, Any>,
        hashes: Vec<String>,
    ) -> Result<(), StorageError> {
        for sha256 in hashes {
            let still: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM files WHERE sha256 = $1")
                .bind(&sha256)
                .fetch_one(&mut **tx)
                .await?;
            if still > 0 {
                continue;
            }
            match self.dialect {
                Dialect::Postgres => {
                    sqlx::query::<Any>("DELETE FROM file_chunks WHERE sha256 = $1")
                        .bind(&sha256)
                        .execute(&mut **tx)
                        .await?;
                }
                // Within the transaction that holds SQLite's write lock, so
                // no attach of the same content runs in between.
                Dialect::Sqlite => match std::fs::remove_file(self.blob_path(&sha256)?) {
                    Ok(()) => {}
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => return Err(err.into()),
                },
            }
        }
        Ok(())
    }

    /// The collection file `id` of `app_id` in a customer's property hangs
    /// in, if there is such a file.
    pub async fn file_collection(
        &self,
        app_id: &str,
        customer: &str,
        property: &str,
        id: &str,
    ) -> Result<String, StorageError> {
        Ok(self.find_file(app_id, customer, property, id).await?.collection)
    }

    async fn scoped_file(&self, scope: &DocumentScope, id: &str) -> Result<StoredFile, StorageError> {
        self.find_file(&scope.app, &scope.customer, &scope.property, id).await
    }

    async fn find_file(
        &self,
        app_id: &str,
        customer: &str,
        property: &str,
        id: &str,
    ) -> Result<StoredFile, StorageError> {
        let row = sqlx::query::<Any>(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE id = $1 AND app_id = $2 AND customer_id = $3 AND property_id = $4"
        ))
        .bind(id)
        .bind(app_id)
        .bind(customer)
        .bind(property)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
        file_from_row(&row)
    }

    /// Where the embedded database keeps the content `sha256`.
    fn blob_path(&self, sha256: &str) -> Result<PathBuf, StorageError> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        let database = self.sqlite_file.as_deref().filter(|_| valid).ok_or_else(|| {
            StorageError::Invalid("files need a database file (or PostgreSQL) and a SHA-256 name".to_owned())
        })?;
        let folder = database.parent().unwrap_or(Path::new(".")).join("files");
        Ok(folder.join(&sha256[..2]).join(sha256))
    }
}

fn file_from_row(row: &sqlx::any::AnyRow) -> Result<StoredFile, StorageError> {
    Ok(StoredFile {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        collection: row.try_get("collection")?,
        document_id: row.try_get("document_id")?,
        owner: row.try_get("owner_subject")?,
        name: row.try_get("name")?,
        media_type: row.try_get("media_type")?,
        size: row.try_get::<i64, _>("size")?.max(0) as u64,
        sha256: row.try_get("sha256")?,
        created_at: row.try_get::<i64, _>("created_at")?.max(0) as u64,
    })
}

/// Writes the staged bytes as rows of `file_chunks`, unless the content is
/// there already. Reads one chunk at a time: memory stays flat.
async fn store_chunks(tx: &mut Transaction<'static, Any>, sha256: &str, staged: &Path) -> Result<(), StorageError> {
    use tokio::io::AsyncReadExt;
    let present: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM file_chunks WHERE sha256 = $1")
        .bind(sha256)
        .fetch_one(&mut **tx)
        .await?;
    if present > 0 {
        return Ok(());
    }
    let mut file = tokio::fs::File::open(staged).await?;
    let mut seq: i64 = 0;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK_BYTES);
        (&mut file).take(CHUNK_BYTES as u64).read_to_end(&mut chunk).await?;
        if chunk.is_empty() && seq > 0 {
            return Ok(());
        }
        let last = chunk.len() < CHUNK_BYTES;
        sqlx::query::<Any>("INSERT INTO file_chunks (sha256, seq, data) VALUES ($1, $2, $3)")
            .bind(sha256)
            .bind(seq)
            .bind(chunk)
            .execute(&mut **tx)
            .await?;
        if last {
            return Ok(());
        }
        seq += 1;
    }
}

/// Links (or, across file systems, copies) the staged bytes to `target`
/// unless the content is there, and makes the new name durable.
fn keep_blob(staged: &Path, target: &Path) -> Result<(), StorageError> {
    if target.exists() {
        return Ok(());
    }
    let folder = target.parent().ok_or_else(|| StorageError::Invalid("no folder for files".to_owned()))?;
    super::private_files::create_dir(folder)?;
    let draft = folder.join(format!(".{}", uuid::Uuid::new_v4().simple()));
    if std::fs::hard_link(staged, &draft).is_err() {
        std::fs::copy(staged, &draft)?;
        std::fs::File::open(&draft)?.sync_all()?;
    }
    std::fs::rename(&draft, target)?;
    std::fs::File::open(folder)?.sync_all()?;
    Ok(())
}
