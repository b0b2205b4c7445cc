//! Who hears about what: staff of a new suggestion, its suggester of the
//! decision. A notification is a courtesy, never the action itself: when
//! one cannot be sent (over the rate limit, say), the suggestion or entry
//! stays stored and the failure is logged without personal data.

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};

use crate::store::Suggestion;
use crate::texts;

const MAX_TITLE: usize = 120;
const MAX_BODY: usize = 2_000;

/// Staff: a resident suggested a business.
pub fn new_suggestion(id: &str, suggestion: &Suggestion, lang: Lang) -> Notification {
    let t = texts::of(lang);
    let name = &suggestion.details.name;
    let category = suggestion.details.category.label(lang);
    let body = fill(t.notify_new_body, &[("name", name), ("category", &category)]);
    Notification::new(title(t.notify_new_title, name), plain(&body)).with_link(format!("/suggestions/{id}"))
}

/// The suggester: their suggestion is in the directory as entry `entry`.
pub fn accepted(entry: &str, suggestion: &Suggestion) -> Notification {
    let t = texts::of(suggester_lang(suggestion));
    let name = &suggestion.details.name;
    let body = fill(t.notify_accepted_body, &[("name", name)]);
    Notification::new(title(t.notify_accepted_title, name), plain(&body)).with_link(format!("/entries/{entry}"))
}

/// The suggester: their suggestion `id` was declined, with the reason.
pub fn rejected(id: &str, suggestion: &Suggestion) -> Notification {
    let t = texts::of(suggester_lang(suggestion));
    let body = fill(t.notify_rejected_body, &[("reason", &suggestion.reason)]);
    Notification::new(title(t.notify_rejected_title, &suggestion.details.name), plain(&body))
        .with_link(format!("/suggestions/{id}"))
}

/// Sends `notification` to the staff of the property, if it can.
pub fn staff(notification: Notification) {
    if let Err(error) = notifications::notify_staff(notification) {
        courtyard_sdk::log::warn(&format!("staff were not notified: {}", error.code()));
    }
}

/// Sends `notification` to `subject`, if it can.
pub fn person(subject: &str, notification: Notification) {
    if let Err(error) = notifications::send(subject, notification) {
        courtyard_sdk::log::warn(&format!("a suggester was not notified: {}", error.code()));
    }
}

fn suggester_lang(suggestion: &Suggestion) -> Lang {
    Lang::of_tag(&suggestion.lang).unwrap_or(Lang::En)
}

/// `template` with the business's name in it, within the platform's limit.
fn title(template: &str, name: &str) -> String {
    let text = plain(&fill(template, &[("name", &name)]));
    if text.chars().count() <= MAX_TITLE {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_TITLE - 1).collect();
    cut.push('…');
    cut
}

/// Plain text the platform takes: no control characters but line breaks.
fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).take(MAX_BODY).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::State;
    use crate::views::tests::bakery;

    fn suggestion(lang: &str) -> Suggestion {
        Suggestion {
            details: bakery(),
            state: State::Rejected,
            reason: "It closed\u{7} last year.".into(),
            entry: String::new(),
            lang: lang.into(),
            decided: 1,
        }
    }

    #[test]
    fn staff_hear_of_a_suggestion_with_a_link_to_it() {
        let notice = new_suggestion("s1", &suggestion("en"), Lang::De);
        assert_eq!(notice.title, "Neuer Vorschlag: Bäckerei <Sonne>");
        assert!(notice.body.contains("(Geschäfte)"), "{}", notice.body);
        assert_eq!(notice.link.as_deref(), Some("/suggestions/s1"));
    }

    #[test]
    fn the_suggester_hears_the_outcome_in_their_language() {
        let notice = rejected("s1", &suggestion("de"));
        assert_eq!(notice.title, "Dein Vorschlag wurde abgelehnt: Bäckerei <Sonne>");
        assert_eq!(notice.body, "Die Verwaltung schreibt: It closed  last year.");
        let notice = accepted("e1", &suggestion("fr"));
        assert_eq!(notice.title, "Now in the directory: Bäckerei <Sonne>");
        assert_eq!(notice.link.as_deref(), Some("/entries/e1"));
        let mut long = suggestion("en");
        long.details.name = "é".repeat(120);
        assert_eq!(accepted("e1", &long).title.chars().count(), 120);
    }
}
