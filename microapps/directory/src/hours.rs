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
//! times of the building, in the entry's time zone, one of
//! [`courtyard_sdk::calendar::ZONES`]: they follow the European Union's
//! summer-time rule, which is all a building in the EU/EEA, Switzerland or
//! the UK needs.

use courtyard_sdk::calendar::{Minute, Zone};
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

/// The zone of an entry that names none.
pub const DEFAULT_ZONE: &str = "Europe/Berlin";

/// The building's weekday (0 is Monday) and time at the instant `utc`
/// (milliseconds), in `zone`.
pub fn local(zone: Zone, utc: i64) -> (usize, Minute) {
    let (day, minute) = zone.local(utc);
    (day.weekday(), minute)
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

    /// Days since 1970-01-01 of `day` of `month` in `year`.
    fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
        courtyard_sdk::calendar::Date::new(year, month, day).unwrap().days()
    }

    const DAY_MS: i64 = 86_400_000;

    #[test]
    fn the_buildings_weekday_and_time_follow_summer_time() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2027-07-15 is a Thursday; 06:00 UTC is 08:00 in Berlin.
        let summer = days_from_civil(2027, 7, 15) * DAY_MS + 6 * 3_600_000;
        assert_eq!(local(berlin, summer), (3, 8 * 60));
        // 2027-01-15 is a Friday; 07:00 UTC is 08:00 in Berlin.
        let winter = days_from_civil(2027, 1, 15) * DAY_MS + 7 * 3_600_000;
        assert_eq!(local(berlin, winter), (4, 8 * 60));
        // Late on Thursday evening UTC it is Friday in Helsinki.
        let late = days_from_civil(2027, 7, 15) * DAY_MS + 22 * 3_600_000;
        assert_eq!(local(Zone::named("Europe/Helsinki").unwrap(), late), (4, 60));
        assert_eq!(local(Zone::named("Europe/London").unwrap(), late), (3, 23 * 60));
        assert!(Zone::named(DEFAULT_ZONE).is_some() && Zone::named("Mars/Olympus").is_none());
    }
}
