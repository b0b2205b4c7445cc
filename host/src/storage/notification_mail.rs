//! Notifications by mail: each person's choice per app, the unsubscribe
//! tokens of those mails, and the hand-over of notifications that are to be
//! mailed into the outbox.
//!
//! A notification is marked for mail in the statement that stores it (see
//! `insert_notification`), so the choice in force when it arrived decides.
//! The mail itself is written later, by whichever node claims it first, in
//! one transaction with the mark: a notification is mailed once or, when
//! mail was turned off meanwhile, not at all.

use sqlx::{Any, Row};

use super::{Database, StorageError, now_ms};

/// A person's choice for one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailChoice {
    pub app_id: String,
    /// Since when the app's notifications also go out by mail.
    pub mail_since: Option<i64>,
}

/// Whose choice an unsubscribe token names.
#[derive(Debug, Clone)]
pub struct UnsubscribeTarget {
    pub user_id: String,
    pub app_id: String,
    pub by_mail: bool,
    /// The person's locale, for the page the link opens.
    pub locale: String,
}

/// A notification waiting to be mailed, with what its mail needs.
#[derive(Debug, Clone)]
pub struct PendingMail {
    pub notification_id: String,
    pub app_id: String,
    pub title: String,
    pub body: String,
    pub email: String,
    pub name: String,
    pub locale: String,
    /// The token of the unsubscribe link; `None` when mail is off now.
    pub unsubscribe: Option<String>,
}

/// A mail ready for the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The `List-Unsubscribe` address (RFC 8058).
    pub list_unsubscribe: Option<String>,
}

