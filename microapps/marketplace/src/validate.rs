//! What people type and post, checked before anything is stored.
//!
//! Every refusal is a [`Problem`]: the API answers it as `invalid` (400)
//! with its sentence, a form shows the sentence at the top of the page and
//! next to the field it names.

use courtyard_sdk::files::Upload;
use courtyard_sdk::lang::{Lang, fill};
use serde::Deserialize;

use crate::model::Kind;
use crate::texts;

pub const MAX_TITLE: usize = 120;
pub const MAX_DESCRIPTION: usize = 4_000;
/// The highest price taken, in cents: a million.
pub const MAX_PRICE: i64 = 100_000_000;
/// Photos one listing may carry (the manifest's `per_document`).
pub const MAX_PHOTOS: usize = 5;
/// The largest photo taken (the manifest's `max_bytes`).
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;
/// The media types taken (the manifest's `media_types`).
pub const MEDIA_TYPES: [&str; 2] = ["image/jpeg", "image/png"];
/// The form field photos are posted in.
pub const PHOTO_FIELD: &str = "photo";

/// Why something was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Empty, too long or with control characters.
    Title,
    /// Too long: it has `count` characters.
    Description {
        count: usize,
    },
    /// Not one of the kinds.
    Kind,
    /// Not an amount, negative or too high.
    Price,
    /// Something for sale without a price.
    PriceMissing,
    /// A price on something given away.
    PriceFree,
    TooManyPhotos {
        count: usize,
    },
    /// A file that is no JPEG or PNG, or too large.
    Photo {
        name: String,
    },
}

impl Problem {
    /// The form field it is about, for the link from the summary.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::Title => "title",
            Problem::Description { .. } => "description",
            Problem::Kind => "kind",
            Problem::Price | Problem::PriceMissing | Problem::PriceFree => "price",
            Problem::TooManyPhotos { .. } | Problem::Photo { .. } => PHOTO_FIELD,
        }
    }

    /// The sentence for the person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts::of(lang);
        match self {
            Problem::Title => fill(t.problem_title, &[("max", &MAX_TITLE)]),
            Problem::Description { count } => {
                fill(t.problem_description, &[("max", &MAX_DESCRIPTION), ("count", count)])
            }
            Problem::Kind => t.problem_kind.to_owned(),
            Problem::Price => t.problem_price.to_owned(),
            Problem::PriceMissing => t.problem_price_missing.to_owned(),
            Problem::PriceFree => t.problem_price_free.to_owned(),
            Problem::TooManyPhotos { count } => fill(t.problem_photos, &[("max", &MAX_PHOTOS), ("count", count)]),
            Problem::Photo { name } => fill(t.problem_photo, &[("name", name), ("mib", &(MAX_PHOTO_BYTES >> 20))]),
        }
    }

    pub fn into_error(self, lang: Lang) -> courtyard_sdk::Error {
        courtyard_sdk::Error::Invalid(self.message(lang))
    }
}

/// A listing sent as JSON: the price in cents, or `null`. Unknown fields
/// (an `owner`, a `state`) are a malformed body.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: String,
    #[serde(default)]
    pub price_cents: Option<i64>,
}

/// A listing as typed into the form: the price as people write it,
/// `80`, `80.5`, `80.50` or `80,50`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ListingForm {
    pub title: String,
    pub description: String,
    pub kind: String,
    pub price: String,
}

impl ListingForm {
    /// What the form asks for, or the problem with its price.
    pub fn input(&self) -> Result<ListingInput, Problem> {
        Ok(ListingInput {
            title: self.title.clone(),
            description: self.description.clone(),
            kind: self.kind.clone(),
            price_cents: parse_price(&self.price)?,
        })
    }

    /// The form filled in with a stored listing, to edit it.
    pub fn of(listing: &crate::model::Listing) -> ListingForm {
        ListingForm {
            title: listing.title.clone(),
            description: listing.description.clone(),
            kind: listing.kind.code().to_owned(),
            price: listing.price.map(format_amount).unwrap_or_default(),
        }
    }
}

/// A listing that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub title: String,
    pub description: String,
    pub kind: Kind,
    pub price: Option<i64>,
}

