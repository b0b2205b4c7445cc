//! Harness for the end-to-end tests: real `courtyard` processes on loopback,
//! a real database (embedded SQLite, or PostgreSQL when
//! `COURTYARD_TEST_DATABASE_URL` is set) and real guest components.
#![allow(dead_code)]

// The harness keeps nothing unused, whatever the rest of support allows.
#[warn(dead_code)]
mod browser;
mod described;
mod vendor;
mod visitor;
mod world;

#[allow(unused_imports)]
pub use browser::{Browser, failures, platform, sign_in_as};
#[allow(unused_imports)]
pub use vendor::{Vendor, VendorCall, civil_date, days_from_today};
#[allow(unused_imports)]
pub use visitor::{Answer, Visitor};
#[allow(unused_imports)]
pub use world::{
    Auth, CustomerInfo, PASSWORD, Person, World, assert_conventions, is_rfc3339_utc_millis, link_parameter,
};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The server binary under test.
pub const SERVER_BIN: &str = env!("CARGO_BIN_EXE_courtyard-e2e-server");
pub const ECHO_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_ECHO");
pub const HOSTILE_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_HOSTILE");
pub const ESCAPE_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_ESCAPE");
pub const NOTES_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_NOTES");
pub const DESK_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_DESK");
/// The `notes` fixture and moving-service as built against contract 0.1.0.
pub const NOTES_0_1_WASM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/prebuilt/notes-0.1.wasm");
pub const MOVING_SERVICE_0_1_WASM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/prebuilt/moving-service-0.1.wasm");
pub const PINBOARD_WASM: &str = env!("COURTYARD_COMPONENT_PINBOARD");

pub const OVERREACH_WASM: &str = env!("COURTYARD_COMPONENT_FIXTURE_OVERREACH");
pub const MOVING_SERVICE_WASM: &str = env!("COURTYARD_COMPONENT_MOVING_SERVICE");

/// A complete manifest: `capabilities` is appended as TOML tables.
pub fn manifest_text(id: &str, version: &str, kind: &str, capabilities: &str) -> String {
    format!(
        "id = {id:?}\nversion = {version:?}\nname = \"Test app\"\nkind = {kind:?}\nvendor = \"Tests Ltd\"\n\
         description = \"An app made by a test.\"\nprivacy_policy = \"https://tests.example/privacy\"\n\
         [processing]\nlocation = \"EU/EEA\"\n{capabilities}"
    )
}

/// A fixture's manifest path, e.g. `fixture_manifest("hostile")`.
pub fn fixture_manifest(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name).join("courtyard.toml")
}

/// One deployment: a data directory and a database, shared by the nodes
/// started on it (one after another, or side by side on PostgreSQL).
pub struct Deployment {
    pub data_dir: tempfile::TempDir,
    pub database_url: Option<String>,
    config_path: PathBuf,
    schema: Option<(String, String)>,
}

impl Deployment {
    /// A fresh deployment with default limits.
    pub async fn new() -> Deployment {
        Deployment::with_config("").await
    }

