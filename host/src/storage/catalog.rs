//! The app catalog: installed versions, their components and the version
//! each app currently runs.

use sqlx::{Any, Row};

use super::{Database, StorageError, now_ms};

/// One installed app version with its component bytes.
#[derive(Debug, Clone)]
pub struct AppVersionRow {
    pub app_id: String,
    pub version: String,
    pub name: String,
    pub kind: String,
    pub vendor: String,
    /// The manifest as installed (TOML text).
    pub manifest: String,
    /// SHA-256 of the component, lower-case hex.
    pub digest: String,
    pub installed_at: i64,
}

fn version_from(row: &sqlx::any::AnyRow) -> Result<AppVersionRow, sqlx::Error> {
    Ok(AppVersionRow {
        app_id: row.try_get("app_id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        vendor: row.try_get("vendor")?,
        manifest: row.try_get("manifest")?,
        digest: row.try_get("digest")?,
        installed_at: row.try_get("installed_at")?,
    })
}

/// What an install did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallOutcome {
    /// A new version was recorded and made current.
    Installed,
    /// The same version with the same component was already there.
    Unchanged,
}

impl Database {
    /// Records an app version and makes it the current one.
    ///
    /// Installing the same id, version and component again changes nothing.
    /// The same id and version with a different component is refused: a
    /// version number names exactly one component.
    pub async fn install_app_version(
        &self,
        row: &AppVersionRow,
        component: &[u8],
    ) -> Result<InstallOutcome, StorageError> {
        // Written so that nodes installing the same version at the same time
        // (every node installs the core apps at start) all succeed.
        let mut tx = self.pool.begin().await?;
        sqlx::query::<Any>(
            "INSERT INTO components (digest, bytes, size_bytes, stored_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (digest) DO NOTHING",
        )
        .bind(&row.digest)
        .bind(component.to_vec())
        .bind(component.len() as i64)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "INSERT INTO app_versions (app_id, version, name, kind, vendor, manifest, digest, installed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (app_id, version) DO NOTHING",
        )
        .bind(&row.app_id)
        .bind(&row.version)
        .bind(&row.name)
        .bind(&row.kind)
        .bind(&row.vendor)
        .bind(&row.manifest)
        .bind(&row.digest)
        .bind(row.installed_at)
        .execute(&mut *tx)
        .await?;
        let recorded: String =
            sqlx::query_scalar::<Any, String>("SELECT digest FROM app_versions WHERE app_id = $1 AND version = $2")
                .bind(&row.app_id)
                .bind(&row.version)
                .fetch_one(&mut *tx)
                .await?;
        if recorded != row.digest {
            return Err(StorageError::Conflict(format!(
                "{} {} is already installed with a different component (sha256 {recorded}); \
                 give the new build a new version",
                row.app_id, row.version
            )));
        }
        let current: Option<String> =
            sqlx::query_scalar::<Any, String>("SELECT current_version FROM apps WHERE app_id = $1")
                .bind(&row.app_id)
                .fetch_optional(&mut *tx)
                .await?;
        if current.as_deref() == Some(row.version.as_str()) {
            return Ok(InstallOutcome::Unchanged);
        }
        sqlx::query::<Any>(
            "INSERT INTO apps (app_id, current_version, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (app_id) DO UPDATE SET current_version = excluded.current_version, \
             updated_at = excluded.updated_at",
        )
        .bind(&row.app_id)
        .bind(&row.version)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(InstallOutcome::Installed)
    }

    /// The current version of every app, ordered by id.
    pub async fn current_app_versions(&self) -> Result<Vec<AppVersionRow>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT v.app_id, v.version, v.name, v.kind, v.vendor, v.manifest, v.digest, v.installed_at \
             FROM apps a JOIN app_versions v ON v.app_id = a.app_id AND v.version = a.current_version \
             ORDER BY v.app_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(version_from).collect::<Result<_, _>>()?)
    }

    /// One installed version of an app.
    pub async fn app_version(&self, app_id: &str, version: &str) -> Result<Option<AppVersionRow>, StorageError> {
        let row = sqlx::query::<Any>(
            "SELECT app_id, version, name, kind, vendor, manifest, digest, installed_at FROM app_versions \
             WHERE app_id = $1 AND version = $2",
        )
        .bind(app_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(version_from).transpose()?)
    }

    /// The bytes of the component with `digest`.
    pub async fn component_bytes(&self, digest: &str) -> Result<Vec<u8>, StorageError> {
        sqlx::query_scalar::<Any, Vec<u8>>("SELECT bytes FROM components WHERE digest = $1")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// A number that changes whenever the catalog does.
    pub async fn catalog_revision(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar::<Any, i64>("SELECT revision FROM catalog_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }
}
