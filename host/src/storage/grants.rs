//! Customer approvals of apps and residents' consent records.
//!
//! Every change bumps the policy revision in the same transaction, and on
//! PostgreSQL notifies the `courtyard_policy` channel, so every node drops
//! what it cached before answering the next call (see `policy::store`).

use std::collections::BTreeSet;

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

use super::tenancy::new_id;
use super::{Database, Dialect, StorageError, now_ms};

/// A customer's approval of an app, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub customer_id: String,
    pub app_id: String,
    /// The version the customer approved; later versions asking for nothing
    /// more run under the same approval.
    pub version: String,
    pub grants: BTreeSet<String>,
    pub all_properties: bool,
    pub property_ids: Vec<String>,
    pub enabled: bool,
    /// `None`: the platform's default approval of a core app.
    pub approved_by: Option<String>,
    pub approved_at: i64,
}

impl Approval {
    /// Whether the app is enabled for `property`.
    pub fn covers(&self, property: &str) -> bool {
        self.enabled && (self.all_properties || self.property_ids.iter().any(|id| id == property))
    }

    /// A reference for audit entries.
    pub fn reference(&self) -> String {
        format!("approval:{}/{}@{}", self.customer_id, self.app_id, self.version)
    }
}

/// A person's standing towards one app: what they consented to and whether
/// they restrict processing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub user_id: String,
    /// Grants of every given, not withdrawn consent record.
    pub consented: BTreeSet<String>,
    /// Ids of those records, for audit references.
    pub consent_ids: Vec<String>,
    /// Grants they declined and have not given since.
    pub declined: BTreeSet<String>,
    /// They restrict processing of their data (GDPR Art. 18).
    pub restricted: bool,
}

impl Standing {
    /// Whether the person consented to anything at all.
    pub fn has_consent(&self) -> bool {
        !self.consent_ids.is_empty()
    }
}

/// The channel policy invalidations travel on (PostgreSQL).
pub const POLICY_CHANNEL: &str = "courtyard_policy";

/// A consent record as the resident sees it, with DPV-style status.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentRecord {
    pub id: String,
    pub app_id: String,
    /// The manifest version whose purposes were shown.
    pub version: String,
    pub grants: Vec<String>,
    /// SHA-256 of the purpose texts shown, in order.
    pub purposes_hash: String,
    /// `dpv:ConsentGiven`, `dpv:ConsentRefused` or `dpv:ConsentWithdrawn`.
    pub status: String,
    /// When it was given (or refused).
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub given_at: i64,
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    pub withdrawn_at: Option<i64>,
}

fn dpv(status: &str) -> String {
    match status {
        "given" => "dpv:ConsentGiven",
        "refused" => "dpv:ConsentRefused",
        _ => "dpv:ConsentWithdrawn",
    }
    .to_owned()
}

fn grants_from(text: &str) -> BTreeSet<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn grants_text(grants: &BTreeSet<String>) -> String {
    serde_json::to_string(grants).unwrap_or_else(|_| "[]".to_owned())
}

fn approval_from(row: &AnyRow) -> Result<Approval, sqlx::Error> {
    let property_ids: String = row.try_get("property_ids")?;
    Ok(Approval {
        customer_id: row.try_get("customer_id")?,
        app_id: row.try_get("app_id")?,
        version: row.try_get("version")?,
        grants: grants_from(&row.try_get::<String, _>("grants")?),
        all_properties: row.try_get::<i64, _>("all_properties")? != 0,
        property_ids: serde_json::from_str(&property_ids).unwrap_or_default(),
        enabled: row.try_get::<String, _>("status")? == "enabled",
        approved_by: row.try_get("approved_by")?,
        approved_at: row.try_get("approved_at")?,
    })
}

/// What an invalidation is about, as sent over the policy channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyChange {
    Approval { customer: String, app: String },
    Standing { user: String, app: String },
    User { user: String },
}

