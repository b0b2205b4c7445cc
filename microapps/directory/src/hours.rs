//! Opening hours, and whether a business is open now in the building.
//!
//! Hours are kept as people write them, one short text per weekday:
//! `08:00–12:00, 14:00–18:30`, `closed`, or anything else up to
//! [`MAX_DAY`] characters ("by appointment"). The app reads a day when it
//! is a list of time ranges (`,` or `;` between them, `-`, `–` or `—`
//! inside one; a range ending before it starts runs past midnight) or says
//! closed (`closed`, `geschlossen`, `-`). An empty day counts as closed
//! once any day is filled in; an entry without any hours has none.
//!
//! "Open now" is told only when the app reads both today's and
//! yesterday's text (yesterday's may run past midnight); otherwise the
//! page says nothing rather than something wrong. Times are wall-clock
//! times of the building, in the entry's time zone: the zones offered
//! follow the European Union's summer-time rule (summer time from the last
//! Sunday of March to the last Sunday of October, switching at 01:00 UTC),
//! which is all a building in the EU/EEA, Switzerland or the UK needs.

use serde::{Deserialize, Serialize};

/// The longest text of one day.
pub const MAX_DAY: usize = 60;

/// The weekdays' keys, Monday first, as the API and the forms name them.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Opening hours, one text per weekday.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hours {
    pub mon: String,
    pub tue: String,
    pub wed: String,
    pub thu: String,
    pub fri: String,
    pub sat: String,
    pub sun: String,
}

impl Hours {
    /// The seven texts, Monday first.
    pub fn days(&self) -> [&str; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun].map(String::as_str)
    }

    /// Hours from seven texts, Monday first.
    pub fn from_days(days: [String; 7]) -> Hours {
        let [mon, tue, wed, thu, fri, sat, sun] = days;
        Hours { mon, tue, wed, thu, fri, sat, sun }
    }

    /// Whether no day is filled in.
    pub fn is_empty(&self) -> bool {
        self.days().iter().all(|day| day.trim().is_empty())
    }

    /// The hours trimmed, or the weekday (0 is Monday) whose text is too
    /// long or holds control characters.
    pub fn checked(&self) -> Result<Hours, usize> {
        let mut days: [String; 7] = Default::default();
        for (at, text) in self.days().iter().enumerate() {
            let trimmed = text.trim();
            if trimmed.chars().count() > MAX_DAY || trimmed.chars().any(char::is_control) {
                return Err(at);
            }
            days[at] = trimmed.to_owned();
        }
        Ok(Hours::from_days(days))
    }

    /// Whether the business is open at `minute` of weekday `weekday` (0 is
    /// Monday); `None` when the hours do not tell.
    pub fn open_at(&self, weekday: usize, minute: Minute) -> Option<bool> {
        if self.is_empty() || weekday > 6 {
            return None;
        }
        let days = self.days();
        let today = read_day(days[weekday])?;
        let yesterday = read_day(days[(weekday + 6) % 7])?;
        let open_today = today.iter().any(
            |&(start, end)| {
                if start < end { (start..end).contains(&minute) } else { minute >= start }
            },
        );
        let open_since_yesterday = yesterday.iter().any(|&(start, end)| start > end && minute < end);
        Some(open_today || open_since_yesterday)
    }
}

/// Minutes since midnight, 0 to 1440.
pub type Minute = u32;

/// The ranges of a day's text (none: closed), if the app can read it.
fn read_day(text: &str) -> Option<Vec<(Minute, Minute)>> {
    let text = text.trim();
    if text.is_empty() || ["closed", "geschlossen", "-", "–", "—"].iter().any(|word| text.eq_ignore_ascii_case(word))
    {
        return Some(Vec::new());
    }
    text.split([',', ';'])
        .map(|range| {
            let (start, end) = range.split_once(['-', '–', '—'])?;
            let (start, end) = (parse_time(start.trim())?, parse_time(end.trim())?);
            (start != end && start < 24 * 60).then_some((start, end))
        })
        .collect()
}

/// `H:MM` or `HH:MM` (also with `.`), `0:00` to `24:00`.
fn parse_time(text: &str) -> Option<Minute> {
    let (hours, minutes) = text.split_once([':', '.'])?;
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&hours.len()) || minutes.len() != 2 || !digits(hours) || !digits(minutes) {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (minutes < 60 && hours * 60 + minutes <= 24 * 60).then_some(hours * 60 + minutes)
}

/// A time zone the app knows: its IANA name and its offset from UTC in
/// winter, in minutes; all of them keep summer time by the EU rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub name: &'static str,
    winter_offset: i64,
}

/// The zones an entry may name.
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

/// The zone of an entry that names none.
pub const DEFAULT_ZONE: &str = "Europe/Berlin";

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

impl Zone {
    /// The zone called `name`, if the app knows it.
    pub fn named(name: &str) -> Option<Zone> {
        ZONES.iter().copied().find(|zone| zone.name == name)
    }

    /// The offset from UTC at the instant `utc` (milliseconds), in minutes.
    fn offset_at(self, utc: i64) -> i64 {
        let year = civil_year(utc.div_euclid(DAY_MS));
        let starts = last_sunday(year, 3) * DAY_MS + 60 * MINUTE_MS;
        let ends = last_sunday(year, 10) * DAY_MS + 60 * MINUTE_MS;
        if (starts..ends).contains(&utc) { self.winter_offset + 60 } else { self.winter_offset }
    }

