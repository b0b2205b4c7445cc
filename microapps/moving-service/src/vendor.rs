//! Meier Removals' own API, reached through the platform's outbound HTTP.
//!
//! The logs name statuses and reasons, never a resident's details or pseudonym.

use courtyard_sdk::lang::Lang;
use courtyard_sdk::profile::Profile;
use courtyard_sdk::{Error, Response, log, outbound};
use serde::Serialize;

use crate::date::Date;
use crate::quote::{QuoteRequest, Refusal, VendorQuote};
use crate::texts;

const API: &str = "https://api.meier-removals.example/v1";

/// Why no quote could be had.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The platform refused or could not serve a call: its error as it is.
    Platform(Error),
    /// The request itself was refused by the app's own rules.
    Refused(Refusal),
    /// The removal company failed to answer usefully.
    Vendor(Trouble),
}

/// How the removal company failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// No answer, or an error status.
    Unreachable,
    /// An answer that makes no sense as a quote.
    Unreadable,
}

impl Failure {
    /// The status to answer with: the platform error's own, 400 for a
    /// refusal, or 502 Bad Gateway.
    pub fn status(&self) -> u16 {
        match self {
            Failure::Platform(error) => error.status(),
            Failure::Refused(_) => 400,
            Failure::Vendor(_) => 502,
        }
    }

    /// A sentence for the resident, in `lang`. The platform's own reasons
    /// are passed on as the platform said them.
    pub fn message(&self, lang: Lang) -> String {
        let said = &texts::of(lang).refusals;
        match self {
            Failure::Platform(Error::NotFound) => said.not_found.to_owned(),
            Failure::Platform(error) => error.message().to_owned(),
            Failure::Refused(refusal) => refusal.message(lang),
            Failure::Vendor(Trouble::Unreachable) => said.vendor_unreachable.to_owned(),
            Failure::Vendor(Trouble::Unreadable) => said.vendor_unreadable.to_owned(),
        }
    }

