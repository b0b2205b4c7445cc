//! Calendar dates as the quote form and the removal company's API write them.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A day in the Gregorian calendar, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD` (years 1970 to 9999), rejecting days that
    /// do not exist such as `2027-02-29`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes.iter().enumerate().all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
        if !well_formed {
            return None;
        }
        let year: u16 = text[0..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..10].parse().ok()?;
        let valid = year >= 1970 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Today in UTC, by the sandbox's wall clock.
    pub fn today() -> Date {
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|since| since.as_secs()).unwrap_or(0);
        Date::from_days_since_epoch(seconds / 86_400)
    }

    /// The day `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: u64) -> Date {
        // Howard Hinnant's `civil_from_days`, for days on or after the epoch.
        let z = days + 719_468;
        let era = z / 146_097;
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + u64::from(month <= 2);
        Date { year: u16::try_from(year).unwrap_or(u16::MAX), month: month as u8, day: day as u8 }
    }

    /// The same day `years` later; 29 February becomes 28 February.
    pub fn years_later(self, years: u16) -> Date {
        let year = self.year.saturating_add(years);
        Date { year, month: self.month, day: self.day.min(days_in_month(year, self.month)) }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| de::Error::custom(format!("`{text}` is not a date as YYYY-MM-DD")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_real_days() {
        assert_eq!(Date::parse("2028-02-29").map(|date| date.to_string()), Some("2028-02-29".to_owned()));
        for bad in ["2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31", "27-04-01", "2027-4-01", "2027/04/01"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        for bad in ["+027-04-01", "2027-04-0\u{661}", "1969-12-31", "", "2027-04-01T00:00"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_days_from_the_epoch() {
        for (days, expected) in
            [(0, "1970-01-01"), (11_016, "2000-02-29"), (19_782, "2024-02-29"), (20_000, "2024-10-04")]
        {
            assert_eq!(Date::from_days_since_epoch(days).to_string(), expected);
        }
        assert!(Date::today() > Date::parse("2024-01-01").unwrap());
    }

    #[test]
    fn orders_and_moves_by_years() {
        let leap_day = Date::parse("2028-02-29").unwrap();
        assert_eq!(leap_day.years_later(2).to_string(), "2030-02-28");
        assert!(Date::parse("2027-12-31").unwrap() < Date::parse("2028-01-01").unwrap());
        let json = serde_json::to_string(&leap_day).unwrap();
        assert_eq!(json, "\"2028-02-29\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), leap_day);
        assert!(serde_json::from_str::<Date>("\"2027-02-29\"").is_err());
    }
}
