//! Deployment settings: where data lives, how the server listens, and the
//! limits every guest runs under.
//!
//! Everything has a default; a TOML file (`--config`) overrides any of it:
//!
//! ```toml
//! listen = "0.0.0.0:8080"
//! database_url = "postgres://courtyard@db/courtyard"
//!
//! [runtime]
//! deadline_ms = 1000
//! memory_bytes = 33554432
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole configuration of one host node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database, the compiled-component cache and the
    /// development mail folder live.
    pub data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; `sqlite://…` a specific SQLite
    /// file. Unset means the embedded SQLite file `courtyard.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Where compiled components are cached; defaults to `data_dir/cache`.
    pub cache_dir: Option<PathBuf>,
    /// The address people reach this deployment at; links in mails use it.
    /// Unset means `http://localhost:<port>` when listening on a loopback
    /// address, else `http://<listen>`.
    pub public_url: Option<String>,
    /// Where third-party apps are served, each from an origin of its own: a
    /// URL whose host holds `{app}`, such as `https://{app}.apps.example.com`
    /// (needs a wildcard DNS name and certificate). Unset means `{app}.apps.`
    /// in front of the public URL's host.
    pub app_origins: Option<String>,
    /// How often a node checks the app catalog for new installs, in ms.
    pub catalog_refresh_ms: u64,
    /// Limits of a single guest request.
    pub runtime: RuntimeLimits,
    /// Limits of the HTTP front.
    pub http: HttpLimits,
    /// Sign-in, tokens and sessions.
    pub auth: AuthSettings,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// The audit log.
    pub audit: AuditSettings,
    /// What apps may send out.
    pub outbound_http: OutboundSettings,
    /// Limits on what apps do for people.
    pub apps: AppSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            cache_dir: None,
            public_url: None,
            app_origins: None,
            catalog_refresh_ms: 2_000,
            runtime: RuntimeLimits::default(),
            http: HttpLimits::default(),
            auth: AuthSettings::default(),
            mail: MailSettings::default(),
            audit: AuditSettings::default(),
            outbound_http: OutboundSettings::default(),
            apps: AppSettings::default(),
        }
    }
}

/// The sandbox of one request. See invariant 7 in the design: the guest
/// cannot hurt the host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeLimits {
    /// Wall-clock budget of guest code per request.
    pub deadline_ms: u64,
    /// Linear memory a single instance may grow to.
    pub memory_bytes: usize,
    /// Native stack guest code may use before it traps.
    pub max_wasm_stack_bytes: usize,
    /// Largest response body a guest may return.
    pub response_bytes: usize,
    /// Host calls (imports) a guest may make in one request.
    pub host_calls_per_request: u32,
    /// Guest stdout plus stderr kept (and sent to the log) per request.
    pub guest_output_bytes: usize,
    /// Instances that may run at the same time on this node; further
    /// requests get 503 until a slot frees up.
    pub max_concurrent_instances: u32,
    /// Largest document body an app may store.
    pub document_bytes: usize,
}

impl Default for RuntimeLimits {
    fn default() -> Self {
        RuntimeLimits {
            deadline_ms: 2_000,
            memory_bytes: 64 << 20,
            max_wasm_stack_bytes: 1 << 20,
            response_bytes: 4 << 20,
            host_calls_per_request: 1_000,
            guest_output_bytes: 16 << 10,
            max_concurrent_instances: 256,
            document_bytes: 64 << 10,
        }
    }
}

/// Limits of the HTTP front door.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpLimits {
    /// Largest request body accepted for an app.
    pub request_body_bytes: usize,
    /// How long a client may take to send a request's headers.
    pub header_timeout_ms: u64,
    /// How long a request body may pause between two chunks.
    pub body_timeout_ms: u64,
    /// Connections open at once; further clients wait to be accepted.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            request_body_bytes: 1 << 20,
            header_timeout_ms: 10_000,
            body_timeout_ms: 10_000,
            max_connections: 1024,
        }
    }
}

/// Sign-in, tokens and sessions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// `iss` of access tokens.
    pub issuer: String,
    /// `aud` of access tokens.
    pub audience: String,
    /// Lifetime of an access token.
    pub access_token_secs: i64,
    /// A refresh token (API) or browser session lives this long unused.
    pub session_days: i64,
    /// The key that signs new tokens; must be one of `keys`.
    pub signing_key: Option<String>,
    /// Keys that verify tokens. Unset means one key generated on first start
    /// and kept in `<data_dir>/signing.key` (enough for a single node).
    pub keys: Vec<KeySetting>,
    /// How long a node trusts what it read about a session or a user's roles
    /// before reading it again; revocations on the same node apply at once.
    pub cache_ms: u64,
    /// Mark the session cookie `Secure` (turn off only for plain-HTTP tests).
    pub secure_cookie: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            issuer: "courtyard".to_owned(),
            audience: "courtyard-api".to_owned(),
            access_token_secs: 900,
            session_days: 30,
            signing_key: None,
            keys: Vec::new(),
            cache_ms: 2_000,
            secure_cookie: true,
        }
    }
}

/// One token key: an id (`kid`) and a secret of at least 32 bytes.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySetting {
    pub kid: String,
    pub secret: String,
}

