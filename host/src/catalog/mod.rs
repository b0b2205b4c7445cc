//! The app catalog: installing micro-apps and keeping the current version of
//! each one compiled and linked, ready for requests.

mod capability;
mod documents;
mod files;
mod manifest;
mod naming;
mod upcoming;
mod validate;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};

pub use documents::IndexDeclaration;
pub use files::{DEFAULT_MAX_FILE_BYTES, FilesDeclaration};
pub use manifest::{
    AppKind, Capability, CapabilityKind, Manifest, ManifestError, PlatformInterface, Processing, ProfileField,
    RequestedGrant, is_app_id, is_collection_name, version_order,
};
pub use naming::is_path_below_app;
pub use upcoming::UpcomingDeclaration;
pub use validate::{check_binary, check_component};

use crate::policy::AppPolicy;
use crate::runtime::{AppPre, Quarantine, Runtime, RuntimeError};
use crate::storage::{AppVersionRow, Database, InstallOutcome, StorageError, now_ms};

/// Why an app could not be installed or loaded. Every message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("the file is not a WebAssembly component")]
    NotWasm,
    #[error(
        "the file is a core WebAssembly module, not a component: build the app for the wasm32-wasip2 target \
         (or wrap the module with `wasm-tools component new`)"
    )]
    CoreModule,
    #[error("the component is invalid: {0}")]
    InvalidComponent(String),
    #[error(
        "the component imports `{0}`, which is outside the courtyard:platform package and the allowed WASI subset \
         (wasi:io, wasi:clocks, wasi:random, wasi:cli)"
    )]
    ForbiddenImport(String),
    #[error("the component imports `{import}` but the manifest asks for no capability that covers it (needs {needs})")]
    UndeclaredImport { import: String, needs: String },
    #[error("the component imports `{0}`, a version this host does not provide")]
    UnsupportedVersion(String),
    #[error("the component does not export `{0}`, which every micro-app must")]
    MissingExport(String),
    #[error("{0}")]
    Link(String),
    #[error("{0}")]
    Conflict(String),
    #[error("storage: {0}")]
    Storage(StorageError),
}

impl From<StorageError> for InstallError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Conflict(message) => InstallError::Conflict(message),
            other => InstallError::Storage(other),
        }
    }
}

impl From<RuntimeError> for InstallError {
    fn from(err: RuntimeError) -> Self {
        match err {
            RuntimeError::Compile(message) => InstallError::InvalidComponent(message),
            other => InstallError::Link(other.to_string()),
        }
    }
}

/// An app version ready to serve requests.
pub struct LoadedApp {
    pub manifest: Manifest,
    /// SHA-256 of the component, lower-case hex.
    pub digest: String,
    pub policy: Arc<AppPolicy>,
    pub pre: AppPre,
    /// Set when the app's guest code ran slow; see `runtime::Quarantine`.
    pub quarantine: Arc<Quarantine>,
}

impl std::fmt::Debug for LoadedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedApp").field("manifest", &self.manifest).field("digest", &self.digest).finish()
    }
}

/// What `install` did.
#[derive(Debug, Clone)]
pub struct InstallReport {
    pub id: String,
    pub version: String,
    pub digest: String,
    pub outcome: InstallOutcome,
}

/// Validates, compiles and links a component against its manifest, without
/// storing anything.
pub fn prepare(runtime: &Runtime, component: &[u8], manifest: Manifest) -> Result<LoadedApp, InstallError> {
    check_binary(component)?;
    let digest = hex::encode(Sha256::digest(component));
    let compiled = runtime.compile(&digest, component)?;
    check_component(runtime.engine(), &compiled, &manifest)?;
    let pre = runtime.prepare(&compiled)?;
    Ok(LoadedApp {
        policy: Arc::new(AppPolicy::of(&manifest, &digest)),
        manifest,
        digest,
        pre,
        quarantine: Arc::new(Quarantine::default()),
    })
}

/// Checks and records an app version, making it current.
pub async fn install(
    database: &Database,
    runtime: &Arc<Runtime>,
    component: Vec<u8>,
    manifest_text: &str,
) -> Result<(InstallReport, Arc<LoadedApp>), InstallError> {
    let manifest = Manifest::parse(manifest_text)?;
    let runtime_for_compile = Arc::clone(runtime);
    let (loaded, component) = tokio::task::spawn_blocking(move || {
        let loaded = prepare(&runtime_for_compile, &component, manifest);
        (loaded, component)
    })
    .await
    .map_err(|err| InstallError::Link(format!("compilation task failed: {err}")))?;
    let loaded = loaded?;
    let row = AppVersionRow {
        app_id: loaded.manifest.id.clone(),
        version: loaded.manifest.version.clone(),
        name: loaded.manifest.name.clone(),
        kind: loaded.manifest.kind.as_str().to_owned(),
        vendor: loaded.manifest.vendor.clone(),
        manifest: manifest_text.to_owned(),
        digest: loaded.digest.clone(),
        installed_at: now_ms(),
    };
    // The indexes the manifest declares exist before any version that
    // queries by them serves (creating one is idempotent, on any node).
    for index in &loaded.manifest.indexes {
        database.ensure_document_index(&loaded.manifest.id, &index.collection, &index.fields).await?;
    }
    let outcome = database.install_app_version(&row, &component).await?;
    let report = InstallReport { id: row.app_id, version: row.version, digest: row.digest, outcome };
    Ok((report, Arc::new(loaded)))
}

