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
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
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
    #[serde(with = "crate::timestamp::Rfc3339")]
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
    pub async fn people(
        &self,
        customer_id: &str,
        properties: Option<&[String]>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<User>, StorageError> {
        // Staff limited to some properties see the people linked through
        // those; customer-wide staff (no property) only customer-wide readers.
        let within = |column: &str| match properties {
            None => String::new(),
            Some([]) => " AND 1 = 0".to_owned(),
            Some(list) => {
                let params: Vec<String> = (0..list.len()).map(|i| format!("${}", i + 4)).collect();
                format!(" AND {column} IN ({})", params.join(", "))
            }
        };
        let sql = format!(
            "SELECT u.* FROM users u WHERE u.id > $2 AND (\
             EXISTS (SELECT 1 FROM occupants m JOIN occupancies o ON o.id = m.occupancy_id \
             WHERE m.user_id = u.id AND o.customer_id = $1{}) \
             OR EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = u.id AND r.customer_id = $1{})) \
             ORDER BY u.id LIMIT $3",
            within("o.property_id"),
            within("r.property_id"),
        );
        let mut query = sqlx::query::<Any>(&sql).bind(customer_id).bind(after).bind(limit);
        for property in properties.unwrap_or_default() {
            query = query.bind(property);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(user_from).collect::<Result<_, _>>()?)
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
