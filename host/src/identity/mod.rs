//! Who is calling: accounts, sessions, access tokens, roles and the
//! principal every request is decided for.
//!
//! A request authenticates with either an `Authorization: Bearer` access
//! token (a JWT naming its session) or the browser's session cookie. Either
//! way the session must be live, so signing out revokes both at once. The
//! tenant context (customer, property, roles) always comes from the database
//! through the session, never from a header or a body.
//!
//! ```
//! use courtyard::identity::{Permission, Role};
//! assert!(Role::PropertyManager.grants(Permission::UnitsWrite));
//! assert!(!Role::Resident.grants(Permission::RolesAssign));
//! ```

mod app_pass;
mod password;
mod principal;
mod roles;
pub mod secrets;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::HeaderMap;

pub use password::verify as verify_password;
pub use password::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordError, check_policy, hash as hash_password};
pub use principal::{Assignment, Principal, PropertyReach, Residence, Scope, Target};
pub use roles::{Permission, Role};
pub use secrets::{activation_code, digest, random_token};
pub use tokens::{Claims, KeyError, MIN_SECRET_BYTES, SigningKey, TokenError, TokenKeys};

use crate::config::Config;
use crate::storage::{Database, SessionRow, StorageError, now_ms};

/// The browser session cookie (with the `__Host-` prefix when it is `Secure`).
pub const SECURE_SESSION_COOKIE: &str = "__Host-courtyard-session";
pub const PLAIN_SESSION_COOKIE: &str = "courtyard-session";

/// Why a request could not be authenticated. Clients see only "401".
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the access token is not valid")]
    BadToken(#[from] TokenError),
    #[error("the session has ended")]
    SessionEnded,
    #[error("malformed credentials")]
    Malformed,
    #[error("the ticket is unknown, used already or ran out")]
    TicketRefused,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Bearer,
    Cookie,
    /// The pass cookie of a third-party app's own origin.
    AppPass,
}

/// The user's standing, as read from the database.
#[derive(Debug)]
struct Standing {
    name: String,
    locale: String,
    assignments: Arc<[Assignment]>,
    residences: Arc<[Residence]>,
}

/// Sessions, tokens and principals of one node.
pub struct Identity {
    database: Database,
    keys: TokenKeys,
    session_ms: i64,
    cache_ttl: Duration,
    secure_cookie: bool,
    sessions: Mutex<HashMap<String, (Instant, Option<SessionRow>)>>,
    standings: Mutex<HashMap<String, (Instant, Arc<Standing>)>>,
    tokens: Mutex<HashMap<Box<str>, VerifiedToken>>,
}

/// An access token this node verified, and whom it stood for.
#[derive(Clone)]
struct VerifiedToken {
    checked_at: Instant,
    exp: i64,
    /// The UTC day the principal's roles were judged on.
    day: i64,
    principal: Arc<Principal>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("keys", &self.keys).finish_non_exhaustive()
    }
}

/// Cache entries beyond this are dropped wholesale rather than grow forever.
const CACHE_CAPACITY: usize = 100_000;

/// Today in UTC as `YYYY-MM-DD`: the day roles and occupancies are judged on.
pub fn today() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

impl Identity {
    /// Sets up keys from the configuration, or (with none configured) from the
    /// node's own generated key file. Refuses secrets shorter than 32 bytes.
    pub fn new(config: &Config, database: Database) -> anyhow::Result<Identity> {
        let auth = &config.auth;
        let (keys, signing) = if auth.keys.is_empty() {
            if database.dialect() == crate::storage::Dialect::Postgres {
                tracing::warn!(
                    "no auth.keys configured: this node signs with its own key in {}; nodes sharing the database \
                     must share keys, so configure [[auth.keys]] on every node",
                    config.data_dir.join("signing.key").display()
                );
            }
            let key = secrets::local_key(&config.data_dir)?;
            let kid = key.kid.clone();
            (vec![key], auth.signing_key.clone().unwrap_or(kid))
        } else {
            let keys: Vec<SigningKey> = auth
                .keys
                .iter()
                .map(|k| SigningKey { kid: k.kid.clone(), secret: k.secret.as_bytes().to_vec() })
                .collect();
            let signing = auth
                .signing_key
                .clone()
                .or_else(|| (keys.len() == 1).then(|| keys[0].kid.clone()))
                .ok_or_else(|| anyhow::anyhow!("auth.signing_key must name one of several auth.keys"))?;
            (keys, signing)
        };
        let keys = TokenKeys::new(&keys, &signing, &auth.issuer, &auth.audience, auth.access_token_secs)?;
        Ok(Identity {
            database,
            keys,
            session_ms: auth.session_days * 86_400_000,
            cache_ttl: Duration::from_millis(auth.cache_ms),
            secure_cookie: auth.secure_cookie,
            sessions: Mutex::new(HashMap::new()),
            standings: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        })
    }

