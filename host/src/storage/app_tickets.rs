//! Tickets into third-party apps' own origins, kept so that each works once
//! on whichever node redeems it (see `identity::app_pass`).

use sqlx::{Any, Row};

use super::{Database, StorageError, now_ms};

/// Whom a redeemed ticket was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemedTicket {
    pub user_id: String,
    pub session_id: String,
}

impl Database {
    /// Keeps a new ticket (its digest) for `app`, valid until `expires_at`,
    /// and forgets the tickets that ran out unused.
    pub async fn insert_app_ticket(
        &self,
        ticket_hash: &str,
        app_id: &str,
        user_id: &str,
        session_id: &str,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        sqlx::query::<Any>("DELETE FROM app_tickets WHERE expires_at <= $1").bind(now_ms()).execute(&self.pool).await?;
        sqlx::query::<Any>(
            "INSERT INTO app_tickets (ticket_hash, app_id, user_id, session_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ticket_hash)
        .bind(app_id)
        .bind(user_id)
        .bind(session_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses up a ticket for `app`: the one statement that deletes it answers
    /// whom it was for, so of two redeems racing on two nodes one wins, and
    /// a ticket that ran out, was used, or is another app's gives `None`.
    pub async fn redeem_app_ticket(
        &self,
        ticket_hash: &str,
        app_id: &str,
    ) -> Result<Option<RedeemedTicket>, StorageError> {
        let row = sqlx::query::<Any>(
            "DELETE FROM app_tickets WHERE ticket_hash = $1 AND app_id = $2 AND expires_at > $3 \
             RETURNING user_id, session_id",
        )
        .bind(ticket_hash)
        .bind(app_id)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|row| {
                Ok::<_, sqlx::Error>(RedeemedTicket {
                    user_id: row.try_get("user_id")?,
                    session_id: row.try_get("session_id")?,
                })
            })
            .transpose()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("courtyard.db").display());
        (dir, Database::connect(&url).await.unwrap())
    }

    #[tokio::test]
    async fn a_ticket_is_redeemed_once_for_its_own_app_while_it_lasts() {
        let (_dir, db) = database().await;
        let later = now_ms() + 60_000;
        db.insert_app_ticket("t1", "movers", "u1", "s1", later).await.unwrap();
        assert_eq!(db.redeem_app_ticket("t1", "other").await.unwrap(), None, "another app's origin");
        let redeemed = db.redeem_app_ticket("t1", "movers").await.unwrap();
        assert_eq!(redeemed, Some(RedeemedTicket { user_id: "u1".into(), session_id: "s1".into() }));
        assert_eq!(db.redeem_app_ticket("t1", "movers").await.unwrap(), None, "a replay");
        db.insert_app_ticket("t2", "movers", "u1", "s1", now_ms() - 1).await.unwrap();
        assert_eq!(db.redeem_app_ticket("t2", "movers").await.unwrap(), None, "run out");
        assert_eq!(db.redeem_app_ticket("never-issued", "movers").await.unwrap(), None);
    }

    #[tokio::test]
    async fn tickets_that_ran_out_are_forgotten() {
        let (_dir, db) = database().await;
        db.insert_app_ticket("old", "movers", "u1", "s1", now_ms() - 1).await.unwrap();
        db.insert_app_ticket("new", "movers", "u1", "s1", now_ms() + 60_000).await.unwrap();
        let kept: Vec<String> =
            sqlx::query_scalar::<Any, String>("SELECT ticket_hash FROM app_tickets").fetch_all(&db.pool).await.unwrap();
        assert_eq!(kept, ["new"]);
    }
}
