//! Every word the marketplace says, in English and German.
//!
//! One struct per language: a text missing in one of them is a field left
//! out, which does not compile; the test below catches a German text that
//! is still the English one, and a lost `{placeholder}`.

use courtyard_sdk::lang::Lang;
use serde::Serialize;

use crate::model::{Kind, State};

#[derive(Debug, Serialize)]
pub struct Texts {
    /// The app's name in the portal's bar (the catalog's name).
    pub app: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub new_listing: &'static str,
    pub my_listings: &'static str,
    pub all_listings: &'static str,
    pub listings: &'static str,
    pub filter: &'static str,
    pub kind: &'static str,
    pub any_kind: &'static str,
    pub show: &'static str,
    pub kinds: KindNames,
    pub no_listings: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub free: &'static str,
    pub price: &'static str,
    pub state: &'static str,
    pub available: &'static str,
    pub reserved: &'static str,
    pub gone: KindNames,
    pub mark_reserved: &'static str,
    pub mark_available: &'static str,
    pub mark_gone: KindNames,
    pub from: &'static str,
    pub a_neighbour: &'static str,
    pub you: &'static str,
    pub published: &'static str,
    pub expires: &'static str,
    pub expired: &'static str,
    pub expired_note: &'static str,
    pub photos: &'static str,
    pub photo_alt: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub report: &'static str,
    pub edit: &'static str,
    pub renew: &'static str,
    pub delete: &'static str,
    pub your_listing: &'static str,
    pub missing: &'static str,
    pub new_heading: &'static str,
    pub edit_heading: &'static str,
    pub title: &'static str,
    pub title_hint: &'static str,
    pub description: &'static str,
    pub description_hint: &'static str,
    pub price_label: &'static str,
    pub price_hint: &'static str,
    pub photos_hint: &'static str,
    pub publish: &'static str,
    pub save: &'static str,
    pub mine_lead: &'static str,
    pub mine_empty: &'static str,
    pub problem_heading: &'static str,
    pub unattached: &'static str,
    pub unavailable: &'static str,
    pub not_yours: &'static str,
    pub state_unchanged: &'static str,
    pub state_final: &'static str,
    pub state_unknown: &'static str,
    pub problem_title: &'static str,
    pub problem_description: &'static str,
    pub problem_kind: &'static str,
    pub problem_price: &'static str,
    pub problem_price_missing: &'static str,
    pub problem_price_free: &'static str,
    pub problem_photos: &'static str,
    pub problem_photo: &'static str,
}

/// One text per kind of listing.
#[derive(Debug, Serialize)]
pub struct KindNames {
    pub sell: &'static str,
    pub free: &'static str,
    pub wanted: &'static str,
    pub lost_found: &'static str,
}

impl KindNames {
    pub fn of(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Sell => self.sell,
            Kind::Free => self.free,
            Kind::Wanted => self.wanted,
            Kind::LostFound => self.lost_found,
        }
    }
}

impl Texts {
    /// The name of `state` for a listing of `kind`: gone is "sold" for
    /// something sold, "given away" for something given away, …
    pub fn state(&self, kind: Kind, state: State) -> &'static str {
        match state {
            State::Available => self.available,
            State::Reserved => self.reserved,
            State::Gone => self.gone.of(kind),
        }
    }

    /// The button that moves a listing of `kind` to `state`.
    pub fn mark(&self, kind: Kind, state: State) -> &'static str {
        match state {
            State::Available => self.mark_available,
            State::Reserved => self.mark_reserved,
            State::Gone => self.mark_gone.of(kind),
        }
    }
}

