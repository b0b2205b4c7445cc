//! Calendar days, times of day and a building's time zone.
//!
//! Apps name days as people do, `2027-03-12`, and times of day as wall-clock
//! times of the building, `08:00`, whatever the season. The host counts in
//! UTC milliseconds, so a [`Zone`] turns an instant into the building's
//! [`Date`] and [`Minute`], and a day and time back into an instant. The
//! zones offered follow the European Union's summer-time rule (since 1996:
//! summer time from the last Sunday of March to the last Sunday of October,
//! switching at 01:00 UTC), which is all a building in the EU/EEA,
//! Switzerland or the UK needs; no time zone database is carried into the
//! sandbox.
//!
//! A wall-clock time that does not exist (the hour skipped in spring) counts
//! as the instant an hour later; one that happens twice (the hour repeated
//! in autumn) counts as its first occurrence.
//!
//! ```
//! use courtyard_sdk::calendar::{self, Date, Zone};
//!
//! let day = Date::parse("2027-12-30").unwrap();
//! assert_eq!(day.add_days(3).to_string(), "2028-01-02");
//! assert_eq!(day.weekday(), 3, "a Thursday; Monday is 0");
//! assert_eq!(Date::parse("2027-02-29"), None);
//!
//! let berlin = Zone::named("Europe/Berlin").unwrap();
//! let eight = calendar::parse_time("08:00").unwrap();
//! let summer = berlin.instant(Date::parse("2027-07-15").unwrap(), eight);
//! assert_eq!(summer, 1_815_631_200_000, "06:00 UTC");
//! assert_eq!(berlin.local(summer + 16 * 3_600_000), (Date::parse("2027-07-16").unwrap(), 0));
//! assert_eq!(calendar::format_time(eight), "08:00");
//! ```

use std::fmt;
use std::ops::Range;

use crate::time::Timestamp;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// A calendar day, proleptic Gregorian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// The day `day` of `month` (1 to 12) of `year`, if there is one.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let real = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
        real.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly: a real day of the years 2000 to 2999.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: i32 = digits(&text[0..4])?.try_into().ok()?;
        if !(2000..=2999).contains(&year) {
            return None;
        }
        Date::new(year, digits(&text[5..7])?, digits(&text[8..10])?)
    }

    /// Today in UTC, by the sandbox's clock. A building's today is its
    /// zone's: `zone.local(now).0`.
    pub fn today_utc() -> Date {
        Date::from_days(i64::try_from(Timestamp::now().millis() / 86_400_000).unwrap_or(0))
    }

    /// The day `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil-from-days: shift the year to start in
        // March, so the leap day is the last day of a year.
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

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
    pub fn days(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` days later (earlier, if negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.days() + days)
    }

    /// The days from `self` to `last`, both included; none if `last` is
    /// earlier.
    pub fn through(self, last: Date) -> impl Iterator<Item = Date> {
        (self.days()..=last.days()).map(Date::from_days)
    }

    /// Monday is 0, Sunday is 6.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7) as usize
    }

    /// The Monday of this day's week.
    pub fn monday(self) -> Date {
        self.add_days(-(self.weekday() as i64))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 (January) to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u32 {
        self.day
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The number of days of `month` (1 to 12) in `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Minutes since midnight: 0 (`00:00`) to 1440 (`24:00`, the end of a day).
pub type Minute = u32;

/// The end of a day, `24:00`.
pub const DAY_END: Minute = 24 * 60;

/// Parses `HH:MM` exactly, `00:00` to `24:00`.
pub fn parse_time(text: &str) -> Option<Minute> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes) = (digits(hours)?, digits(minutes)?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= DAY_END).then_some(total)
}

/// `HH:MM`.
pub fn format_time(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Summer time in `year` by the EU rule, in UTC milliseconds: from 01:00
/// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October.
pub fn summer_time(year: i32) -> Range<i64> {
    let starts = last_sunday(year, 3).days() * DAY_MS + 60 * MINUTE_MS;
    let ends = last_sunday(year, 10).days() * DAY_MS + 60 * MINUTE_MS;
    starts..ends
}

fn last_sunday(year: i32, month: u32) -> Date {
    let last = Date { year, month, day: days_in_month(year, month) };
    last.add_days(-(((last.weekday() + 1) % 7) as i64))
}

/// A time zone: its IANA name and its offset from UTC in winter, in
/// minutes; all of them keep summer time by the EU rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    name: &'static str,
    winter_offset: i64,
}