impl std::fmt::Debug for KeySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySetting").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// Outgoing mail.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// The sender of every mail.
    pub from: String,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`; unset means
    /// mail is written to `folder` instead.
    pub smtp_url: Option<String>,
    /// The development mail folder; defaults to `<data_dir>/mail`.
    pub folder: Option<PathBuf>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings { from: "Courtyard <no-reply@courtyard.localhost>".to_owned(), smtp_url: None, folder: None }
    }
}

/// The audit log's checkpoints.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// The Ed25519 key (64 hex digits) that signs checkpoints. Unset means a
    /// key generated on first start in `<data_dir>/audit.key`; nodes sharing
    /// a PostgreSQL database must share this key.
    pub signing_key: Option<String>,
    /// A signed checkpoint every this many entries.
    pub checkpoint_every: i64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings { signing_key: None, checkpoint_every: 1_000 }
    }
}

impl std::fmt::Debug for AuditSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSettings").field("checkpoint_every", &self.checkpoint_every).finish_non_exhaustive()
    }
}

/// Outbound HTTP of apps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboundSettings {
    /// Allow `http://` URLs (development only).
    pub allow_plain_http: bool,
    /// Allow loopback, private and link-local addresses (development only).
    pub allow_private_addresses: bool,
    /// Sends requests for a host to another origin, e.g. a vendor's staging
    /// system: `"api.vendor.example" = "http://127.0.0.1:9000"`. Grants and
    /// audit entries still name the original host.
    pub redirect: std::collections::BTreeMap<String, String>,
    /// Addresses for host names, used instead of DNS (split-horizon set-ups,
    /// pinning a vendor): `"api.vendor.example" = "203.0.113.7"`. The
    /// private-address rule still applies to them.
    pub resolve: std::collections::BTreeMap<String, std::net::IpAddr>,
    /// Longest wait for an answer (also bounded by the request's deadline).
    pub timeout_ms: u64,
    /// Largest answer an app may receive.
    pub response_bytes: usize,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        OutboundSettings {
            allow_plain_http: false,
            allow_private_addresses: false,
            redirect: std::collections::BTreeMap::new(),
            resolve: std::collections::BTreeMap::new(),
            timeout_ms: 10_000,
            response_bytes: 1 << 20,
        }
    }
}

/// What apps may do for and to people.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppSettings {
    /// Notifications one app may send one person per hour.
    pub notifications_per_hour: i64,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings { notifications_per_hour: 20 }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid configuration: {source}")]
    Parse { path: PathBuf, source: toml::de::Error },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults with `data_dir` set, listening on an ephemeral loopback port.
    pub fn with_data_dir(dir: impl Into<PathBuf>) -> Config {
        Config { listen: SocketAddr::from(([127, 0, 0, 1], 0)), data_dir: dir.into(), ..Config::default() }
    }

    /// Reads a TOML file; unset keys keep their defaults.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        let config: Config =
            toml::from_str(&text).map_err(|source| ConfigError::Parse { path: path.to_owned(), source })?;
        config.validate()?;
        Ok(config)
    }

    /// Rejects settings that would make the sandbox meaningless.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let limits = &self.runtime;
        let checks = [
            (limits.deadline_ms == 0, "runtime.deadline_ms must be positive"),
            (limits.memory_bytes < (1 << 20), "runtime.memory_bytes must be at least 1 MiB"),
            (limits.max_wasm_stack_bytes < (64 << 10), "runtime.max_wasm_stack_bytes must be at least 64 KiB"),
            (limits.response_bytes == 0, "runtime.response_bytes must be positive"),
            (limits.max_concurrent_instances == 0, "runtime.max_concurrent_instances must be positive"),
            (limits.document_bytes == 0, "runtime.document_bytes must be positive"),
            (self.http.request_body_bytes == 0, "http.request_body_bytes must be positive"),
            (self.http.header_timeout_ms == 0, "http.header_timeout_ms must be positive"),
            (self.http.body_timeout_ms == 0, "http.body_timeout_ms must be positive"),
            (self.http.max_connections == 0, "http.max_connections must be positive"),
            (self.catalog_refresh_ms == 0, "catalog_refresh_ms must be positive"),
            (self.auth.access_token_secs < 30, "auth.access_token_secs must be at least 30"),
            (self.auth.session_days < 1, "auth.session_days must be at least 1"),
        ];
        match checks.iter().find(|(failed, _)| *failed) {
            Some((_, message)) => Err(ConfigError::Invalid((*message).to_owned())),
            None => Ok(()),
        }
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("courtyard.db").display()),
        }
    }

    /// The compiled-component cache directory in effect.
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(|| self.data_dir.join("cache"))
    }

    /// The base URL links in mails point at, without a trailing slash.
    pub fn public_url(&self, local_addr: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None if local_addr.ip().is_loopback() => format!("http://localhost:{}", local_addr.port()),
            None => format!("http://{local_addr}"),
        }
    }

    /// The development mail folder in effect.
    pub fn mail_folder(&self) -> PathBuf {
        self.mail.folder.clone().unwrap_or_else(|| self.data_dir.join("mail"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_overrides_only_what_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("courtyard.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\n[runtime]\ndeadline_ms = 500\n").unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.listen.port(), 9000);
        assert_eq!(config.runtime.deadline_ms, 500);
        assert_eq!(config.runtime.memory_bytes, 64 << 20);
        assert_eq!(config.auth.access_token_secs, 900);
    }

    #[test]
    fn unknown_keys_and_useless_limits_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("courtyard.toml");
        std::fs::write(&path, "[runtime]\ndeadline = 5\n").unwrap();
        assert!(matches!(Config::from_file(&path), Err(ConfigError::Parse { .. })));
        std::fs::write(&path, "[runtime]\nmemory_bytes = 10\n").unwrap();
        assert!(matches!(Config::from_file(&path), Err(ConfigError::Invalid(_))));
    }
}