impl PolicyChange {
    pub fn payload(&self) -> String {
        match self {
            PolicyChange::Approval { customer, app } => format!("approval {customer} {app}"),
            PolicyChange::Standing { user, app } => format!("standing {user} {app}"),
            PolicyChange::User { user } => format!("user {user}"),
        }
    }

    pub fn parse(payload: &str) -> Option<PolicyChange> {
        let mut words = payload.split(' ');
        let change = match (words.next()?, words.next()?, words.next()) {
            ("approval", customer, Some(app)) => PolicyChange::Approval { customer: customer.into(), app: app.into() },
            ("standing", user, Some(app)) => PolicyChange::Standing { user: user.into(), app: app.into() },
            ("user", user, None) => PolicyChange::User { user: user.into() },
            _ => return None,
        };
        words.next().is_none().then_some(change)
    }
}

impl Database {
    /// The customer's approval of `app`, if any.
    pub async fn approval(&self, customer_id: &str, app_id: &str) -> Result<Option<Approval>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM app_approvals WHERE customer_id = $1 AND app_id = $2")
            .bind(customer_id)
            .bind(app_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(approval_from).transpose()?)
    }

    /// Every approval of the customer, by app.
    pub async fn approvals(&self, customer_id: &str) -> Result<Vec<Approval>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM app_approvals WHERE customer_id = $1 ORDER BY app_id")
            .bind(customer_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(approval_from).collect::<Result<_, _>>()?)
    }

    /// Creates or replaces the customer's approval of an app.
    pub async fn save_approval(&self, approval: &Approval) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query::<Any>(
            "INSERT INTO app_approvals (customer_id, app_id, version, grants, all_properties, property_ids, status, \
             approved_by, approved_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (customer_id, app_id) DO UPDATE SET version = excluded.version, grants = excluded.grants, \
             all_properties = excluded.all_properties, property_ids = excluded.property_ids, \
             status = excluded.status, approved_by = excluded.approved_by, approved_at = excluded.approved_at, \
             updated_at = excluded.updated_at",
        )
        .bind(&approval.customer_id)
        .bind(&approval.app_id)
        .bind(&approval.version)
        .bind(grants_text(&approval.grants))
        .bind(i64::from(approval.all_properties))
        .bind(serde_json::to_string(&approval.property_ids).unwrap_or_else(|_| "[]".to_owned()))
        .bind(if approval.enabled { "enabled" } else { "disabled" })
        .bind(&approval.approved_by)
        .bind(approval.approved_at)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let change = PolicyChange::Approval { customer: approval.customer_id.clone(), app: approval.app_id.clone() };
        self.announce(&mut tx, &change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a platform-default approval of a core app for every customer
    /// that has none yet. Returns the customers that got one.
    pub async fn approve_core_app_everywhere(
        &self,
        app_id: &str,
        version: &str,
        grants: &BTreeSet<String>,
    ) -> Result<Vec<String>, StorageError> {
        let missing: Vec<String> = sqlx::query_scalar::<Any, String>(
            "SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM app_approvals WHERE app_id = $1)",
        )
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        for customer in &missing {
            let approval = Approval {
                customer_id: customer.clone(),
                app_id: app_id.to_owned(),
                version: version.to_owned(),
                grants: grants.clone(),
                all_properties: true,
                property_ids: Vec::new(),
                enabled: true,
                approved_by: None,
                approved_at: now_ms(),
            };
            // Another node may have recorded it meanwhile; keep theirs.
            let inserted = sqlx::query::<Any>(
                "INSERT INTO app_approvals (customer_id, app_id, version, grants, all_properties, property_ids, \
                 status, approved_by, approved_at, updated_at) VALUES ($1, $2, $3, $4, 1, '[]', 'enabled', NULL, $5, $5) \
                 ON CONFLICT (customer_id, app_id) DO NOTHING",
            )
            .bind(&approval.customer_id)
            .bind(app_id)
            .bind(version)
            .bind(grants_text(grants))
            .bind(approval.approved_at)
            .execute(&self.pool)
            .await?;
            if inserted.rows_affected() > 0 {
                let mut conn = self.pool.acquire().await?;
                let change = PolicyChange::Approval { customer: customer.clone(), app: app_id.to_owned() };
                self.announce(&mut conn, &change).await?;
            }
        }
        Ok(missing)
    }

    /// Platform-default approvals of a core app follow its current version.
    pub async fn follow_core_app(
        &self,
        app_id: &str,
        version: &str,
        grants: &BTreeSet<String>,
    ) -> Result<Vec<String>, StorageError> {
        let customers: Vec<String> = sqlx::query_scalar::<Any, String>(
            "SELECT customer_id FROM app_approvals WHERE app_id = $1 AND approved_by IS NULL AND \
             (version <> $2 OR grants <> $3)",
        )
        .bind(app_id)
        .bind(version)
        .bind(grants_text(grants))
        .fetch_all(&self.pool)
        .await?;
        for customer in &customers {
            let mut tx = self.pool.begin().await?;
            sqlx::query::<Any>(
                "UPDATE app_approvals SET version = $1, grants = $2, updated_at = $3 \
                 WHERE customer_id = $4 AND app_id = $5 AND approved_by IS NULL",
            )
            .bind(version)
            .bind(grants_text(grants))
            .bind(now_ms())
            .bind(customer)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
            let change = PolicyChange::Approval { customer: customer.clone(), app: app_id.to_owned() };
            self.announce(&mut tx, &change).await?;
            tx.commit().await?;
        }
        Ok(customers)
    }

    /// The person's standing towards `app`: given consents and restriction.
    pub async fn standing(&self, user_id: &str, app_id: &str) -> Result<Standing, StorageError> {
        let restricted: Option<Option<i64>> =
            sqlx::query_scalar::<Any, Option<i64>>("SELECT restricted_at FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        let rows = sqlx::query::<Any>(
            "SELECT id, grants, status FROM consents WHERE user_id = $1 AND app_id = $2 ORDER BY created_at, id",
        )
        .bind(user_id)
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        let mut standing =
            Standing { user_id: user_id.to_owned(), restricted: restricted.flatten().is_some(), ..Standing::default() };
        for row in &rows {
            let status: String = row.try_get("status")?;
            match status.as_str() {
                "given" => {
                    let grants = grants_from(&row.try_get::<String, _>("grants")?);
                    standing.declined.retain(|grant| !grants.contains(grant));
                    standing.consented.extend(grants);
                    standing.consent_ids.push(row.try_get("id")?);
                }
                "refused" => {
                    let grants = grants_from(&row.try_get::<String, _>("grants")?);
                    standing.consented.retain(|grant| !grants.contains(grant));
                    standing.declined.extend(grants);
                }
                _ => {}
            }
        }
        Ok(standing)
    }

    /// Records a consent decision: `given` for `grants`, or `refused`.
    pub async fn record_consent(
        &self,
        user_id: &str,
        app_id: &str,
        version: &str,
        grants: &BTreeSet<String>,
        purposes_hash: &str,
        given: bool,
    ) -> Result<ConsentRecord, StorageError> {
        let id = new_id();
        let now = now_ms();
        let status = if given { "given" } else { "refused" };
        let mut tx = self.pool.begin().await?;
        sqlx::query::<Any>(
            "INSERT INTO consents (id, user_id, app_id, version, grants, purposes_hash, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(app_id)
        .bind(version)
        .bind(grants_text(grants))
        .bind(purposes_hash)
        .bind(status)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // What the consent covers now, grant by grant: a refusal takes a
        // grant back, a consent (re)places it.
        for grant in grants {
            sqlx::query::<Any>("DELETE FROM consent_grants WHERE app_id = $1 AND grant_key = $2 AND user_id = $3")
                .bind(app_id)
                .bind(grant)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if given {
                sqlx::query::<Any>(
                    "INSERT INTO consent_grants (app_id, grant_key, user_id, consent_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(app_id)
                .bind(grant)
                .bind(user_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
        }
        let change = PolicyChange::Standing { user: user_id.to_owned(), app: app_id.to_owned() };
        self.announce(&mut tx, &change).await?;
        tx.commit().await?;
        Ok(ConsentRecord {
            id,
            app_id: app_id.to_owned(),
            version: version.to_owned(),
            grants: grants.iter().cloned().collect(),
            purposes_hash: purposes_hash.to_owned(),
            status: dpv(status),
            given_at: now,
            withdrawn_at: None,
        })
    }

    /// Withdraws every given consent of the person to `app`. Returns the
    /// withdrawn record ids (none when there was nothing to withdraw).
    pub async fn withdraw_consent(&self, user_id: &str, app_id: &str) -> Result<Vec<String>, StorageError> {
        let mut tx = self.pool.begin().await?;
        let now = now_ms();
        // The write comes first so SQLite takes its write lock up front.
        sqlx::query::<Any>(
            "UPDATE consents SET status = 'withdrawn', withdrawn_at = $1 \
             WHERE user_id = $2 AND app_id = $3 AND status = 'given'",
        )
        .bind(now)
        .bind(user_id)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>("DELETE FROM consent_grants WHERE user_id = $1 AND app_id = $2")
            .bind(user_id)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
        let ids: Vec<String> = sqlx::query_scalar::<Any, String>(
            "SELECT id FROM consents WHERE user_id = $1 AND app_id = $2 AND withdrawn_at = $3 ORDER BY id",
        )
        .bind(user_id)
        .bind(app_id)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let change = PolicyChange::Standing { user: user_id.to_owned(), app: app_id.to_owned() };
        self.announce(&mut tx, &change).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Every consent record of the person, newest first.
    pub async fn consents_of(&self, user_id: &str) -> Result<Vec<ConsentRecord>, StorageError> {
        let rows = sqlx::query::<Any>("SELECT * FROM consents WHERE user_id = $1 ORDER BY created_at DESC, id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ConsentRecord {
                    id: row.try_get("id")?,
                    app_id: row.try_get("app_id")?,
                    version: row.try_get("version")?,
                    grants: grants_from(&row.try_get::<String, _>("grants")?).into_iter().collect(),
                    purposes_hash: row.try_get("purposes_hash")?,
                    status: dpv(&row.try_get::<String, _>("status")?),
                    given_at: row.try_get("created_at")?,
                    withdrawn_at: row.try_get("withdrawn_at")?,
                })
            })
            .collect()
    }

    /// Starts (`true`) or lifts a person's restriction of processing.
    pub async fn set_restriction(&self, user_id: &str, restricted: bool) -> Result<Option<i64>, StorageError> {
        let mut tx = self.pool.begin().await?;
        if restricted {
            sqlx::query::<Any>("UPDATE users SET restricted_at = COALESCE(restricted_at, $1) WHERE id = $2")
                .bind(now_ms())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query::<Any>("UPDATE users SET restricted_at = NULL WHERE id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let now: Option<i64> = sqlx::query_scalar::<Any, Option<i64>>("SELECT restricted_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        self.announce(&mut tx, &PolicyChange::User { user: user_id.to_owned() }).await?;
        tx.commit().await?;
        Ok(now)
    }

    /// The policy revision: changes with every approval or consent change.
    pub async fn policy_revision(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar::<Any, i64>("SELECT revision FROM policy_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Tells every node that `change` happened, as part of the caller's
    /// transaction: the notification is delivered only if it commits.
    pub(crate) async fn announce(&self, conn: &mut AnyConnection, change: &PolicyChange) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE policy_revision SET revision = revision + 1 WHERE id = 1")
            .execute(&mut *conn)
            .await?;
        if self.dialect == Dialect::Postgres {
            sqlx::query::<Any>("SELECT pg_notify($1, $2)")
                .bind(POLICY_CHANNEL)
                .bind(change.payload())
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}
