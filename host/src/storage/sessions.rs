//! Sessions, the single-use secrets mailed to people, and the sign-in
//! throttle: the state sign-in keeps between requests.

use sqlx::{Any, Row};

use super::accounts::normalize_email;
use super::tenancy::new_id;
use super::{Database, StorageError, now_ms};

/// A session row: what a refresh token or browser cookie stands for.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub property_id: Option<String>,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// What a single-use mail token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    Invitation,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify-email",
            TokenPurpose::ResetPassword => "reset-password",
            TokenPurpose::Invitation => "invitation",
        }
    }
}

/// A mail token that was valid and is now used up.
#[derive(Debug, Clone)]
pub struct RedeemedToken {
    pub user_id: Option<String>,
    pub email: String,
    pub occupancy_id: Option<String>,
    pub created_by: Option<String>,
}

impl Database {
    pub async fn insert_session(
        &self,
        user_id: &str,
        kind: &str,
        secret_hash: &str,
        expires_at: i64,
    ) -> Result<String, StorageError> {
        let id = new_id();
        let now = now_ms();
        sqlx::query::<Any>(
            "INSERT INTO sessions (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(kind)
        .bind(secret_hash)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, StorageError> {
        let row = sqlx::query::<Any>(
            "SELECT id, user_id, kind, property_id, expires_at, revoked_at FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|row| {
                Ok::<_, sqlx::Error>(SessionRow {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    kind: row.try_get("kind")?,
                    property_id: row.try_get("property_id")?,
                    expires_at: row.try_get("expires_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .transpose()?)
    }

    /// The live session whose current secret hashes to `secret_hash`.
    pub async fn session_by_secret(&self, secret_hash: &str) -> Result<Option<SessionRow>, StorageError> {
        let id: Option<String> = sqlx::query_scalar::<Any, String>(
            "SELECT id FROM sessions WHERE secret_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(secret_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.session(&id).await,
            None => Ok(None),
        }
    }

    /// Replaces the secret of a live session, but only if it still is
    /// `old_hash`: of two refreshes racing with one token, one wins.
    pub async fn rotate_session_secret(
        &self,
        id: &str,
        old_hash: &str,
        new_hash: &str,
        expires_at: i64,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query::<Any>(
            "UPDATE sessions SET secret_hash = $3, previous_hash = $2, last_used_at = $4, expires_at = $5 \
             WHERE id = $1 AND secret_hash = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(old_hash)
        .bind(new_hash)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The session a spent (rotated-away) refresh secret belonged to.
    pub async fn session_by_previous_secret(&self, secret_hash: &str) -> Result<Option<String>, StorageError> {
        Ok(sqlx::query_scalar::<Any, String>("SELECT id FROM sessions WHERE previous_hash = $1")
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn revoke_session(&self, id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn revoke_sessions_of(&self, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE user_id = $1")
            .bind(user_id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn choose_session_property(&self, id: &str, property_id: Option<&str>) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE sessions SET property_id = $2 WHERE id = $1")
            .bind(id)
            .bind(property_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a single-use mail token (its hash) valid until `expires_at`.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        user_id: Option<&str>,
        email: &str,
        occupancy_id: Option<&str>,
        created_by: Option<&str>,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query::<Any>(
            "INSERT INTO email_tokens (token_hash, purpose, user_id, email, occupancy_id, created_by, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(user_id)
        .bind(normalize_email(email))
        .bind(occupancy_id)
        .bind(created_by)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses up a mail token: succeeds once, while it is unexpired.
    pub async fn redeem_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> Result<Option<RedeemedToken>, StorageError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query::<Any>(
            "UPDATE email_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL \
             AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let row = sqlx::query::<Any>(
            "SELECT user_id, email, occupancy_id, created_by FROM email_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_one(&mut *tx)
        .await?;
        let token = RedeemedToken {
            user_id: row.try_get("user_id")?,
            email: row.try_get("email")?,
            occupancy_id: row.try_get("occupancy_id")?,
            created_by: row.try_get("created_by")?,
        };
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Counts a failed sign-in for `email_key`; returns the failures so far.
    pub async fn record_login_failure(
        &self,
        email_key: &str,
        blocked_until: impl Fn(i64) -> i64,
    ) -> Result<i64, StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query::<Any>(
            "INSERT INTO login_throttle (email_key, failures, blocked_until) VALUES ($1, 0, 0) \
             ON CONFLICT (email_key) DO NOTHING",
        )
        .bind(email_key)
        .execute(&mut *tx)
        .await?;
        let failures: i64 = sqlx::query_scalar::<Any, i64>("SELECT failures FROM login_throttle WHERE email_key = $1")
            .bind(email_key)
            .fetch_one(&mut *tx)
            .await?
            + 1;
        sqlx::query::<Any>("UPDATE login_throttle SET failures = $2, blocked_until = $3 WHERE email_key = $1")
            .bind(email_key)
            .bind(failures)
            .bind(blocked_until(failures))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(failures)
    }

    /// Until when sign-ins for `email_key` are refused (ms; 0 if not).
    pub async fn login_blocked_until(&self, email_key: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar::<Any, i64>("SELECT blocked_until FROM login_throttle WHERE email_key = $1")
            .bind(email_key)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(0))
    }

    pub async fn clear_login_failures(&self, email_key: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("DELETE FROM login_throttle WHERE email_key = $1")
            .bind(email_key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