    /// The JSON error answer, in the same shape as the platform's errors.
    pub fn into_response(self, lang: Lang) -> Response {
        match self {
            Failure::Platform(error) => error.into(),
            Failure::Refused(refusal) => Error::Invalid(refusal.message(lang)).into(),
            Failure::Vendor(_) => Response::json(
                502,
                &serde_json::json!({ "error": { "code": "vendor_unavailable", "message": self.message(lang) } }),
            ),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Platform(error)
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

/// The body of `POST /v1/quotes`.
#[derive(Debug, Serialize)]
struct QuoteCall<'a> {
    /// The resident's pseudonym for this app; the company keys its records by it.
    customer: &'a str,
    name: Option<&'a str>,
    email: Option<&'a str>,
    /// Sent only when the resident shares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    unit: Option<&'a str>,
    moving_on: Date,
    rooms: u8,
    notes: Option<&'a str>,
}

impl<'a> QuoteCall<'a> {
    /// Fields missing from `contact` go as `null`: nothing is made up.
    fn new(subject: &'a str, contact: &'a Profile, request: &'a QuoteRequest) -> Self {
        QuoteCall {
            customer: subject,
            name: contact.display_name(),
            email: contact.email(),
            phone: contact.phone(),
            unit: contact.unit(),
            moving_on: request.moving_on,
            rooms: request.rooms,
            notes: request.notes.as_deref(),
        }
    }
}

/// Asks the company for a quote for `subject`, with the details of `contact`.
pub fn request_quote(subject: &str, contact: &Profile, request: &QuoteRequest) -> Result<VendorQuote, Failure> {
    let call = QuoteCall::new(subject, contact, request);
    let answer = outbound::post(format!("{API}/quotes")).header("accept", "application/json").json(&call).send();
    let answer = match answer {
        Ok(answer) => answer,
        // A policy refusal or a quota is the platform's answer: pass it on.
        Err(error @ (Error::Denied(_) | Error::Limit(_))) => return Err(Failure::Platform(error)),
        Err(error) => {
            log::warn(&format!("quote request failed: {error}"));
            return Err(unreachable_vendor());
        }
    };
    if !answer.is_success() {
        log::warn(&format!("quote request answered {}", answer.status));
        return Err(unreachable_vendor());
    }
    VendorQuote::from_answer(&answer.body).map_err(|reason| {
        log::warn(&format!("quote answer refused: {reason}"));
        Failure::Vendor(Trouble::Unreadable)
    })
}

fn unreachable_vendor() -> Failure {
    Failure::Vendor(Trouble::Unreachable)
}

/// Has the company erase its copy of `subject`'s details. Answers `Ok` once
/// the company holds nothing: after a 2xx, or a 404 for a customer it never
/// had or already erased.
pub fn erase_customer(subject: &str) -> Result<(), Error> {
    let answer = outbound::delete(customer_url(subject)).send().map_err(|error| {
        log::warn(&format!("erasure request failed: {error}"));
        Error::Unavailable(format!("Meier Removals could not be reached: {error}"))
    })?;
    if answer.is_success() || answer.status == 404 {
        return Ok(());
    }
    log::warn(&format!("erasure request answered {}", answer.status));
    Err(Error::Unavailable(format!("Meier Removals answered {} to the erasure request", answer.status)))
}

fn customer_url(subject: &str) -> String {
    format!("{API}/customers/{}", path_segment(subject))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a
/// pseudonym is always exactly one path segment.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use courtyard_sdk::profile::Field;
    use serde_json::json;

    use super::*;

    #[test]
    fn vendor_failures_answer_502_and_platform_errors_keep_their_status() {
        let vendor = Failure::Vendor(Trouble::Unreachable);
        assert_eq!(vendor.status(), 502);
        assert!(vendor.message(Lang::De).starts_with("Meier Removals kann gerade keine Offerte"));
        let response = vendor.into_response(Lang::En);
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!((response.status, &body["error"]["code"]), (502, &json!("vendor_unavailable")));
        assert!(body["error"]["message"].as_str().unwrap().contains("cannot prepare a quote right now"));
        let denied = Failure::from(Error::Denied("not approved".to_owned()));
        assert_eq!((denied.status(), denied.message(Lang::De)), (403, "not approved".to_owned()));
        assert_eq!(denied.into_response(Lang::En).status, 403);
        let refused = Failure::from(Refusal::Rooms);
        assert_eq!(
            (refused.status(), refused.message(Lang::En)),
            (400, "rooms must be a whole number from 1 to 20".into())
        );
        assert_eq!(refused.into_response(Lang::En).status, 400);
    }

    #[test]
    fn customer_urls_keep_the_pseudonym_in_one_segment() {
        assert_eq!(customer_url("p-3fA_9.x~"), "https://api.meier-removals.example/v1/customers/p-3fA_9.x~");
        assert_eq!(path_segment("a/b?c d%é"), "a%2Fb%3Fc%20d%25%C3%A9");
    }

    #[test]
    fn the_quote_call_sends_the_phone_only_when_shared() {
        let request = QuoteRequest { moving_on: Date::parse("2027-04-30").unwrap(), rooms: 3, notes: None };
        let contact = Profile::from_entries([
            (Field::DisplayName, "Ada".to_owned()),
            (Field::Email, "ada@example.org".to_owned()),
            (Field::Unit, "Flat 3.2".to_owned()),
        ]);
        let call = QuoteCall::new("p-1", &contact, &request);
        assert_eq!(
            serde_json::to_value(&call).unwrap(),
            json!({
                "customer": "p-1", "name": "Ada", "email": "ada@example.org", "unit": "Flat 3.2",
                "moving_on": "2027-04-30", "rooms": 3, "notes": null
            })
        );
        let with_phone = QuoteCall { phone: Some("+41 44 000 00 00"), ..call };
        assert_eq!(serde_json::to_value(&with_phone).unwrap()["phone"], "+41 44 000 00 00");
    }
}
