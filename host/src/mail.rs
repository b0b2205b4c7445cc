//! Outgoing mail: queued in the database's outbox in the same request that
//! caused it, then delivered by a background task.
//!
//! Without an SMTP server configured, each mail is written as an `.eml`
//! file to the development mail folder (`<data_dir>/mail` unless
//! `mail.folder` says otherwise). With `mail.smtp_url` it is sent for real.
//! Delivery is at least once: a node that dies between sending and marking
//! a mail sent sends it again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue, MIME_VERSION_1_0,
};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::storage::{Database, OutgoingMail, StorageError};

/// Where mail goes.
#[derive(Clone)]
pub enum Delivery {
    /// Development: one `.eml` file per mail in this folder.
    Folder(PathBuf),
    /// Production: an SMTP relay.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Queues mail and wakes the delivery task.
#[derive(Clone)]
pub struct Mailer {
    database: Database,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(database: Database) -> Mailer {
        Mailer { database, wake: Arc::new(Notify::new()) }
    }

    /// Queues a plain-text mail to `recipient`.
    pub async fn send(&self, recipient: &str, subject: &str, body: &str) -> Result<(), StorageError> {
        self.database.enqueue_mail(recipient, subject, body).await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Wakes the delivery task: something was queued in the outbox.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Delivers queued mail until the task is aborted.
    pub async fn deliver_forever(self, delivery: Delivery, from: Mailbox) {
        loop {
            if let Err(err) = self.deliver_due(&delivery, &from).await {
                tracing::warn!(error = %err, "mail delivery round failed");
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), self.wake.notified()).await;
        }
    }