/// The zones [`Zone::named`] knows.
pub const ZONES: &[Zone] = &[
    Zone { name: "Europe/Berlin", winter_offset: 60 },
    Zone { name: "Europe/Zurich", winter_offset: 60 },
    Zone { name: "Europe/Vienna", winter_offset: 60 },
    Zone { name: "Europe/Amsterdam", winter_offset: 60 },
    Zone { name: "Europe/Brussels", winter_offset: 60 },
    Zone { name: "Europe/Luxembourg", winter_offset: 60 },
    Zone { name: "Europe/Paris", winter_offset: 60 },
    Zone { name: "Europe/Rome", winter_offset: 60 },
    Zone { name: "Europe/Madrid", winter_offset: 60 },
    Zone { name: "Europe/Prague", winter_offset: 60 },
    Zone { name: "Europe/Warsaw", winter_offset: 60 },
    Zone { name: "Europe/Copenhagen", winter_offset: 60 },
    Zone { name: "Europe/Stockholm", winter_offset: 60 },
    Zone { name: "Europe/Oslo", winter_offset: 60 },
    Zone { name: "Europe/London", winter_offset: 0 },
    Zone { name: "Europe/Dublin", winter_offset: 0 },
    Zone { name: "Europe/Lisbon", winter_offset: 0 },
    Zone { name: "Europe/Helsinki", winter_offset: 120 },
    Zone { name: "Europe/Athens", winter_offset: 120 },
];

impl Zone {
    /// The zone called `name` (its IANA name), if it is one of [`ZONES`].
    pub fn named(name: &str) -> Option<Zone> {
        ZONES.iter().copied().find(|zone| zone.name == name)
    }

    /// The zone's IANA name, `Europe/Berlin`.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The offset from UTC at the instant `utc` (milliseconds), in minutes.
    pub fn offset_at(self, utc: i64) -> i64 {
        let year = Date::from_days(utc.div_euclid(DAY_MS)).year;
        if summer_time(year).contains(&utc) { self.winter_offset + 60 } else { self.winter_offset }
    }

    /// The building's day and time at the instant `utc` (milliseconds).
    pub fn local(self, utc: i64) -> (Date, Minute) {
        let local = utc + self.offset_at(utc) * MINUTE_MS;
        let day = Date::from_days(local.div_euclid(DAY_MS));
        (day, (local.rem_euclid(DAY_MS) / MINUTE_MS) as Minute)
    }

