//! Mails the notifications people asked to get by mail too.
//!
//! A notification that arrived while its recipient wanted the app's
//! notifications by mail is marked for mail in storage. This task writes
//! each such mail into the outbox, in the person's language, with a link
//! that opens the notification and one that stops these mails without
//! signing in. Nodes share the work: each notification is handed over once.

use std::time::Duration;

use super::AppState;
use super::pages::{Lang, Texts};
use crate::storage::{NewMail, PendingMail, StorageError};

/// How many notifications one round hands over at most.
const ROUND: i64 = 50;

/// Hands pending notifications to the outbox until the task is aborted.
pub(crate) async fn mail_forever(state: AppState) {
    loop {
        match mail_due(&state).await {
            Ok(handed_over) if handed_over > 0 => state.mailer.wake(),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "notification mail round failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// One round: answers how many mails it put into the outbox.
async fn mail_due(state: &AppState) -> Result<usize, StorageError> {
    let database = &state.services.database;
    let mut handed_over = 0;
    for pending in database.pending_mails(ROUND).await? {
        let mail = compose(state, &pending);
        if database.settle_pending_mail(&pending.notification_id, mail.as_ref()).await? && mail.is_some() {
            handed_over += 1;
        }
    }
    Ok(handed_over)
}

/// The mail for a pending notification; `None` when the person turned
/// mail off since it arrived, or their address is not confirmed.
fn compose(state: &AppState, pending: &PendingMail) -> Option<NewMail> {
    let token = pending.unsubscribe.as_deref()?;
    let t = Texts::new(Lang::pick(Some(&pending.locale), None));
    let app =
        state.catalog.get(&pending.app_id).map_or_else(|| pending.app_id.clone(), |app| app.manifest.name.clone());
    let site = &*state.public_url;
    let unsubscribe = unsubscribe_url(site, token);
    let open = format!("{site}/account/notifications/{}", pending.notification_id);
    let settings = format!("{site}/account/notifications/mail");
    let body = t.f(
        "notification_mail.body",
        &[
            ("name", &pending.name),
            ("app", &app),
            ("title", &pending.title),
            ("text", &pending.body),
            ("open", &open),
            ("unsubscribe", &unsubscribe),
            ("settings", &settings),
        ],
    );
    Some(NewMail {
        recipient: pending.email.clone(),
        subject: t.f("notification_mail.subject", &[("app", &app), ("title", &pending.title)]),
        body,
        list_unsubscribe: Some(unsubscribe),
    })
}

/// The page that stops one app's mails to one person, by its token.
pub(crate) fn unsubscribe_url(site: &str, token: &str) -> String {
    let query = serde_urlencoded::to_string([("token", token)]).unwrap_or_default();
    format!("{site}/account/unsubscribe?{query}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_unsubscribe_link_carries_the_token_encoded() {
        assert_eq!(
            super::unsubscribe_url("http://localhost:8080", "a+b/c"),
            "http://localhost:8080/account/unsubscribe?token=a%2Bb%2Fc"
        );
    }
}
