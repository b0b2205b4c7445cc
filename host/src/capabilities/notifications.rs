//! `courtyard:platform/notifications`: in-app notifications to people of
//! the caller's property, rate-limited per app and person.

use super::{Access, CallContext, CallError, Power};
use crate::capabilities::bindings::notifications::{Host, Notification};
use crate::capabilities::bindings::types::Error;
use crate::grant;

const MAX_TITLE: usize = 120;
const MAX_BODY: usize = 2_000;
const MAX_LINK: usize = 500;

impl Host for CallContext {
    fn send(&mut self, subject: String, notification: Notification) -> Result<(), CallError> {
        let mut access = Access::new(
            "notifications.send",
            Power::Notify,
            "notification",
            vec![vec![grant::NOTIFICATIONS.to_owned()]],
        );
        access.fields = Some("title,body,link".to_owned());
        if let Err(error) = check_notification(&notification) {
            return Err(self.reject(access, error));
        }
        let recipient = match self.resolve_subject(&subject) {
            Ok(recipient) => recipient,
            Err(error) => return Err(self.reject(access, error)),
        };
        access.subject = recipient.clone();
        let Some(recipient) = recipient else {
            let entry = self.admit_access(access)?;
            let result = Err(Error::NotFound.into());
            self.settle(entry, &result);
            return result;
        };
        let entry = self.admit_access(access)?;
        let database = self.services.database.clone();
        let customer = self.caller.customer.clone().unwrap_or_default();
        let property = self.caller.property.clone().unwrap_or_default();
        let app = self.app_id.to_string();
        let per_hour = self.services.notifications_per_hour;
        let today = crate::identity::today();
        let profiles = std::sync::Arc::clone(&self.services.profiles);
        let stored = self.block_on(async move {
            if profiles.load(&recipient, &property, &today).await?.is_none() {
                return Ok(None);
            }
            let Notification { title, body, link } = notification;
            database
                .insert_notification(&recipient, &customer, &property, &app, &title, &body, link.as_deref(), per_hour)
                .await
                .map(Some)
        });
        let result: Result<(), Error> = match stored {
            Some(Ok(Some(true))) => Ok(()),
            Some(Ok(Some(false))) => Err(Error::Limit(format!("at most {per_hour} notifications per person and hour"))),
            Some(Ok(None)) => Err(Error::NotFound),
            Some(Err(err)) => {
                tracing::error!(app = %self.app_id, error = %err, "notification failed");
                Err(Error::Unavailable("notifications are temporarily unavailable".to_owned()))
            }
            None => Err(Error::Unavailable("the request ran out of time".to_owned())),
        };
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }

    fn notify_staff(&mut self, notification: Notification) -> Result<u32, CallError> {
        self.notify_many(notification, Many::Staff)
    }

    fn notify_property(&mut self, notification: Notification) -> Result<u32, CallError> {
        self.notify_many(notification, Many::Property)
    }
}

/// Whom a notification to many reaches in the caller's property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Many {
    /// The app's staff (`notify-staff`).
    Staff,
    /// Everyone who may use the app (`notify-property`): staff of a core
    /// app only.
    Property,
}

impl CallContext {
    /// `notify-staff` and `notify-property`: the people `many` names,
    /// except the caller, in one transaction; one audit entry.
    fn notify_many(&mut self, notification: Notification, many: Many) -> Result<u32, CallError> {
        let (action, resource) = match many {
            Many::Staff => ("notifications.notify-staff", "staff"),
            Many::Property => ("notifications.notify-property", "property"),
        };
        let mut access =
            Access::new(action, Power::Notify, "notification", vec![vec![grant::NOTIFICATIONS.to_owned()]]);
        access.resource_id = Some(resource.to_owned());
        access.fields = Some("title,body,link".to_owned());
        if let Err(error) = check_notification(&notification) {
            return Err(self.reject(access, error));
        }
        if many == Many::Property {
            let refusal = if self.policy.kind != crate::catalog::AppKind::Core {
                Some("only core apps notify a whole property")
            } else if !self.caller.staff {
                Some("only staff notify the whole property")
            } else {
                None
            };
            if let Some(reason) = refusal {
                return Err(self.reject(access, Error::Denied(reason.to_owned())));
            }
        }
        let entry = self.admit_access(access)?;
        let database = self.services.database.clone();
        let customer = self.caller.customer.clone().unwrap_or_default();
        let property = self.caller.property.clone().unwrap_or_default();
        let app = self.app_id.to_string();
        let roles = self.policy.staff_roles.clone();
        let caller = self.caller.user_id.clone();
        let per_hour = self.services.notifications_per_hour;
        let today = crate::identity::today();
        let notified = self.block_on(async move {
            let mut people = match many {
                Many::Staff => database.staff_of(&customer, &property, &roles, &today).await?,
                Many::Property => database.people_of(&customer, &property, &roles, &today).await?,
            };
            people.retain(|person| Some(person) != caller.as_ref());
            let Notification { title, body, link } = notification;
            database
                .insert_notifications(&people, &customer, &property, &app, &title, &body, link.as_deref(), per_hour)
                .await
        });
        let result: Result<u32, Error> = match notified {
            Some(Ok(notified)) => Ok(notified),
            Some(Err(err)) => {
                tracing::error!(app = %self.app_id, error = %err, action, "notification to many failed");
                Err(Error::Unavailable("notifications are temporarily unavailable".to_owned()))
            }
            None => Err(Error::Unavailable("the request ran out of time".to_owned())),
        };
        let result = result.map_err(CallError::from);
        self.settle(entry, &result);
        result
    }
}

fn check_notification(notification: &Notification) -> Result<(), Error> {
    let printable = |text: &str| !text.chars().any(|c| c.is_control() && c != '\n');
    let title_chars = notification.title.chars().count();
    if notification.title.trim().is_empty() || title_chars > MAX_TITLE || !printable(&notification.title) {
        return Err(Error::Invalid(format!("a title is 1 to {MAX_TITLE} printable characters")));
    }
    if notification.body.chars().count() > MAX_BODY || !printable(&notification.body) {
        return Err(Error::Invalid(format!("a body is at most {MAX_BODY} printable characters")));
    }
    if let Some(link) = &notification.link
        && !crate::catalog::is_path_below_app(link, MAX_LINK)
    {
        return Err(Error::Invalid(
            "a link is a path below the app, starting with one `/`, without `.` or `..` segments".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_link(link: &str) -> Notification {
        Notification { title: "Hello".to_owned(), body: String::new(), link: Some(link.to_owned()) }
    }

    #[test]
    fn a_link_stays_below_its_app() {
        for fine in
            ["/", "/quotes/Q-1", "/posts?after=a..b", "/a/..b/c.", "/files/report.v2..pdf", "/#..", "/x?y=/../z"]
        {
            assert!(check_notification(&with_link(fine)).is_ok(), "{fine}");
        }
        for hostile in [
            "/../pinboard/",
            "/quotes/../../pinboard/posts",
            "/..",
            "/./x",
            "/%2e%2e/pinboard/",
            "/%2E./pinboard/",
            "/.%2E/pinboard/",
            "/x/%2e/y",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/a b",
        ] {
            assert!(matches!(check_notification(&with_link(hostile)), Err(Error::Invalid(_))), "{hostile}");
        }
    }
}
