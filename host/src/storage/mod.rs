//! Host storage: one SQL schema on embedded SQLite (the default) or PostgreSQL.
//!
//! Both backends go through sqlx's `Any` driver with `$n` placeholders, which
//! both understand, so every query is written once. Where the dialects differ
//! (JSON access, the column type of document bodies) [`Dialect`] says how.
//!
//! ```no_run
//! # async fn demo() -> Result<(), courtyard::storage::StorageError> {
//! let db = courtyard::storage::Database::connect("sqlite:///tmp/courtyard.db?mode=rwc").await?;
//! assert_eq!(db.dialect(), courtyard::storage::Dialect::Sqlite);
//! # Ok(()) }
//! ```

mod accounts;
mod app_tickets;
mod audience;
mod audit;
mod audit_sqlite;
mod catalog;
mod document_indexes;
mod document_writes;
mod documents;
mod files;
mod grants;
mod moderation;
mod notification_mail;
mod onboarding;
mod privacy;
mod private_files;
mod sessions;
mod sql;
mod staff;
mod tenancy;
mod units;
mod upcoming;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{RoleAssignment, User, normalize_email};
pub use app_tickets::RedeemedTicket;
pub use audience::Reader;
pub use audit::{AuditQuery, MAX_AUDIT_PAGE};
pub use audit_sqlite::SqliteAppender;
pub use catalog::{AppVersionRow, InstallOutcome};
pub use document_indexes::MAX_INDEX_FIELDS;
pub use document_writes::{DocumentChanges, NewDocument};
pub use documents::{
    Comparison, Criteria, Cursor, DocumentScope, Filter, FilterValue, MAX_PAGE as MAX_DOCUMENT_PAGE, Order,
    OwnerConsent, Page, StoredDocument, Visibility, is_field_name,
};
pub use files::{CHUNK_BYTES, FileContent, NewFile, StoredFile};
pub use grants::{Approval, ConsentRecord, POLICY_CHANNEL, PolicyChange, Standing};
pub use moderation::{
    DecisionRow, ModeratedDocument, ModerationAction, ModerationCase, NewReport, REPORT_REASONS, ReportRow,
};
pub use notification_mail::{MailChoice, NewMail, PendingMail, UnsubscribeTarget};
pub use onboarding::{AccessRequest, ActivationCodeInfo, OutgoingMail};
pub use privacy::{Notification, ProfileRecord};
pub use private_files::{
    create_data_dir, create_dir as create_private_dir, open_options as private_file_options,
    restrict_file as restrict_private_file,
};
pub use sessions::{RedeemedToken, SessionRow, TokenPurpose};
pub use tenancy::{Address, Customer, MAX_PAGE, Property, address_key, new_id};
pub use units::{Occupancy, UNIT_KINDS, Unit};
pub use upcoming::{Dated, DatedSection};

/// Which SQL backend a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A unique key a document claims is held by another one.
    #[error("the key `{0}` is taken")]
    Taken(String),
    #[error("invalid: {0}")]
    Invalid(String),
    /// A limit on how much may be kept was reached.
    #[error("limit: {0}")]
    Full(String),
    #[error("unsupported database URL `{0}`: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("database unavailable: {0}")]
    Unavailable(#[from] sqlx::Error),
    #[error("database unavailable: {0}")]
    Embedded(#[from] rusqlite::Error),
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the database file: {0}")]
    File(#[from] std::io::Error),
    #[error("{0}")]
    CorruptAudit(audit::CorruptEntry),
}

/// A connection pool to the platform database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    dialect: Dialect,
    /// The file behind an embedded database.
    sqlite_file: Option<PathBuf>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Database {
    /// Connects to `url` and applies pending migrations.
    ///
    /// SQLite runs in WAL mode with `synchronous=FULL` and foreign keys on, so
    /// a committed write survives a crash of the process or the machine.
    pub async fn connect(url: &str) -> Result<Database, StorageError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        let dialect = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(StorageError::UnsupportedUrl(redact(url)));
        };
        let sqlite_file = if dialect == Dialect::Sqlite { sqlite_path(url) } else { None };
        if let Some(parent) = sqlite_file.as_deref().and_then(Path::parent).filter(|p| !p.as_os_str().is_empty()) {
            private_files::create_dir(parent)?;
        }
        if let Some(file) = &sqlite_file {
            // SQLite gives its journal files the database file's mode, so a
            // private database keeps its WAL private too.
            private_files::open_options().create(true).truncate(false).write(true).open(file)?;
            for suffix in ["", "-wal", "-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                private_files::restrict_file(Path::new(&name))?;
            }
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match dialect {
            Dialect::Sqlite => {
                // PostgreSQL migrations hold an advisory lock; SQLite's need a
                // file lock, or nodes starting together on one file collide.
                let _lock = match &sqlite_file {
                    Some(file) => Some(lock_file(file.with_extension("migrate-lock")).await?),
                    None => None,
                };
                SQLITE_MIGRATIONS.run(&pool).await?
            }
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Database { pool, dialect, sqlite_file })
    }

    /// For an embedded database in a file: an audit appender with its own
    /// connection (see [`SqliteAppender`]).
    pub fn sqlite_audit_appender(&self) -> Option<SqliteAppender> {
        self.sqlite_file.clone().map(SqliteAppender::new)
    }

    /// The backend in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The underlying pool, for health checks and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every connection; pending queries finish first.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A PostgreSQL advisory lock on `name`, held until `tx` ends.
async fn advisory_lock(tx: &mut sqlx::Transaction<'static, sqlx::Any>, name: &str) -> Result<(), StorageError> {
    sqlx::query::<sqlx::Any>("SELECT pg_advisory_xact_lock(hashtext($1))::TEXT").bind(name).execute(&mut **tx).await?;
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The file behind a `sqlite:` URL, if it names one (not `:memory:`).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Takes an exclusive lock on `path` (created if missing), released on drop.
async fn lock_file(path: PathBuf) -> Result<std::fs::File, StorageError> {
    tokio::task::spawn_blocking(move || {
        let file = private_files::open_options().create(true).truncate(false).write(true).open(&path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|err| StorageError::File(std::io::Error::other(err)))?
}

/// A URL with any password replaced, fit for error messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_runs_durable_and_checks_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("nested/courtyard.db").display());
        let db = Database::connect(&url).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(db.pool()).await.unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(db.pool()).await.unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(db.pool()).await.unwrap();
        assert_eq!(fk, 1);
    }

    #[tokio::test]
    async fn unknown_schemes_are_refused_without_leaking_passwords() {
        let err = Database::connect("mysql://root:hunter2@db/x").await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("unsupported database URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
