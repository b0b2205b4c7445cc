//! What people type and post, checked before anything is stored.
//!
//! Every refusal is a [`Problem`]: the API answers it as `invalid` (400)
//! with its sentence, a form shows the sentence at the top of the page and
//! next to the field it names.

use courtyard_sdk::files::Upload;
use courtyard_sdk::lang::{Lang, fill};
use serde::Deserialize;

use crate::categories::Categories;
use crate::model::Location;
use crate::texts;

pub const MAX_TITLE: usize = 120;
pub const MAX_TEXT: usize = 4_000;
pub const MAX_PLACE: usize = 120;
/// Files one ticket or one message may carry (the manifest's `per_document`).
pub const MAX_FILES: usize = 5;
/// The largest file taken (the manifest's `max_bytes`).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// The media types taken (the manifest's `media_types`).
pub const MEDIA_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];
/// The form field files are posted in.
pub const FILE_FIELD: &str = "attachment";

/// Why something was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No category, or one the property does not offer.
    Category,
    /// Empty, too long or with control characters.
    Title,
    /// Empty or too long: it has `count` characters.
    Description {
        count: usize,
    },
    /// Neither the unit nor a common area.
    Location,
    /// "My unit" from someone without a unit in the property.
    NoUnit,
    Place,
    /// A reply that is empty or too long.
    Text {
        count: usize,
    },
    /// An internal note that is empty or too long.
    Note {
        count: usize,
    },
    TooManyFiles {
        count: usize,
    },
    /// A file that is no photo or PDF, or too large.
    File {
        name: String,
    },
    /// A line of the category list that does not read `key | English | Deutsch`.
    CategoryLine {
        line: usize,
    },
    DuplicateCategory {
        key: String,
    },
    CategoryCount,
}

impl Problem {
    /// The form field it is about, for the link from the summary.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::Category => "category",
            Problem::Title => "title",
            Problem::Description { .. } => "description",
            Problem::Location | Problem::NoUnit => "location-unit",
            Problem::Place => "place",
            Problem::Text { .. } => "text",
            Problem::Note { .. } => "note",
            Problem::TooManyFiles { .. } | Problem::File { .. } => "attachment",
            Problem::CategoryLine { .. } | Problem::DuplicateCategory { .. } | Problem::CategoryCount => "categories",
        }
    }

    /// The sentence for the person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts::of(lang);
        match self {
            Problem::Category => t.problem_category.to_owned(),
            Problem::Title => fill(t.problem_title, &[("max", &MAX_TITLE)]),
            Problem::Description { count } => fill(t.problem_description, &[("max", &MAX_TEXT), ("count", count)]),
            Problem::Location => t.problem_location.to_owned(),
            Problem::NoUnit => t.problem_no_unit.to_owned(),
            Problem::Place => fill(t.problem_place, &[("max", &MAX_PLACE)]),
            Problem::Text { count } | Problem::Note { count } => {
                fill(t.problem_text, &[("max", &MAX_TEXT), ("count", count)])
            }
            Problem::TooManyFiles { count } => fill(t.problem_files, &[("max", &MAX_FILES), ("count", count)]),
            Problem::File { name } => fill(t.problem_file, &[("name", name), ("mib", &(MAX_FILE_BYTES >> 20))]),
            Problem::CategoryLine { line } => fill(t.problem_category_line, &[("line", line)]),
            Problem::DuplicateCategory { key } => fill(t.problem_category_duplicate, &[("key", key)]),
            Problem::CategoryCount => fill(t.problem_category_count, &[("max", &crate::categories::MAX_CATEGORIES)]),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }
}

/// A ticket as typed into the form or sent as JSON. Everything is text, so
/// a form and a JSON body read alike; a wrong type in JSON is a malformed
/// body.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TicketForm {
    pub category: String,
    pub title: String,
    pub description: String,
    /// `unit` or `common_area`.
    pub location: String,
    pub place: String,
}

/// A ticket that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: Location,
    pub place: String,
}

/// Checks a ticket against the property's `categories`, for someone with or
/// without a unit.
pub fn ticket(form: &TicketForm, categories: &Categories, has_unit: bool) -> Result<NewTicket, Problem> {
    let category = form.category.trim();
    if !categories.has(category) {
        return Err(Problem::Category);
    }
    let title = line(&form.title, 1, MAX_TITLE).ok_or(Problem::Title)?;
    let description = text(&form.description).map_err(|count| Problem::Description { count })?;
    let location = match form.location.trim() {
        "unit" if has_unit => Location::Unit,
        "unit" => return Err(Problem::NoUnit),
        "common_area" => Location::CommonArea,
        _ => return Err(Problem::Location),
    };
    let place = line(&form.place, 0, MAX_PLACE).ok_or(Problem::Place)?;
    Ok(NewTicket { category: category.to_owned(), title, description, location, place })
}

/// A reply or a note, as typed or sent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TextForm {
    pub text: String,
}

/// Checks the text of a reply.
pub fn message(form: &TextForm) -> Result<String, Problem> {
    text(&form.text).map_err(|count| Problem::Text { count })
}

/// Checks the text of an internal note.
pub fn note(form: &TextForm) -> Result<String, Problem> {
    text(&form.text).map_err(|count| Problem::Note { count })
}

/// One line of text: trimmed, `min..=max` characters, no control characters.
pub fn line(typed: &str, min: usize, max: usize) -> Option<String> {
    let trimmed = typed.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(char::is_control);
    (plain && (min..=max).contains(&count)).then(|| trimmed.to_owned())
}

