//! How people get in: activation codes, access requests, and the mail
//! outbox that carries codes, links and tokens to them.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use super::tenancy::new_id;
use super::{Database, StorageError, now_ms};

/// An activation code as listed to staff (never the code itself).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActivationCodeInfo {
    pub id: String,
    pub customer_id: String,
    pub property_id: String,
    pub occupancy_id: String,
    pub created_by: String,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub expires_at: i64,
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    pub used_at: Option<i64>,
    pub used_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AccessRequest {
    pub id: String,
    pub user_id: String,
    pub customer_id: Option<String>,
    pub property_id: Option<String>,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub unit_label: String,
    pub message: String,
    /// pending, approved or rejected.
    pub status: String,
    pub decided_by: Option<String>,
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    pub decided_at: Option<i64>,
    pub occupancy_id: Option<String>,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
}

/// One message waiting in (or sent from) the outbox.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The `List-Unsubscribe` address, for mails one can unsubscribe from.
    pub list_unsubscribe: Option<String>,
    pub attempts: i64,
}

fn code_from(row: &AnyRow) -> Result<ActivationCodeInfo, sqlx::Error> {
    Ok(ActivationCodeInfo {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        occupancy_id: row.try_get("occupancy_id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        used_by: row.try_get("used_by")?,
    })
}

fn request_from(row: &AnyRow) -> Result<AccessRequest, sqlx::Error> {
    Ok(AccessRequest {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        customer_id: row.try_get("customer_id")?,
        property_id: row.try_get("property_id")?,
        street: row.try_get("street")?,
        postal_code: row.try_get("postal_code")?,
        city: row.try_get("city")?,
        unit_label: row.try_get("unit_label")?,
        message: row.try_get("message")?,
        status: row.try_get("status")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
        occupancy_id: row.try_get("occupancy_id")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Database {
    pub async fn insert_activation_code(
        &self,
        code_hash: &str,
        customer_id: &str,
        property_id: &str,
        occupancy_id: &str,
        created_by: &str,
        expires_at: i64,
    ) -> Result<ActivationCodeInfo, StorageError> {
        let info = ActivationCodeInfo {
            id: new_id(),
            customer_id: customer_id.to_owned(),
            property_id: property_id.to_owned(),
            occupancy_id: occupancy_id.to_owned(),
            created_by: created_by.to_owned(),
            created_at: now_ms(),
            expires_at,
            used_at: None,
            used_by: None,
        };
        sqlx::query::<Any>(
            "INSERT INTO activation_codes (code_hash, id, customer_id, property_id, occupancy_id, created_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(code_hash)
        .bind(&info.id)
        .bind(customer_id)
        .bind(property_id)
        .bind(occupancy_id)
        .bind(created_by)
        .bind(info.created_at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(info)
    }

    /// The property's activation codes in id order after `after`, at most `limit`.
    pub async fn activation_codes(
        &self,
        property_id: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<ActivationCodeInfo>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT * FROM activation_codes WHERE property_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(property_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(code_from).collect::<Result<_, _>>()?)
    }

    /// An unused, unexpired code, without using it up.
    pub async fn live_activation_code(&self, code_hash: &str) -> Result<Option<ActivationCodeInfo>, StorageError> {
        let row = sqlx::query::<Any>(
            "SELECT * FROM activation_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(code_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(code_from).transpose()?)
    }

    /// Uses a code up for `user_id`: succeeds once, while it is unexpired.
    pub async fn use_activation_code(&self, code_hash: &str, user_id: &str) -> Result<bool, StorageError> {
        let now = now_ms();
        let done = sqlx::query::<Any>(
            "UPDATE activation_codes SET used_at = $2, used_by = $3 \
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(code_hash)
        .bind(now)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_access_request(
        &self,
        user_id: &str,
        target: Option<(&str, &str)>,
        street: &str,
        postal_code: &str,
        city: &str,
        unit_label: &str,
        message: &str,
    ) -> Result<AccessRequest, StorageError> {
        let request = AccessRequest {
            id: new_id(),
            user_id: user_id.to_owned(),
            customer_id: target.map(|(c, _)| c.to_owned()),
            property_id: target.map(|(_, p)| p.to_owned()),
            street: street.to_owned(),
            postal_code: postal_code.to_owned(),
            city: city.to_owned(),
            unit_label: unit_label.to_owned(),
            message: message.to_owned(),
            status: "pending".to_owned(),
            decided_by: None,
            decided_at: None,
            occupancy_id: None,
            created_at: now_ms(),
        };
        sqlx::query::<Any>(
            "INSERT INTO access_requests (id, user_id, customer_id, property_id, street, postal_code, city, \
             unit_label, message, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&request.id)
        .bind(user_id)
        .bind(&request.customer_id)
        .bind(&request.property_id)
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(unit_label)
        .bind(message)
        .bind(&request.status)
        .bind(request.created_at)
        .execute(&self.pool)
        .await?;
        Ok(request)
    }

    pub async fn access_request(&self, id: &str) -> Result<Option<AccessRequest>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM access_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(request_from).transpose()?)
    }

    /// The property's requests in `status`, in id order after `after`, at most `limit`.
    pub async fn access_requests(
        &self,
        property_id: &str,
        status: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<AccessRequest>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT * FROM access_requests WHERE property_id = $1 AND status = $2 AND id > $3 ORDER BY id LIMIT $4",
        )
        .bind(property_id)
        .bind(status)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(request_from).collect::<Result<_, _>>()?)
    }

    /// Pending requests no building's managers see: their address matched
    /// none or several buildings. In id order after `after`, at most `limit`.
    pub async fn unrouted_access_requests(&self, after: &str, limit: i64) -> Result<Vec<AccessRequest>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT * FROM access_requests WHERE property_id IS NULL AND status = 'pending' AND id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(request_from).collect::<Result<_, _>>()?)
    }

    /// Decides a pending request once; a second decision finds nothing.
    pub async fn decide_access_request(
        &self,
        id: &str,
        status: &str,
        decided_by: &str,
        occupancy_id: Option<&str>,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query::<Any>(
            "UPDATE access_requests SET status = $2, decided_by = $3, decided_at = $4, occupancy_id = $5 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(decided_by)
        .bind(now_ms())
        .bind(occupancy_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Mail due for (another) delivery attempt.
    pub async fn due_mail(&self, limit: i64) -> Result<Vec<OutgoingMail>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT id, recipient, subject, body, list_unsubscribe, attempts FROM mail_outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                Ok::<_, sqlx::Error>(OutgoingMail {
                    id: row.try_get("id")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    list_unsubscribe: row.try_get("list_unsubscribe")?,
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect::<Result<_, _>>()?)
    }

    /// Claims a mail for sending: of several nodes, exactly one gets it.
    pub async fn claim_mail(&self, id: i64, attempts: i64, retry_at: i64) -> Result<bool, StorageError> {
        let done = sqlx::query::<Any>(
            "UPDATE mail_outbox SET attempts = $2 + 1, next_attempt_at = $3 \
             WHERE id = $1 AND attempts = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(attempts)
        .bind(retry_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn mail_sent(&self, id: i64) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE mail_outbox SET sent_at = $2, last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn mail_failed(&self, id: i64, error: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("UPDATE mail_outbox SET last_error = $2 WHERE id = $1")
            .bind(id)
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
