//! The people the app names: neighbours by their platform display name,
//! whether a person is a resident one may write to, and telling them of a
//! message.
//!
//! Only `display-name`, `unit` (whether there is one, never shown) and
//! `locale` are read; never an email address or a phone number.

use std::collections::HashMap;

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};
use courtyard_sdk::profile::{self, Field};
use courtyard_sdk::{Error, log};

use crate::model::PROFILES;
use crate::texts;

/// A person of the caller's property, as far as the app needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Whether they have a current unit in the property: a resident, not
    /// staff.
    pub resident: bool,
    /// The language to notify them in.
    pub lang: Lang,
}

/// Reads `subject`, a person of the caller's property; a person of another
/// property, or nobody, is [`Error::NotFound`].
pub fn person(subject: &str) -> Result<Person, Error> {
    let read = profile::read(Some(subject), &[Field::Unit, Field::Locale])?;
    Ok(Person {
        resident: read.unit().is_some_and(|unit| !unit.is_empty()),
        lang: read.locale().and_then(Lang::of_tag).unwrap_or(Lang::En),
    })
}

/// The resident `subject` one may write to, or why not.
pub fn recipient(subject: &str, me: &str, lang: Lang) -> Result<Person, Error> {
    let t = texts::of(lang);
    if subject == me {
        return Err(Error::Invalid(t.not_yourself.to_owned()));
    }
    if !crate::model::is_subject(subject) {
        return Err(Error::NotFound);
    }
    let person = person(subject)?;
    if !person.resident {
        return Err(Error::Denied(t.not_resident.to_owned()));
    }
    Ok(person)
}

/// The caller's own display name: the suggestion for their profile and the
/// name their messages are announced with.
pub fn my_name() -> Option<String> {
    profile::mine(&[Field::DisplayName]).ok().and_then(|read| read.display_name().map(str::to_owned))
}

/// The name `subject` shows the building: their neighbour profile's while
/// they have one, else their platform display name.
pub fn shown_name(subject: &str) -> Option<String> {
    let profile = PROFILES
        .query()
        .filter("subject", subject)
        .limit(5)
        .fetch()
        .ok()
        .and_then(|page| page.items.into_iter().find(|doc| doc.owner == subject).map(|doc| doc.data.name));
    profile.or_else(|| {
        profile::read(Some(subject), &[Field::DisplayName]).ok().and_then(|read| read.display_name().map(str::to_owned))
    })
}

/// Names of neighbours, each read once per request.
#[derive(Debug, Default)]
pub struct Names {
    known: HashMap<String, String>,
}

impl Names {
    /// The name of `subject` ([`shown_name`]), or "a neighbour" when it
    /// cannot be read (the person moved out, say).
    pub fn of(&mut self, subject: &str, lang: Lang) -> String {
        if let Some(name) = self.known.get(subject) {
            return name.clone();
        }
        let name = shown_name(subject).unwrap_or_else(|| texts::of(lang).a_neighbour.to_owned());
        self.known.insert(subject.to_owned(), name.clone());
        name
    }
}

/// What `to` is told when `from` wrote in conversation `conversation`: who
/// wrote, never what.
pub fn message_notice(conversation: &str, from: &str, lang: Lang) -> Notification {
    let t = texts::of(lang);
    let title: String = fill(t.notify_title, &[("name", &from)]).chars().take(120).collect();
    Notification::new(title, t.notify_body).with_link(format!("/conversations/{conversation}"))
}

/// Tells `to` of a new message, if it can: over the platform's limit the
/// message stays stored and the notice is skipped.
pub fn notify(to: &str, notice: Notification) {
    match notifications::send(to, notice) {
        Ok(()) => {}
        Err(Error::Limit(_)) => log::info("a neighbour was not notified: the notification limit is reached"),
        Err(error) => log::warn(&format!("a neighbour was not notified: {}", error.code())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_says_who_wrote_in_the_recipients_language_and_links_the_conversation() {
        let notice = message_notice("c1", "Anna", Lang::De);
        assert_eq!(notice.title, "Anna hat dir geschrieben");
        assert_eq!(notice.body, "Öffne die Unterhaltung, um zu lesen und zu antworten.");
        assert_eq!(notice.link.as_deref(), Some("/conversations/c1"));
        let long = message_notice("c1", &"é".repeat(200), Lang::En);
        assert_eq!(long.title.chars().count(), 120);
    }
}
