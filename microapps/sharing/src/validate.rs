//! What people type and post, checked before anything is stored.
//!
//! Every refusal is a [`Problem`]: the API answers it as `invalid` (400)
//! with its sentence in the caller's language; a form shows the sentence at
//! the top of the page and next to the field it names.

use courtyard_sdk::calendar::Date;
use courtyard_sdk::files::Upload;
use courtyard_sdk::lang::{Lang, fill};
use serde::Deserialize;

use crate::model::{CATEGORIES, Item};
use crate::texts;

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_NOTE: usize = 500;
/// The longest loan an item may allow: an acceptance claims one key per
/// day, and a document holds at most 16.
pub const MAX_DAYS: u32 = 14;
/// How far ahead a loan may start.
pub const AHEAD_DAYS: i64 = 365;
/// The form field a photo is posted in.
pub const PHOTO_FIELD: &str = "photo";
/// The largest photo taken (the manifest's `max_bytes`).
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;
pub const PHOTO_TYPES: [&str; 2] = ["image/jpeg", "image/png"];

/// Why something was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Name,
    Description { count: usize },
    Category,
    MaxDays,
    Available,
    Photo { name: String },
    From,
    Due,
    TooLong { max: u32 },
    Past,
    TooFarAhead,
    Note,
}

impl Problem {
    /// The form field it is about.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::Name => "name",
            Problem::Description { .. } => "description",
            Problem::Category => "category",
            Problem::MaxDays => "max_days",
            Problem::Available => "available",
            Problem::Photo { .. } => "photo",
            Problem::From | Problem::Past | Problem::TooFarAhead => "from",
            Problem::Due | Problem::TooLong { .. } => "due",
            Problem::Note => "note",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let t = &texts::of(lang).problems;
        match self {
            Problem::Name => fill(t.name, &[("max", &MAX_NAME)]),
            Problem::Description { count } => fill(t.description, &[("max", &MAX_DESCRIPTION), ("count", count)]),
            Problem::Category => t.category.to_owned(),
            Problem::MaxDays => fill(t.max_days, &[("max", &MAX_DAYS)]),
            Problem::Available => t.available.to_owned(),
            Problem::Photo { name } => fill(t.photo, &[("name", name), ("mib", &(MAX_PHOTO_BYTES >> 20))]),
            Problem::From => t.from.to_owned(),
            Problem::Due => t.due.to_owned(),
            Problem::TooLong { max } => fill(t.too_long, &[("max", max)]),
            Problem::Past => t.past.to_owned(),
            Problem::TooFarAhead => fill(t.ahead, &[("days", &AHEAD_DAYS)]),
            Problem::Note => fill(t.note, &[("max", &MAX_NOTE)]),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }
}

/// An item as typed into the form or sent as JSON. A form sends text, so
/// the numbers and the yes/no are read from text or JSON alike.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ItemForm {
    pub name: String,
    pub description: String,
    pub category: String,
    pub max_days: Loose,
    pub available: Loose,
}

/// A value sent as JSON (number, boolean) or as form text.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Loose {
    #[default]
    Missing,
    Number(f64),
    Flag(bool),
    Text(String),
}

impl Loose {
    pub fn as_text(&self) -> String {
        match self {
            Loose::Missing => String::new(),
            Loose::Number(number) => number.to_string(),
            Loose::Flag(flag) => flag.to_string(),
            Loose::Text(text) => text.clone(),
        }
    }

    fn days(&self) -> Option<u32> {
        let number = match self {
            Loose::Number(number) => *number,
            Loose::Text(text) => text.trim().parse().ok()?,
            _ => return None,
        };
        (number.fract() == 0.0 && (1.0..=f64::from(MAX_DAYS)).contains(&number)).then_some(number as u32)
    }

    /// A checkbox: present means yes; JSON says it.
    fn flag(&self, missing: bool) -> Option<bool> {
        match self {
            Loose::Missing => Some(missing),
            Loose::Flag(flag) => Some(*flag),
            Loose::Text(text) => match text.trim() {
                "on" | "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" | "" => Some(false),
                _ => None,
            },
            Loose::Number(_) => None,
        }
    }
}

/// Checks an item; a form's missing checkbox means "not available",
/// missing JSON means available.
pub fn item(typed: &ItemForm, from_form: bool) -> Result<Item, Problem> {
    let name = one_line(&typed.name).filter(|name| (1..=MAX_NAME).contains(&name.chars().count()));
    let name = name.ok_or(Problem::Name)?;
    let description = typed.description.trim().replace("\r\n", "\n");
    let count = description.chars().count();
    if count > MAX_DESCRIPTION || has_control(&description) {
        return Err(Problem::Description { count });
    }
    let category = typed.category.trim();
    if !CATEGORIES.contains(&category) {
        return Err(Problem::Category);
    }
    let max_days = typed.max_days.days().ok_or(Problem::MaxDays)?;
    let available = typed.available.flag(!from_form).ok_or(Problem::Available)?;
    Ok(Item { name, description, category: category.to_owned(), max_days, available, withdrawn: false })
}

/// At most one photo, a JPEG or PNG of at most the manifest's size.
pub fn photo<'a>(mut uploads: impl Iterator<Item = &'a Upload>) -> Result<Option<&'a Upload>, Problem> {
    let Some(first) = uploads.next() else { return Ok(None) };
    if let Some(second) = uploads.next() {
        return Err(Problem::Photo { name: second.name.clone() });
    }
    if !PHOTO_TYPES.contains(&first.media_type.as_str()) || first.size > MAX_PHOTO_BYTES {
        return Err(Problem::Photo { name: first.name.clone() });
    }
    Ok(Some(first))
}