    /// The instant (UTC milliseconds) of `minute` on `day` in the building;
    /// see the module for the skipped and the repeated hour.
    pub fn instant(self, day: Date, minute: Minute) -> i64 {
        let local = day.days() * DAY_MS + i64::from(minute) * MINUTE_MS;
        let summer = local - (self.winter_offset + 60) * MINUTE_MS;
        if self.offset_at(summer) == self.winter_offset + 60 {
            return summer;
        }
        local - self.winter_offset * MINUTE_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// UTC milliseconds of `day` at `hour:minute` UTC.
    fn at(day: &str, hour: i64, minute: i64) -> i64 {
        date(day).days() * DAY_MS + hour * 3_600_000 + minute * MINUTE_MS
    }

    #[test]
    fn days_are_parsed_exactly() {
        assert_eq!(date("2028-02-29").to_string(), "2028-02-29");
        let day = date("2028-02-29");
        assert_eq!((day.year, day.month, day.day), (2028, 2, 29));
        for good in ["2027-03-12", "2000-01-01", "2999-12-31"] {
            assert_eq!(date(good).to_string(), good);
        }
        for bad in [
            "2027-02-29",
            "2027-02-30",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "27-04-01",
            "27-01-01",
            "2027-3-12",
            "+027-03-12",
            "2027-4-01",
            "2027-1-01",
            "2027/04/01",
            "12.03.2027",
            "+207-04-01",
            "+027-01-01",
            "2027-04-0١",
            "1999-12-31",
            "3000-01-01",
            "",
            "<b>",
            "tomorrow",
            "2027-04-01T",
            "2027-03-12T08:00",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2027-03-12") < Date::parse("2027-03-13"));
        assert_eq!(Date::new(2027, 3, 12), Date::parse("2027-03-12"));
        assert_eq!(Date::new(2027, 2, 29), None);
        assert_eq!(Date::new(1900, 2, 29), None);
        assert_eq!(Date::new(1600, 2, 29).map(|day| day.to_string()), Some("1600-02-29".into()));
    }

    #[test]
    fn day_arithmetic_round_trips() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        for text in ["2000-02-29", "2027-03-12", "2100-03-01", "2999-12-31"] {
            assert_eq!(Date::from_days(date(text).days()), date(text));
        }
        assert_eq!(date("2027-12-31").add_days(1).to_string(), "2028-01-01");
        assert_eq!(date("2028-03-01").add_days(-1).to_string(), "2028-02-29");
        // 2027-03-12 is a Friday.
        assert_eq!(date("2027-03-12").weekday(), 4);
        assert_eq!(date("2027-03-12").monday().to_string(), "2027-03-08");
        assert_eq!(date("2027-03-14").monday().to_string(), "2027-03-08");
        assert_eq!(date("2027-03-15").monday().to_string(), "2027-03-15");
        assert_eq!(Date::from_days(Date::new(2028, 12, 31).unwrap().days()).year(), 2028);
        assert_eq!(Date::from_days(Date::new(2028, 1, 1).unwrap().days()).year(), 2028);
    }

    #[test]
    fn days_count_across_months_and_years() {
        let day = date("2027-12-30");
        assert_eq!(day.add_days(3).to_string(), "2028-01-02");
        assert_eq!(Date::from_days(day.days()), day);
        let days: Vec<String> = day.through(day.add_days(2)).map(|d| d.to_string()).collect();
        assert_eq!(days, ["2027-12-30", "2027-12-31", "2028-01-01"]);
        assert_eq!(day.through(day.add_days(-1)).count(), 0);
        assert!(Date::today_utc() > date("2025-01-01"));
    }

    #[test]
    fn times_of_day_are_parsed_exactly() {
        assert_eq!(parse_time("08:30"), Some(510));
        assert_eq!(parse_time("00:00"), Some(0));
        assert_eq!(parse_time("24:00"), Some(DAY_END));
        for bad in ["24:01", "8:30", "08:60", "08-30", "0830", "", "08:3", "+8:30", "08:30:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(510), "08:30");
    }

    #[test]
    fn summer_time_follows_the_eu_rule() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2027: summer time from 28 March to 31 October.
        assert_eq!(last_sunday(2027, 3).to_string(), "2027-03-28");
        assert_eq!(last_sunday(2027, 10).to_string(), "2027-10-31");
        assert_eq!(summer_time(2027), at("2027-03-28", 1, 0)..at("2027-10-31", 1, 0));
        assert_eq!(summer_time(2026).start, at("2026-03-29", 1, 0));
        let winter = berlin.instant(date("2027-01-15"), 8 * 60);
        assert_eq!(winter, date("2027-01-15").days() * DAY_MS + 7 * 3_600_000);
        let summer = berlin.instant(date("2027-07-15"), 8 * 60);
        assert_eq!(summer, date("2027-07-15").days() * DAY_MS + 6 * 3_600_000);
        assert_eq!(berlin.local(summer), (date("2027-07-15"), 8 * 60));
        assert_eq!(berlin.local(winter), (date("2027-01-15"), 8 * 60));
        // Late evening UTC is already tomorrow in the building.
        let late = date("2027-07-15").days() * DAY_MS + 23 * 3_600_000;
        assert_eq!(berlin.local(late), (date("2027-07-16"), 60));
        let london = Zone::named("Europe/London").unwrap();
        assert_eq!(london.local(late), (date("2027-07-16"), 0));
        let helsinki = Zone::named("Europe/Helsinki").unwrap();
        assert_eq!(helsinki.local(at("2027-07-15", 22, 0)), (date("2027-07-16"), 60));
        // The switch itself, at 01:00 UTC.
        assert_eq!(berlin.offset_at(at("2027-03-28", 0, 59)), 60);
        assert_eq!(berlin.offset_at(at("2027-03-28", 1, 0)), 120);
        assert_eq!(berlin.offset_at(at("2027-10-31", 0, 59)), 120);
        assert_eq!(berlin.offset_at(at("2027-10-31", 1, 0)), 60);
        assert_eq!(Zone::named("Mars/Olympus"), None);
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!(ZONES.len(), 19);
    }

    #[test]
    fn the_skipped_and_the_repeated_hour_have_one_instant_each() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        let spring = date("2027-03-28");
        let midnight = spring.days() * DAY_MS;
        // 02:30 does not exist: it is the instant of 03:30.
        assert_eq!(berlin.instant(spring, 150), midnight + 90 * MINUTE_MS);
        assert_eq!(berlin.instant(spring, 180), midnight + 60 * MINUTE_MS);
        assert_eq!(berlin.instant(spring, 60), midnight);
        let autumn = date("2027-10-31");
        let midnight = autumn.days() * DAY_MS;
        // 02:30 happens twice: the first time, still in summer time.
        assert_eq!(berlin.instant(autumn, 150), midnight + 30 * MINUTE_MS);
        assert_eq!(berlin.instant(autumn, 180), midnight + 120 * MINUTE_MS);
    }
}
