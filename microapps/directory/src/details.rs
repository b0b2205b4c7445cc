//! What the directory says about a business, as typed and as kept, and
//! the checks in between.
//!
//! These are a business's public contact details, never a resident's:
//! the name, the kind of business, the address of its shop, its opening
//! hours, phone, email, website and an offer for residents. An entry and
//! a suggestion carry the same [`Details`]. Every refusal is a
//! [`Problem`]: the API answers it as `invalid` (400) with its sentence,
//! a form shows it at the top and next to the field it names.

use courtyard_sdk::calendar::Zone;
use courtyard_sdk::lang::{Lang, fill};
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::hours::{self, Hours};
use crate::texts;

pub const MAX_NAME: usize = 120;
pub const MAX_STREET: usize = 120;
pub const MAX_POSTAL_CODE: usize = 12;
pub const MAX_CITY: usize = 80;
pub const MAX_PHONE: usize = 40;
pub const MAX_EMAIL: usize = 254;
pub const MAX_WEBSITE: usize = 300;
pub const MAX_OFFER: usize = 1_000;
pub const MAX_REASON: usize = 500;

/// A business as the directory keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub name: String,
    pub category: Category,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub hours: Hours,
    pub phone: String,
    pub email: String,
    /// Empty, or an `https://` address.
    pub website: String,
    /// What the business offers residents, e.g. "10% for residents".
    pub offer: String,
    /// The building's time zone, for "open now".
    pub time_zone: String,
}

/// A business as sent in JSON or typed in a form: everything is text, so
/// a form and a JSON body read alike; a field of another type, or one
/// the API does not know, is a malformed body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetailsInput {
    pub name: String,
    pub category: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub hours: Hours,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub offer: String,
    pub time_zone: String,
}

/// The same as a form posts it: one field per weekday.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    pub name: String,
    pub category: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub hours_mon: String,
    pub hours_tue: String,
    pub hours_wed: String,
    pub hours_thu: String,
    pub hours_fri: String,
    pub hours_sat: String,
    pub hours_sun: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub offer: String,
    pub time_zone: String,
}

impl From<DetailsForm> for DetailsInput {
    fn from(form: DetailsForm) -> Self {
        let hours = [form.hours_mon, form.hours_tue, form.hours_wed, form.hours_thu, form.hours_fri]
            .into_iter()
            .chain([form.hours_sat, form.hours_sun]);
        let hours: Vec<String> = hours.collect();
        DetailsInput {
            name: form.name,
            category: form.category,
            street: form.street,
            postal_code: form.postal_code,
            city: form.city,
            hours: Hours::from_days(hours.try_into().unwrap_or_default()),
            phone: form.phone,
            email: form.email,
            website: form.website,
            offer: form.offer,
            time_zone: form.time_zone,
        }
    }
}

impl From<&Details> for DetailsInput {
    fn from(details: &Details) -> Self {
        DetailsInput {
            name: details.name.clone(),
            category: details.category.code().to_owned(),
            street: details.street.clone(),
            postal_code: details.postal_code.clone(),
            city: details.city.clone(),
            hours: details.hours.clone(),
            phone: details.phone.clone(),
            email: details.email.clone(),
            website: details.website.clone(),
            offer: details.offer.clone(),
            time_zone: details.time_zone.clone(),
        }
    }
}

/// Why something was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Name,
    Category,
    Street,
    PostalCode,
    City,
    /// The text of a weekday (0 is Monday).
    Hours(usize),
    Phone,
    Email,
    Website,
    Offer {
        count: usize,
    },
    TimeZone,
    /// A logo that is no JPEG or PNG, or too large.
    Photo {
        name: String,
    },
    /// A refusal without a reason, or with too long a one.
    Reason,
}

impl Problem {
    /// The form field it is about, for the link from the summary.
    pub fn field(&self) -> &'static str {
        const HOURS: [&str; 7] =
            ["hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun"];
        match self {
            Problem::Name => "name",
            Problem::Category => "category",
            Problem::Street => "street",
            Problem::PostalCode => "postal_code",
            Problem::City => "city",
            Problem::Hours(day) => HOURS[(*day).min(6)],
            Problem::Phone => "phone",
            Problem::Email => "email",
            Problem::Website => "website",
            Problem::Offer { .. } => "offer",
            Problem::TimeZone => "time_zone",
            Problem::Photo { .. } => "photo",
            Problem::Reason => "reason",
        }
    }

    /// The sentence for the person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let p = &texts::of(lang).problems;
        match self {
            Problem::Name => fill(p.name, &[("max", &MAX_NAME)]),
            Problem::Category => p.category.to_owned(),
            Problem::Street => fill(p.street, &[("max", &MAX_STREET)]),
            Problem::PostalCode => fill(p.postal_code, &[("max", &MAX_POSTAL_CODE)]),
            Problem::City => fill(p.city, &[("max", &MAX_CITY)]),
            Problem::Hours(day) => {
                fill(p.hours, &[("day", &texts::of(lang).weekdays[(*day).min(6)]), ("max", &hours::MAX_DAY)])
            }
            Problem::Phone => fill(p.phone, &[("max", &MAX_PHONE)]),
            Problem::Email => p.email.to_owned(),
            Problem::Website => fill(p.website, &[("max", &MAX_WEBSITE)]),
            Problem::Offer { count } => fill(p.offer, &[("max", &MAX_OFFER), ("count", count)]),
            Problem::TimeZone => p.time_zone.to_owned(),
            Problem::Photo { name } => fill(p.photo, &[("name", name), ("mib", &(MAX_PHOTO_BYTES >> 20))]),
            Problem::Reason => fill(p.reason, &[("max", &MAX_REASON)]),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }
}

