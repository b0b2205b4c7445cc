//! What staff type and post, checked before anything is stored.
//!
//! Every refusal is a [`Problem`]: the API answers it as `invalid` (400)
//! with its sentence in the caller's language, a form shows the sentence
//! at the top of the page and next to the field it names.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::files::Upload;
use courtyard_sdk::lang::{Lang, fill};
use serde::Deserialize;

use crate::model::{Category, Entry};
use crate::texts;

pub const MAX_TITLE: usize = 120;
pub const MAX_BODY: usize = 8_000;
pub const MAX_TIME: usize = 40;
/// The longest search taken.
pub const MAX_SEARCH: usize = 100;
/// Files one entry may carry (the manifest's `per_document`).
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
    /// Empty, too long or with control characters.
    Title,
    Category,
    /// Empty or too long: it has `count` characters.
    Body {
        count: usize,
    },
    /// Not a real day written `YYYY-MM-DD`.
    Date,
    /// Too long, or with control characters.
    Time,
    /// A time without a day.
    TimeWithoutDate,
    /// More files than the entry has room for (`room`).
    TooManyFiles {
        count: usize,
        room: usize,
    },
    /// A file that is no photo or PDF, or too large.
    File {
        name: String,
    },
    /// A search that is too long or a category that does not exist.
    Search,
    /// Someone else changed the entry since the form was opened.
    Changed,
}

impl Problem {
    /// The form field it is about, for the link from the summary.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::Title | Problem::Changed => "title",
            Problem::Category => "category",
            Problem::Body { .. } => "body",
            Problem::Date => "date",
            Problem::Time | Problem::TimeWithoutDate => "time",
            Problem::TooManyFiles { .. } | Problem::File { .. } => FILE_FIELD,
            Problem::Search => "q",
        }
    }

    /// The sentence for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts::of(lang);
        match self {
            Problem::Title => fill(t.problem_title, &[("max", &MAX_TITLE)]),
            Problem::Category => t.problem_category.to_owned(),
            Problem::Body { count } => fill(t.problem_body, &[("max", &MAX_BODY), ("count", count)]),
            Problem::Date => t.problem_date.to_owned(),
            Problem::Time => fill(t.problem_time, &[("max", &MAX_TIME)]),
            Problem::TimeWithoutDate => t.problem_time_without_date.to_owned(),
            Problem::TooManyFiles { count, room } => fill(t.problem_files, &[("room", room), ("count", count)]),
            Problem::File { name } => fill(t.problem_file, &[("name", name), ("mib", &(MAX_FILE_BYTES >> 20))]),
            Problem::Search => fill(t.problem_search, &[("max", &MAX_SEARCH)]),
            Problem::Changed => t.changed_meanwhile.to_owned(),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }

    /// The HTTP status it answers with: 409 for [`Problem::Changed`],
    /// else 400.
    pub fn status(&self) -> u16 {
        if *self == Problem::Changed { 409 } else { 400 }
    }

    /// The API's answer: `invalid`, or `conflict` for [`Problem::Changed`].
    pub fn into_response(self, lang: Lang) -> courtyard_sdk::Response {
        let code = if self == Problem::Changed { "conflict" } else { "invalid" };
        let body = serde_json::json!({ "error": { "code": code, "message": self.message(lang) } });
        courtyard_sdk::Response::json(self.status(), &body)
    }
}

/// An entry as typed into the form. Everything is text, so what was typed
/// can be shown again as it was.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub title: String,
    pub category: String,
    pub body: String,
    pub date: String,
    pub time: String,
    /// The checkbox "Notify everyone in the building": present when ticked.
    pub notify: String,
    /// The revision the form was opened at, when editing.
    pub revision: String,
}

/// An entry as an API client sends it. Unknown fields are refused, so a
/// client learns of a typo instead of losing what it meant.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryJson {
    title: String,
    category: String,
    body: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    notify: bool,
    /// With it, an update is refused when someone changed the entry since.
    #[serde(default)]
    revision: Option<u64>,
}

