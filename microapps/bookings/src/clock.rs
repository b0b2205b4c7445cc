//! Days, times of day and the property's time zone.
//!
//! Slots are wall-clock times of the property: `2027-03-12` and `08:00`
//! mean eight in the morning in the building, whatever the season. The
//! host counts in UTC milliseconds, so each resource names its time zone
//! and this module turns "now" into the building's date and time, and a
//! slot's start into an instant. The zones offered follow the European
//! Union's summer-time rule (since 1996: summer time from the last Sunday
//! of March to the last Sunday of October, switching at 01:00 UTC), which
//! is all a building in the EU/EEA, Switzerland or the UK needs; no time
//! zone database is carried into the sandbox.
//!
//! A wall-clock time that does not exist (the hour skipped in spring)
//! counts as the instant an hour later; one that happens twice (the hour
//! repeated in autumn) counts as its first occurrence. Either way a slot is
//! one slot: keys name wall-clock times.

use std::fmt;

/// A calendar day, proleptic Gregorian.
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

    /// Monday is 0, Sunday is 6.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday.
        (self.days() + 3).rem_euclid(7) as usize
    }

    /// The Monday of this day's week.
    pub fn monday(self) -> Date {
        self.add_days(-(self.weekday() as i64))
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    pub fn year(self) -> i32 {
        self.year
    }
}

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

fn days_in_month(year: i32, month: u32) -> u32 {
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

/// A day and a wall-clock time, as `YYYY-MM-DDTHH:MM`; sorts like the
/// moments it names (`24:00` before the next day's `00:00`, which is the
/// same moment).
pub fn local_stamp(day: Date, minute: Minute) -> String {
    format!("{day}T{}", format_time(minute))
}

/// A time zone the app knows: its IANA name and its offset from UTC in
/// winter, in minutes; all of them keep summer time by the EU rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub name: &'static str,
    winter_offset: i64,
}

/// The zones a resource may name.
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

/// The zone of a resource that names none.
pub const DEFAULT_ZONE: &str = "Europe/Berlin";

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

impl Zone {
    /// The zone called `name`, if the app knows it.
    pub fn named(name: &str) -> Option<Zone> {
        ZONES.iter().copied().find(|zone| zone.name == name)
    }

    /// The offset from UTC at the instant `utc` (milliseconds), in minutes.
    pub fn offset_at(self, utc: i64) -> i64 {
        let year = Date::from_days(utc.div_euclid(DAY_MS)).year;
        let starts = last_sunday(year, 3).days() * DAY_MS + 60 * MINUTE_MS;
        let ends = last_sunday(year, 10).days() * DAY_MS + 60 * MINUTE_MS;
        if (starts..ends).contains(&utc) { self.winter_offset + 60 } else { self.winter_offset }
    }

    /// The building's day and time at the instant `utc`.
    pub fn local(self, utc: i64) -> (Date, Minute) {
        let local = utc + self.offset_at(utc) * MINUTE_MS;
        let day = Date::from_days(local.div_euclid(DAY_MS));
        (day, (local.rem_euclid(DAY_MS) / MINUTE_MS) as Minute)
    }

    /// The instant (UTC milliseconds) of `minute` on `day` in the building.
    pub fn instant(self, day: Date, minute: Minute) -> i64 {
        let local = day.days() * DAY_MS + i64::from(minute) * MINUTE_MS;
        let summer = local - (self.winter_offset + 60) * MINUTE_MS;
        if self.offset_at(summer) == self.winter_offset + 60 {
            return summer;
        }
        local - self.winter_offset * MINUTE_MS
    }
}

fn last_sunday(year: i32, month: u32) -> Date {
    let last = Date { year, month, day: days_in_month(year, month) };
    last.add_days(-(((last.weekday() + 1) % 7) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn days_are_parsed_exactly() {
        assert_eq!(date("2028-02-29").to_string(), "2028-02-29");
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "27-04-01",
            "2027-4-01",
            "2027/04/01",
            "+207-04-01",
            "2027-04-0١",
            "1999-12-31",
            "3000-01-01",
            "",
            "2027-04-01T",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
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
        assert_eq!(local_stamp(date("2027-03-12"), DAY_END), "2027-03-12T24:00");
        assert!(local_stamp(date("2027-03-12"), DAY_END) < local_stamp(date("2027-03-13"), 0));
    }

    #[test]
    fn summer_time_follows_the_eu_rule() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2027: summer time from 28 March to 31 October.
        assert_eq!(last_sunday(2027, 3).to_string(), "2027-03-28");
        assert_eq!(last_sunday(2027, 10).to_string(), "2027-10-31");
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
        assert_eq!(Zone::named("Mars/Olympus"), None);
        assert!(Zone::named(DEFAULT_ZONE).is_some());
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
