//! Days of the calendar, as loans name them: `YYYY-MM-DD`, in UTC.

use std::fmt;

use courtyard_sdk::time::Timestamp;

/// A day of the years 2000 to 2999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` exactly: a real day of the years 2000 to 2999.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: i32 = digits(&text[0..4])?.try_into().ok()?;
        let month = digits(&text[5..7])?;
        let day = digits(&text[8..10])?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        Date::from_days(i64::try_from(Timestamp::now().millis() / 86_400_000).unwrap_or(0))
    }

    /// The day `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil-from-days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year: year as i32, month: month as u32, day: day as u32 }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.days() + days)
    }

    /// The days from `self` to `last`, both included.
    pub fn through(self, last: Date) -> impl Iterator<Item = Date> {
        (self.days()..=last.days()).map(Date::from_days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.bytes().all(|b| b.is_ascii_digit()) { text.parse().ok() } else { None }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_days_are_read() {
        let day = Date::parse("2028-02-29").unwrap();
        assert_eq!((day.year, day.month, day.day), (2028, 2, 29));
        assert_eq!(day.to_string(), "2028-02-29");
        for bad in ["2027-02-29", "2027-13-01", "2027-1-01", "27-01-01", "+027-01-01", "1999-12-31", "<b>", ""] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_count_across_months_and_years() {
        let day = Date::parse("2027-12-30").unwrap();
        assert_eq!(day.add_days(3).to_string(), "2028-01-02");
        assert_eq!(Date::from_days(day.days()), day);
        let days: Vec<String> = day.through(day.add_days(2)).map(|d| d.to_string()).collect();
        assert_eq!(days, ["2027-12-30", "2027-12-31", "2028-01-01"]);
        assert_eq!(day.through(day.add_days(-1)).count(), 0);
        assert!(Date::today() > Date::parse("2025-01-01").unwrap());
    }
}
