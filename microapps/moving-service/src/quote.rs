//! What a resident asks for, what the removal company answers, and what the
//! app keeps of both.

use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::{Error, Request};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::texts;

pub const MAX_ROOMS: u64 = 20;
pub const MAX_NOTES: usize = 500;
/// How far ahead the removal company plans moves.
const HORIZON_YEARS: u16 = 2;

/// A checked request for a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub moving_on: Date,
    /// 1 to 20.
    pub rooms: u8,
    /// Up to 500 characters; `None` when left empty.
    pub notes: Option<String>,
}

/// The fields as the page's form posts them: everything is text, and what
/// the resident typed is shown again when it needs correcting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuoteForm {
    pub moving_on: String,
    pub rooms: String,
    pub notes: String,
}

/// The removal company's answer to a quote request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorQuote {
    /// The company's reference for the quote.
    pub quote_id: String,
    pub price_chf: f64,
    pub valid_until: Date,
}

/// What the app stores per quote, privately for the resident who asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedQuote {
    pub request: QuoteRequest,
    pub quote: VendorQuote,
}

/// Why a request for a quote was refused before it left the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    DateMissing,
    NotADate,
    Past,
    /// Later than the company plans: it must be on or before this day.
    TooFar(Date),
    Rooms,
    NotesTooLong,
    NotesNotText,
    NotAnObject,
    /// A body that is not JSON at all, in the SDK's words.
    Unreadable(String),
}

impl Refusal {
    /// The sentence for the resident, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let said = &texts::of(lang).refusals;
        match self {
            Refusal::DateMissing => said.date_missing.to_owned(),
            Refusal::NotADate => said.not_a_date.to_owned(),
            Refusal::Past => said.past.to_owned(),
            Refusal::TooFar(date) => fill(said.too_far, &[("date", date)]),
            Refusal::Rooms => fill(said.rooms, &[("max", &MAX_ROOMS)]),
            Refusal::NotesTooLong => fill(said.notes_long, &[("max", &MAX_NOTES)]),
            Refusal::NotesNotText => said.notes_not_text.to_owned(),
            Refusal::NotAnObject => said.not_an_object.to_owned(),
            Refusal::Unreadable(reason) => reason.clone(),
        }
    }
}

/// Reads a form post as the form's fields, to check and to show again.
pub fn form_of(request: &Request) -> Result<QuoteForm, Error> {
    request.form()
}

impl QuoteForm {
    /// Checks the form's fields against `today`.
    pub fn check(&self, today: Date) -> Result<QuoteRequest, Refusal> {
        let rooms = self.rooms.trim().parse::<u64>().ok();
        check(Some(self.moving_on.trim()), rooms, Some(&self.notes), today)
    }
}

/// Reads and checks a JSON body: `{"moving_on": "YYYY-MM-DD", "rooms": 3, "notes": "…"}`.
pub fn from_json(request: &Request, today: Date) -> Result<QuoteRequest, Refusal> {
    let body: Value = request.json().map_err(|error| match error {
        Error::Invalid(reason) => Refusal::Unreadable(reason),
        other => Refusal::Unreadable(other.to_string()),
    })?;
    let Value::Object(fields) = body else {
        return Err(Refusal::NotAnObject);
    };
    let moving_on = match fields.get("moving_on") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(_) => return Err(Refusal::NotADate),
    };
    let rooms = match fields.get("rooms") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_u64().unwrap_or(0)),
    };
    let notes = match fields.get("notes") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(_) => return Err(Refusal::NotesNotText),
    };
    check(moving_on, rooms, notes, today)
}

/// The one set of rules for both forms of input. `rooms` is `None` when
/// missing and `Some(0)` when it is no whole number, which the range refuses.
fn check(
    moving_on: Option<&str>,
    rooms: Option<u64>,
    notes: Option<&str>,
    today: Date,
) -> Result<QuoteRequest, Refusal> {
    let moving_on = match moving_on {
        None | Some("") => return Err(Refusal::DateMissing),
        Some(text) => Date::parse(text).ok_or(Refusal::NotADate)?,
    };
    if moving_on < today {
        return Err(Refusal::Past);
    }
    let horizon = today.years_later(HORIZON_YEARS);
    if moving_on > horizon {
        return Err(Refusal::TooFar(horizon));
    }
    let rooms = match rooms {
        Some(rooms @ 1..=MAX_ROOMS) => rooms as u8,
        _ => return Err(Refusal::Rooms),
    };
    let notes = notes.map(str::trim).filter(|notes| !notes.is_empty());
    if notes.is_some_and(|notes| notes.chars().count() > MAX_NOTES) {
        return Err(Refusal::NotesTooLong);
    }
    Ok(QuoteRequest { moving_on, rooms, notes: notes.map(str::to_owned) })
}

impl VendorQuote {
    /// Reads the removal company's answer, refusing one that makes no sense
    /// to show a resident. The reason is for the log, not for the resident.
    pub fn from_answer(body: &[u8]) -> Result<VendorQuote, String> {
        let quote: VendorQuote = serde_json::from_slice(body).map_err(|err| format!("unreadable answer: {err}"))?;
        let id_ok = !quote.quote_id.trim().is_empty()
            && quote.quote_id.chars().count() <= 100
            && !quote.quote_id.chars().any(char::is_control);
        if !id_ok {
            return Err("quote_id is empty, too long or not plain text".to_owned());
        }
        if !quote.price_chf.is_finite() || quote.price_chf < 0.0 {
            return Err("price_chf is not a price".to_owned());
        }
        Ok(quote)
    }
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::Method;

