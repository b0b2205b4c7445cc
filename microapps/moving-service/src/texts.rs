//! Every word the app says to a resident, in English and German.
//!
//! One struct per language, so a text missing in one of them does not
//! compile; the test below catches one left in English.

use courtyard_sdk::lang::Lang;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Texts {
    /// The app's name in the portal's bar (the catalog's name).
    pub app: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub problem: &'static str,
    pub details: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub unit: &'static str,
    pub phone: &'static str,
    pub not_in_profile: &'static str,
    pub no_phone: &'static str,
    pub details_unreadable: &'static str,
    pub quotes: &'static str,
    pub no_quotes: &'static str,
    pub quote_line: &'static str,
    pub valid_until_line: &'static str,
    pub quotes_unreadable: &'static str,
    pub ask: &'static str,
    pub moving_on: &'static str,
    pub rooms: &'static str,
    pub notes: &'static str,
    pub notes_hint: &'static str,
    pub quote_heading: &'static str,
    pub price: &'static str,
    pub valid_until: &'static str,
    pub no_notes: &'static str,
    pub reference: &'static str,
    pub accept: &'static str,
    pub all_quotes: &'static str,
    pub ready_title: &'static str,
    pub ready_body: &'static str,
    pub refusals: Refusals,
}

/// Why a quote request was refused, or could not be answered.
#[derive(Debug, Serialize)]
pub struct Refusals {
    pub date_missing: &'static str,
    pub not_a_date: &'static str,
    pub past: &'static str,
    pub too_far: &'static str,
    pub rooms: &'static str,
    pub notes_long: &'static str,
    pub notes_not_text: &'static str,
    pub not_an_object: &'static str,
    pub vendor_unreachable: &'static str,
    pub vendor_unreadable: &'static str,
    pub not_found: &'static str,
}

pub const EN: Texts = Texts {
    app: "Moving Service",
    heading: "Moving quotes",
    lead: "Meier Removals Ltd prepares a quote for your move from the details below. \
           You get a notification when it is ready.",
    problem: "Your quote was not requested",
    details: "Your details",
    name: "Name",
    email: "Email",
    unit: "Unit",
    phone: "Phone",
    not_in_profile: "not in your profile",
    no_phone: "You share no phone number, so Meier Removals will contact you by email.",
    details_unreadable: "Your details cannot be read: {reason}",
    quotes: "Your quotes",
    no_quotes: "No quotes yet.",
    quote_line: "CHF {price} for {rooms} rooms on {date}",
    valid_until_line: "valid until {date}",
    quotes_unreadable: "Your quotes cannot be shown: {reason}",
    ask: "Ask for a quote",
    moving_on: "Moving date",
    rooms: "Rooms",
    notes: "Notes (optional)",
    notes_hint: "Anything the movers should know, up to {max} characters: a piano, no lift.",
    quote_heading: "Your moving quote",
    price: "Price",
    valid_until: "Valid until",
    no_notes: "none",
    reference: "Reference",
    accept: "To accept it, quote the reference to Meier Removals.",
    all_quotes: "All your quotes",
    ready_title: "Your moving quote is ready",
    ready_body: "Meier Removals quotes CHF {price} for your move on {date} ({rooms} rooms). \
                 The quote is valid until {valid}.",
    refusals: Refusals {
        date_missing: "moving_on is required: the moving date as YYYY-MM-DD",
        not_a_date: "moving_on must be a real date as YYYY-MM-DD, e.g. 2027-03-31",
        past: "the moving date must not be in the past",
        too_far: "the moving date must be on or before {date}",
        rooms: "rooms must be a whole number from 1 to {max}",
        notes_long: "notes have at most {max} characters",
        notes_not_text: "notes must be text",
        not_an_object: "request body: expected a JSON object",
        vendor_unreachable: "Meier Removals cannot prepare a quote right now. Please try again later.",
        vendor_unreadable: "Meier Removals sent an answer we could not read. Please try again later.",
        not_found: "not found",
    },
};

pub const DE: Texts = Texts {
    app: "Moving Service",
    heading: "Umzugsofferten",
    lead: "Meier Removals Ltd erstellt aus den Angaben unten eine Offerte für deinen Umzug. \
           Du bekommst eine Mitteilung, sobald sie bereit ist.",
    problem: "Deine Offerte wurde nicht angefragt",
    details: "Deine Angaben",
    name: "Name",
    email: "E-Mail",
    unit: "Wohnung",
    phone: "Telefon",
    not_in_profile: "nicht in deinem Profil",
    no_phone: "Du teilst keine Telefonnummer, darum meldet sich Meier Removals per E-Mail.",
    details_unreadable: "Deine Angaben können nicht gelesen werden: {reason}",
    quotes: "Deine Offerten",
    no_quotes: "Noch keine Offerten.",
    quote_line: "CHF {price} für {rooms} Zimmer am {date}",
    valid_until_line: "gültig bis {date}",
    quotes_unreadable: "Deine Offerten können nicht angezeigt werden: {reason}",
    ask: "Offerte anfragen",
    moving_on: "Umzugsdatum",
    rooms: "Zimmer",
    notes: "Bemerkungen (freiwillig)",
    notes_hint: "Was die Zügelleute wissen sollten, bis zu {max} Zeichen: ein Klavier, kein Lift.",
    quote_heading: "Deine Umzugsofferte",
    price: "Preis",
    valid_until: "Gültig bis",
    no_notes: "keine",
    reference: "Referenz",
    accept: "Um sie anzunehmen, nenne Meier Removals die Referenz.",
    all_quotes: "Alle deine Offerten",
    ready_title: "Deine Umzugsofferte ist bereit",
    ready_body: "Meier Removals offeriert CHF {price} für deinen Umzug am {date} ({rooms} Zimmer). \
                 Die Offerte gilt bis {valid}.",
    refusals: Refusals {
        date_missing: "moving_on fehlt: das Umzugsdatum als YYYY-MM-DD",
        not_a_date: "moving_on muss ein echtes Datum als YYYY-MM-DD sein, z. B. 2027-03-31",
        past: "das Umzugsdatum darf nicht in der Vergangenheit liegen",
        too_far: "das Umzugsdatum muss spätestens am {date} sein",
        rooms: "rooms muss eine ganze Zahl von 1 bis {max} sein",
        notes_long: "notes haben höchstens {max} Zeichen",
        notes_not_text: "notes müssen Text sein",
        not_an_object: "Anfrage: ein JSON-Objekt erwartet",
        vendor_unreachable: "Meier Removals kann gerade keine Offerte erstellen. Versuch es bitte später noch einmal.",
        vendor_unreadable: "Meier Removals hat eine Antwort geschickt, die wir nicht lesen können. \
                            Versuch es bitte später noch einmal.",
        not_found: "nicht gefunden",
    },
};

/// The texts in `lang`.
pub fn of(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
    }
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::lang::missing_translations;

    use super::*;

    #[test]
    fn every_text_is_in_german_too() {
        // The catalog's name, and a word both languages share.
        assert_eq!(missing_translations(&EN, &DE, &["app", "name"]), Vec::<String>::new());
    }
}
