//! Credentials for a third-party app's own origin.
//!
//! A third-party app is served from an origin of its own
//! (`https://{app}.apps.…`), so its pages can hold neither the platform's
//! session cookie nor anything else of the platform's origin. To open it,
//! the platform hands the browser a **ticket**: a random secret for
//! entering that one app, good for one use within a minute. The app's
//! origin redeems it for a **pass**: a token for that app alone, kept in a
//! cookie of that origin, valid for an hour. Both name the platform session
//! they came from, so signing out ends them too. Neither is accepted by the
//! platform API or by another app's origin (see
//! [`super::TokenKeys::issue_scoped`]).
//!
//! Tickets are kept in the database (their digest only), and redeeming one
//! deletes it: a ticket works once, on whichever node redeems it, and one
//! seen again (a replay, a link copied out of a browser's history) finds
//! nothing. What single use cannot stop is someone handing a victim's
//! browser a fresh ticket of their own within its minute, so that the
//! victim uses the app as that someone; the app then holds only what the
//! victim types into it under the other person's pseudonym, never the
//! victim's own data from the platform, and the victim's next visit from
//! home replaces the pass with their own. Showing the pass holder's name on
//! the app's pages would need the platform to write into the vendor's
//! markup, or to give the app a name it may not have been granted.

use std::sync::Arc;

use http::HeaderMap;

use super::{AuthError, Identity, Principal, cookie, digest, random_token};
use crate::storage::{StorageError, now_ms};

/// How long a ticket may take from the platform to the app's origin.
const TICKET_SECS: i64 = 60;
/// How long a pass lasts before the browser is sent round for a new one.
const PASS_SECS: i64 = 3_600;

/// The pass cookie on an app's origin (`__Host-` when `Secure`).
const SECURE_PASS_COOKIE: &str = "__Host-courtyard-app";
const PLAIN_PASS_COOKIE: &str = "courtyard-app";

impl Identity {
    /// A ticket for `principal` to enter `app` on its own origin, kept (as
    /// its digest) until it is redeemed or runs out.
    pub async fn app_ticket(&self, principal: &Principal, app: &str) -> Result<String, StorageError> {
        let ticket = random_token();
        let expires_at = now_ms() + TICKET_SECS * 1000;
        self.database
            .insert_app_ticket(&digest(&ticket), app, &principal.user_id, &principal.session_id, expires_at)
            .await?;
        Ok(ticket)
    }

    /// Redeems a ticket for `app` for a pass, once, if its session is still
    /// live.
    pub async fn redeem_app_ticket(&self, ticket: &str, app: &str) -> Result<String, AuthError> {
        let redeemed = self.database.redeem_app_ticket(&digest(ticket), app).await?;
        let redeemed = redeemed.ok_or(AuthError::TicketRefused)?;
        let session = self.live_session(&redeemed.session_id).await?;
        if session.user_id != redeemed.user_id {
            return Err(AuthError::SessionEnded);
        }
        let scope = format!("app:{app}");
        Ok(self.keys.issue_scoped(&scope, &redeemed.user_id, &redeemed.session_id, PASS_SECS, now_ms() / 1000))
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