pub const EN: Texts = Texts {
    app: "Marketplace",
    heading: "Marketplace",
    lead: "What your neighbours sell, give away or look for, and what was lost or found in the building.",
    new_listing: "New listing",
    my_listings: "My listings",
    all_listings: "All listings",
    listings: "Listings",
    filter: "Filter the listings",
    kind: "Kind",
    any_kind: "All kinds",
    show: "Show",
    kinds: KindNames { sell: "For sale", free: "Free to give away", wanted: "Wanted", lost_found: "Lost and found" },
    no_listings: "Nothing listed right now.",
    older: "Older listings",
    newest: "Latest listings",
    free: "Free",
    price: "Price",
    state: "State",
    available: "Available",
    reserved: "Reserved",
    gone: KindNames { sell: "Sold", free: "Given away", wanted: "Found", lost_found: "Resolved" },
    mark_reserved: "Mark as reserved",
    mark_available: "Available again",
    mark_gone: KindNames {
        sell: "Mark as sold",
        free: "Mark as given away",
        wanted: "Mark as found",
        lost_found: "Mark as resolved",
    },
    from: "From",
    a_neighbour: "A neighbour",
    you: "You",
    published: "Published",
    expires: "Expires",
    expired: "Expired",
    expired_note: "This listing has expired: your neighbours no longer see it. Renew it or delete it.",
    photos: "Photos",
    photo_alt: "Photo {n} of {title}",
    contact: "Contact the seller",
    contact_hint: "You write to them in a direct message; no email address or phone number is shown.",
    report: "Report",
    edit: "Edit",
    renew: "Renew for 30 days",
    delete: "Delete",
    your_listing: "This is your listing.",
    missing: "That listing does not exist, or you cannot see it.",
    new_heading: "New listing",
    edit_heading: "Edit the listing",
    title: "Title",
    title_hint: "In a few words, up to {max} characters.",
    description: "Description",
    description_hint: "Optional: condition, size, where to pick it up. Up to {max} characters.",
    price_label: "Price in {currency}",
    price_hint: "Needed for a sale, for example 80.00. Leave it empty for something given away; for something wanted, lost or found it may name a budget or a reward.",
    photos_hint: "Optional, up to {max} JPEG or PNG photos of at most {mib} MiB each.",
    publish: "Publish",
    save: "Save",
    mine_lead: "Everything you listed, expired listings too. A listing expires 30 days after it was published or renewed.",
    mine_empty: "You have not listed anything yet.",
    problem_heading: "That did not work",
    unattached: "Some photos could not be attached ({count}). Only JPEG and PNG photos of at most {mib} MiB are taken.",
    unavailable: "The listings cannot be shown right now. Please try again in a moment.",
    not_yours: "Only the person who published this listing can change it.",
    state_unchanged: "The listing is in that state already.",
    state_final: "This listing is gone for good; publish a new one instead.",
    state_unknown: "Choose available, reserved or gone.",
    problem_title: "Give your listing a title of 1 to {max} characters.",
    problem_description: "Describe it in at most {max} characters; yours has {count}.",
    problem_kind: "Choose for sale, free to give away, wanted, or lost and found.",
    problem_price: "Write the price as an amount, such as 80 or 80.50, of at most one million.",
    problem_price_missing: "Something for sale needs a price.",
    problem_price_free: "Something given away has no price; leave it empty.",
    problem_photos: "A listing has at most {max} photos; this would make {count}.",
    problem_photo: "{name} is not a JPEG or PNG photo of at most {mib} MiB.",
};