/// A loan request as typed or sent: `from` and `due` days, a note.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoanForm {
    pub from: String,
    pub due: String,
    pub note: String,
}

/// A checked request: its first and last day and the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub due: Date,
    pub note: String,
}

/// Checks a request for an item lent for at most `max_days`, on `today`.
pub fn loan(typed: &LoanForm, max_days: u32, today: Date) -> Result<Period, Problem> {
    let from = Date::parse(typed.from.trim()).ok_or(Problem::From)?;
    let due = Date::parse(typed.due.trim()).ok_or(Problem::Due)?;
    if from < today {
        return Err(Problem::Past);
    }
    if from > today.add_days(AHEAD_DAYS) {
        return Err(Problem::TooFarAhead);
    }
    if due < from {
        return Err(Problem::Due);
    }
    if due.days() - from.days() + 1 > i64::from(max_days.min(MAX_DAYS)) {
        return Err(Problem::TooLong { max: max_days.min(MAX_DAYS) });
    }
    let note = typed.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE || has_control(&note) {
        return Err(Problem::Note);
    }
    Ok(Period { from, due, note })
}

/// `text` trimmed, if it is one line without control characters.
fn one_line(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.chars().any(char::is_control)).then(|| text.to_owned())
}

fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drill() -> ItemForm {
        ItemForm {
            name: " Drill ".into(),
            description: "Bosch, with bits.\r\nBring it back clean.".into(),
            category: "tools".into(),
            max_days: Loose::Number(7.0),
            available: Loose::Missing,
        }
    }

    #[test]
    fn an_item_is_checked_field_by_field() {
        let item = item(&drill(), false).unwrap();
        assert_eq!((item.name.as_str(), item.max_days, item.available), ("Drill", 7, true));
        assert_eq!(item.description, "Bosch, with bits.\nBring it back clean.");
        assert!(!super::item(&drill(), true).unwrap().available, "a form without the box ticked");
        let form = ItemForm { max_days: Loose::Text("3".into()), available: Loose::Text("on".into()), ..drill() };
        assert_eq!(super::item(&form, true).map(|item| (item.max_days, item.available)), Ok((3, true)));
        for (bad, problem) in [
            (ItemForm { name: " ".into(), ..drill() }, Problem::Name),
            (ItemForm { name: "x".repeat(121), ..drill() }, Problem::Name),
            (ItemForm { name: "a\u{7}b".into(), ..drill() }, Problem::Name),
            (ItemForm { description: "x".repeat(2_001), ..drill() }, Problem::Description { count: 2_001 }),
            (ItemForm { category: "weapons".into(), ..drill() }, Problem::Category),
            (ItemForm { max_days: Loose::Number(0.0), ..drill() }, Problem::MaxDays),
            (ItemForm { max_days: Loose::Number(15.0), ..drill() }, Problem::MaxDays),
            (ItemForm { max_days: Loose::Number(2.5), ..drill() }, Problem::MaxDays),
            (ItemForm { max_days: Loose::Text("many".into()), ..drill() }, Problem::MaxDays),
            (ItemForm { max_days: Loose::Missing, ..drill() }, Problem::MaxDays),
        ] {
            assert_eq!(super::item(&bad, false), Err(problem));
        }
        let odd = ItemForm { available: Loose::Number(1.0), ..drill() };
        assert_eq!(super::item(&odd, false), Err(Problem::Available));
    }

    #[test]
    fn json_items_read_numbers_and_flags_and_refuse_unknown_fields() {
        let typed: ItemForm =
            serde_json::from_str(r#"{"name":"Ladder","category":"tools","max_days":3,"available":false}"#).unwrap();
        assert_eq!(item(&typed, false).map(|item| item.available), Ok(false));
        assert!(serde_json::from_str::<ItemForm>(r#"{"name":"x","owner":"someone"}"#).is_err());
    }

    #[test]
    fn a_period_starts_today_or_later_and_lasts_at_most_the_items_longest_loan() {
        let today = Date::parse("2027-03-10").unwrap();
        let ask = |from: &str, due: &str| {
            loan(&LoanForm { from: from.into(), due: due.into(), note: String::new() }, 3, today)
        };
        let period = ask("2027-03-10", "2027-03-12").unwrap();
        assert_eq!((period.from.to_string(), period.due.to_string()), ("2027-03-10".into(), "2027-03-12".into()));
        assert_eq!(ask("2027-03-10", "2027-03-13"), Err(Problem::TooLong { max: 3 }));
        assert_eq!(ask("2027-03-09", "2027-03-10"), Err(Problem::Past));
        assert_eq!(ask("2027-03-12", "2027-03-11"), Err(Problem::Due));
        assert_eq!(ask("2027-02-30", "2027-03-11"), Err(Problem::From));
        assert_eq!(ask("2027-03-11", "soon"), Err(Problem::Due));
        assert_eq!(ask("2028-03-11", "2028-03-11"), Err(Problem::TooFarAhead));
        let long = LoanForm { from: "2027-03-10".into(), due: "2027-03-10".into(), note: "x".repeat(501) };
        assert_eq!(loan(&long, 3, today), Err(Problem::Note));
    }

    #[test]
    fn every_problem_names_its_field_and_speaks_both_languages() {
        for problem in [Problem::Name, Problem::TooLong { max: 3 }, Problem::Photo { name: "a.gif".into() }] {
            assert!(!problem.message(Lang::En).is_empty() && problem.message(Lang::En) != problem.message(Lang::De));
        }
        assert_eq!(Problem::TooLong { max: 3 }.field(), "due");
        assert!(Problem::TooLong { max: 3 }.message(Lang::En).contains('3'));
    }
}
