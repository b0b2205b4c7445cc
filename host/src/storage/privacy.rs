//! What apps may learn about people, field by field, and what they may send
//! them: profile fields, pairwise pseudonyms, in-app notifications and the
//! deployment-wide keys behind them.

use serde::Serialize;
use sqlx::{Any, Row};

use super::tenancy::new_id;
use super::{Database, StorageError, now_ms};
use crate::grant::ProfileField;

/// A person's profile as apps may see it in one property.
#[derive(Debug, Clone, Default)]
pub struct ProfileRecord {
    pub display_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    /// Labels of their units in the property, in force today.
    pub units: Vec<String>,
    pub address: String,
    pub locale: String,
}

impl ProfileRecord {
    /// The value of `field`, if the person has one.
    pub fn value(&self, field: ProfileField) -> Option<String> {
        let present = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
        match field {
            ProfileField::DisplayName => present(&self.display_name),
            ProfileField::GivenName => self.given_name.as_deref().and_then(present),
            ProfileField::FamilyName => self.family_name.as_deref().and_then(present),
            ProfileField::Email => present(&self.email),
            ProfileField::Phone => self.phone.as_deref().and_then(present),
            ProfileField::Unit => present(&self.units.join(", ")),
            ProfileField::Address => present(&self.address),
            ProfileField::Locale => present(&self.locale),
        }
    }
}

/// A notification in a person's list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: String,
    pub app_id: String,
    pub property_id: String,
    pub title: String,
    pub body: String,
    /// Where it leads, below `/apps/{app}`, as the app gave it.
    pub link: Option<String>,
    /// Where it leads on the site: `/apps/{app}` and the link below it.
    pub url: String,
    #[serde(with = "crate::timestamp::Rfc3339")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::OptionalRfc3339")]
    pub read_at: Option<i64>,
}