impl From<EntryJson> for EntryForm {
    fn from(json: EntryJson) -> EntryForm {
        EntryForm {
            title: json.title,
            category: json.category,
            body: json.body,
            date: json.date.unwrap_or_default(),
            time: json.time.unwrap_or_default(),
            notify: if json.notify { "1".to_owned() } else { String::new() },
            revision: json.revision.map(|revision| revision.to_string()).unwrap_or_default(),
        }
    }
}

impl EntryForm {
    /// Whether the building is to be told.
    pub fn notify(&self) -> bool {
        matches!(self.notify.trim(), "1" | "on" | "true" | "yes")
    }

    /// The revision the change was made against, if one was given.
    pub fn revision(&self) -> Option<u64> {
        self.revision.trim().parse().ok()
    }
}

/// Checks an entry.
pub fn entry(form: &EntryForm) -> Result<Entry, Problem> {
    let title = line(&form.title, 1, MAX_TITLE).ok_or(Problem::Title)?;
    let category = Category::parse(form.category.trim()).ok_or(Problem::Category)?;
    let body = text(&form.body).map_err(|count| Problem::Body { count })?;
    let date = match form.date.trim() {
        "" => None,
        typed => Some(Date::parse(typed).ok_or(Problem::Date)?.to_string()),
    };
    let time = line(&form.time, 0, MAX_TIME).ok_or(Problem::Time)?;
    if date.is_none() && !time.is_empty() {
        return Err(Problem::TimeWithoutDate);
    }
    Ok(Entry { title, category, body, date, time, retired: false })
}

/// Checks a search and a category filter as given in an address.
pub fn filters(search: Option<&str>, category: Option<&str>) -> Result<(String, Option<Category>), Problem> {
    let search = line(search.unwrap_or_default(), 0, MAX_SEARCH).ok_or(Problem::Search)?;
    let category = match category.map(str::trim).filter(|key| !key.is_empty()) {
        None => None,
        Some(key) => Some(Category::parse(key).ok_or(Problem::Search)?),
    };
    Ok((search, category))
}

/// One line of text: trimmed, `min..=max` characters, no control characters.
pub fn line(typed: &str, min: usize, max: usize) -> Option<String> {
    let trimmed = typed.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(char::is_control);
    (plain && (min..=max).contains(&count)).then(|| trimmed.to_owned())
}

/// Text of 1 to [`MAX_BODY`] characters with the line breaks people typed
/// (as `\n`) and tabs, and no other control characters. Refused with the
/// number of characters it has.
pub fn text(typed: &str) -> Result<String, usize> {
    let normalised = typed.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if plain && (1..=MAX_BODY).contains(&count) { Ok(trimmed.to_owned()) } else { Err(count) }
}

