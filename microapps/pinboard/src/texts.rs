//! Every word pinboard says, in English and German.
//!
//! One struct per language: a text missing in one of them is a field left
//! out, which does not compile; the test below catches a German text that
//! is still the English one, and a lost `{placeholder}`.

use courtyard_sdk::lang::Lang;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Texts {
    /// The app's name in the portal's bar (the catalog's name).
    pub app: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub write: &'static str,
    pub title: &'static str,
    pub title_hint: &'static str,
    pub body: &'static str,
    pub body_hint: &'static str,
    pub post: &'static str,
    pub board: &'static str,
    pub empty: &'static str,
    pub by_you: &'static str,
    pub by_name: &'static str,
    pub by_neighbour: &'static str,
    pub delete: &'static str,
    pub report: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub unavailable: &'static str,
    pub problem_heading: &'static str,
    pub title_length: &'static str,
    pub body_length: &'static str,
    pub gone: &'static str,
}

pub const EN: Texts = Texts {
    app: "Pinboard",
    heading: "Your building's board",
    lead: "Notices for your neighbours: a lost key, a bike room clean-up, a party on Saturday.",
    write: "Post a notice",
    title: "Title",
    title_hint: "Up to {max} characters.",
    body: "Notice",
    body_hint: "Optional, up to {max} characters.",
    post: "Post",
    board: "On the board",
    empty: "Nothing on the board yet. Be the first to post a notice.",
    by_you: "by you",
    by_name: "by {name}",
    by_neighbour: "by a neighbour",
    delete: "Delete",
    report: "Report",
    older: "Older notices",
    newest: "Newest notices",
    unavailable: "The board cannot be shown right now. Please try again in a moment.",
    problem_heading: "Your notice was not posted",
    title_length: "Give your notice a title of 1 to {max} characters.",
    body_length: "A notice has at most {max} characters; yours has {count}.",
    gone: "That notice is gone, or it is not yours to delete.",
};

pub const DE: Texts = Texts {
    app: "Pinboard",
    heading: "Das Brett deines Hauses",
    lead: "Aushänge für deine Nachbarschaft: ein verlorener Schlüssel, das Aufräumen im Fahrradraum, ein Fest am Samstag.",
    write: "Aushang schreiben",
    title: "Titel",
    title_hint: "Bis zu {max} Zeichen.",
    body: "Text",
    body_hint: "Freiwillig, bis zu {max} Zeichen.",
    post: "Aushängen",
    board: "Am Brett",
    empty: "Noch hängt nichts am Brett. Schreib den ersten Aushang.",
    by_you: "von dir",
    by_name: "von {name}",
    by_neighbour: "von jemandem aus dem Haus",
    delete: "Löschen",
    report: "Melden",
    older: "Ältere Aushänge",
    newest: "Neueste Aushänge",
    unavailable: "Das Brett kann gerade nicht angezeigt werden. Versuch es bitte gleich noch einmal.",
    problem_heading: "Dein Aushang wurde nicht veröffentlicht",
    title_length: "Gib deinem Aushang einen Titel mit 1 bis {max} Zeichen.",
    body_length: "Ein Aushang hat höchstens {max} Zeichen; deiner hat {count}.",
    gone: "Dieser Aushang ist weg, oder du darfst ihn nicht löschen.",
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
    fn each_language_has_its_texts() {
        assert_eq!(of(Lang::De).by_name, "von {name}");
        assert_eq!(of(Lang::En).by_name, "by {name}");
    }
}
