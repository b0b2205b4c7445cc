//! Every word Info A–Z says, in English and German.
//!
//! One struct per language: a text missing in one of them is a field left
//! out, which does not compile; the test below catches a German text that
//! is still the English one, and a lost `{placeholder}`.

use courtyard_sdk::lang::Lang;
use serde::Serialize;

use crate::model::Category;

#[derive(Debug, Serialize)]
pub struct Texts {
    /// The app's name in the portal's bar (the catalog's name).
    pub app: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub search_button: &'static str,
    pub categories: &'static str,
    pub letters: &'static str,
    pub index: &'static str,
    pub upcoming: &'static str,
    pub upcoming_lead: &'static str,
    pub no_upcoming: &'static str,
    pub all_upcoming: &'static str,
    pub no_entries: &'static str,
    pub no_results: &'static str,
    pub results_for: &'static str,
    pub found: &'static str,
    pub truncated: &'static str,
    pub back: &'static str,
    pub new_entry: &'static str,
    pub edit: &'static str,
    pub edit_heading: &'static str,
    pub delete: &'static str,
    pub deleted: &'static str,
    pub title: &'static str,
    pub title_hint: &'static str,
    pub category: &'static str,
    pub choose_category: &'static str,
    pub body: &'static str,
    pub body_hint: &'static str,
    pub date: &'static str,
    pub date_hint: &'static str,
    pub time: &'static str,
    pub time_hint: &'static str,
    pub attachments: &'static str,
    pub attachments_hint: &'static str,
    pub notify_label: &'static str,
    pub notify_hint: &'static str,
    pub publish: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub files: &'static str,
    pub photo: &'static str,
    pub pdf: &'static str,
    pub remove_file: &'static str,
    pub updated: &'static str,
    pub notified_one: &'static str,
    pub notified: &'static str,
    pub notify_limit: &'static str,
    pub notify_failed: &'static str,
    pub unattached: &'static str,
    pub problem_heading: &'static str,
    pub unavailable: &'static str,
    pub gone_heading: &'static str,
    pub gone: &'static str,
    pub staff_only: &'static str,
    pub changed_meanwhile: &'static str,
    pub problem_title: &'static str,
    pub problem_category: &'static str,
    pub problem_body: &'static str,
    pub problem_date: &'static str,
    pub problem_time: &'static str,
    pub problem_time_without_date: &'static str,
    pub problem_files: &'static str,
    pub problem_file: &'static str,
    pub problem_search: &'static str,
    pub notify_body: &'static str,
    pub notify_body_dated: &'static str,
    pub category_names: CategoryNames,
}

#[derive(Debug, Serialize)]
pub struct CategoryNames {
    pub house_rules: &'static str,
    pub cleaning: &'static str,
    pub waste: &'static str,
    pub floor_plans: &'static str,
    pub contacts: &'static str,
    pub dates: &'static str,
    pub other: &'static str,
}

impl Texts {
    /// The name of `category` for people.
    pub fn category(&self, category: Category) -> &'static str {
        let names = &self.category_names;
        match category {
            Category::HouseRules => names.house_rules,
            Category::Cleaning => names.cleaning,
            Category::Waste => names.waste,
            Category::FloorPlans => names.floor_plans,
            Category::Contacts => names.contacts,
            Category::Dates => names.dates,
            Category::Other => names.other,
        }
    }
}

