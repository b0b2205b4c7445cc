//! Times at the API's edge: storage keeps milliseconds since the Unix epoch
//! in integer columns; every answer shows them as RFC 3339 in UTC with
//! milliseconds (`2026-12-07T11:48:28.123Z`), exact to the stored value.
//!
//! One attribute on a field does both its serde form and its OpenAPI
//! schema (`type: string, format: date-time`), so no handler converts by
//! hand and no schema can say otherwise:
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
//! struct Entry {
//!     #[serde(with = "courtyard::timestamp::Rfc3339")]
//!     at: i64,
//!     #[serde(default, with = "courtyard::timestamp::OptionalRfc3339")]
//!     withdrawn_at: Option<i64>,
//! }
//!
//! let entry = Entry { at: 1_796_644_108_123, withdrawn_at: None };
//! assert_eq!(
//!     serde_json::to_string(&entry).unwrap(),
//!     r#"{"at":"2026-12-07T11:48:28.123Z","withdrawn_at":null}"#
//! );
//! ```
//!
//! `serde(with)` names a path with `serialize` and `deserialize` functions,
//! and schemars reads the same attribute as the type whose schema the field
//! gets; [`Rfc3339`] is both, which is why it is a type and not a module.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known;

/// Earliest and latest instants shown: years 0000 and 9999, the range RFC
/// 3339 can write.
const EARLIEST_MS: i64 = -62_167_219_200_000;
const LATEST_MS: i64 = 253_402_300_799_999;

/// Milliseconds since the epoch as RFC 3339 in UTC, e.g.
/// `2026-12-07T11:48:28.123Z`.
pub fn format(epoch_ms: i64) -> String {
    let epoch_ms = epoch_ms.clamp(EARLIEST_MS, LATEST_MS);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .ok()
        .and_then(|moment| moment.format(&format).ok())
        .unwrap_or_default()
}

/// An RFC 3339 time with any offset, as milliseconds since the epoch
/// (sub-millisecond digits are cut off, towards the past).
pub fn parse(text: &str) -> Option<i64> {
    let moment = OffsetDateTime::parse(text, &well_known::Rfc3339).ok()?;
    i64::try_from(moment.unix_timestamp_nanos().div_euclid(1_000_000)).ok()
}

/// The serde form and the schema of a time kept as epoch milliseconds.
#[derive(Debug)]
pub struct Rfc3339;

impl Rfc3339 {
    pub fn serialize<S: Serializer>(epoch_ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*epoch_ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not an RFC 3339 time such as 2026-12-07T11:48:28Z",
                text.chars().take(40).collect::<String>()
            ))
        })
    }
}

impl schemars::JsonSchema for Rfc3339 {
    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339, in UTC with milliseconds.",
            "example": "2026-12-07T11:48:28.123Z",
        })
    }
}

// `Rfc3339` for a time that may be absent (`null`). Its schema is that of
// `Option<Rfc3339>`, optional and nullable like any `Option` field. (A doc
// comment would become the schema's description and end the transparency.)
#[allow(missing_docs)]
#[derive(Debug, schemars::JsonSchema)]
#[serde(transparent)]
pub struct OptionalRfc3339(#[expect(dead_code, reason = "only its schema is used")] Option<Rfc3339>);

impl OptionalRfc3339 {
    pub fn serialize<S: Serializer>(epoch_ms: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
        match epoch_ms {
            Some(epoch_ms) => Rfc3339::serialize(epoch_ms, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        struct Present(#[serde(with = "Rfc3339")] i64);
        Ok(Option::<Present>::deserialize(deserializer)?.map(|Present(epoch_ms)| epoch_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc_with_milliseconds_and_round_trip() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format(1_796_644_108_123), "2026-12-07T11:48:28.123Z");
        for ms in [0, 1, 999, 1_796_644_108_123, -1, EARLIEST_MS, LATEST_MS] {
            assert_eq!(parse(&format(ms)), Some(ms), "{ms}");
        }
        // Out of range values are shown at the edge, never as an error.
        assert_eq!(format(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format(i64::MIN), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn input_takes_any_offset_and_refuses_what_is_not_rfc3339() {
        assert_eq!(parse("2026-12-07T12:48:28.123+01:00"), Some(1_796_644_108_123));
        assert_eq!(parse("2026-12-07T11:48:28Z"), Some(1_796_644_108_000));
        assert_eq!(parse("2026-12-07T11:48:28.1239Z"), Some(1_796_644_108_123));
        for bad in ["1796644108123", "2026-12-07", "2026-12-07 11:48:28", "yesterday", "", "2026-13-01T00:00:00Z"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        let refused = serde_json::from_str::<Wrapped>(r#"{"at": 1796644108123}"#);
        assert!(refused.is_err());
        let refused = serde_json::from_str::<Wrapped>(r#"{"at": "soon"}"#).unwrap_err().to_string();
        assert!(refused.contains("RFC 3339"), "{refused}");
    }

    #[derive(Debug, serde::Serialize, Deserialize, schemars::JsonSchema)]
    struct Wrapped {
        #[serde(with = "Rfc3339")]
        at: i64,
        #[serde(default, with = "OptionalRfc3339")]
        read_at: Option<i64>,
    }

    #[test]
    fn the_schema_says_date_time_and_absent_times_are_null() {
        let wrapped = Wrapped { at: 0, read_at: None };
        assert_eq!(
            serde_json::to_value(&wrapped).unwrap(),
            serde_json::json!({"at": "1970-01-01T00:00:00.000Z", "read_at": null})
        );
        let back: Wrapped =
            serde_json::from_str(r#"{"at": "1970-01-01T00:00:00.000Z", "read_at": "1970-01-01T00:00:01Z"}"#).unwrap();
        assert_eq!(back.read_at, Some(1000));
        let schema = schemars::generate::SchemaSettings::openapi3().into_generator().into_root_schema_for::<Wrapped>();
        let schema = schema.as_value();
        assert_eq!(schema["properties"]["at"]["format"], "date-time", "{schema}");
        assert_eq!(schema["properties"]["read_at"]["format"], "date-time", "{schema}");
        assert_eq!(schema["properties"]["read_at"]["nullable"], true, "{schema}");
        assert_eq!(schema["required"], serde_json::json!(["at"]), "{schema}");
    }
}