impl Database {
    /// The person's choices, one per app they ever chose for.
    pub async fn mail_choices(&self, user_id: &str) -> Result<Vec<MailChoice>, StorageError> {
        let rows =
            sqlx::query::<Any>("SELECT app_id, mail_since FROM notification_mail WHERE user_id = $1 ORDER BY app_id")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|row| {
                Ok::<_, sqlx::Error>(MailChoice {
                    app_id: row.try_get("app_id")?,
                    mail_since: row.try_get("mail_since")?,
                })
            })
            .collect::<Result<_, _>>()?)
    }

    /// Sets whether `app_id`'s notifications also reach `user_id` by mail.
    /// `fresh_token` becomes the unsubscribe token when the person chooses
    /// for this app the first time. Answers whether anything changed.
    pub async fn set_mail_choice(
        &self,
        user_id: &str,
        app_id: &str,
        by_mail: bool,
        fresh_token: &str,
    ) -> Result<bool, StorageError> {
        let now = now_ms();
        let since = by_mail.then_some(now);
        let inserted = sqlx::query::<Any>(
            "INSERT INTO notification_mail (user_id, app_id, mail_since, unsubscribe, changed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, app_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(app_id)
        .bind(since)
        .bind(fresh_token)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(by_mail);
        }
        // Turning it on keeps the first "since"; only a change counts.
        let changed = sqlx::query::<Any>(
            "UPDATE notification_mail SET mail_since = $3, changed_at = $4 \
             WHERE user_id = $1 AND app_id = $2 AND (mail_since IS NULL) = $5",
        )
        .bind(user_id)
        .bind(app_id)
        .bind(since)
        .bind(now)
        .bind(by_mail)
        .execute(&self.pool)
        .await?;
        Ok(changed.rows_affected() == 1)
    }

    /// The choice an unsubscribe token belongs to.
    pub async fn unsubscribe_target(&self, token: &str) -> Result<Option<UnsubscribeTarget>, StorageError> {
        let row = sqlx::query::<Any>(
            "SELECT m.user_id, m.app_id, m.mail_since, u.locale FROM notification_mail m \
             JOIN users u ON u.id = m.user_id WHERE m.unsubscribe = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mail_since: Option<i64> = row.try_get("mail_since")?;
        Ok(Some(UnsubscribeTarget {
            user_id: row.try_get("user_id")?,
            app_id: row.try_get("app_id")?,
            by_mail: mail_since.is_some(),
            locale: row.try_get("locale")?,
        }))
    }

    /// Notifications marked for mail, oldest first.
    pub async fn pending_mails(&self, limit: i64) -> Result<Vec<PendingMail>, StorageError> {
        let rows = sqlx::query::<Any>(
            "SELECT n.id, n.app_id, n.title, n.body, u.email, u.name, u.locale, \
                    CASE WHEN m.mail_since IS NOT NULL AND u.email_verified_at IS NOT NULL \
                         THEN m.unsubscribe END AS unsubscribe \
             FROM notifications n JOIN users u ON u.id = n.user_id \
             LEFT JOIN notification_mail m ON m.user_id = n.user_id AND m.app_id = n.app_id \
             WHERE n.mail_state = 'pending' ORDER BY n.created_at, n.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                Ok::<_, sqlx::Error>(PendingMail {
                    notification_id: row.try_get("id")?,
                    app_id: row.try_get("app_id")?,
                    title: row.try_get("title")?,
                    body: row.try_get("body")?,
                    email: row.try_get("email")?,
                    name: row.try_get("name")?,
                    locale: row.try_get("locale")?,
                    unsubscribe: row.try_get("unsubscribe")?,
                })
            })
            .collect::<Result<_, _>>()?)
    }

    /// Hands a pending notification over: its mail into the outbox, or
    /// (`None`) no mail at all. Of several nodes exactly one does it;
    /// answers whether this call did.
    pub async fn settle_pending_mail(
        &self,
        notification_id: &str,
        mail: Option<&NewMail>,
    ) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        let state = if mail.is_some() { "queued" } else { "dropped" };
        let claimed =
            sqlx::query::<Any>("UPDATE notifications SET mail_state = $2 WHERE id = $1 AND mail_state = 'pending'")
                .bind(notification_id)
                .bind(state)
                .execute(&mut *tx)
                .await?;
        if claimed.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some(mail) = mail {
            insert_mail(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Queues a mail; the delivery task sends it.
    pub async fn enqueue_mail(&self, recipient: &str, subject: &str, body: &str) -> Result<(), StorageError> {
        let mail = NewMail {
            recipient: recipient.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            list_unsubscribe: None,
        };
        let mut connection = self.pool.acquire().await?;
        insert_mail(&mut connection, &mail).await
    }
}

async fn insert_mail(connection: &mut sqlx::AnyConnection, mail: &NewMail) -> Result<(), StorageError> {
    let now = now_ms();
    sqlx::query::<Any>(
        "INSERT INTO mail_outbox (recipient, subject, body, list_unsubscribe, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.body)
    .bind(mail.list_unsubscribe.as_deref())
    .bind(now)
    .execute(connection)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Address;

    /// A database with one person in one property; answers their id and
    /// the property's.
    async fn one_resident(verified: bool) -> (tempfile::TempDir, Database, String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("courtyard.db").display());
        let db = Database::connect(&url).await.unwrap();
        let customer = db.insert_customer("Acme Homes", false).await.unwrap();
        let address = Address {
            street: "Elm Street 5".into(),
            postal_code: "8000".into(),
            city: "Zurich".into(),
            country: "CH".into(),
        };
        let property = db.insert_property(&customer.id, None, "Elm Court", &address).await.unwrap();
        let user = db.insert_user("bob@example.org", "Bob", "de-CH", None, verified).await.unwrap();
        (dir, db, user.id, customer.id, property.id)
    }

    async fn notify(db: &Database, user: &str, customer: &str, property: &str) {
        assert!(db.insert_notification(user, customer, property, "movers", "Hi", "Text", None, 100).await.unwrap());
    }

    #[tokio::test]
    async fn the_choice_when_a_notification_arrives_marks_it_and_one_hand_over_settles_it() {
        let (_dir, db, user, customer, property) = one_resident(true).await;
        notify(&db, &user, &customer, &property).await;
        assert!(db.pending_mails(10).await.unwrap().is_empty(), "mail is off until chosen");

        assert!(db.set_mail_choice(&user, "movers", true, "token-1").await.unwrap());
        assert!(!db.set_mail_choice(&user, "movers", true, "token-2").await.unwrap(), "no change, same token");
        assert_eq!(db.unsubscribe_target("token-1").await.unwrap().unwrap().locale, "de-CH");
        assert!(db.unsubscribe_target("token-2").await.unwrap().is_none());
        notify(&db, &user, &customer, &property).await;
        let pending = db.pending_mails(10).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].unsubscribe.as_deref(), Some("token-1"));
        assert_eq!(pending[0].locale, "de-CH");

        let mail = NewMail {
            recipient: pending[0].email.clone(),
            subject: "s".into(),
            body: "b".into(),
            list_unsubscribe: Some("u".into()),
        };
        assert!(db.settle_pending_mail(&pending[0].notification_id, Some(&mail)).await.unwrap());
        assert!(!db.settle_pending_mail(&pending[0].notification_id, Some(&mail)).await.unwrap(), "only once");
        let outbox = db.due_mail(10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].list_unsubscribe.as_deref(), Some("u"));
    }

    #[tokio::test]
    async fn a_notification_marked_for_mail_is_not_mailed_once_mail_is_off_or_the_address_unconfirmed() {
        for verified in [true, false] {
            let (_dir, db, user, customer, property) = one_resident(verified).await;
            db.set_mail_choice(&user, "movers", true, "token").await.unwrap();
            notify(&db, &user, &customer, &property).await;
            if verified {
                // Turned off between the notification and its mail.
                assert!(db.set_mail_choice(&user, "movers", false, "unused").await.unwrap());
                assert!(!db.unsubscribe_target("token").await.unwrap().unwrap().by_mail);
            }
            let pending = db.pending_mails(10).await.unwrap();
            assert_eq!(pending.len(), 1);
            assert_eq!(pending[0].unsubscribe, None, "nothing to mail (verified: {verified})");
        }
    }
}
