//! Users, their role assignments and sessions, and the single-use secrets
//! (mail tokens, activation codes) that create and recover accounts.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::tenancy::{conflict, new_id};
use super::{Database, StorageError, now_ms};
use crate::identity::{Assignment, Residence, Role, Scope};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub locale: String,
    pub email_verified: bool,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A role assignment as stored, with its ids.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RoleAssignment {
    pub id: String,
    pub user_id: String,
    pub role: Role,
    pub customer_id: Option<String>,
    pub property_id: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub granted_by: Option<String>,
    pub created_at: i64,
}

impl RoleAssignment {
    pub fn scope(&self) -> Scope {
        match (&self.customer_id, &self.property_id) {
            (Some(customer), Some(property)) => {
                Scope::Property { customer: customer.clone(), property: property.clone() }
            }
            (Some(customer), None) => Scope::Customer(customer.clone()),
            _ => Scope::Platform,
        }
    }
}

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

fn user_from(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        locale: row.try_get("locale")?,
        email_verified: row.try_get::<Option<i64>, _>("email_verified_at")?.is_some(),
        password_hash: row.try_get("password_hash")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn assignment_from(row: &AnyRow) -> Result<RoleAssignment, StorageError> {
    let role: String = row.try_get("role")?;
    Ok(RoleAssignment {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        role: Role::parse(&role).ok_or_else(|| StorageError::Invalid(format!("unknown role `{role}` stored")))?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        valid_from: row.try_get("valid_from")?,
        valid_until: row.try_get("valid_until")?,
        granted_by: row.try_get("granted_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Emails are compared case-insensitively; they are stored lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Database {
    /// Creates a user; `verified` marks the email address as confirmed.
    pub async fn insert_user(
        &self,
        email: &str,
        name: &str,
        locale: &str,
        password_hash: Option<&str>,
        verified: bool,
    ) -> Result<User, StorageError> {
        let now = now_ms();
        let user = User {
            id: new_id(),
            email: normalize_email(email),
            name: name.to_owned(),
            locale: locale.to_owned(),
            email_verified: verified,
            password_hash: password_hash.map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        sqlx::query::<Any>(
            "INSERT INTO users (id, email, name, locale, password_hash, email_verified_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(name)
        .bind(locale)
        .bind(password_hash)
        .bind(verified.then_some(now))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|err| conflict(err, "an account with this email exists"))?;
        Ok(user)
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM users WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM users WHERE email = $1")
            .bind(normalize_email(email))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    pub async fn save_user_profile(&self, user: &User) -> Result<User, StorageError> {
        let now = now_ms();
        sqlx::query::<Any>("UPDATE users SET name = $2, locale = $3, updated_at = $4 WHERE id = $1")
            .bind(&user.id)
            .bind(&user.name)
            .bind(&user.locale)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(User { updated_at: now, ..user.clone() })
    }

    /// Sets a password; proving control of the mailbox also verifies it.
    pub async fn set_password(&self, user_id: &str, hash: &str, verified: bool) -> Result<(), StorageError> {
        let now = now_ms();
        sqlx::query::<Any>(
            "UPDATE users SET password_hash = $2, updated_at = $3, \
             email_verified_at = CASE WHEN $4 = 1 THEN COALESCE(email_verified_at, $3) ELSE email_verified_at END \
             WHERE id = $1",
        )
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .bind(i64::from(verified))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mark_email_verified(&self, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1")
            .bind(user_id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Users linked to a customer: its staff and the residents of its
    /// properties (`properties`, or all with `None`).
    pub async fn people(&self, customer_id: &str, properties: Option<&[String]>) -> Result<Vec<User>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT DISTINCT u.*, o.property_id AS via_property FROM users u \
             JOIN occupants m ON m.user_id = u.id JOIN occupancies o ON o.id = m.occupancy_id \
             WHERE o.customer_id = $1 \
             UNION SELECT DISTINCT u.*, r.property_id AS via_property FROM users u \
             JOIN role_assignments r ON r.user_id = u.id WHERE r.customer_id = $1 \
             ORDER BY id LIMIT 2000",
        )
        .bind(customer_id)
        .fetch_all(&self.pool)
        .await?;
        let mut people = Vec::new();
        for row in &rows {
            let via: Option<String> = row.try_get("via_property")?;
            let visible = match properties {
                None => true,
                Some(allowed) => via.is_some_and(|p| allowed.contains(&p)),
            };
            let user = user_from(row)?;
            if visible && people.last().is_none_or(|last: &User| last.id != user.id) {
                people.push(user);
            }
        }
        Ok(people)
    }

    /// The properties through which `user_id` is linked to `customer_id`
    /// (`None` inside means customer-wide staff).
    pub async fn links_to_customer(
        &self,
        user_id: &str,
        customer_id: &str,
    ) -> Result<Vec<Option<String>>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT o.property_id AS via FROM occupants m JOIN occupancies o ON o.id = m.occupancy_id \
             WHERE m.user_id = $1 AND o.customer_id = $2 \
             UNION SELECT property_id AS via FROM role_assignments WHERE user_id = $1 AND customer_id = $2",
        )
        .bind(user_id)
        .bind(customer_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|row| row.try_get::<Option<String>, _>("via")).collect::<Result<_, _>>()?)
    }

    pub async fn insert_assignment(&self, assignment: &RoleAssignment) -> Result<(), StorageError> {
        sqlx::query::<Any>(
            "INSERT INTO role_assignments (id, user_id, role, customer_id, property_id, valid_from, valid_until, \
             granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&assignment.id)
        .bind(&assignment.user_id)
        .bind(assignment.role.name())
        .bind(&assignment.customer_id)
        .bind(&assignment.property_id)
        .bind(&assignment.valid_from)
        .bind(&assignment.valid_until)
        .bind(&assignment.granted_by)
        .bind(assignment.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn assignment(&self, id: &str) -> Result<Option<RoleAssignment>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM role_assignments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(assignment_from).transpose()
    }

    /// Platform-wide assignments (operators).
    pub async fn platform_assignments(&self) -> Result<Vec<RoleAssignment>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT * FROM role_assignments WHERE customer_id IS NULL AND property_id IS NULL ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assignment_from).collect()
    }

    pub async fn assignments_of_customer(&self, customer_id: &str) -> Result<Vec<RoleAssignment>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM role_assignments WHERE customer_id = $1 ORDER BY id LIMIT 2000")
            .bind(customer_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(assignment_from).collect()
    }

    pub async fn delete_assignment(&self, id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("DELETE FROM role_assignments WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Everything a principal is made of: assignments and occupancies.
    pub async fn authority_of(&self, user_id: &str) -> Result<(Vec<Assignment>, Vec<Residence>), StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM role_assignments WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        let mut assignments = Vec::with_capacity(rows.len());
        for row in &rows {
            let stored = assignment_from(row)?;
            assignments.push(Assignment {
                scope: stored.scope(),
                id: stored.id,
                role: stored.role,
                valid_from: stored.valid_from,
                valid_until: stored.valid_until,
            });
        }
        let rows = sqlx::query::<Any>(
            "SELECT o.id, o.customer_id, o.property_id, o.unit_id, o.starts_on, o.ends_on FROM occupancies o \
             JOIN occupants m ON m.occupancy_id = o.id WHERE m.user_id = $1 ORDER BY o.starts_on",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let residences = rows
            .iter()
            .map(|row| {
                Ok(Residence {
                    occupancy_id: row.try_get("id")?,
                    customer_id: row.try_get("customer_id")?,
                    property_id: row.try_get("property_id")?,
                    unit_id: row.try_get("unit_id")?,
                    starts_on: row.try_get("starts_on")?,
                    ends_on: row.try_get("ends_on")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((assignments, residences))
    }

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

impl Database {
    /// Removes an account that never got to be used (a sign-up whose code
    /// was taken meanwhile).
    pub async fn delete_unused_user(&self, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("DELETE FROM email_tokens WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
        sqlx::query::<Any>("DELETE FROM users WHERE id = $1").bind(user_id).execute(&self.pool).await?;
        Ok(())
    }
}