impl Database {
    /// The profile of `user_id` as seen in `property_id`, if they belong to
    /// it today (an occupancy in force, or a staff role covering it).
    pub async fn profile_in_property(
        &self,
        user_id: &str,
        property_id: &str,
        today: &str,
    ) -> Result<Option<ProfileRecord>, StorageError> {
        let Some(user) = sqlx::query::<Any>(
            "SELECT u.name, u.given_name, u.family_name, u.email, u.phone, u.locale, \
             p.street, p.postal_code, p.city, p.country, p.customer_id \
             FROM users u, properties p WHERE u.id = $1 AND p.id = $2",
        )
        .bind(user_id)
        .bind(property_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let units: Vec<String> = sqlx::query_scalar::<Any, String>(
            "SELECT u.label FROM occupancies o JOIN occupants m ON m.occupancy_id = o.id \
             JOIN units u ON u.id = o.unit_id WHERE m.user_id = $1 AND o.property_id = $2 \
             AND o.starts_on <= $3 AND (o.ends_on IS NULL OR o.ends_on > $3) ORDER BY u.label",
        )
        .bind(user_id)
        .bind(property_id)
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        if units.is_empty() {
            let customer: String = user.try_get("customer_id")?;
            let staff: Option<String> = sqlx::query_scalar::<Any, String>(
                "SELECT id FROM role_assignments WHERE user_id = $1 AND role <> 'resident' \
                 AND (property_id = $2 OR (property_id IS NULL AND customer_id = $3)) \
                 AND (valid_from IS NULL OR valid_from <= $4) AND (valid_until IS NULL OR valid_until > $4) LIMIT 1",
            )
            .bind(user_id)
            .bind(property_id)
            .bind(&customer)
            .bind(today)
            .fetch_optional(&self.pool)
            .await?;
            if staff.is_none() {
                return Ok(None);
            }
        }
        let street: String = user.try_get("street")?;
        let postal_code: String = user.try_get("postal_code")?;
        let city: String = user.try_get("city")?;
        let country: String = user.try_get("country")?;
        Ok(Some(ProfileRecord {
            display_name: user.try_get("name")?,
            given_name: user.try_get("given_name")?,
            family_name: user.try_get("family_name")?,
            email: user.try_get("email")?,
            phone: user.try_get("phone")?,
            units,
            address: format!("{street}, {postal_code} {city}, {country}"),
            locale: user.try_get("locale")?,
        }))
    }

    /// Stores the pseudonym `app_id` sees for `user_id` (idempotent).
    pub async fn register_pseudonym(&self, pseudonym: &str, app_id: &str, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>(
            "INSERT INTO pseudonyms (pseudonym, app_id, user_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(pseudonym)
        .bind(app_id)
        .bind(user_id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user behind `pseudonym` for `app_id`, if it still resolves.
    pub async fn resolve_pseudonym(&self, pseudonym: &str, app_id: &str) -> Result<Option<String>, StorageError> {
        Ok(sqlx::query_scalar::<Any, String>("SELECT user_id FROM pseudonyms WHERE pseudonym = $1 AND app_id = $2")
            .bind(pseudonym)
            .bind(app_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Forgets every pseudonym of `user_id`: they resolve to no one from now on.
    pub async fn forget_pseudonyms(&self, user_id: &str) -> Result<(), StorageError> {
        sqlx::query::<Any>("DELETE FROM pseudonyms WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
        Ok(())
    }

    /// The deployment-wide secret `name`, created (32 random bytes, hex) by
    /// the first node that asks; every node gets the same one.
    pub async fn deployment_key(&self, name: &str) -> Result<String, StorageError> {
        let fresh = hex::encode(rand::random::<[u8; 32]>());
        sqlx::query::<Any>(
            "INSERT INTO deployment_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query_scalar::<Any, String>("SELECT secret FROM deployment_keys WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Stores a notification, unless `app_id` already sent `user_id` at
    /// least `per_hour` in the last hour, marked for mail when the person
    /// wants this app's notifications by mail too. Returns whether it was
    /// stored.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_notification(
        &self,
        user_id: &str,
        customer_id: &str,
        property_id: &str,
        app_id: &str,
        title: &str,
        body: &str,
        link: Option<&str>,
        per_hour: i64,
    ) -> Result<bool, StorageError> {
        let recipients = [user_id.to_owned()];
        let stored = self
            .insert_notifications(&recipients, customer_id, property_id, app_id, title, body, link, per_hour)
            .await?;
        Ok(stored == 1)
    }

    /// [`insert_notification`](Self::insert_notification) for each of
    /// `user_ids`, in one transaction. Returns how many were stored.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_notifications(
        &self,
        user_ids: &[String],
        customer_id: &str,
        property_id: &str,
        app_id: &str,
        title: &str,
        body: &str,
        link: Option<&str>,
        per_hour: i64,
    ) -> Result<u32, StorageError> {
        let now = now_ms();
        // Each recipient is one statement that checks the limit and writes:
        // a transaction that read first could not take the write lock on
        // SQLite once another connection wrote in between.
        let mut tx = self.pool.begin().await?;
        let mut stored = 0u32;
        for user_id in user_ids {
            let inserted = sqlx::query::<Any>(
                "INSERT INTO notifications \
                 (id, user_id, customer_id, property_id, app_id, title, body, link, created_at, mail_state) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, \
                        CASE WHEN EXISTS (SELECT 1 FROM notification_mail m WHERE m.user_id = $2 AND m.app_id = $5 \
                                          AND m.mail_since IS NOT NULL) THEN 'pending' END \
                 WHERE (SELECT COUNT(*) FROM notifications n WHERE n.app_id = $5 AND n.user_id = $2 \
                        AND n.created_at > $10) < $11",
            )
            .bind(new_id())
            .bind(user_id)
            .bind(customer_id)
            .bind(property_id)
            .bind(app_id)
            .bind(title)
            .bind(body)
            .bind(link)
            .bind(now)
            .bind(now - 3_600_000)
            .bind(per_hour)
            .execute(&mut *tx)
            .await?;
            stored += u32::from(inserted.rows_affected() == 1);
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// The person's notifications, newest first.
    pub async fn notifications_of(&self, user_id: &str, limit: i64) -> Result<Vec<Notification>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT * FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(notification_from).collect::<Result<_, _>>()?)
    }

    /// A page of the person's notifications, newest first: those after
    /// `after` (the creation time and id of the last one of the page before).
    pub async fn notifications_page(
        &self,
        user_id: &str,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> Result<Vec<Notification>, StorageError> {
        let Some((at, id)) = after else { return self.notifications_of(user_id, limit).await };
        let rows = sqlx::query::<Any>(
            "SELECT * FROM notifications WHERE user_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4",
        )
        .bind(user_id)
        .bind(*at)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(notification_from).collect::<Result<_, _>>()?)
    }

    /// How many of the person's notifications are unread, all of them.
    pub async fn unread_notifications(&self, user_id: &str) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// One of the person's notifications (never someone else's).
    pub async fn notification_of(&self, user_id: &str, id: &str) -> Result<Option<Notification>, StorageError> {
        let row = sqlx::query::<Any>("SELECT * FROM notifications WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(notification_from).transpose()?)
    }

    /// Marks the person's notification `id` read, or all of them; answers
    /// how many were unread.
    pub async fn mark_notifications_read(&self, user_id: &str, id: Option<&str>) -> Result<u64, StorageError> {
        let done = sqlx::query::<Any>(
            "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL AND ($2 IS NULL OR id = $2)",
        )
        .bind(user_id)
        .bind(id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

fn notification_from(row: &sqlx::any::AnyRow) -> Result<Notification, sqlx::Error> {
    let link: Option<String> = row.try_get("link")?;
    Ok(Notification {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        property_id: row.try_get("property_id")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        url: format!("/apps/{}{}", row.try_get::<String, _>("app_id")?, link.as_deref().unwrap_or("/")),
        link,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}