/// The apps this node serves, kept in step with the database.
pub struct Catalog {
    database: Database,
    runtime: Arc<Runtime>,
    apps: RwLock<HashMap<String, Arc<LoadedApp>>>,
    /// Earlier versions still serving customers who have not approved what
    /// a newer version asks for.
    earlier: RwLock<HashMap<(String, String), Arc<LoadedApp>>>,
    revision: AtomicI64,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("revision", &self.revision).finish_non_exhaustive()
    }
}

impl Catalog {
    /// Loads the current version of every installed app.
    pub async fn load(database: Database, runtime: Arc<Runtime>) -> Result<Catalog, InstallError> {
        let catalog = Catalog {
            database,
            runtime,
            apps: RwLock::new(HashMap::new()),
            earlier: RwLock::new(HashMap::new()),
            revision: AtomicI64::new(-1),
        };
        catalog.refresh().await?;
        Ok(catalog)
    }

    /// The app `id`, if installed.
    pub fn get(&self, id: &str) -> Option<Arc<LoadedApp>> {
        self.apps.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(id).cloned()
    }

    /// Version `version` of app `id`: the current one, or an earlier one
    /// loaded (and kept) on first use.
    pub async fn version(&self, id: &str, version: &str) -> Result<Option<Arc<LoadedApp>>, InstallError> {
        if let Some(current) = self.get(id).filter(|app| app.manifest.version == version) {
            return Ok(Some(current));
        }
        let key = (id.to_owned(), version.to_owned());
        if let Some(loaded) = self.earlier.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&key) {
            return Ok(Some(Arc::clone(loaded)));
        }
        let Some(row) = self.database.app_version(id, version).await? else {
            return Ok(None);
        };
        let bytes = self.database.component_bytes(&row.digest).await?;
        let manifest = Manifest::parse(&row.manifest)?;
        let runtime = Arc::clone(&self.runtime);
        let loaded = tokio::task::spawn_blocking(move || prepare(&runtime, &bytes, manifest))
            .await
            .map_err(|err| InstallError::Link(format!("compilation task failed: {err}")))??;
        let loaded = Arc::new(loaded);
        self.earlier.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(key, Arc::clone(&loaded));
        Ok(Some(loaded))
    }

    /// Every served app, ordered by id.
    pub fn list(&self) -> Vec<Arc<LoadedApp>> {
        let apps = self.apps.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut list: Vec<_> = apps.values().cloned().collect();
        list.sort_by(|a, b| a.manifest.id.cmp(&b.manifest.id));
        list
    }

    /// Installs an app version and serves it at once on this node.
    pub async fn install(&self, component: Vec<u8>, manifest_text: &str) -> Result<InstallReport, InstallError> {
        let (report, loaded) = install(&self.database, &self.runtime, component, manifest_text).await?;
        self.apps.write().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(report.id.clone(), loaded);
        Ok(report)
    }

    /// Installs a core app bundled with this build, unless the catalog already
    /// runs a newer version of it (installed by an operator, or by a newer
    /// node): a restart never rolls an app back.
    pub async fn install_bundled(&self, component: &[u8], manifest_text: &str) -> Result<(), InstallError> {
        let manifest = Manifest::parse(manifest_text)?;
        if let Some(current) = self.get(&manifest.id)
            && version_order(&current.manifest.version) > version_order(&manifest.version)
        {
            tracing::info!(
                app = %manifest.id,
                running = %current.manifest.version,
                bundled = %manifest.version,
                "keeping the newer installed version of a core app"
            );
            return Ok(());
        }
        let report = self.install(component.to_vec(), manifest_text).await?;
        tracing::debug!(app = %report.id, version = %report.version, outcome = ?report.outcome, "core app");
        Ok(())
    }

    /// Reloads apps whose current version changed since the last look (for
    /// example installed by the CLI or by another node). Returns whether
    /// anything was reloaded.
    pub async fn refresh(&self) -> Result<bool, InstallError> {
        let revision = self.database.catalog_revision().await?;
        if revision == self.revision.load(Ordering::Acquire) {
            return Ok(false);
        }
        for row in self.database.current_app_versions().await? {
            let unchanged = self
                .get(&row.app_id)
                .is_some_and(|app| app.manifest.version == row.version && app.digest == row.digest);
            if unchanged {
                continue;
            }
            let bytes = self.database.component_bytes(&row.digest).await?;
            let manifest = Manifest::parse(&row.manifest)?;
            let runtime = Arc::clone(&self.runtime);
            let loaded = tokio::task::spawn_blocking(move || prepare(&runtime, &bytes, manifest))
                .await
                .map_err(|err| InstallError::Link(format!("compilation task failed: {err}")))?;
            match loaded {
                Ok(loaded) => {
                    tracing::info!(app = %row.app_id, version = %row.version, "serving app version");
                    self.apps
                        .write()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .insert(row.app_id.clone(), Arc::new(loaded));
                }
                // One broken app must not keep the others from loading.
                Err(err) => {
                    tracing::error!(app = %row.app_id, version = %row.version, error = %err, "cannot load app")
                }
            }
        }
        self.revision.store(revision, Ordering::Release);
        Ok(true)
    }
}
