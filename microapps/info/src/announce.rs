//! Telling the building about a new or changed entry, when staff ask for
//! it with "Notify everyone in the building".
//!
//! The host sends the notification to everyone of the property who uses
//! the app (residents with a current occupancy and staff) except the
//! sender, and answers how many it reached; only staff may send one. It is
//! a courtesy, never the change itself: the entry is stored first, and
//! when the host refuses (over its rate limit, say) the entry stays and
//! staff are told it was not announced.
//!
//! The title is the entry's own, after "Info:", which reads the same in
//! English and German; the line under it is in the sender's language.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};
use courtyard_sdk::{Doc, Error};
use serde::Serialize;

use crate::day::for_people;
use crate::model::Entry;
use crate::texts;

/// The longest notification title the host takes.
const MAX_TITLE: usize = 120;

/// What came of an announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announced {
    /// Staff did not ask for one.
    NotAsked,
    /// The host notified this many people.
    Notified(u32),
    /// Over the host's rate limit: nobody was notified.
    Limit,
    /// Refused or failed otherwise: nobody was notified.
    Failed,
}

impl Announced {
    /// How a page after a form is told, in its address: `notified=…`.
    pub fn query(self) -> Option<String> {
        match self {
            Announced::NotAsked => None,
            Announced::Notified(count) => Some(count.to_string()),
            Announced::Limit => Some("limit".to_owned()),
            Announced::Failed => Some("failed".to_owned()),
        }
    }

    /// The reverse of [`Announced::query`].
    pub fn from_query(value: Option<&str>) -> Announced {
        match value {
            None => Announced::NotAsked,
            Some("limit") => Announced::Limit,
            Some("failed") => Announced::Failed,
            Some(count) => count.parse().map_or(Announced::NotAsked, Announced::Notified),
        }
    }

    /// The sentence for staff, if there is one.
    pub fn message(self, lang: Lang) -> Option<String> {
        let t = texts::of(lang);
        match self {
            Announced::NotAsked => None,
            Announced::Notified(1) => Some(t.notified_one.to_owned()),
            Announced::Notified(count) => Some(fill(t.notified, &[("count", &count)])),
            Announced::Limit => Some(t.notify_limit.to_owned()),
            Announced::Failed => Some(t.notify_failed.to_owned()),
        }
    }

    /// What the API answers about it: `notified` is the count (0 when it
    /// failed), `notify_error` says why nobody was notified.
    pub fn json(self, lang: Lang) -> Option<Report> {
        let error = |code: &'static str| Some(NotifyError { code, message: self.message(lang).unwrap_or_default() });
        match self {
            Announced::NotAsked => None,
            Announced::Notified(count) => Some(Report { notified: count, notify_error: None }),
            Announced::Limit => Some(Report { notified: 0, notify_error: error("limit") }),
            Announced::Failed => Some(Report { notified: 0, notify_error: error("unavailable") }),
        }
    }
}

/// [`Announced`] in JSON.
#[derive(Debug, Serialize)]
pub struct Report {
    pub notified: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_error: Option<NotifyError>,
}

#[derive(Debug, Serialize)]
pub struct NotifyError {
    pub code: &'static str,
    pub message: String,
}

/// The notification about entry `doc`, in the sender's `lang`.
pub fn notice(doc: &Doc<Entry>, lang: Lang) -> Notification {
    let t = texts::of(lang);
    let entry = &doc.data;
    let title: String = format!("Info: {}", entry.title).chars().take(MAX_TITLE).collect();
    let body = match entry.date.as_deref().and_then(Date::parse) {
        Some(day) if entry.time.is_empty() => fill(t.notify_body_dated, &[("date", &for_people(day, lang))]),
        Some(day) => fill(t.notify_body_dated, &[("date", &format!("{}, {}", for_people(day, lang), entry.time))]),
        None => t.notify_body.to_owned(),
    };
    Notification::new(title, body).with_link(format!("/entries/{}", doc.id))
}

/// Tells everyone in the building about `doc`, if `asked`.
pub fn building(doc: &Doc<Entry>, asked: bool, lang: Lang) -> Announced {
    if !asked {
        return Announced::NotAsked;
    }
    match notifications::notify_property(notice(doc, lang)) {
        Ok(count) => {
            courtyard_sdk::log::info(&format!("entry {} announced to {count} people", doc.id));
            Announced::Notified(count)
        }
        Err(Error::Limit(_)) => Announced::Limit,
        Err(error) => {
            courtyard_sdk::log::warn(&format!("entry {} was not announced: {}", doc.id, error.code()));
            Announced::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::views::tests::doc;

    #[test]
    fn the_notice_names_the_entry_its_day_and_leads_to_it() {
        let dated = notice(&doc("e1", "Water off", Category::Dates, Some("2027-03-12"), "8–12"), Lang::En);
        assert_eq!(dated.title, "Info: Water off");
        assert_eq!(dated.body, "About Fri, 12 Mar 2027, 8–12. Open it to read more.");
        assert_eq!(dated.link.as_deref(), Some("/entries/e1"));
        let german = notice(&doc("e1", "Wasser", Category::Dates, Some("2027-03-12"), ""), Lang::De);
        assert_eq!(german.body, "Zum Fr., 12. März 2027. Öffne den Eintrag, um mehr zu lesen.");
        let long = notice(&doc("e2", &"ü".repeat(120), Category::Other, None, ""), Lang::En);
        assert_eq!(long.title.chars().count(), 120);
        assert!(long.body.starts_with("New or changed"));
    }

    #[test]
    fn outcomes_travel_in_the_address_and_read_as_sentences() {
        for outcome in [Announced::Notified(0), Announced::Notified(12), Announced::Limit, Announced::Failed] {
            assert_eq!(Announced::from_query(outcome.query().as_deref()), outcome);
        }
        assert_eq!(Announced::from_query(Some("<script>")), Announced::NotAsked);
        assert_eq!(Announced::Notified(12).message(Lang::En).as_deref(), Some("Notified 12 people."));
        assert_eq!(Announced::Notified(1).message(Lang::De).as_deref(), Some("1 Person benachrichtigt."));
        assert_eq!(Announced::NotAsked.message(Lang::En), None);
        let limit = serde_json::to_value(Announced::Limit.json(Lang::En)).unwrap();
        assert_eq!((limit["notified"].as_u64(), limit["notify_error"]["code"].as_str()), (Some(0), Some("limit")));
        let sent = serde_json::to_value(Announced::Notified(3).json(Lang::En)).unwrap();
        assert_eq!(sent, serde_json::json!({ "notified": 3 }));
    }
}