    async fn deliver_due(&self, delivery: &Delivery, from: &Mailbox) -> Result<(), StorageError> {
        for mail in self.database.due_mail(50).await? {
            // Backoff: 10 s, 20 s, 40 s, … capped at an hour.
            let retry_in = 10_000_i64 << mail.attempts.clamp(0, 8);
            let retry_at = crate::storage::now_ms() + retry_in.min(3_600_000);
            if !self.database.claim_mail(mail.id, mail.attempts, retry_at).await? {
                continue; // another node has it
            }
            match deliver(delivery, from, &mail).await {
                Ok(()) => self.database.mail_sent(mail.id).await?,
                Err(err) => {
                    tracing::warn!(mail = mail.id, attempt = mail.attempts + 1, error = %err, "mail not delivered");
                    self.database.mail_failed(mail.id, &err.to_string()).await?;
                }
            }
        }
        Ok(())
    }
}

/// One message, the same whether it goes out over SMTP or into the outbox:
/// `MIME-Version`, `Content-Type: text/plain; charset=utf-8`, a `Message-ID`
/// and a `Date`, and the text in 8 bits, so links stay whole lines.
fn message(from: &Mailbox, mail: &OutgoingMail) -> anyhow::Result<Message> {
    // Mail lines end in CRLF (RFC 5322); texts are written with `\n`. In 8
    // bits a line may hold 998 bytes, so a link is never broken; a text that
    // does not fit (a NUL, an endless line) falls back to lettre's choice.
    let text = mail.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits_8bit = !text.contains('\0') && text.split("\r\n").all(|line| line.len() <= 998 && !line.contains('\r'));
    let body = if fits_8bit {
        Body::dangerous_pre_encoded(text.into_bytes(), ContentTransferEncoding::EightBit)
    } else {
        Body::new(text)
    };
    let mut builder = Message::builder()
        .from(from.clone())
        .to(mail.recipient.parse()?)
        .subject(mail.subject.clone())
        .message_id(None)
        .date_now()
        .header(ContentType::TEXT_PLAIN)
        .header(MIME_VERSION_1_0);
    if let Some(address) = &mail.list_unsubscribe {
        // RFC 8058: a mail client may offer "unsubscribe", and post to it
        // without opening a page.
        builder = builder.header(ListUnsubscribe(format!("<{address}>"))).header(ListUnsubscribePost);
    }
    Ok(builder.body(body)?)
}

/// `List-Unsubscribe` (RFC 2369): where the recipient stops these mails.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post` (RFC 8058): unsubscribing takes one POST.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

async fn deliver(delivery: &Delivery, from: &Mailbox, mail: &OutgoingMail) -> anyhow::Result<()> {
    let message = message(from, mail)?;
    match delivery {
        Delivery::Smtp(transport) => {
            transport.send(message).await?;
        }
        Delivery::Folder(folder) => {
            let text = message.formatted();
            // The outbox holds sign-in and reset links: private to the host.
            let name = format!("{:010}.eml", mail.id);
            let partial = folder.join(format!(".{name}.partial"));
            let (dir, draft) = (folder.clone(), partial.clone());
            tokio::task::spawn_blocking(move || {
                crate::storage::create_private_dir(&dir)?;
                let mut file =
                    crate::storage::private_file_options().write(true).create(true).truncate(true).open(&draft)?;
                std::io::Write::write_all(&mut file, &text)?;
                file.sync_all()
            })
            .await??;
            tokio::fs::rename(&partial, folder.join(name)).await?;
        }
    }
    Ok(())
}

/// Mails a new account its set-password link, valid for 7 days.
pub async fn welcome(
    mailer: &Mailer,
    database: &Database,
    user: &crate::storage::User,
    customer_name: &str,
    public_url: &str,
) -> Result<(), StorageError> {
    let token = crate::identity::random_token();
    let expires = crate::storage::now_ms() + 7 * 86_400_000;
    database
        .insert_email_token(
            &crate::identity::digest(&token),
            crate::storage::TokenPurpose::ResetPassword,
            Some(&user.id),
            &user.email,
            None,
            None,
            expires,
        )
        .await?;
    let t = crate::i18n::Texts::for_mail(&user.locale);
    let link = format!("{public_url}/account/reset?token={token}");
    let body = t.f(
        "mail.welcome_body",
        &[("name", &user.name), ("customer", customer_name), ("link", &link), ("token", &token)],
    );
    mailer.send(&user.email, t.t("mail.welcome_subject"), &body).await
}

/// The transport for `smtp_url` (`smtp://`, or `smtps://` for implicit TLS;
/// `?tls=required` asks for STARTTLS).
pub fn smtp(url: &str) -> anyhow::Result<Delivery> {
    Ok(Delivery::Smtp(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_is_a_complete_message_with_its_links_on_whole_lines() {
        let from: Mailbox = "Courtyard <no-reply@courtyard.localhost>".parse().unwrap();
        let link = format!("http://localhost:8080/account/verify?token={}", "x".repeat(43));
        let mail = OutgoingMail {
            id: 1,
            recipient: "anna@example.org".to_owned(),
            subject: "Confirm your email address".to_owned(),
            body: format!("Hello Anna,\n\nopen\n\n{link}\n\nThanks.\n"),
            list_unsubscribe: None,
            attempts: 0,
        };
        let text = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();
        for header in ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Message-ID: <", "Date: "] {
            assert!(text.lines().any(|line| line.starts_with(header)), "`{header}` in:\n{text}");
        }
        assert!(text.lines().any(|line| line.trim_end() == link), "{text}");
        assert!(!text.contains("List-Unsubscribe"), "only mails one can unsubscribe from say how: {text}");
    }

    #[test]
    fn a_notification_mail_offers_one_click_unsubscribing() {
        let from: Mailbox = "Courtyard <no-reply@courtyard.localhost>".parse().unwrap();
        let address = format!("http://localhost:8080/account/unsubscribe?token={}", "t".repeat(43));
        let mail = OutgoingMail {
            id: 2,
            recipient: "anna@example.org".to_owned(),
            subject: "Pinboard: a new notice".to_owned(),
            body: "Hello\n".to_owned(),
            list_unsubscribe: Some(address.clone()),
            attempts: 0,
        };
        let text = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();
        let line = |name: &str| {
            text.lines()
                .find(|line| line.starts_with(name))
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("{name} in {text}"))
        };
        assert_eq!(line("List-Unsubscribe:"), format!("List-Unsubscribe: <{address}>"));
        assert_eq!(line("List-Unsubscribe-Post:"), "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }
}
