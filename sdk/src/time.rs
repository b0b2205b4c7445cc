//! Moments as the platform keeps them, written for people and for JSON.
//!
//! Documents carry their times as a `Timestamp`
//! ([`Doc::created_at`](crate::Doc)). Show them to people with
//! [`Timestamp::for_people`] (date and time in UTC, and saying so), and put
//! them in JSON as RFC 3339, the platform's way ([`Timestamp::rfc3339`], or
//! serialise the `Timestamp` itself, as a serialised `Doc` does):
//!
//! ```
//! use courtyard_sdk::lang::Lang;
//! use courtyard_sdk::time::Timestamp;
//!
//! let at = Timestamp::from_millis(1_796_408_400_123);
//! assert_eq!(at.rfc3339(), "2026-12-04T18:20:00.123Z");
//! assert_eq!(at.for_people(Lang::En), "4 Dec 2026, 18:20 UTC");
//! assert_eq!(at.for_people(Lang::De), "4. Dez. 2026, 18:20 UTC");
//! assert_eq!(serde_json::to_string(&at).unwrap(), "\"2026-12-04T18:20:00.123Z\"");
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

use crate::calendar::Date;
use crate::html;
use crate::html::Html;
use crate::lang::Lang;

/// The last moment RFC 3339 can write: 9999-12-31T23:59:59.999Z.
const LAST_MILLIS: u64 = 253_402_300_799_999;

/// A moment in UTC, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(u64);

/// A moment taken apart in UTC.
struct Civil {
    year: u64,
    month: u64,
    day: u64,
    hour: u64,
    minute: u64,
    second: u64,
    millis: u64,
}

impl Timestamp {
    /// The moment `millis` milliseconds after 1970-01-01T00:00:00Z. Moments
    /// after the year 9999 are written as its last millisecond.
    pub fn from_millis(millis: u64) -> Timestamp {
        Timestamp(millis)
    }

    /// Now, by the sandbox's wall clock.
    pub fn now() -> Timestamp {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Timestamp(u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> u64 {
        self.0
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-04T18:20:00.123Z`.
    pub fn rfc3339(self) -> String {
        let c = self.civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
        )
    }

    /// Date and time for a person, in UTC and saying so:
    /// `4 Dec 2026, 18:20 UTC`, `4. Dez. 2026, 18:20 UTC`.
    pub fn for_people(self, lang: Lang) -> String {
        let c = self.civil();
        let month = MONTHS[lang as usize][(c.month - 1) as usize];
        match lang {
            Lang::En => format!("{} {month} {}, {:02}:{:02} UTC", c.day, c.year, c.hour, c.minute),
            Lang::De => format!("{}. {month} {}, {:02}:{:02} UTC", c.day, c.year, c.hour, c.minute),
        }
    }

    /// A `<time>` element: [`Timestamp::for_people`], with the machine's
    /// reading in its `datetime` attribute.
    pub fn html(self, lang: Lang) -> Html {
        html!("<time datetime=\"{}\">{}</time>", self.rfc3339(), self.for_people(lang))
    }

    fn civil(self) -> Civil {
        let millis = self.0.min(LAST_MILLIS);
        let seconds = millis / 1_000;
        let (days, of_day) = (seconds / 86_400, seconds % 86_400);
        // At most the days to 9999-12-31, so the casts cannot wrap.
        let date = Date::from_days(days as i64);
        Civil {
            year: date.year() as u64,
            month: u64::from(date.month()),
            day: u64::from(date.day()),
            hour: of_day / 3_600,
            minute: of_day % 3_600 / 60,
            second: of_day % 60,
            millis: millis % 1_000,
        }
    }
}

const MONTHS: [[&str; 12]; 2] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
];

/// As RFC 3339, the platform's way of writing times in JSON.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_moments_are_written_right() {
        for (millis, expected) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (1_735_689_600_000, "2025-01-01T00:00:00.000Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (LAST_MILLIS, "9999-12-31T23:59:59.999Z"),
            (u64::MAX, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(Timestamp::from_millis(millis).rfc3339(), expected, "{millis}");
        }
    }

    #[test]
    fn people_read_the_date_in_their_language_and_learn_it_is_utc() {
        let leap = Timestamp::from_millis(1_709_251_199_999);
        assert_eq!(leap.for_people(Lang::En), "29 Feb 2024, 23:59 UTC");
        assert_eq!(leap.for_people(Lang::De), "29. Feb. 2024, 23:59 UTC");
        let march = Timestamp::from_millis(1_741_000_000_000);
        assert_eq!(march.for_people(Lang::De), "3. März 2025, 11:06 UTC");
        assert_eq!(
            march.html(Lang::En).as_str(),
            "<time datetime=\"2025-03-03T11:06:40.000Z\">3 Mar 2025, 11:06 UTC</time>"
        );
        assert!(Timestamp::now() > Timestamp::from_millis(1_735_689_600_000));
        assert_eq!(Timestamp::from_millis(42).millis(), 42);
    }
}