    /// A fresh deployment; `extra` is appended to its TOML configuration.
    pub async fn with_config(extra: &str) -> Deployment {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (database_url, schema) = match std::env::var("COURTYARD_TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                create_schema(&base, &schema).await;
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
                (Some(url), Some((base, schema)))
            }
            _ => (None, None),
        };
        let cache_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("component-cache");
        let mut config = format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = {:?}\ncache_dir = {:?}\ncatalog_refresh_ms = 200\n",
            data_dir.path().display().to_string(),
            cache_dir.display().to_string(),
        );
        if let Some(url) = &database_url {
            config.push_str(&format!("database_url = {url:?}\n"));
        }
        // Top-level keys must precede tables: put `extra` tables last.
        config.push_str(extra);
        let config_path = data_dir.path().join("courtyard.toml");
        std::fs::write(&config_path, config).expect("write config");
        Deployment { data_dir, database_url, config_path, schema }
    }

    /// Starts a node and waits until it listens.
    pub fn start(&self) -> Node {
        let stderr_path = self.data_dir.path().join(format!("node-{}.log", uuid::Uuid::new_v4().simple()));
        let stderr = std::fs::File::create(&stderr_path).expect("log file");
        let mut child = Command::new(SERVER_BIN)
            .args(["serve", "--config"])
            .arg(&self.config_path)
            .env("COURTYARD_LOG", "info,courtyard::guest=debug")
            .env_remove("COURTYARD_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start courtyard");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("courtyard did not start:\n{}", std::fs::read_to_string(&stderr_path).unwrap_or_default());
            }
        };
        let base = line
            .strip_prefix("courtyard listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        Node { child, base, stderr_path }
    }

    /// A connection pool to the deployment's own database, for tests that
    /// look behind the API (or tamper with it).
    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.path().join("courtyard.db").display()));
        sqlx::AnyPool::connect(&url).await.expect("connect to the deployment's database")
    }

    /// Runs the `courtyard` CLI against this deployment.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(SERVER_BIN)
            .args(args)
            .arg("--config")
            .arg(&self.config_path)
            .env("COURTYARD_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .expect("run courtyard")
    }

    /// Runs the CLI with `input` on its standard input.
    pub fn cli_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(SERVER_BIN)
            .args(args)
            .arg("--config")
            .arg(&self.config_path)
            .env("COURTYARD_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run courtyard");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        child.wait_with_output().expect("wait for courtyard")
    }

    /// Installs an app that must install.
    pub fn install_ok(&self, component: impl AsRef<Path>, manifest: impl AsRef<Path>) {
        let installed = self.install(component, manifest);
        assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    }

    /// `courtyard app install <component> --manifest <manifest>`.
    pub fn install(&self, component: impl AsRef<Path>, manifest: impl AsRef<Path>) -> Output {
        let component = component.as_ref().to_str().expect("utf-8 path").to_owned();
        let manifest = manifest.as_ref().to_str().expect("utf-8 path").to_owned();
        self.cli(&["app", "install", &component, "--manifest", &manifest])
    }

    /// Writes `text` as a manifest file in the data directory.
    pub fn manifest(&self, name: &str, text: &str) -> PathBuf {
        let path = self.data_dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).expect("write manifest");
        path
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.schema.take() {
            // Dropping happens outside any async context: use a private runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                runtime.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&base).await {
                        let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&pool).await;
                        pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

async fn create_schema(base: &str, schema: &str) {
    let pool = sqlx::PgPool::connect(base).await.expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&pool).await.expect("create schema");
    pool.close().await;
}

/// A running `courtyard serve` process.
pub struct Node {
    child: Child,
    pub base: String,
    stderr_path: PathBuf,
}

impl Node {
    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process with SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Everything the node logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Waits until the node logged `needle` at least `times` times: an event
    /// the test can synchronise on, where a sleep would only guess.
    pub async fn wait_for_log(&self, needle: &str, times: usize) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while self.log().matches(needle).count() < times {
            assert!(std::time::Instant::now() < deadline, "`{needle}` was not logged {times} times:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the node has picked up app `id` (installed by the CLI);
    /// `who` is anyone signed in.
    pub async fn wait_for_app(&self, client: &reqwest::Client, id: &str, who: &Auth) {
        for _ in 0..100 {
            let catalog: serde_json::Value = client
                .get(self.url("/api/apps"))
                .header(who.0, who.1.clone())
                .send()
                .await
                .expect("request")
                .json()
                .await
                .unwrap_or_default();
            let served = catalog["items"].as_array().is_some_and(|apps| apps.iter().any(|app| app["id"] == id));
            if served {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("app {id} never appeared on the node");
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs `path` on `node` as `who` (see [`caller`]) and parses the JSON answer.
pub async fn get_json(client: &reqwest::Client, node: &Node, path: &str, who: &(&str, String)) -> serde_json::Value {
    let response = client.get(node.url(path)).header(who.0, who.1.clone()).send().await.expect("request");
    response.json().await.expect("a JSON answer")
}

/// An HTTP client with a generous timeout (hostile fixtures take seconds).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}