pub const EN: Texts = Texts {
    app: "Info A–Z",
    heading: "Building information",
    lead: "House rules, cleaning and waste schedules, floor plans, contacts and dates of your building, from A to Z.",
    search: "Search",
    search_hint: "A word from the title or the text.",
    search_button: "Find",
    categories: "By category",
    letters: "Jump to a letter",
    index: "A to Z",
    upcoming: "Upcoming dates",
    upcoming_lead: "Dated information from today on, soonest first.",
    no_upcoming: "No dates coming up.",
    all_upcoming: "All upcoming dates",
    no_entries: "Nothing has been published yet.",
    no_results: "Nothing matches.",
    results_for: "Results for “{query}”",
    found: "Found: {count}",
    truncated: "Only the first {max} entries were looked through.",
    back: "Back to A to Z",
    new_entry: "New entry",
    edit: "Edit",
    edit_heading: "Edit the entry",
    delete: "Delete the entry",
    deleted: "The entry is deleted.",
    title: "Title",
    title_hint: "What people look for, up to {max} characters, e.g. “Waste collection”.",
    category: "Category",
    choose_category: "Choose a category",
    body: "Text",
    body_hint: "Plain text, up to {max} characters. Leave a blank line between paragraphs.",
    date: "Date",
    date_hint: "Optional: the day it is about. Dated entries show under “Upcoming dates” and on the home page.",
    time: "Time",
    time_hint: "Optional, with a date, up to {max} characters, e.g. “8–12”.",
    attachments: "Files",
    attachments_hint: "Optional, up to {max} files in all: PDF, JPEG or PNG, at most {mib} MiB each.",
    notify_label: "Notify everyone in the building",
    notify_hint: "Everyone living here and the staff get a notification that leads to this entry.",
    publish: "Publish",
    save: "Save the changes",
    cancel: "Cancel",
    files: "Files",
    photo: "Photo: {name}",
    pdf: "{name} (PDF)",
    remove_file: "Remove {name}",
    updated: "Updated",
    notified_one: "Notified 1 person.",
    notified: "Notified {count} people.",
    notify_limit: "The entry is saved, but the building was not notified: too many notifications were sent just now. Try again later.",
    notify_failed: "The entry is saved, but the building could not be notified right now.",
    unattached: "Some files could not be attached ({count}). Only PDF, JPEG and PNG files of at most {mib} MiB are taken.",
    problem_heading: "That did not work",
    unavailable: "The information cannot be shown right now. Please try again in a moment.",
    gone_heading: "Not found",
    gone: "That entry does not exist, or you cannot see it.",
    staff_only: "Only the property management can do this.",
    changed_meanwhile: "Someone else changed this entry in the meantime. Open it again and make your change once more.",
    problem_title: "Give the entry a title of 1 to {max} characters.",
    problem_category: "Choose one of the categories.",
    problem_body: "Write a text of 1 to {max} characters; yours has {count}.",
    problem_date: "Give the date as YYYY-MM-DD, a real day, e.g. 2027-03-12, or leave it empty.",
    problem_time: "Give the time in at most {max} characters on one line, or leave it empty.",
    problem_time_without_date: "A time needs a date: give the date too, or leave the time empty.",
    problem_files: "There is room for {room} more files; you chose {count}.",
    problem_file: "{name} is not a PDF, JPEG or PNG of at most {mib} MiB.",
    problem_search: "Search for at most {max} characters, in one of the categories.",
    notify_body: "New or changed information for the building. Open it to read more.",
    notify_body_dated: "About {date}. Open it to read more.",
    category_names: CategoryNames {
        house_rules: "House rules",
        cleaning: "Cleaning",
        waste: "Waste",
        floor_plans: "Floor plans",
        contacts: "Contacts",
        dates: "Dates",
        other: "Other",
    },
};

