//! Who hears about what: staff of new tickets and of residents' messages,
//! the resident who filed a ticket of staff answers and changes of state.
//!
//! A notification is a courtesy, never the action itself: when one cannot
//! be sent (over the rate limit, say), the ticket or message stays stored
//! and the failure is logged without personal data.

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};

use crate::categories::Categories;
use crate::model::{Location, Ticket};
use crate::states::State;
use crate::texts;

const MAX_TITLE: usize = 120;

/// Staff: a new ticket.
pub fn new_ticket(id: &str, ticket: &Ticket, categories: &Categories, lang: Lang) -> Notification {
    let t = texts::of(lang);
    let place = match ticket.location {
        Location::Unit => t.where_unit,
        Location::CommonArea => t.where_common,
    };
    let body = fill(t.notify_new_body, &[("category", &categories.label(&ticket.category, lang)), ("where", &place)]);
    Notification::new(title(t.notify_new_title, &ticket.title), plain(&body)).with_link(link(id))
}

/// Staff: a resident wrote in a ticket's conversation.
pub fn resident_wrote(id: &str, ticket: &Ticket, lang: Lang) -> Notification {
    let t = texts::of(lang);
    Notification::new(title(t.notify_reply_title, &ticket.title), t.notify_reply_body).with_link(link(id))
}

/// The resident: staff answered. The text itself stays in the app.
pub fn staff_answered(id: &str, ticket: &Ticket) -> Notification {
    let t = texts::of(ticket_lang(ticket));
    let body = plain(&ticket.title);
    Notification::new(title(t.notify_answer_title, &ticket.title), body).with_link(link(id))
}

/// The resident: staff moved their ticket from `from` to its state now.
pub fn state_changed(id: &str, ticket: &Ticket, from: State) -> Notification {
    let t = texts::of(ticket_lang(ticket));
    let heading = fill(t.notify_state_title, &[("state", &t.state(ticket.state))]);
    let body = fill(
        t.notify_state_body,
        &[("title", &ticket.title), ("from", &t.state(from)), ("to", &t.state(ticket.state))],
    );
    Notification::new(shorten(&heading), plain(&body)).with_link(link(id))
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
        courtyard_sdk::log::warn(&format!("a resident was not notified: {}", error.code()));
    }
}

/// The language of the person who filed `ticket`.
fn ticket_lang(ticket: &Ticket) -> Lang {
    Lang::of_tag(&ticket.lang).unwrap_or(Lang::En)
}

/// The path of a ticket's page below the app.
fn link(id: &str) -> String {
    format!("/tickets/{id}")
}

/// `template` with the ticket's title in it, within the platform's limit.
fn title(template: &str, ticket_title: &str) -> String {
    shorten(&fill(template, &[("title", &ticket_title)]))
}

/// At most 120 characters, cut with an ellipsis.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_TITLE {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_TITLE - 1).collect();
    cut.push('…');
    cut
}

/// Plain text the platform takes: no control characters but line breaks,
/// at most 2,000 characters.
fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).take(2_000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::tests::ticket_doc;

    #[test]
    fn staff_hear_of_a_new_ticket_in_the_callers_language_with_a_link() {
        let doc = ticket_doc("anna", "", State::Open);
        let notice = new_ticket("t1", &doc.data, &Categories::default(), Lang::De);
        assert_eq!(notice.title, "Neue Meldung: Cold <radiator>");
        assert_eq!(notice.body, "Heizung, In der Wohnung. Öffne die Meldung, um zu antworten.");
        assert_eq!(notice.link.as_deref(), Some("/tickets/t1"));
    }

    #[test]
    fn the_resident_hears_in_their_own_language() {
        let mut doc = ticket_doc("anna", "", State::WaitingResident);
        doc.data.lang = "de".to_owned();
        let notice = state_changed("t1", &doc.data, State::Open);
        assert_eq!(notice.title, "Deine Meldung ist jetzt: Wartet auf Antwort aus der Wohnung");
        assert!(notice.body.contains("von Offen zu Wartet"), "{}", notice.body);
        doc.data.lang = "fr".to_owned();
        assert!(staff_answered("t1", &doc.data).title.starts_with("The management answered"));
    }

    #[test]
    fn long_titles_are_cut_to_the_platforms_limit() {
        let mut doc = ticket_doc("anna", "", State::Open);
        doc.data.title = "é".repeat(120);
        let notice = resident_wrote("t1", &doc.data, Lang::En);
        assert_eq!(notice.title.chars().count(), 120);
        assert!(notice.title.ends_with('…'));
        assert_eq!(plain("a\tb\u{7}c\nd"), "a b c\nd");
    }
}