/// Checks a listing. Something for sale needs a price; something given
/// away has none (0 is taken as none); wanted and lost-and-found things
/// may name a sum, a budget or a reward.
pub fn listing(input: &ListingInput) -> Result<Checked, Problem> {
    let title = line(&input.title, 1, MAX_TITLE).ok_or(Problem::Title)?;
    let description = text(&input.description).map_err(|count| Problem::Description { count })?;
    let kind = Kind::parse(input.kind.trim()).ok_or(Problem::Kind)?;
    if input.price_cents.is_some_and(|cents| !(0..=MAX_PRICE).contains(&cents)) {
        return Err(Problem::Price);
    }
    let price = match (kind, input.price_cents) {
        (Kind::Sell, None) => return Err(Problem::PriceMissing),
        (Kind::Free, Some(cents)) if cents > 0 => return Err(Problem::PriceFree),
        (Kind::Free, _) => None,
        (_, price) => price,
    };
    Ok(Checked { title, description, kind, price })
}

/// A price as people type it, in cents: empty is none; else digits with
/// at most two decimals after a point or a comma, and an optional
/// apostrophe as thousands separator (`1'200.00`).
pub fn parse_price(typed: &str) -> Result<Option<i64>, Problem> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let plain: String = typed.chars().filter(|c| *c != '\'').collect();
    let (whole, fraction) = match plain.split_once(['.', ',']) {
        Some((_, "")) => return Err(Problem::Price),
        Some((whole, fraction)) => (whole, fraction),
        None => (plain.as_str(), ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
        return Err(Problem::Price);
    }
    let whole: i64 = whole.parse().map_err(|_| Problem::Price)?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| Problem::Price)?;
    let cents = whole * 100 + fraction;
    if cents > MAX_PRICE { Err(Problem::Price) } else { Ok(Some(cents)) }
}

/// Cents as an amount for people and forms: `8000` is `80.00`.
pub fn format_amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// One line of text: trimmed, `min..=max` characters, no control characters.
pub fn line(typed: &str, min: usize, max: usize) -> Option<String> {
    let trimmed = typed.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(char::is_control);
    (plain && (min..=max).contains(&count)).then(|| trimmed.to_owned())
}

/// Text of up to [`MAX_DESCRIPTION`] characters with the line breaks
/// people typed (as `\n`) and tabs, and no other control characters.
/// Refused with the number of characters it has.
pub fn text(typed: &str) -> Result<String, usize> {
    let normalised = typed.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    let count = trimmed.chars().count();
    let plain = !trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if plain && count <= MAX_DESCRIPTION { Ok(trimmed.to_owned()) } else { Err(count) }
}