pub const DE: Texts = Texts {
    app: "Info A–Z",
    heading: "Informationen zum Haus",
    lead: "Hausordnung, Reinigungs- und Entsorgungspläne, Grundrisse, Kontakte und Termine deines Hauses von A bis Z.",
    search: "Suche",
    search_hint: "Ein Wort aus dem Titel oder dem Text.",
    search_button: "Finden",
    categories: "Nach Kategorie",
    letters: "Zu einem Buchstaben springen",
    index: "A bis Z",
    upcoming: "Anstehende Termine",
    upcoming_lead: "Informationen mit Datum ab heute, die nächsten zuerst.",
    no_upcoming: "Keine anstehenden Termine.",
    all_upcoming: "Alle anstehenden Termine",
    no_entries: "Es ist noch nichts veröffentlicht.",
    no_results: "Nichts gefunden.",
    results_for: "Ergebnisse für „{query}“",
    found: "Gefunden: {count}",
    truncated: "Nur die ersten {max} Einträge wurden durchgesehen.",
    back: "Zurück zu A bis Z",
    new_entry: "Neuer Eintrag",
    edit: "Bearbeiten",
    edit_heading: "Eintrag bearbeiten",
    delete: "Eintrag löschen",
    deleted: "Der Eintrag ist gelöscht.",
    title: "Titel",
    title_hint: "Wonach man sucht, bis zu {max} Zeichen, z. B. „Müllabfuhr“.",
    category: "Kategorie",
    choose_category: "Kategorie wählen",
    body: "Text",
    body_hint: "Reiner Text, bis zu {max} Zeichen. Zwischen Absätzen eine Leerzeile lassen.",
    date: "Datum",
    date_hint: "Freiwillig: der Tag, um den es geht. Einträge mit Datum stehen unter „Anstehende Termine“ und auf der Startseite.",
    time: "Uhrzeit",
    time_hint: "Freiwillig, mit Datum, bis zu {max} Zeichen, z. B. „8–12 Uhr“.",
    attachments: "Dateien",
    attachments_hint: "Freiwillig, insgesamt bis zu {max} Dateien: PDF, JPEG oder PNG, je höchstens {mib} MiB.",
    notify_label: "Alle im Haus benachrichtigen",
    notify_hint: "Alle, die hier wohnen, und die Verwaltung erhalten eine Benachrichtigung, die zu diesem Eintrag führt.",
    publish: "Veröffentlichen",
    save: "Änderungen speichern",
    cancel: "Abbrechen",
    files: "Dateien",
    photo: "Foto: {name}",
    pdf: "{name} (PDF-Datei)",
    remove_file: "{name} entfernen",
    updated: "Aktualisiert",
    notified_one: "1 Person benachrichtigt.",
    notified: "{count} Personen benachrichtigt.",
    notify_limit: "Der Eintrag ist gespeichert, aber das Haus wurde nicht benachrichtigt: Gerade wurden zu viele Benachrichtigungen verschickt. Versuch es später noch einmal.",
    notify_failed: "Der Eintrag ist gespeichert, aber das Haus konnte gerade nicht benachrichtigt werden.",
    unattached: "Einige Dateien konnten nicht angehängt werden ({count}). Angenommen werden nur PDF, JPEG und PNG mit höchstens {mib} MiB.",
    problem_heading: "Das hat nicht geklappt",
    unavailable: "Die Informationen können gerade nicht angezeigt werden. Versuch es bitte gleich noch einmal.",
    gone_heading: "Nicht gefunden",
    gone: "Diesen Eintrag gibt es nicht, oder du kannst ihn nicht sehen.",
    staff_only: "Das kann nur die Verwaltung.",
    changed_meanwhile: "Jemand anderes hat diesen Eintrag inzwischen geändert. Öffne ihn neu und nimm deine Änderung noch einmal vor.",
    problem_title: "Gib dem Eintrag einen Titel mit 1 bis {max} Zeichen.",
    problem_category: "Wähle eine der Kategorien.",
    problem_body: "Schreib einen Text mit 1 bis {max} Zeichen; deiner hat {count}.",
    problem_date: "Gib das Datum als JJJJ-MM-TT an, ein echter Tag, z. B. 2027-03-12, oder lass es leer.",
    problem_time: "Gib die Uhrzeit mit höchstens {max} Zeichen auf einer Zeile an, oder lass sie leer.",
    problem_time_without_date: "Eine Uhrzeit braucht ein Datum: Gib das Datum an oder lass die Uhrzeit leer.",
    problem_files: "Es ist Platz für {room} weitere Dateien; du hast {count} gewählt.",
    problem_file: "{name} ist kein PDF, JPEG oder PNG mit höchstens {mib} MiB.",
    problem_search: "Such nach höchstens {max} Zeichen, in einer der Kategorien.",
    notify_body: "Neue oder geänderte Informationen zum Haus. Öffne sie, um mehr zu lesen.",
    notify_body_dated: "Zum {date}. Öffne den Eintrag, um mehr zu lesen.",
    category_names: CategoryNames {
        house_rules: "Hausordnung",
        cleaning: "Reinigung",
        waste: "Entsorgung",
        floor_plans: "Grundrisse",
        contacts: "Kontakte",
        dates: "Termine",
        other: "Sonstiges",
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
        // The app's name is the catalog's, in every language; "Text" is
        // the word in both.
        assert_eq!(missing_translations(&EN, &DE, &["app", "body"]), Vec::<String>::new());
    }

    #[test]
    fn every_category_has_its_own_name_in_each_language() {
        for lang in Lang::ALL {
            let mut names: Vec<&str> = Category::ALL.iter().map(|category| of(lang).category(*category)).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), Category::ALL.len(), "{lang:?}");
        }
        assert_eq!(of(Lang::De).category(Category::Waste), "Entsorgung");
        assert_eq!(of(Lang::En).category(Category::FloorPlans), "Floor plans");
    }
}