/// Checks the files chosen in a form before anything is stored, so a post
/// with a file the host would refuse stores nothing; `attached` are those
/// the entry has already. The host checks the content again when the file
/// is attached.
pub fn uploads<'a>(chosen: impl Iterator<Item = &'a Upload>, attached: usize) -> Result<Vec<&'a Upload>, Problem> {
    let chosen: Vec<&Upload> = chosen.collect();
    let room = MAX_FILES.saturating_sub(attached);
    if chosen.len() > room {
        return Err(Problem::TooManyFiles { count: chosen.len(), room });
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

    fn form(title: &str, category: &str, body: &str, date: &str, time: &str) -> EntryForm {
        EntryForm {
            title: title.into(),
            category: category.into(),
            body: body.into(),
            date: date.into(),
            time: time.into(),
            ..EntryForm::default()
        }
    }

    #[test]
    fn a_good_entry_is_trimmed_and_kept() {
        let typed =
            form("  Water off ", " dates ", " No water in the whole building.\r\n\r\nSorry. ", "2027-03-12", " 8–12 ");
        let entry = entry(&typed).unwrap();
        assert_eq!((entry.title.as_str(), entry.category), ("Water off", Category::Dates));
        assert_eq!(entry.body, "No water in the whole building.\n\nSorry.");
        assert_eq!((entry.date.as_deref(), entry.time.as_str()), (Some("2027-03-12"), "8–12"));
        let undated = super::entry(&form("Laundry", "house_rules", "Until 22:00.", " ", "")).unwrap();
        assert_eq!((undated.date, undated.time), (None, String::new()));
    }

    #[test]
    fn hostile_and_broken_entries_are_refused_with_the_field_named() {
        let cases = [
            (form(" ", "other", "x", "", ""), Problem::Title),
            (form(&"é".repeat(121), "other", "x", "", ""), Problem::Title),
            (form("a\u{0}b", "other", "x", "", ""), Problem::Title),
            (form("x", "pool", "x", "", ""), Problem::Category),
            (form("x", "", "x", "", ""), Problem::Category),
            (form("x", "other", "", "", ""), Problem::Body { count: 0 }),
            (form("x", "other", &"é".repeat(8_001), "", ""), Problem::Body { count: 8_001 }),
            (form("x", "other", "a\u{1b}[31m", "", ""), Problem::Body { count: 6 }),
            (form("x", "other", "x", "2027-02-30", ""), Problem::Date),
            (form("x", "other", "x", "12.03.2027", ""), Problem::Date),
            (form("x", "other", "x", "2027-03-12", &"9".repeat(41)), Problem::Time),
            (form("x", "other", "x", "2027-03-12", "8\n12"), Problem::Time),
            (form("x", "other", "x", "", "8–12"), Problem::TimeWithoutDate),
        ];
        for (typed, expected) in cases {
            assert_eq!(entry(&typed).unwrap_err(), expected, "{typed:?}");
        }
        assert!(entry(&form("x", "other", &"x".repeat(8_000), "", "")).is_ok());
        assert_eq!(Problem::TimeWithoutDate.field(), "time");
    }

    #[test]
    fn json_reads_like_the_form_and_refuses_unknown_fields() {
        let json: EntryJson = serde_json::from_value(serde_json::json!({
            "title": "Water off", "category": "dates", "body": "x", "date": "2027-03-12", "notify": true, "revision": 3
        }))
        .unwrap();
        let typed = EntryForm::from(json);
        assert!(typed.notify());
        assert_eq!(typed.revision(), Some(3));
        assert_eq!(entry(&typed).unwrap().date.as_deref(), Some("2027-03-12"));
        let unknown = serde_json::from_value::<EntryJson>(serde_json::json!({
            "title": "x", "category": "other", "body": "x", "owner": "someone-else"
        }));
        assert!(unknown.is_err());
        assert!(!EntryForm::default().notify());
        assert!(EntryForm { notify: "on".into(), ..EntryForm::default() }.notify());
    }

    #[test]
    fn filters_take_a_short_search_and_a_known_category() {
        assert_eq!(filters(Some(" müll "), Some("waste")).unwrap(), ("müll".to_owned(), Some(Category::Waste)));
        assert_eq!(filters(None, Some("")).unwrap(), (String::new(), None));
        assert_eq!(filters(Some(&"x".repeat(101)), None).unwrap_err(), Problem::Search);
        assert_eq!(filters(None, Some("<b>")).unwrap_err(), Problem::Search);
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
        let five: Vec<Upload> = (0..5).map(|n| upload(&format!("{n}.pdf"), "application/pdf", 10)).collect();
        assert_eq!(uploads(five.iter(), 0).unwrap().len(), 5);
        assert_eq!(uploads(five.iter(), 2).unwrap_err(), Problem::TooManyFiles { count: 5, room: 3 });
        let exe = [upload("plan.pdf", "application/pdf", 1), upload("run.exe", "application/octet-stream", 1)];
        assert_eq!(uploads(exe.iter(), 0).unwrap_err(), Problem::File { name: "run.exe".into() });
        let big = [upload("big.jpg", "image/jpeg", MAX_FILE_BYTES + 1)];
        assert_eq!(uploads(big.iter(), 0).unwrap_err(), Problem::File { name: "big.jpg".into() });
        assert!(uploads(std::iter::empty(), 5).unwrap().is_empty());
    }
}
