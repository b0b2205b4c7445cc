//! Who hears about what: the lender of a request and of its cancellation,
//! the borrower of every answer, of the hand-over, the return and the
//! reminders. Each in their own language, where their profile says it.
//!
//! A notification is a courtesy, never the step itself: when one cannot be
//! sent (over the rate limit, say), the step stays stored and the failure
//! is logged without personal data.

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::notifications::{self, Notification};
use courtyard_sdk::profile::{self, Field};

use crate::model::Loan;
use crate::states::Step;
use crate::texts;

const MAX_TITLE: usize = 120;

/// What `step` of loan `id` tells the other side; `None` is the request.
/// `name` is who took the step, as neighbours see them.
pub fn notice(step: Option<Step>, id: &str, loan: &Loan, name: &str, lang: Lang) -> Notification {
    let t = &texts::of(lang).notices;
    let values: [(&str, &dyn std::fmt::Display); 4] =
        [("item", &loan.item_name), ("from", &loan.from), ("due", &loan.until), ("name", &name)];
    let (title, body) = match step {
        None => (t.request, t.request_body),
        Some(Step::Accept) => (t.accept, t.body),
        Some(Step::Decline) => (t.decline, t.body),
        Some(Step::Cancel) => (t.cancel, t.body),
        Some(Step::HandOver) => (t.hand_over, t.body),
        Some(Step::Return) => (t.r#return, t.body),
        Some(Step::Remind) => (t.remind, t.remind_body),
    };
    Notification::new(shorten(&fill(title, &values)), fill(body, &values)).with_link(format!("/loans/{id}"))
}

/// The language of `subject`, by their profile, else `fallback`.
pub fn lang_of(subject: &str, fallback: Lang) -> Lang {
    profile::read(Some(subject), &[Field::Locale])
        .ok()
        .and_then(|found| found.locale().and_then(Lang::of_tag))
        .unwrap_or(fallback)
}

/// The name `subject` shows neighbours, if they gave one.
pub fn name_of(subject: &str) -> Option<String> {
    if subject.is_empty() {
        return None;
    }
    profile::read(Some(subject), &[Field::DisplayName]).ok().and_then(|found| found.display_name().map(str::to_owned))
}

/// Sends `notification` to `subject`, if it can.
pub fn person(subject: &str, notification: Notification) {
    if let Err(error) = notifications::send(subject, notification) {
        courtyard_sdk::log::warn(&format!("a neighbour was not notified: {}", error.code()));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::tests::loan;

    #[test]
    fn each_step_is_told_in_the_recipients_language_with_a_link() {
        let loan = loan().data;
        let request = notice(None, "l1", &loan, "Ben", Lang::En);
        assert_eq!(request.title, "Ben asks to borrow: Drill");
        assert_eq!(request.body, "From 2027-03-10 to 2027-03-12. Open the request to accept or decline it.");
        assert_eq!(request.link.as_deref(), Some("/loans/l1"));
        assert_eq!(
            notice(Some(Step::Accept), "l1", &loan, "Anna", Lang::De).title,
            "Deine Anfrage wurde angenommen: Drill"
        );
        assert_eq!(notice(Some(Step::Remind), "l1", &loan, "Anna", Lang::En).title, "Due back on 2027-03-12: Drill");
    }

    #[test]
    fn long_titles_are_cut_to_the_platforms_limit() {
        let mut long = loan().data;
        long.item_name = "é".repeat(120);
        let title = notice(Some(Step::HandOver), "l1", &long, "Anna", Lang::En).title;
        assert_eq!(title.chars().count(), 120);
        assert!(title.ends_with('…'));
    }
}