/// The largest logo taken (the manifest's `max_bytes`).
pub const MAX_PHOTO_BYTES: u64 = 5 * 1024 * 1024;
/// The media types taken (the manifest's `media_types`).
pub const PHOTO_TYPES: [&str; 2] = ["image/jpeg", "image/png"];
/// The form field a logo is posted in.
pub const PHOTO_FIELD: &str = "photo";

/// Checks what was typed, field by field in the form's order.
pub fn check(input: &DetailsInput) -> Result<Details, Problem> {
    let name = line(&input.name, 1, MAX_NAME).ok_or(Problem::Name)?;
    let category = Category::parse(input.category.trim()).ok_or(Problem::Category)?;
    let street = line(&input.street, 0, MAX_STREET).ok_or(Problem::Street)?;
    let postal_code = line(&input.postal_code, 0, MAX_POSTAL_CODE)
        .filter(|code| code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'))
        .ok_or(Problem::PostalCode)?;
    let city = line(&input.city, 0, MAX_CITY).ok_or(Problem::City)?;
    let hours = input.hours.checked().map_err(Problem::Hours)?;
    let phone = line(&input.phone, 0, MAX_PHONE).filter(|phone| is_phone(phone)).ok_or(Problem::Phone)?;
    let email = line(&input.email, 0, MAX_EMAIL).filter(|email| is_email(email)).ok_or(Problem::Email)?;
    let website = website(&input.website).ok_or(Problem::Website)?;
    let offer = text(&input.offer, MAX_OFFER).map_err(|count| Problem::Offer { count })?;
    let time_zone = match input.time_zone.trim() {
        "" => hours::DEFAULT_ZONE.to_owned(),
        zone => Zone::named(zone).ok_or(Problem::TimeZone)?.name().to_owned(),
    };
    Ok(Details { name, category, street, postal_code, city, hours, phone, email, website, offer, time_zone })
}

/// Checks the reason a suggestion is declined with.
pub fn reason(typed: &str) -> Result<String, Problem> {
    text(typed, MAX_REASON).ok().filter(|reason| !reason.is_empty()).ok_or(Problem::Reason)
}

/// One line of text: trimmed, `min..=max` characters, no control characters.
pub fn line(typed: &str, min: usize, max: usize) -> Option<String> {
    let trimmed = typed.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(char::is_control);
    (plain && (min..=max).contains(&count)).then(|| trimmed.to_owned())
}

/// Text of at most `max` characters, possibly empty, with the line breaks
/// people typed (as `\n`) and no other control characters; refused with
/// the number of characters it has.
pub fn text(typed: &str, max: usize) -> Result<String, usize> {
    let normalised = typed.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(|c| c.is_control() && c != '\n');
    if plain && count <= max { Ok(trimmed.to_owned()) } else { Err(count) }
}

/// Digits, spaces and `+ - / ( ) .`, with at least three digits; or nothing.
fn is_phone(phone: &str) -> bool {
    phone.is_empty()
        || (phone.chars().all(|c| c.is_ascii_digit() || " +-/().".contains(c))
            && phone.chars().filter(char::is_ascii_digit).count() >= 3)
}

/// `local@domain.tld` without spaces or markup; or nothing.
fn is_email(email: &str) -> bool {
    if email.is_empty() {
        return true;
    }
    let Some((local, domain)) = email.split_once('@') else { return false };
    let plain = |part: &str| !part.chars().any(|c| c.is_whitespace() || "<>\"'(),;:\\[]@`".contains(c));
    !local.is_empty()
        && local.len() <= 64
        && plain(local)
        && plain(domain)
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
}

/// An `https://` address with a host name and no credentials, spaces or
/// markup; the empty text for none. `None` for anything else, a
/// `javascript:` or `http://` address among it.
pub fn website(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(String::new());
    }
    if typed.chars().count() > MAX_WEBSITE || typed.len() < 9 || !typed.is_char_boundary(8) {
        return None;
    }
    let (scheme, rest) = typed.split_at(8);
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) { name } else { "" }
    });
    let host_ok = host_name.contains('.')
        && !host_name.starts_with(['.', '-'])
        && !host_name.ends_with(['.', '-'])
        && host_name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let plain = !rest.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\^`{|}".contains(c));
    (host_ok && plain).then(|| format!("https://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn bakery() -> DetailsInput {
        DetailsInput {
            name: " Bäckerei Sonne ".into(),
            category: "shop".into(),
            street: "Elm Street 3".into(),
            postal_code: "8000".into(),
            city: "Zurich".into(),
            hours: Hours { mon: "06:30–18:30".into(), sun: "closed".into(), ..Hours::default() },
            phone: "+41 44 123 45 67".into(),
            email: "hallo@sonne.example".into(),
            website: "HTTPS://sonne.example/brot?x=1".into(),
            offer: "10% for residents\r\non Saturdays".into(),
            time_zone: String::new(),
        }
    }

    #[test]
    fn a_good_business_is_trimmed_and_kept() {
        let details = check(&bakery()).unwrap();
        assert_eq!(details.name, "Bäckerei Sonne");
        assert_eq!(details.category, Category::Shop);
        assert_eq!(details.website, "https://sonne.example/brot?x=1");
        assert_eq!(details.offer, "10% for residents\non Saturdays");
        assert_eq!(details.time_zone, "Europe/Berlin");
        let minimal = DetailsInput { name: "Dr. Weber".into(), category: "doctor".into(), ..DetailsInput::default() };
        let minimal = check(&minimal).unwrap();
        assert!(minimal.website.is_empty() && minimal.hours.is_empty() && minimal.phone.is_empty());
        let form = DetailsForm { hours_sun: "closed".into(), ..DetailsForm::default() };
        assert_eq!(DetailsInput::from(form).hours.sun, "closed");
        assert_eq!(DetailsInput::from(&details).category, "shop");
    }

    #[test]
    fn hostile_and_broken_details_are_refused_with_the_field_named() {
        let with = |edit: fn(&mut DetailsInput)| {
            let mut input = bakery();
            edit(&mut input);
            check(&input).unwrap_err()
        };
        assert_eq!(with(|i| i.name = " ".into()), Problem::Name);
        assert_eq!(with(|i| i.name = "é".repeat(121)), Problem::Name);
        assert_eq!(with(|i| i.name = "a\u{0}b".into()), Problem::Name);
        assert_eq!(with(|i| i.category = "casino".into()), Problem::Category);
        assert_eq!(with(|i| i.street = "s".repeat(121)), Problem::Street);
        assert_eq!(with(|i| i.postal_code = "<b>".into()), Problem::PostalCode);
        assert_eq!(with(|i| i.city = "c".repeat(81)), Problem::City);
        assert_eq!(with(|i| i.hours.fri = "x".repeat(61)), Problem::Hours(4));
        assert_eq!(with(|i| i.phone = "call me".into()), Problem::Phone);
        assert_eq!(with(|i| i.email = "not an email".into()), Problem::Email);
        assert_eq!(with(|i| i.email = "a@b".into()), Problem::Email);
        assert_eq!(with(|i| i.offer = "o".repeat(1_001)), Problem::Offer { count: 1_001 });
        assert_eq!(with(|i| i.time_zone = "Mars/Olympus".into()), Problem::TimeZone);
        for bad in [
            "javascript:alert(1)",
            "http://sonne.example",
            "https://",
            "https://localhost",
            "https://user:pw@sonne.example",
            "https://sonne.example/\"onmouseover=\"x",
            "https://sonne .example",
            "//sonne.example",
            "data:text/html,<b>",
            "https://sonne.example:99999999/",
        ] {
            assert_eq!(website(bad), None, "{bad}");
        }
        assert_eq!(website("https://bäckerei.example:8443/").as_deref(), Some("https://bäckerei.example:8443/"));
        assert_eq!(Problem::Hours(6).field(), "hours_sun");
        assert!(Problem::Hours(2).message(Lang::De).contains("Mittwoch"));
    }

    #[test]
    fn a_refusal_needs_a_reason_of_bounded_length() {
        assert_eq!(reason("  Closed down. ").unwrap(), "Closed down.");
        assert_eq!(reason(" \n "), Err(Problem::Reason));
        assert_eq!(reason(&"r".repeat(501)), Err(Problem::Reason));
        assert!(Problem::Reason.message(Lang::En).contains("500"));
    }

    #[test]
    fn unknown_json_fields_are_refused() {
        let typed: Result<DetailsInput, _> = serde_json::from_str(r#"{"name": "x", "owner": "someone"}"#);
        assert!(typed.is_err());
        let typed: Result<DetailsInput, _> = serde_json::from_str(r#"{"name": 7}"#);
        assert!(typed.is_err());
    }
}