    /// The building's weekday (0 is Monday) and time at the instant `utc`.
    pub fn local(self, utc: i64) -> (usize, Minute) {
        let local = utc + self.offset_at(utc) * MINUTE_MS;
        // 1970-01-01 was a Thursday.
        let weekday = (local.div_euclid(DAY_MS) + 3).rem_euclid(7) as usize;
        (weekday, (local.rem_euclid(DAY_MS) / MINUTE_MS) as Minute)
    }
}

/// Days since 1970-01-01 of the first of `month` in `year`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The year of the day `days` days after 1970-01-01.
fn civil_year(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

/// Days since 1970-01-01 of the last Sunday of `month` (31 days long).
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    let weekday = (last + 3).rem_euclid(7);
    last - (weekday + 1) % 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(days: [&str; 7]) -> Hours {
        Hours::from_days(days.map(str::to_owned))
    }

    const BAKERY: [&str; 7] = [
        "06:30–12:00, 14:00–18:30",
        "06:30–12:00, 14:00–18:30",
        "06:30-12:00",
        "06:30–12:00; 14:00–18:30",
        "6:30 - 18:30",
        "07:00–13:00",
        "closed",
    ];

    #[test]
    fn open_and_closed_by_the_ranges_of_the_day() {
        let bakery = hours(BAKERY);
        assert_eq!(bakery.open_at(0, 6 * 60 + 29), Some(false));
        assert_eq!(bakery.open_at(0, 6 * 60 + 30), Some(true));
        assert_eq!(bakery.open_at(0, 12 * 60), Some(false), "the end is when it closes");
        assert_eq!(bakery.open_at(0, 15 * 60), Some(true));
        assert_eq!(bakery.open_at(2, 15 * 60), Some(false));
        assert_eq!(bakery.open_at(4, 18 * 60), Some(true), "H:MM and spaces are read");
        assert_eq!(bakery.open_at(6, 10 * 60), Some(false), "closed on Sunday");
        assert_eq!(bakery.open_at(7, 10 * 60), None);
        assert_eq!(Hours::default().open_at(0, 600), None, "no hours, nothing said");
    }

    #[test]
    fn a_range_past_midnight_runs_into_the_next_morning() {
        let mut bar = hours(["closed", "closed", "closed", "closed", "18:00–02:00", "18:00-24:00", ""]);
        assert_eq!(bar.open_at(4, 23 * 60), Some(true));
        assert_eq!(bar.open_at(5, 60), Some(true), "Friday night, early Saturday");
        assert_eq!(bar.open_at(5, 2 * 60), Some(false));
        assert_eq!(bar.open_at(6, 60), Some(false), "24:00 ends the day");
        assert_eq!(bar.open_at(6, 20 * 60), Some(false), "an empty day is closed once hours are given");
        bar.thu = "by appointment".into();
        assert_eq!(bar.open_at(4, 23 * 60), None, "yesterday could not be read");
        assert_eq!(bar.open_at(3, 23 * 60), None, "today could not be read");
        assert_eq!(bar.open_at(6, 20 * 60), Some(false));
    }

    #[test]
    fn unreadable_times_are_not_guessed() {
        for text in
            ["25:00–26:00", "08:00–08:00", "8–12", "08:00", "08:0–12:00", "08:000–12:00", "x:00–12:00", "24:00-02:00"]
        {
            assert_eq!(read_day(text), None, "{text}");
        }
        assert_eq!(read_day("Geschlossen"), Some(Vec::new()));
        assert_eq!(read_day("08.00-12.00"), Some(vec![(480, 720)]));
    }

    #[test]
    fn days_are_bounded_and_plain() {
        let mut long = hours(BAKERY);
        long.wed = "x".repeat(MAX_DAY + 1);
        assert_eq!(long.checked(), Err(2));
        let mut control = hours(BAKERY);
        control.sun = "closed\u{0}".into();
        assert_eq!(control.checked(), Err(6));
        let trimmed = hours(["  closed ", "", "", "", "", "", ""]).checked().unwrap();
        assert_eq!(trimmed.mon, "closed");
        let parsed: Result<Hours, _> = serde_json::from_str(r#"{"mon": "closed", "someday": "x"}"#);
        assert!(parsed.is_err(), "unknown days are refused");
    }

    #[test]
    fn the_buildings_weekday_and_time_follow_summer_time() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2027-07-15 is a Thursday; 06:00 UTC is 08:00 in Berlin.
        let summer = days_from_civil(2027, 7, 15) * DAY_MS + 6 * 3_600_000;
        assert_eq!(berlin.local(summer), (3, 8 * 60));
        // 2027-01-15 is a Friday; 07:00 UTC is 08:00 in Berlin.
        let winter = days_from_civil(2027, 1, 15) * DAY_MS + 7 * 3_600_000;
        assert_eq!(berlin.local(winter), (4, 8 * 60));
        // Late on Thursday evening UTC it is Friday in Helsinki.
        let late = days_from_civil(2027, 7, 15) * DAY_MS + 22 * 3_600_000;
        assert_eq!(Zone::named("Europe/Helsinki").unwrap().local(late), (4, 60));
        assert_eq!(Zone::named("Europe/London").unwrap().local(late), (3, 23 * 60));
        assert_eq!(last_sunday(2027, 3), days_from_civil(2027, 3, 28));
        assert_eq!(last_sunday(2027, 10), days_from_civil(2027, 10, 31));
        assert_eq!(civil_year(days_from_civil(2028, 12, 31)), 2028);
        assert_eq!(civil_year(days_from_civil(2028, 1, 1)), 2028);
        assert!(Zone::named(DEFAULT_ZONE).is_some() && Zone::named("Mars/Olympus").is_none());
    }
}
