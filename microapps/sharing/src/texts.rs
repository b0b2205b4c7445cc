//! Every word sharing says, in English and German.
//!
//! One struct per language: a text missing in one of them is a field left
//! out, which does not compile; the test below catches a German text that
//! is still the English one, and a lost `{placeholder}`.

use courtyard_sdk::lang::Lang;
use serde::Serialize;

use crate::states::{Shown, Step};

#[derive(Debug, Serialize)]
pub struct Texts {
    /// The app's name in the portal's bar (the catalog's name).
    pub app: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub browse: &'static str,
    pub no_items: &'static str,
    pub all_categories: &'static str,
    pub show: &'static str,
    pub more: &'static str,
    pub my_items: &'static str,
    pub no_my_items: &'static str,
    pub i_borrow: &'static str,
    pub i_lend: &'static str,
    pub current: &'static str,
    pub past: &'static str,
    pub no_loans: &'static str,
    pub not_available: &'static str,
    pub withdrawn: &'static str,
    pub back: &'static str,
    pub unavailable: &'static str,
    pub problem_heading: &'static str,
    pub gone: &'static str,
    pub offer: &'static str,
    pub offer_button: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub withdraw: &'static str,
    pub fields: Fields,
    pub lent_by: &'static str,
    pub yours: &'static str,
    pub longest: &'static str,
    pub days: &'static str,
    pub photo_alt: &'static str,
    pub message: &'static str,
    pub report: &'static str,
    pub ask: &'static str,
    pub ask_button: &'static str,
    pub loan_heading: &'static str,
    pub state: &'static str,
    pub period: &'static str,
    pub due_back: &'static str,
    pub borrower: &'static str,
    pub lender: &'static str,
    pub you: &'static str,
    pub neighbour: &'static str,
    pub history: &'static str,
    pub asked: &'static str,
    pub due_title: &'static str,
    pub states: States,
    pub steps: Steps,
    pub done: Steps,
    pub refusals: Refusals,
    pub problems: Problems,
    pub notices: Notices,
    pub categories: [&'static str; 8],
}

#[derive(Debug, Serialize)]
pub struct Fields {
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub max_days: &'static str,
    pub max_days_hint: &'static str,
    pub available: &'static str,
    pub photo: &'static str,
    pub photo_hint: &'static str,
    pub from: &'static str,
    pub due: &'static str,
    pub note: &'static str,
}

#[derive(Debug, Serialize)]
pub struct States {
    pub requested: &'static str,
    pub accepted: &'static str,
    pub handed_over: &'static str,
    pub overdue: &'static str,
    pub returned: &'static str,
    pub declined: &'static str,
    pub cancelled: &'static str,
    pub ended: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Steps {
    pub accept: &'static str,
    pub decline: &'static str,
    pub cancel: &'static str,
    pub hand_over: &'static str,
    pub r#return: &'static str,
    pub remind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Refusals {
    pub own_item: &'static str,
    pub not_lendable: &'static str,
    pub taken: &'static str,
    pub not_yours: &'static str,
    pub wrong_party: &'static str,
    pub out_of_order: &'static str,
    pub reminded: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Problems {
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub max_days: &'static str,
    pub available: &'static str,
    pub photo: &'static str,
    pub from: &'static str,
    pub due: &'static str,
    pub too_long: &'static str,
    pub past: &'static str,
    pub ahead: &'static str,
    pub note: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Notices {
    pub request: &'static str,
    pub request_body: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub cancel: &'static str,
    pub hand_over: &'static str,
    pub r#return: &'static str,
    pub remind: &'static str,
    pub remind_body: &'static str,
    pub body: &'static str,
}

pub const EN: Texts = Texts {
    app: "Sharing",
    heading: "Borrow from your neighbours",
    lead: "Drills, ladders, cargo bikes: lend what you have, borrow what you need, in your building.",
    browse: "Things to borrow",
    no_items: "Nothing to borrow here yet. Offer something of yours!",
    all_categories: "All categories",
    show: "Show",
    more: "More",
    my_items: "Things you lend",
    no_my_items: "You offer nothing yet.",
    i_borrow: "I borrow",
    i_lend: "I lend",
    current: "Current",
    past: "Past",
    no_loans: "Nothing here.",
    not_available: "not available at the moment",
    withdrawn: "withdrawn",
    back: "Everything to borrow",
    unavailable: "This cannot be shown right now. Please try again in a moment.",
    problem_heading: "That did not work",
    gone: "This is gone, or not yours to see.",
    offer: "Offer something to lend",
    offer_button: "Offer it",
    edit: "Change it",
    save: "Save",
    withdraw: "Withdraw it",
    fields: Fields {
        name: "Name",
        description: "Description",
        category: "Category",
        max_days: "Longest loan in days",
        max_days_hint: "1 to {max} days, the first and the last included.",
        available: "Available to borrow now",
        photo: "Photo (optional)",
        photo_hint: "A JPEG or PNG of up to {mib} MiB.",
        from: "From",
        due: "Due back on",
        note: "A word to the lender (optional)",
    },
    lent_by: "Lent by {name}",
    yours: "You lend this.",
    longest: "Longest loan",
    days: "{days} days",
    photo_alt: "Photo of {name}",
    message: "Message {name}",
    report: "Report",
    ask: "Ask to borrow it",
    ask_button: "Send the request",
    loan_heading: "Loan of {item}",
    state: "State",
    period: "Period",
    due_back: "Due back",
    borrower: "Borrower",
    lender: "Lender",
    you: "you",
    neighbour: "a neighbour",
    history: "History",
    asked: "Asked to borrow",
    due_title: "{item} due back",
    states: States {
        requested: "Requested",
        accepted: "Accepted",
        handed_over: "Handed over",
        overdue: "Overdue",
        returned: "Returned",
        declined: "Declined",
        cancelled: "Cancelled",
        ended: "Ended",
    },
    steps: Steps {
        accept: "Accept",
        decline: "Decline",
        cancel: "Cancel the request",
        hand_over: "I handed it over",
        r#return: "I got it back",
        remind: "Send a reminder",
    },
    done: Steps {
        accept: "Accepted",
        decline: "Declined",
        cancel: "Cancelled",
        hand_over: "Handed over",
        r#return: "Returned",
        remind: "Reminder sent",
    },
    refusals: Refusals {
        own_item: "You cannot borrow your own thing.",
        not_lendable: "This is not available to borrow right now.",
        taken: "It is lent to someone else on {day}. Accept a request for other days.",
        not_yours: "Only who lends it can change it.",
        wrong_party: "That step is for the other side of the loan.",
        out_of_order: "This loan is {state}: that step does not apply now.",
        reminded: "A reminder went out today already.",
    },
    problems: Problems {
        name: "Give it a name of 1 to {max} characters, on one line.",
        description: "A description has at most {max} characters; this one has {count}.",
        category: "Choose one of the categories.",
        max_days: "The longest loan is 1 to {max} days.",
        available: "Say whether it is available: yes or no.",
        photo: "{name}: one photo, a JPEG or PNG of up to {mib} MiB.",
        from: "Choose the first day, written as YYYY-MM-DD.",
        due: "Choose the day it is due back, written as YYYY-MM-DD, on or after the first day.",
        too_long: "It can be borrowed for at most {max} days, the first and the last included.",
        past: "That day is over. Choose today or a later day.",
        ahead: "A loan starts within {days} days from today.",
        note: "A note has at most {max} characters.",
    },
    notices: Notices {
        request: "{name} asks to borrow: {item}",
        request_body: "From {from} to {due}. Open the request to accept or decline it.",
        accept: "Your request was accepted: {item}",
        decline: "Your request was declined: {item}",
        cancel: "A request was cancelled: {item}",
        hand_over: "Handed over to you: {item}",
        r#return: "Marked as returned: {item}",
        remind: "Due back on {due}: {item}",
        remind_body: "Please bring it back by {due}.",
        body: "From {from} to {due}.",
    },
    categories: ["Tools", "Garden", "Kitchen", "Sports", "Children", "Transport", "Electronics", "Other"],
};

pub const DE: Texts = Texts {
    app: "Sharing",
    heading: "Von Nachbarn ausleihen",
    lead: "Bohrmaschine, Leiter, Lastenrad: verleih, was du hast, leih, was du brauchst, in deinem Haus.",
    browse: "Zum Ausleihen",
    no_items: "Hier gibt es noch nichts zum Ausleihen. Biete etwas von dir an!",
    all_categories: "Alle Kategorien",
    show: "Anzeigen",
    more: "Weitere",
    my_items: "Was du verleihst",
    no_my_items: "Du bietest noch nichts an.",
    i_borrow: "Ich leihe aus",
    i_lend: "Ich verleihe",
    current: "Laufend",
    past: "Vorbei",
    no_loans: "Hier ist nichts.",
    not_available: "gerade nicht verfügbar",
    withdrawn: "zurückgezogen",
    back: "Alles zum Ausleihen",
    unavailable: "Das kann gerade nicht angezeigt werden. Versuch es bitte gleich noch einmal.",
    problem_heading: "Das hat nicht geklappt",
    gone: "Das gibt es nicht mehr, oder es ist nicht für dich.",
    offer: "Etwas zum Verleihen anbieten",
    offer_button: "Anbieten",
    edit: "Ändern",
    save: "Speichern",
    withdraw: "Zurückziehen",
    fields: Fields {
        name: "Bezeichnung",
        description: "Beschreibung",
        category: "Kategorie",
        max_days: "Längste Ausleihe in Tagen",
        max_days_hint: "1 bis {max} Tage, den ersten und den letzten mitgezählt.",
        available: "Jetzt ausleihbar",
        photo: "Foto (freiwillig)",
        photo_hint: "Ein JPEG oder PNG bis {mib} MiB.",
        from: "Ab",
        due: "Zurück am",
        note: "Ein Wort an die verleihende Person (freiwillig)",
    },
    lent_by: "Verliehen von {name}",
    yours: "Du verleihst das.",
    longest: "Längste Ausleihe",
    days: "{days} Tage",
    photo_alt: "Foto von {name}",
    message: "Nachricht an {name}",
    report: "Melden",
    ask: "Ausleihen anfragen",
    ask_button: "Anfrage senden",
    loan_heading: "Ausleihe von {item}",
    state: "Stand",
    period: "Zeitraum",
    due_back: "Zurück am",
    borrower: "Leiht aus",
    lender: "Verleiht",
    you: "du",
    neighbour: "jemand aus dem Haus",
    history: "Verlauf",
    asked: "Ausleihen angefragt",
    due_title: "{item} zurückgeben",
    states: States {
        requested: "Angefragt",
        accepted: "Zugesagt",
        handed_over: "Übergeben",
        overdue: "Überfällig",
        returned: "Zurückgegeben",
        declined: "Abgelehnt",
        cancelled: "Storniert",
        ended: "Beendet",
    },
    steps: Steps {
        accept: "Zusagen",
        decline: "Ablehnen",
        cancel: "Anfrage stornieren",
        hand_over: "Ich habe es übergeben",
        r#return: "Ich habe es zurück",
        remind: "Erinnerung senden",
    },
    done: Steps {
        accept: "Zugesagt",
        decline: "Abgelehnt",
        cancel: "Storniert",
        hand_over: "Übergeben",
        r#return: "Zurückgegeben",
        remind: "Erinnerung gesendet",
    },
    refusals: Refusals {
        own_item: "Du kannst nicht deine eigenen Sachen ausleihen.",
        not_lendable: "Das ist gerade nicht ausleihbar.",
        taken: "Am {day} ist es schon an jemand anderen verliehen. Sag einer Anfrage für andere Tage zu.",
        not_yours: "Nur wer es verleiht, kann es ändern.",
        wrong_party: "Dieser Schritt ist Sache der anderen Seite.",
        out_of_order: "Diese Ausleihe ist {state}: dieser Schritt passt gerade nicht.",
        reminded: "Heute ging schon eine Erinnerung hinaus.",
    },
    problems: Problems {
        name: "Gib eine Bezeichnung mit 1 bis {max} Zeichen auf einer Zeile an.",
        description: "Eine Beschreibung hat höchstens {max} Zeichen; diese hat {count}.",
        category: "Wähle eine der Kategorien.",
        max_days: "Die längste Ausleihe dauert 1 bis {max} Tage.",
        available: "Sag, ob es ausleihbar ist: ja oder nein.",
        photo: "{name}: ein Foto, JPEG oder PNG bis {mib} MiB.",
        from: "Wähle den ersten Tag, geschrieben als JJJJ-MM-TT.",
        due: "Wähle den Tag der Rückgabe, geschrieben als JJJJ-MM-TT, am ersten Tag oder danach.",
        too_long: "Es lässt sich höchstens {max} Tage ausleihen, den ersten und den letzten mitgezählt.",
        past: "Dieser Tag ist vorbei. Wähle heute oder einen späteren Tag.",
        ahead: "Eine Ausleihe beginnt innerhalb von {days} Tagen ab heute.",
        note: "Eine Nachricht hat höchstens {max} Zeichen.",
    },
    notices: Notices {
        request: "{name} möchte ausleihen: {item}",
        request_body: "Vom {from} bis {due}. Öffne die Anfrage, um zuzusagen oder abzulehnen.",
        accept: "Deine Anfrage wurde angenommen: {item}",
        decline: "Deine Anfrage wurde abgelehnt: {item}",
        cancel: "Eine Anfrage wurde storniert: {item}",
        hand_over: "Dir übergeben: {item}",
        r#return: "Als zurückgegeben vermerkt: {item}",
        remind: "Zurück am {due}: {item}",
        remind_body: "Bitte bring es bis {due} zurück.",
        body: "Vom {from} bis {due}.",
    },
    categories: ["Werkzeug", "Garten", "Küche", "Sport", "Kinder", "Mobilität", "Elektronik", "Anderes"],
};

/// The texts in `lang`.
pub fn of(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
    }
}

impl Texts {
    /// A state as people read it.
    pub fn shown(&self, shown: Shown) -> &'static str {
        let s = &self.states;
        match shown {
            Shown::Requested => s.requested,
            Shown::Accepted => s.accepted,
            Shown::HandedOver => s.handed_over,
            Shown::Overdue => s.overdue,
            Shown::Returned => s.returned,
            Shown::Declined => s.declined,
            Shown::Cancelled => s.cancelled,
            Shown::Ended => s.ended,
        }
    }

    /// The button for a step, or what the history says of it (`done`).
    pub fn step(&self, step: Step, done: bool) -> &'static str {
        let s = if done { &self.done } else { &self.steps };
        match step {
            Step::Accept => s.accept,
            Step::Decline => s.decline,
            Step::Cancel => s.cancel,
            Step::HandOver => s.hand_over,
            Step::Return => s.r#return,
            Step::Remind => s.remind,
        }
    }

    /// The label of category `key`; an unknown key as it is.
    pub fn category(&self, key: &str) -> String {
        let at = crate::model::CATEGORIES.iter().position(|known| *known == key);
        at.map_or_else(|| key.to_owned(), |at| self.categories[at].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::lang::missing_translations;

    use super::*;

    #[test]
    fn every_text_is_in_german_too() {
        // The app's name is the catalog's.
        let alike = ["app"];
        assert_eq!(missing_translations(&EN, &DE, &alike), Vec::<String>::new());
    }

    #[test]
    fn states_steps_and_categories_have_words() {
        assert_eq!(EN.shown(Shown::HandedOver), "Handed over");
        assert_eq!(DE.shown(Shown::Overdue), "Überfällig");
        assert_eq!(DE.step(Step::Accept, false), "Zusagen");
        assert_eq!(EN.step(Step::Return, true), "Returned");
        assert_eq!(DE.category("tools"), "Werkzeug");
        assert_eq!(EN.category("unknown"), "unknown");
    }
}
