//! In-app notifications to people of the caller's property.
//!
//! Needs a `notifications.send` capability. A third-party app reaches only
//! people who consented to its notifications, and every app is rate-limited
//! per person: over the limit, [`send`] fails with [`Error::Limit`].
//!
//! ```no_run
//! use courtyard_sdk::notifications::{self, Notification};
//!
//! # fn demo(subject: &str, quote_id: &str) -> Result<(), courtyard_sdk::Error> {
//! let notice = Notification::new("Your moving quote is ready", "Open it to see the price.")
//!     .with_link(format!("/quotes/{quote_id}"));
//! notifications::send(subject, notice)?;
//! # Ok(()) }
//! ```

use crate::Error;
use crate::bindings::courtyard::platform::notifications as wit;

/// What the person sees in their notification list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// 1 to 120 characters.
    pub title: String,
    /// Up to 2,000 characters of plain text (never markup).
    pub body: String,
    /// A path below the app's mount point, e.g. `/quotes/42`; the host
    /// prefixes it with `/apps/{app}`.
    pub link: Option<String>,
}

impl Notification {
    /// A notification without a link.
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Notification {
        Notification { title: title.into(), body: body.into(), link: None }
    }

    /// Opens `link`, a path below the app's mount point, when the person
    /// follows the notification.
    pub fn with_link(mut self, link: impl Into<String>) -> Notification {
        self.link = Some(link.into());
        self
    }
}

/// Notifies `subject`, a person of the caller's property who may use this app.
///
/// The host checks the limits on title, body and link; a notification
/// outside them fails with [`Error::Invalid`].
pub fn send(subject: &str, notification: Notification) -> Result<(), Error> {
    let notification =
        wit::Notification { title: notification.title, body: notification.body, link: notification.link };
    Ok(wit::send(subject, &notification)?)
}

/// Notifies the staff of the caller's property (the roles the manifest
/// lists in `staff_roles`), except the caller. Answers how many were
/// notified.
pub fn notify_staff(notification: Notification) -> Result<u32, Error> {
    let notification =
        wit::Notification { title: notification.title, body: notification.body, link: notification.link };
    Ok(wit::notify_staff(&notification)?)
}

/// Notifies everyone of the caller's property who may use this app, except
/// the caller: a building-wide announcement. Only staff may send one;
/// anyone else gets [`Error::Denied`]. Answers how many were notified.
/// Needs a 0.2.1 host.
pub fn notify_property(notification: Notification) -> Result<u32, Error> {
    let notification =
        wit::Notification { title: notification.title, body: notification.body, link: notification.link };
    Ok(wit::notify_property(&notification)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_sets_title_body_and_link() {
        let notice = Notification::new("Hello", "From the board").with_link("/posts/1");
        assert_eq!(
            notice,
            Notification { title: "Hello".into(), body: "From the board".into(), link: Some("/posts/1".into()) }
        );
        assert_eq!(Notification::new("a", "b").link, None);
    }
}