/// Checks the photos chosen in a form before anything is stored, so a post
/// with a file the host would refuse stores nothing; `attached` photos are
/// on the listing already. The host checks the content again when the
/// photo is attached.
pub fn photos<'a>(chosen: impl Iterator<Item = &'a Upload>, attached: usize) -> Result<Vec<&'a Upload>, Problem> {
    let chosen: Vec<&Upload> = chosen.collect();
    if chosen.len() + attached > MAX_PHOTOS {
        return Err(Problem::TooManyPhotos { count: chosen.len() + attached });
    }
    if let Some(bad) =
        chosen.iter().find(|upload| !MEDIA_TYPES.contains(&upload.media_type.as_str()) || upload.size > MAX_PHOTO_BYTES)
    {
        return Err(Problem::Photo { name: bad.name.clone() });
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, kind: &str, price_cents: Option<i64>) -> ListingInput {
        ListingInput { title: title.into(), description: String::new(), kind: kind.into(), price_cents }
    }

    #[test]
    fn a_good_listing_is_trimmed_and_kept() {
        let mut typed = input("  Bike ", " sell ", Some(8_000));
        typed.description = " Red.\r\nBarely used. ".into();
        let ok = listing(&typed).unwrap();
        assert_eq!(
            ok,
            Checked {
                title: "Bike".into(),
                description: "Red.\nBarely used.".into(),
                kind: Kind::Sell,
                price: Some(8_000)
            }
        );
        assert_eq!(listing(&input("Chair", "free", None)).unwrap().price, None);
        assert_eq!(listing(&input("Chair", "free", Some(0))).unwrap().price, None);
        assert_eq!(listing(&input("Drill", "wanted", None)).unwrap().price, None);
        assert_eq!(listing(&input("Keys", "lost_found", Some(2_000))).unwrap().price, Some(2_000));
        assert_eq!(listing(&input(&"é".repeat(120), "wanted", None)).unwrap().title.chars().count(), 120);
    }

    #[test]
    fn hostile_and_broken_listings_are_refused_with_the_field_named() {
        let cases = [
            (input(" ", "sell", Some(1)), Problem::Title),
            (input(&"é".repeat(121), "sell", Some(1)), Problem::Title),
            (input("a\u{0}b", "sell", Some(1)), Problem::Title),
            (input("x", "auction", Some(1)), Problem::Kind),
            (input("x", "", Some(1)), Problem::Kind),
            (input("x", "Sell", Some(1)), Problem::Kind),
            (input("x", "sell", Some(-1)), Problem::Price),
            (input("x", "sell", Some(MAX_PRICE + 1)), Problem::Price),
            (input("x", "wanted", Some(i64::MIN)), Problem::Price),
            (input("x", "sell", None), Problem::PriceMissing),
            (input("x", "free", Some(500)), Problem::PriceFree),
        ];
        for (typed, expected) in cases {
            assert_eq!(listing(&typed).unwrap_err(), expected, "{typed:?}");
        }
        let mut long = input("x", "free", None);
        long.description = "d".repeat(4_001);
        assert_eq!(listing(&long).unwrap_err(), Problem::Description { count: 4_001 });
        long.description = "bell\u{7}".into();
        assert_eq!(listing(&long).unwrap_err().field(), "description");
        assert_eq!(Problem::PriceFree.field(), "price");
    }

    #[test]
    fn prices_are_read_as_people_type_them() {
        for (typed, cents) in [
            ("80", Some(8_000)),
            ("80.00", Some(8_000)),
            (" 80,5 ", Some(8_050)),
            ("0.05", Some(5)),
            ("1'200.00", Some(120_000)),
            ("", None),
            ("1000000", Some(MAX_PRICE)),
        ] {
            assert_eq!(parse_price(typed), Ok(cents), "{typed}");
        }
        for typed in ["-1", "1.234", "abc", "1e3", ".5", "80.", "1000000.01", "99999999999", "8 0", "+3", "NaN"] {
            assert_eq!(parse_price(typed), Err(Problem::Price), "{typed}");
        }
        assert_eq!(
            (format_amount(8_000), format_amount(5), format_amount(120_050)),
            ("80.00".into(), "0.05".into(), "1200.50".into())
        );
        let form =
            ListingForm { title: "T".into(), description: String::new(), kind: "sell".into(), price: "x".into() };
        assert_eq!(form.input().unwrap_err(), Problem::Price);
    }

    #[test]
    fn unknown_json_fields_are_a_malformed_body() {
        let sneaky = r#"{"title":"x","kind":"free","owner":"someone-else"}"#;
        assert!(serde_json::from_str::<ListingInput>(sneaky).is_err());
        let float = r#"{"title":"x","kind":"sell","price_cents":80.5}"#;
        assert!(serde_json::from_str::<ListingInput>(float).is_err());
        let fine = r#"{"title":"x","kind":"sell","price_cents":8000}"#;
        assert_eq!(serde_json::from_str::<ListingInput>(fine).unwrap().price_cents, Some(8_000));
    }

    fn upload(name: &str, media_type: &str, size: u64) -> Upload {
        Upload {
            field: PHOTO_FIELD.into(),
            token: format!("t-{name}"),
            name: name.into(),
            media_type: media_type.into(),
            size,
        }
    }

    #[test]
    fn at_most_five_jpegs_or_pngs_of_at_most_ten_mib() {
        let five: Vec<Upload> = (0..5).map(|n| upload(&format!("{n}.png"), "image/png", 10)).collect();
        assert_eq!(photos(five.iter(), 0).unwrap().len(), 5);
        assert_eq!(photos(five.iter().take(2), 4).unwrap_err(), Problem::TooManyPhotos { count: 6 });
        let text = [upload("bike.png", "text/plain", 10)];
        assert_eq!(photos(text.iter(), 0).unwrap_err(), Problem::Photo { name: "bike.png".into() });
        let pdf = [upload("bike.pdf", "application/pdf", 10)];
        assert_eq!(photos(pdf.iter(), 0).unwrap_err().field(), PHOTO_FIELD);
        let big = [upload("big.jpg", "image/jpeg", MAX_PHOTO_BYTES + 1)];
        assert_eq!(photos(big.iter(), 0).unwrap_err(), Problem::Photo { name: "big.jpg".into() });
        let message = Problem::TooManyPhotos { count: 6 }.message(Lang::De);
        assert!(message.contains('5') && message.contains('6'), "{message}");
    }
}