    pub fn keys(&self) -> &TokenKeys {
        &self.keys
    }

    /// The name of the session cookie.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie { SECURE_SESSION_COOKIE } else { PLAIN_SESSION_COOKIE }
    }

    /// `Set-Cookie` for a browser session secret (or, with `None`, clearing it).
    pub fn session_cookie(&self, secret: Option<&str>) -> String {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        match secret {
            Some(secret) => format!(
                "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                self.cookie_name(),
                self.session_ms / 1000
            ),
            None => format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", self.cookie_name()),
        }
    }

    /// Opens a session; returns its id and its secret (refresh token or
    /// cookie value), of which only the hash is stored.
    pub async fn open_session(&self, user_id: &str, browser: bool) -> Result<(String, String), StorageError> {
        let secret = random_token();
        let kind = if browser { "browser" } else { "api" };
        let id = self.database.insert_session(user_id, kind, &digest(&secret), now_ms() + self.session_ms).await?;
        Ok((id, secret))
    }

    /// An access token for a session.
    pub fn access_token(&self, user_id: &str, session_id: &str) -> String {
        self.keys.issue(user_id, session_id, now_ms() / 1000)
    }

    /// Exchanges a refresh token for a new one (rotation). Presenting a
    /// token that was already rotated away ends the session: someone else
    /// has a copy.
    pub async fn refresh(&self, refresh_token: &str) -> Result<(SessionRow, String), AuthError> {
        let hash = digest(refresh_token);
        let Some(session) = self.database.session_by_secret(&hash).await? else {
            if let Some(stolen) = self.database.session_by_previous_secret(&hash).await? {
                tracing::warn!(session = %stolen, "a rotated refresh token was replayed; ending the session");
                self.revoke(&stolen).await?;
            }
            return Err(AuthError::SessionEnded);
        };
        if session.kind != "api" {
            return Err(AuthError::SessionEnded);
        }
        let fresh = random_token();
        if !self.database.rotate_session_secret(&session.id, &hash, &digest(&fresh), now_ms() + self.session_ms).await?
        {
            return Err(AuthError::SessionEnded);
        }
        Ok((session, fresh))
    }

    /// Ends a session everywhere (on other nodes within the cache lifetime).
    pub async fn revoke(&self, session_id: &str) -> Result<(), StorageError> {
        self.database.revoke_session(session_id).await?;
        self.lock_sessions().remove(session_id);
        self.lock_tokens().clear();
        Ok(())
    }

    /// Ends every session of a user (after a password change).
    pub async fn revoke_all(&self, user_id: &str) -> Result<(), StorageError> {
        self.database.revoke_sessions_of(user_id).await?;
        self.lock_sessions().retain(|_, (_, session)| session.as_ref().is_none_or(|s| s.user_id != user_id));
        self.lock_tokens().clear();
        Ok(())
    }

    /// Forgets what this node cached about a user's roles and occupancies.
    pub fn forget_user(&self, user_id: &str) {
        self.lock_standings().remove(user_id);
        self.lock_tokens().clear();
    }

    /// Forgets every user's cached standing (after bulk changes).
    pub fn forget_everyone(&self) {
        self.lock_standings().clear();
        self.lock_tokens().clear();
    }

    /// Forgets a cached session (after its property choice changed).
    pub fn forget_session(&self, session_id: &str) {
        self.lock_sessions().remove(session_id);
        self.lock_tokens().clear();
    }

    /// Authenticates a request from its headers: `Ok(None)` when it carries
    /// no credentials at all.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<(Arc<Principal>, Credential)>, AuthError> {
        if let Some(value) = headers.get(http::header::AUTHORIZATION) {
            let value = value.to_str().map_err(|_| AuthError::Malformed)?;
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .ok_or(AuthError::Malformed)?
                .trim();
            // A token that verified moments ago verifies again: the same
            // bytes, the same keys. Only the clock and revocation can change
            // the answer, and both are checked.
            let now = now_ms() / 1000;
            let day = now / 86_400;
            let cached = self.lock_tokens().get(token).cloned();
            if let Some(hit) = cached
                && hit.checked_at.elapsed() < self.cache_ttl
                && hit.exp > now
                && hit.day == day
            {
                return Ok(Some((hit.principal, Credential::Bearer)));
            }
            let claims = self.keys.verify(token)?;
            let session = self.live_session(&claims.sid).await?;
            if session.user_id != claims.sub {
                return Err(AuthError::SessionEnded);
            }
            let principal = Arc::new(self.principal(&session).await?);
            let mut tokens = self.lock_tokens();
            if tokens.len() >= CACHE_CAPACITY {
                tokens.clear();
            }
            let entry =
                VerifiedToken { checked_at: Instant::now(), exp: claims.exp, day, principal: Arc::clone(&principal) };
            tokens.insert(token.into(), entry);
            return Ok(Some((principal, Credential::Bearer)));
        }
        let Some(secret) = cookie(headers, self.cookie_name()) else {
            return Ok(None);
        };
        // A cookie whose session ended (expired, signed out) is no
        // credential at all: the browser is simply not signed in, and a page
        // sends it to the sign-in form rather than answering an error.
        let Some(session) = self.database.session_by_secret(&digest(secret)).await?.filter(|s| s.kind == "browser")
        else {
            return Ok(None);
        };
        Ok(Some((Arc::new(self.principal(&session).await?), Credential::Cookie)))
    }

    async fn live_session(&self, id: &str) -> Result<SessionRow, AuthError> {
        let cached = self.lock_sessions().get(id).filter(|(at, _)| at.elapsed() < self.cache_ttl).cloned();
        let session = match cached {
            Some((_, session)) => session,
            None => {
                let session = self.database.session(id).await?;
                let mut sessions = self.lock_sessions();
                if sessions.len() >= CACHE_CAPACITY {
                    sessions.clear();
                }
                sessions.insert(id.to_owned(), (Instant::now(), session.clone()));
                session
            }
        };
        session.filter(|s| s.revoked_at.is_none() && s.expires_at > now_ms()).ok_or(AuthError::SessionEnded)
    }

    /// The principal of a live session, with roles as of today.
    pub async fn principal(&self, session: &SessionRow) -> Result<Principal, StorageError> {
        let standing = self.standing(&session.user_id).await?;
        Ok(Principal {
            user_id: session.user_id.clone(),
            session_id: session.id.clone(),
            name: standing.name.clone(),
            locale: standing.locale.clone(),
            assignments: Arc::clone(&standing.assignments),
            residences: Arc::clone(&standing.residences),
            chosen_property: session
                .property_id
                .as_deref()
                .and_then(|pair| pair.split_once('/'))
                .map(|(customer, property)| (customer.to_owned(), property.to_owned())),
            today: today(),
        })
    }

    /// The customer a person belongs to, if exactly one (see
    /// [`Principal::home_customer`]): for the audit entry of a request
    /// that had no session yet, such as signing in.
    pub async fn home_customer_of(&self, user_id: &str) -> Result<Option<String>, StorageError> {
        let standing = self.standing(user_id).await?;
        let principal = Principal {
            user_id: user_id.to_owned(),
            session_id: String::new(),
            name: standing.name.clone(),
            locale: standing.locale.clone(),
            assignments: Arc::clone(&standing.assignments),
            residences: Arc::clone(&standing.residences),
            chosen_property: None,
            today: today(),
        };
        Ok(principal.home_customer())
    }

    async fn standing(&self, user_id: &str) -> Result<Arc<Standing>, StorageError> {
        let cached = self.lock_standings().get(user_id).filter(|(at, _)| at.elapsed() < self.cache_ttl).cloned();
        if let Some((_, standing)) = cached {
            return Ok(standing);
        }
        let user = self.database.user(user_id).await?.ok_or(StorageError::NotFound)?;
        let (assignments, residences) = self.database.authority_of(user_id).await?;
        let standing = Arc::new(Standing {
            name: user.name,
            locale: user.locale,
            assignments: assignments.into(),
            residences: residences.into(),
        });
        let mut standings = self.lock_standings();
        if standings.len() >= CACHE_CAPACITY {
            standings.clear();
        }
        standings.insert(user_id.to_owned(), (Instant::now(), Arc::clone(&standing)));
        Ok(standing)
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Option<SessionRow>)>> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_tokens(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, VerifiedToken>> {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_standings(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Arc<Standing>)>> {
        self.standings.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The value of cookie `name` in the request, if present.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}
