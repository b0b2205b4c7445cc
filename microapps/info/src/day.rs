//! Days: an entry's date, today in the building, and a day for people.
//!
//! An entry's date is a calendar day, `YYYY-MM-DD`, as staff typed it.
//! "Upcoming" means from the building's today on. The host counts in UTC;
//! the app takes the building's today to be the day in Central European
//! Time with the European Union's summer-time rule (summer time from the
//! last Sunday of March to the last Sunday of October, switching at 01:00
//! UTC), which is the day of nearly every building the platform serves. A
//! building in another time zone of the EU/EEA (Lisbon, London, Helsinki)
//! sees the day turn an hour or two early or late; no time zone database
//! is carried into the sandbox for that.

use std::fmt;

use courtyard_sdk::lang::Lang;

/// A calendar day, proleptic Gregorian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i64,
    month: u32,
    day: u32,
}

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

impl Date {
    /// Parses `YYYY-MM-DD` exactly: a real day of the years 2000 to 2999.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year = i64::from(digits(&text[0..4])?);
        let month = digits(&text[5..7])?;
        let day = digits(&text[8..10])?;
        let real =
            (2000..=2999).contains(&year) && (1..=12).contains(&month) && (1..=month_days(year, month)).contains(&day);
        real.then_some(Date { year, month, day })
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
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date { year: yoe + era * 400 + i64::from(month <= 2), month, day }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        let year = self.year - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// Monday is 0, Sunday is 6.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7) as usize
    }

    /// The building's today at `now_ms` (UTC milliseconds); see the module.
    pub fn today(now_ms: i64) -> Date {
        let utc_day = Date::from_days(now_ms.div_euclid(DAY_MS));
        let summer = summer_time_starts(utc_day.year) <= now_ms && now_ms < summer_time_ends(utc_day.year);
        let offset = if summer { 2 * HOUR_MS } else { HOUR_MS };
        Date::from_days((now_ms + offset).div_euclid(DAY_MS))
    }

    /// The day for people, with its weekday: `Fri, 12 Mar 2027`,
    /// `Fr., 12. März 2027`.
    pub fn for_people(self, lang: Lang) -> String {
        let weekday = WEEKDAYS[lang as usize][self.weekday()];
        let month = MONTHS[lang as usize][(self.month - 1) as usize];
        match lang {
            Lang::En => format!("{weekday}, {} {month} {}", self.day, self.year),
            Lang::De => format!("{weekday}, {}. {month} {}", self.day, self.year),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const WEEKDAYS: [[&str; 7]; 2] =
    [["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]];

const MONTHS: [[&str; 12]; 2] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
];

/// 01:00 UTC on the last Sunday of March of `year`, in UTC milliseconds.
fn summer_time_starts(year: i64) -> i64 {
    last_sunday(year, 3) * DAY_MS + HOUR_MS
}

/// 01:00 UTC on the last Sunday of October of `year`.
fn summer_time_ends(year: i64) -> i64 {
    last_sunday(year, 10) * DAY_MS + HOUR_MS
}

/// The last Sunday of `month` (which has 31 days), in days since the epoch.
fn last_sunday(year: i64, month: u32) -> i64 {
    let last = Date { year, month, day: 31 };
    last.days() - (last.weekday() as i64 + 1) % 7
}

fn digits(text: &str) -> Option<u32> {
    if text.bytes().all(|b| b.is_ascii_digit()) { text.parse().ok() } else { None }
}

fn month_days(year: i64, month: u32) -> u32 {
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

    /// UTC milliseconds of `day` at `hour:minute` UTC.
    fn at(day: &str, hour: i64, minute: i64) -> i64 {
        Date::parse(day).unwrap().days() * DAY_MS + hour * HOUR_MS + minute * 60_000
    }

    #[test]
    fn only_real_days_in_the_exact_form_are_dates() {
        for good in ["2027-03-12", "2028-02-29", "2000-01-01", "2999-12-31"] {
            assert_eq!(Date::parse(good).unwrap().to_string(), good);
        }
        for bad in [
            "2027-02-29",
            "2027-02-30",
            "2027-13-01",
            "2027-00-10",
            "12.03.2027",
            "2027-3-12",
            "+027-03-12",
            "1999-12-31",
            "",
            "tomorrow",
            "2027-03-12T08:00",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        let day = Date::parse("2027-03-12").unwrap();
        assert_eq!(Date::from_days(day.days()), day);
        assert_eq!(day.weekday(), 4, "a Friday");
        assert!(Date::parse("2027-03-12") < Date::parse("2027-03-13"));
    }

    #[test]
    fn the_buildings_today_turns_at_midnight_central_european_time() {
        // Winter: UTC+1.
        assert_eq!(Date::today(at("2027-01-15", 22, 59)).to_string(), "2027-01-15");
        assert_eq!(Date::today(at("2027-01-15", 23, 0)).to_string(), "2027-01-16");
        // Summer: UTC+2.
        assert_eq!(Date::today(at("2027-07-15", 21, 59)).to_string(), "2027-07-15");
        assert_eq!(Date::today(at("2027-07-15", 22, 0)).to_string(), "2027-07-16");
        // Summer time starts on 28 March 2027 at 01:00 UTC, ends on 31 October.
        assert_eq!(summer_time_starts(2027), at("2027-03-28", 1, 0));
        assert_eq!(summer_time_ends(2027), at("2027-10-31", 1, 0));
        assert_eq!(summer_time_starts(2026), at("2026-03-29", 1, 0));
        assert_eq!(Date::today(at("2027-12-31", 23, 30)).to_string(), "2028-01-01");
    }

    #[test]
    fn people_read_the_day_with_its_weekday_in_their_language() {
        let day = Date::parse("2027-03-12").unwrap();
        assert_eq!(day.for_people(Lang::En), "Fri, 12 Mar 2027");
        assert_eq!(day.for_people(Lang::De), "Fr., 12. März 2027");
    }
}
