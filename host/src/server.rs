//! Starting and stopping a host node.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::audit::{Auditor, CheckpointSigner};
use crate::bundled::CORE_APPS;
use crate::capabilities::{OutboundClient, ProfileCache};
use crate::catalog::AppKind;
use crate::catalog::{Catalog, InstallReport};
use crate::config::Config;
use crate::identity::Identity;
use crate::mail::{Delivery, Mailer};
use crate::policy::{PolicyStore, spawn_invalidation};
use crate::runtime::{HostServices, Runtime};
use crate::storage::Database;
use crate::web::{AppState, reconcile_core_app, service};

/// A running node: HTTP server, catalog refresher and runtime.
pub struct Server {
    local_addr: SocketAddr,
    database: Database,
    catalog: Arc<Catalog>,
    identity: Arc<Identity>,
    shutdown: Option<oneshot::Sender<()>>,
    serving: JoinHandle<std::io::Result<()>>,
    refresher: JoinHandle<()>,
    mail_delivery: JoinHandle<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("local_addr", &self.local_addr).finish_non_exhaustive()
    }
}

/// Connects storage, loads the catalog (installing the core apps) and starts
/// listening.
pub async fn start(config: Config) -> anyhow::Result<Server> {
    config.validate()?;
    crate::storage::create_data_dir(&config.data_dir)
        .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    let database = Database::connect(&config.database_url()).await?;
    crate::files::staging::sweep(&config.data_dir.join("uploads"));
    let runtime = Arc::new(Runtime::new(config.runtime.clone(), config.cache_dir())?);
    let catalog = Arc::new(Catalog::load(database.clone(), Arc::clone(&runtime)).await?);
    for app in CORE_APPS {
        catalog.install_bundled(app.component, app.manifest).await.context("installing a core app")?;
    }
    let policy = Arc::new(PolicyStore::new(database.clone()).await?);
    spawn_invalidation(Arc::clone(&policy), config.database_url());
    let signer = CheckpointSigner::load(config.audit.signing_key.as_deref(), &config.data_dir)
        .context("loading the audit signing key")?;
    let auditor = Auditor::start(database.clone(), Some(Arc::new(signer)), config.audit.checkpoint_every);
    let services = HostServices {
        database: database.clone(),
        tokio: tokio::runtime::Handle::current(),
        document_bytes: config.runtime.document_bytes,
        policy,
        auditor,
        outbound: OutboundClient::new(config.outbound_http.clone()).context("setting up outbound HTTP")?,
        notifications_per_hour: config.apps.notifications_per_hour,
        profiles: Arc::new(ProfileCache::new(database.clone(), Duration::from_millis(config.auth.cache_ms))),
    };
    reconcile_core_apps(&catalog, &services).await;
    let identity = Arc::new(Identity::new(&config, database.clone()).context("setting up token keys")?);
    let from =
        config.mail.from.parse().with_context(|| format!("mail.from `{}` is not a mailbox", config.mail.from))?;
    let delivery = match &config.mail.smtp_url {
        Some(url) => crate::mail::smtp(url).context("mail.smtp_url")?,
        None => Delivery::Folder(config.mail_folder()),
    };
    let mailer = Mailer::new(database.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let local_addr = listener.local_addr()?;
    let services_for_refresh = services.clone();
    let state = AppState::new(
        &config,
        Arc::clone(&catalog),
        runtime,
        services,
        Arc::clone(&identity),
        mailer.clone(),
        config.public_url(local_addr),
    )?;
    if let Delivery::Folder(folder) = &delivery {
        tracing::info!(folder = %folder.display(), "no SMTP server configured: mail is written to this folder");
    }
    let notification_mail = crate::web::notification_mail(state.clone());
    let mail_delivery = tokio::spawn(async move {
        tokio::join!(mailer.deliver_forever(delivery, from), notification_mail);
    });
    let (shutdown, stop) = oneshot::channel::<()>();
    let app = service(state);
    let limits = config.http.clone();
    let serving = tokio::spawn(crate::web::serve(listener, app, limits, async move {
        let _ = stop.await;
    }));
    let refresher = tokio::spawn(refresh_catalog(
        Arc::clone(&catalog),
        services_for_refresh,
        Duration::from_millis(config.catalog_refresh_ms),
    ));
    tracing::info!(%local_addr, database = ?database.dialect(), "courtyard is serving");
    Ok(Server { local_addr, database, catalog, identity, shutdown: Some(shutdown), serving, refresher, mail_delivery })
}

async fn refresh_catalog(catalog: Arc<Catalog>, services: HostServices, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match catalog.refresh().await {
            Ok(true) => reconcile_core_apps(&catalog, &services).await,
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "catalog refresh failed"),
        }
    }
}

/// Core apps are enabled for every customer unless the customer decided
/// otherwise; see `web::reconcile_core_app`.
async fn reconcile_core_apps(catalog: &Catalog, services: &HostServices) {
    for app in catalog.list().iter().filter(|app| app.manifest.kind == AppKind::Core) {
        if let Err(err) = reconcile_core_app(services, app).await {
            tracing::warn!(app = %app.manifest.id, error = %err, "cannot record core app approvals");
        }
    }
}

impl Server {
    /// Where the node listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The node's database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The node's sessions and tokens.
    pub fn identity(&self) -> &Arc<Identity> {
        &self.identity
    }

    /// The node's catalog.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Installs an app and serves it at once.
    pub async fn install_app(&self, component: &[u8], manifest_toml: &str) -> anyhow::Result<InstallReport> {
        Ok(self.catalog.install(component.to_vec(), manifest_toml).await?)
    }

    /// Stops accepting connections, lets in-flight requests finish, and
    /// closes the database.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.refresher.abort();
        self.mail_delivery.abort();
        if let Err(err) = (&mut self.serving).await {
            tracing::warn!(error = %err, "server task ended abnormally");
        }
        self.database.close().await;
    }

    /// Serves until the task ends (it does not end on its own).
    pub async fn wait(mut self) -> anyhow::Result<()> {
        (&mut self.serving).await??;
        Ok(())
    }
}
