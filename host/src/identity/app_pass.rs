//! Credentials for a third-party app's own origin.
//!
//! A third-party app is served from an origin of its own
//! (`https://{app}.apps.…`), so its pages can hold neither the platform's
//! session cookie nor anything else of the platform's origin. To open it,
//! the platform hands the browser a **ticket**: a token for entering that
//! one app, valid for a minute. The app's origin redeems it for a **pass**:
//! a token for that app alone, kept in a cookie of that origin, valid for
//! an hour. Both name the platform session they came from, so signing out
//! ends them too. Neither is accepted by the platform API or by another
//! app's origin (see [`super::TokenKeys::issue_scoped`]).

use std::sync::Arc;

use http::HeaderMap;

use super::{AuthError, Identity, Principal, cookie};
use crate::storage::now_ms;

/// How long a ticket may take from the platform to the app's origin.
const TICKET_SECS: i64 = 60;
/// How long a pass lasts before the browser is sent round for a new one.
const PASS_SECS: i64 = 3_600;

/// The pass cookie on an app's origin (`__Host-` when `Secure`).
const SECURE_PASS_COOKIE: &str = "__Host-courtyard-app";
const PLAIN_PASS_COOKIE: &str = "courtyard-app";

impl Identity {
    /// A ticket for `principal` to enter `app` on its own origin.
    pub fn app_ticket(&self, principal: &Principal, app: &str) -> String {
        let scope = format!("enter:{app}");
        self.keys.issue_scoped(&scope, &principal.user_id, &principal.session_id, TICKET_SECS, now_ms() / 1000)
    }

    /// Redeems a ticket for `app` for a pass, if its session is still live.
    pub async fn redeem_app_ticket(&self, ticket: &str, app: &str) -> Result<String, AuthError> {
        let claims = self.keys.verify_scoped(ticket, &format!("enter:{app}"))?;
        let session = self.live_session(&claims.sid).await?;
        if session.user_id != claims.sub {
            return Err(AuthError::SessionEnded);
        }
        let scope = format!("app:{app}");
        Ok(self.keys.issue_scoped(&scope, &claims.sub, &claims.sid, PASS_SECS, now_ms() / 1000))
    }

    /// The caller on `app`'s origin, from its pass cookie: `Ok(None)` when
    /// there is none or it has run out (the browser is sent for a new one).
    pub async fn authenticate_app(&self, headers: &HeaderMap, app: &str) -> Result<Option<Arc<Principal>>, AuthError> {
        let Some(pass) = cookie(headers, self.app_cookie_name()) else { return Ok(None) };
        let Ok(claims) = self.keys.verify_scoped(pass, &format!("app:{app}")) else { return Ok(None) };
        let session = match self.live_session(&claims.sid).await {
            Ok(session) if session.user_id == claims.sub => session,
            Ok(_) | Err(AuthError::SessionEnded) => return Ok(None),
            Err(err) => return Err(err),
        };
        Ok(Some(Arc::new(self.principal(&session).await?)))
    }

    pub fn app_cookie_name(&self) -> &'static str {
        if self.secure_cookie { SECURE_PASS_COOKIE } else { PLAIN_PASS_COOKIE }
    }

    /// `Set-Cookie` for a pass on the app's origin: host-only, HTTP-only.
    pub fn app_cookie(&self, pass: &str) -> String {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        format!("{}={pass}; Path=/; HttpOnly; SameSite=Lax; Max-Age={PASS_SECS}{secure}", self.app_cookie_name())
    }
}