    use super::*;

    fn today() -> Date {
        Date::parse("2027-03-01").unwrap()
    }

    fn post(content_type: &str, body: &str) -> Request {
        Request {
            method: Method::Post,
            path: "/quotes".to_owned(),
            query: String::new(),
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.as_bytes().to_vec(),
            uploads: Vec::new(),
        }
    }

    fn json(body: &str) -> Result<QuoteRequest, Refusal> {
        from_json(&post("application/json", body), today())
    }

    fn form(body: &str) -> Result<QuoteRequest, Refusal> {
        form_of(&post("application/x-www-form-urlencoded", body)).unwrap().check(today())
    }

    fn refusal(result: Result<QuoteRequest, Refusal>) -> String {
        match result {
            Err(refusal) => refusal.message(Lang::En),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn accepts_json_and_form_alike() {
        let expected =
            QuoteRequest { moving_on: Date::parse("2027-04-30").unwrap(), rooms: 3, notes: Some("Piano".to_owned()) };
        assert_eq!(json(r#"{"moving_on": "2027-04-30", "rooms": 3, "notes": " Piano "}"#).unwrap(), expected);
        assert_eq!(form("moving_on=2027-04-30&rooms=3&notes=Piano").unwrap(), expected);
        let bare = form("moving_on=2027-03-01&rooms=+20+&notes=").unwrap();
        assert_eq!((bare.rooms, bare.notes), (20, None));
        assert_eq!(json(r#"{"moving_on": "2029-03-01", "rooms": 1, "notes": null}"#).unwrap().notes, None);
    }

    #[test]
    fn refuses_bad_dates_with_a_clear_message() {
        assert!(refusal(json(r#"{"rooms": 3}"#)).contains("moving_on is required"));
        assert!(refusal(json(r#"{"moving_on": 20270430, "rooms": 3}"#)).contains("real date"));
        assert!(refusal(form("moving_on=30.04.2027&rooms=3")).contains("YYYY-MM-DD"));
        assert!(refusal(form("moving_on=2027-02-30&rooms=3")).contains("real date"));
        assert!(refusal(form("moving_on=2027-02-28&rooms=3")).contains("past"));
        assert!(refusal(form("moving_on=2029-03-02&rooms=3")).contains("on or before 2029-03-01"));
        let german = form("moving_on=2029-03-02&rooms=3").unwrap_err().message(Lang::De);
        assert_eq!(german, "das Umzugsdatum muss spätestens am 2029-03-01 sein");
    }

    #[test]
    fn refuses_rooms_outside_one_to_twenty() {
        for rooms in ["0", "21", "-1", "2.5", "\"3\"", "true", "null", "99999999999999999999"] {
            let body = format!(r#"{{"moving_on": "2027-04-30", "rooms": {rooms}}}"#);
            assert_eq!(refusal(json(&body)), "rooms must be a whole number from 1 to 20", "{rooms}");
        }
        for rooms in ["", "0", "21", "three", "3.0"] {
            let body = format!("moving_on=2027-04-30&rooms={rooms}");
            assert_eq!(refusal(form(&body)), "rooms must be a whole number from 1 to 20", "{rooms}");
        }
    }

    #[test]
    fn refuses_long_notes_and_malformed_bodies() {
        let long = "é".repeat(501);
        assert!(refusal(form(&format!("moving_on=2027-04-30&rooms=2&notes={long}"))).contains("at most 500"));
        assert!(form(&format!("moving_on=2027-04-30&rooms=2&notes={}", "é".repeat(500))).is_ok());
        assert!(refusal(json(r#"{"moving_on": "2027-04-30", "rooms": 2, "notes": 7}"#)).contains("notes must be text"));
        assert!(refusal(json("[1, 2]")).contains("JSON object"));
        assert!(refusal(json("{not json")).contains("request body"));
    }

    #[test]
    fn reads_only_sensible_vendor_answers() {
        let good = br#"{"quote_id": "MR-2027-0042", "price_chf": 1890.5, "valid_until": "2027-04-15"}"#;
        let quote = VendorQuote::from_answer(good).unwrap();
        assert_eq!((quote.quote_id.as_str(), quote.price_chf), ("MR-2027-0042", 1890.5));
        for bad in [
            r#"{"quote_id": "", "price_chf": 1, "valid_until": "2027-04-15"}"#,
            r#"{"quote_id": "q", "price_chf": -1, "valid_until": "2027-04-15"}"#,
            r#"{"quote_id": "q", "price_chf": "1", "valid_until": "2027-04-15"}"#,
            r#"{"quote_id": "q", "price_chf": 1, "valid_until": "15.04.2027"}"#,
            r#"{"quote_id": "q", "price_chf": 1}"#,
            "<html>502 Bad Gateway</html>",
        ] {
            assert!(VendorQuote::from_answer(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