pub const DE: Texts = Texts {
    app: "Marketplace",
    heading: "Marktplatz",
    lead: "Was deine Nachbarschaft verkauft, verschenkt oder sucht, und was im Haus verloren oder gefunden wurde.",
    new_listing: "Neues Inserat",
    my_listings: "Meine Inserate",
    all_listings: "Alle Inserate",
    listings: "Inserate",
    filter: "Inserate filtern",
    kind: "Art",
    any_kind: "Alle Arten",
    show: "Anzeigen",
    kinds: KindNames {
        sell: "Zu verkaufen",
        free: "Zu verschenken",
        wanted: "Gesucht",
        lost_found: "Verloren und gefunden",
    },
    no_listings: "Gerade ist nichts inseriert.",
    older: "Ältere Inserate",
    newest: "Neueste Inserate",
    free: "Gratis",
    price: "Preis",
    state: "Status",
    available: "Verfügbar",
    reserved: "Reserviert",
    gone: KindNames { sell: "Verkauft", free: "Verschenkt", wanted: "Gefunden", lost_found: "Erledigt" },
    mark_reserved: "Als reserviert markieren",
    mark_available: "Wieder verfügbar",
    mark_gone: KindNames {
        sell: "Als verkauft markieren",
        free: "Als verschenkt markieren",
        wanted: "Als gefunden markieren",
        lost_found: "Als erledigt markieren",
    },
    from: "Von",
    a_neighbour: "Jemand aus der Nachbarschaft",
    you: "Du",
    published: "Veröffentlicht",
    expires: "Läuft ab",
    expired: "Abgelaufen",
    expired_note: "Dieses Inserat ist abgelaufen: deine Nachbarschaft sieht es nicht mehr. Verlängere oder lösche es.",
    photos: "Fotos",
    photo_alt: "Foto {n} von {title}",
    contact: "Kontakt aufnehmen",
    contact_hint: "Du schreibst in einer Direktnachricht; E-Mail-Adresse und Telefonnummer bleiben verborgen.",
    report: "Melden",
    edit: "Bearbeiten",
    renew: "Um 30 Tage verlängern",
    delete: "Löschen",
    your_listing: "Das ist dein Inserat.",
    missing: "Dieses Inserat gibt es nicht, oder du kannst es nicht sehen.",
    new_heading: "Neues Inserat",
    edit_heading: "Inserat bearbeiten",
    title: "Titel",
    title_hint: "In wenigen Worten, bis zu {max} Zeichen.",
    description: "Beschreibung",
    description_hint: "Freiwillig: Zustand, Größe, wo man es abholt. Bis zu {max} Zeichen.",
    price_label: "Preis in {currency}",
    price_hint: "Nötig für einen Verkauf, zum Beispiel 80.00. Leer lassen, wenn du etwas verschenkst; bei Gesuchtem, Verlorenem oder Gefundenem darf hier ein Budget oder Finderlohn stehen.",
    photos_hint: "Freiwillig, bis zu {max} Fotos als JPEG oder PNG, je höchstens {mib} MiB.",
    publish: "Veröffentlichen",
    save: "Speichern",
    mine_lead: "Alles, was du inseriert hast, auch Abgelaufenes. Ein Inserat läuft 30 Tage nach dem Veröffentlichen oder Verlängern ab.",
    mine_empty: "Du hast noch nichts inseriert.",
    problem_heading: "Das hat nicht geklappt",
    unattached: "Einige Fotos konnten nicht angehängt werden ({count}). Angenommen werden nur JPEG und PNG mit höchstens {mib} MiB.",
    unavailable: "Die Inserate können gerade nicht angezeigt werden. Versuch es bitte gleich noch einmal.",
    not_yours: "Nur wer das Inserat veröffentlicht hat, kann es ändern.",
    state_unchanged: "Das Inserat hat diesen Status schon.",
    state_final: "Dieses Inserat ist endgültig weg; veröffentliche stattdessen ein neues.",
    state_unknown: "Wähle verfügbar, reserviert oder weg.",
    problem_title: "Gib deinem Inserat einen Titel mit 1 bis {max} Zeichen.",
    problem_description: "Beschreibe es mit höchstens {max} Zeichen; deine Beschreibung hat {count}.",
    problem_kind: "Wähle zu verkaufen, zu verschenken, gesucht oder verloren und gefunden.",
    problem_price: "Schreib den Preis als Betrag, etwa 80 oder 80.50, höchstens eine Million.",
    problem_price_missing: "Was du verkaufst, braucht einen Preis.",
    problem_price_free: "Was du verschenkst, hat keinen Preis; lass das Feld leer.",
    problem_photos: "Ein Inserat hat höchstens {max} Fotos; so wären es {count}.",
    problem_photo: "{name} ist kein Foto als JPEG oder PNG mit höchstens {mib} MiB.",
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
        // The app's name is the catalog's, in every language.
        assert_eq!(missing_translations(&EN, &DE, &["app"]), Vec::<String>::new());
    }

    #[test]
    fn every_kind_and_state_has_its_own_name_in_each_language() {
        for lang in Lang::ALL {
            let t = of(lang);
            let mut names: Vec<&str> = Kind::ALL.iter().map(|kind| t.kinds.of(*kind)).collect();
            names.extend(Kind::ALL.iter().map(|kind| t.state(*kind, State::Gone)));
            names.extend([t.state(Kind::Sell, State::Available), t.state(Kind::Sell, State::Reserved)]);
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{lang:?}: {names:?}");
        }
        assert_eq!(of(Lang::De).state(Kind::Sell, State::Gone), "Verkauft");
        assert_eq!(of(Lang::De).mark(Kind::Sell, State::Gone), "Als verkauft markieren");
        assert_eq!(of(Lang::En).mark(Kind::Free, State::Reserved), "Mark as reserved");
    }
}
