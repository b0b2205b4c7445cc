//! The `courtyard` command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::runtime::Runtime;
use crate::storage::{Database, InstallOutcome};

#[derive(Debug, Parser)]
#[command(name = "courtyard", version, about = "The Courtyard micro-app host for residential properties")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (embedded SQLite and the core apps by default).
    Serve {
        #[command(flatten)]
        node: NodeArgs,
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "COURTYARD_LISTEN")]
        listen: Option<SocketAddr>,
    },
    /// Manage the app catalog.
    App {
        #[command(subcommand)]
        command: AppCommand,
    },
    /// Operator tasks: the first accounts of a deployment and of a customer.
    Admin {
        #[command(subcommand)]
        command: crate::admin::AdminCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI description of the platform API (what the server
    /// serves at /api/openapi.json), without starting a server.
    Openapi,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain, its signed checkpoints and its head.
    /// Exits with status 1 and names the first broken entry if any.
    Verify {
        #[command(flatten)]
        node: NodeArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AppCommand {
    /// Validate a component against its manifest and add it to the catalog.
    Install {
        /// The component (.wasm) built for wasm32-wasip2.
        component: PathBuf,
        /// The app's manifest (TOML).
        #[arg(long)]
        manifest: PathBuf,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// List the apps in the catalog with the version each one runs.
    List {
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// Where a node keeps its state.
#[derive(Debug, Args)]
pub(crate) struct NodeArgs {
    /// Configuration file (TOML); flags override it.
    #[arg(long, env = "COURTYARD_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory [default: ./data].
    #[arg(long, env = "COURTYARD_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://… for PostgreSQL; default: embedded SQLite in the data directory.
    #[arg(long, env = "COURTYARD_DATABASE_URL")]
    database_url: Option<String>,
}

impl NodeArgs {
    pub(crate) fn config(&self) -> anyhow::Result<Config> {
        let mut config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(url) = &self.database_url {
            config.database_url = Some(url.clone());
        }
        Ok(config)
    }
}

/// Entry point of the `courtyard` binary.
pub fn main() -> std::process::ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { node, listen } => {
            let mut config = node.config()?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            let server = crate::server::start(config).await?;
            // Tools and tests read this line to find the port.
            println!("courtyard listening on http://{}", server.local_addr());
            shutdown_signal().await;
            tracing::info!("shutting down");
            server.shutdown().await;
            Ok(())
        }
        Command::App { command: AppCommand::Install { component, manifest, node } } => {
            let config = node.config()?;
            let bytes = std::fs::read(&component).with_context(|| format!("cannot read {}", component.display()))?;
            let manifest_text =
                std::fs::read_to_string(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
            let database = Database::connect(&config.database_url()).await?;
            let runtime = Arc::new(Runtime::new(config.runtime.clone(), config.cache_dir())?);
            let (report, _) = crate::catalog::install(&database, &runtime, bytes, &manifest_text)
                .await
                .with_context(|| format!("refused to install {}", component.display()))?;
            let what = match report.outcome {
                InstallOutcome::Installed => "installed",
                InstallOutcome::Unchanged => "already installed",
            };
            if report.outcome == InstallOutcome::Installed {
                let mut entry = crate::audit::AuditEntry::new(
                    crate::audit::ActorKind::System,
                    "courtyard-cli",
                    "app.install",
                    "apps",
                );
                entry.resource_id = Some(format!("{}@{}", report.id, report.version));
                entry.app_version = Some(report.version.clone());
                entry.app_digest = Some(report.digest.clone());
                crate::audit::record_cli_actions(&database, &config, vec![entry]).await?;
            }
            println!("{what} {} {} (sha256 {})", report.id, report.version, report.digest);
            database.close().await;
            Ok(())
        }
        Command::Admin { command } => crate::admin::run(command).await,
        Command::Openapi => {
            let document = crate::web::api::openapi_document(&crate::web::api::declared());
            println!("{}", serde_json::to_string_pretty(&document)?);
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { node } } => {
            let config = node.config()?;
            let database = Database::connect(&config.database_url()).await?;
            let signer = crate::audit::CheckpointSigner::load(config.audit.signing_key.as_deref(), &config.data_dir)?;
            let report = crate::audit::verify(&database, &signer).await?;
            database.close().await;
            match report.broken {
                None => {
                    println!(
                        "ok: {} entries ({} to {}), {} signed checkpoints, audit key {}",
                        report.entries,
                        report.first_seq.unwrap_or(0),
                        report.last_seq.unwrap_or(0),
                        report.checkpoints,
                        signer.key_id()
                    );
                    Ok(())
                }
                Some(broken) => {
                    println!("broken at entry {}: {}", broken.seq, broken.problem);
                    Err(anyhow::anyhow!("the audit chain does not verify from entry {}", broken.seq))
                }
            }
        }
        Command::App { command: AppCommand::List { node } } => {
            let config = node.config()?;
            let database = Database::connect(&config.database_url()).await?;
            let apps = database.current_app_versions().await?;
            println!("{:<24} {:<12} {:<12} {:<28} SHA-256", "ID", "VERSION", "KIND", "VENDOR");
            for app in apps {
                println!(
                    "{:<24} {:<12} {:<12} {:<28} {}",
                    app.app_id,
                    app.version,
                    app.kind,
                    app.vendor,
                    &app.digest[..16.min(app.digest.len())]
                );
            }
            database.close().await;
            Ok(())
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COURTYARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,wasmtime=warn"));
    // Colours only for a person at a terminal, never into a file or a log collector.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colours).with_writer(std::io::stderr).try_init();
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