/// Text of 1 to [`MAX_TEXT`] characters with the line breaks people typed
/// (as `\n`) and tabs, and no other control characters. Refused with the
/// number of characters it has.
pub fn text(typed: &str) -> Result<String, usize> {
    let normalised = typed.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if plain && (1..=MAX_TEXT).contains(&count) { Ok(trimmed.to_owned()) } else { Err(count) }
}

/// Checks the files chosen in a form before anything is stored, so a post
/// with a file the host would refuse stores nothing. The host checks the
/// content again when the file is attached.
pub fn uploads<'a>(chosen: impl Iterator<Item = &'a Upload>) -> Result<Vec<&'a Upload>, Problem> {
    let chosen: Vec<&Upload> = chosen.collect();
    if chosen.len() > MAX_FILES {
        return Err(Problem::TooManyFiles { count: chosen.len() });
    }
    if let Some(bad) =
        chosen.iter().find(|upload| !MEDIA_TYPES.contains(&upload.media_type.as_str()) || upload.size > MAX_FILE_BYTES)
    {
        return Err(Problem::File { name: bad.name.clone() });
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(category: &str, title: &str, description: &str, location: &str) -> TicketForm {
        TicketForm {
            category: category.into(),
            title: title.into(),
            description: description.into(),
            location: location.into(),
            place: String::new(),
        }
    }

    #[test]
    fn a_good_ticket_is_trimmed_and_kept() {
        let categories = Categories::default();
        let mut typed = form(" plumbing ", "  Dripping tap ", " In the kitchen.\r\nSince Monday. ", "unit");
        typed.place = " Kitchen ".into();
        let ok = ticket(&typed, &categories, true).unwrap();
        assert_eq!(ok.title, "Dripping tap");
        assert_eq!(ok.description, "In the kitchen.\nSince Monday.");
        assert_eq!((ok.category.as_str(), ok.location, ok.place.as_str()), ("plumbing", Location::Unit, "Kitchen"));
        let common = ticket(&form("other", "Lift", "Stuck", "common_area"), &categories, false).unwrap();
        assert_eq!(common.location, Location::CommonArea);
    }

    #[test]
    fn hostile_and_broken_tickets_are_refused_with_the_field_named() {
        let categories = Categories::default();
        let cases = [
            (form("pool", "x", "y", "unit"), Problem::Category),
            (form("", "x", "y", "unit"), Problem::Category),
            (form("other", " ", "y", "unit"), Problem::Title),
            (form("other", &"é".repeat(121), "y", "unit"), Problem::Title),
            (form("other", "a\u{0}b", "y", "unit"), Problem::Title),
            (form("other", "x", "", "unit"), Problem::Description { count: 0 }),
            (form("other", "x", &"é".repeat(4_001), "unit"), Problem::Description { count: 4_001 }),
            (form("other", "x", "a\u{1b}[31m", "unit"), Problem::Description { count: 6 }),
            (form("other", "x", "y", "roof"), Problem::Location),
            (form("other", "x", "y", ""), Problem::Location),
            (form("other", "x", "y", "unit"), Problem::NoUnit),
        ];
        for (typed, expected) in cases {
            assert_eq!(ticket(&typed, &categories, false).unwrap_err(), expected, "{typed:?}");
        }
        let mut long_place = form("other", "x", "y", "common_area");
        long_place.place = "p".repeat(121);
        assert_eq!(ticket(&long_place, &categories, true).unwrap_err(), Problem::Place);
        assert_eq!(Problem::NoUnit.field(), "location-unit");
    }

    #[test]
    fn messages_keep_line_breaks_and_tabs_only() {
        assert_eq!(message(&TextForm { text: " a\r\n\tb ".into() }).unwrap(), "a\n\tb");
        assert_eq!(message(&TextForm { text: "  \n ".into() }).unwrap_err(), Problem::Text { count: 0 });
        assert_eq!(message(&TextForm { text: "bell\u{7}".into() }).unwrap_err(), Problem::Text { count: 5 });
        assert!(message(&TextForm { text: "x".repeat(4_000) }).is_ok());
        assert_eq!(note(&TextForm { text: String::new() }).unwrap_err().field(), "note");
    }

    fn upload(name: &str, media_type: &str, size: u64) -> Upload {
        Upload {
            field: FILE_FIELD.into(),
            token: format!("t-{name}"),
            name: name.into(),
            media_type: media_type.into(),
            size,
        }
    }

    #[test]
    fn at_most_five_photos_or_pdfs_of_at_most_ten_mib() {
        let five: Vec<Upload> = (0..5).map(|n| upload(&format!("{n}.png"), "image/png", 10)).collect();
        assert_eq!(uploads(five.iter()).unwrap().len(), 5);
        let six: Vec<Upload> = (0..6).map(|n| upload(&format!("{n}.png"), "image/png", 10)).collect();
        assert_eq!(uploads(six.iter()).unwrap_err(), Problem::TooManyFiles { count: 6 });
        let exe = [upload("a.pdf", "application/pdf", 1), upload("run.exe", "application/octet-stream", 1)];
        assert_eq!(uploads(exe.iter()).unwrap_err(), Problem::File { name: "run.exe".into() });
        let big = [upload("big.jpg", "image/jpeg", MAX_FILE_BYTES + 1)];
        assert_eq!(uploads(big.iter()).unwrap_err(), Problem::File { name: "big.jpg".into() });
        assert!(uploads(std::iter::empty()).unwrap().is_empty());
        let message = Problem::TooManyFiles { count: 6 }.message(Lang::En);
        assert!(message.contains('5') && message.contains('6'), "{message}");
    }
}
