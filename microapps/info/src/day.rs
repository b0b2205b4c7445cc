//! Days: today in the building, and a day for people.
//!
//! An entry's date is a calendar day, `YYYY-MM-DD`, as staff typed it
//! ([`Date::parse`]). "Upcoming" means from the building's today on. The
//! host counts in UTC; the app takes the building's today to be the day in
//! Central European Time with the European Union's summer-time rule
//! ([`courtyard_sdk::calendar`]), which is the day of nearly every building
//! the platform serves. A building in another time zone of the EU/EEA
//! (Lisbon, London, Helsinki) sees the day turn an hour or two early or
//! late.

use courtyard_sdk::calendar::{Date, Zone};
use courtyard_sdk::lang::Lang;

/// The zone whose day is the building's today.
const CENTRAL_EUROPEAN: &str = "Europe/Berlin";

/// The building's today at `now_ms` (UTC milliseconds); see the module.
pub fn today(now_ms: i64) -> Date {
    Zone::named(CENTRAL_EUROPEAN).expect("the zone is known").local(now_ms).0
}

/// The day for people, with its weekday: `Fri, 12 Mar 2027`,
/// `Fr., 12. März 2027`.
pub fn for_people(day: Date, lang: Lang) -> String {
    let weekday = WEEKDAYS[lang as usize][day.weekday()];
    let month = MONTHS[lang as usize][(day.month() - 1) as usize];
    match lang {
        Lang::En => format!("{weekday}, {} {month} {}", day.day(), day.year()),
        Lang::De => format!("{weekday}, {}. {month} {}", day.day(), day.year()),
    }
}

const WEEKDAYS: [[&str; 7]; 2] =
    [["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."]];

const MONTHS: [[&str; 12]; 2] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
];

#[cfg(test)]
mod tests {
    use courtyard_sdk::calendar::summer_time;

    use super::*;

    const DAY_MS: i64 = 86_400_000;
    const HOUR_MS: i64 = 3_600_000;

    /// UTC milliseconds of `day` at `hour:minute` UTC.
    fn at(day: &str, hour: i64, minute: i64) -> i64 {
        Date::parse(day).unwrap().days() * DAY_MS + hour * HOUR_MS + minute * 60_000
    }

    #[test]
    fn the_buildings_today_turns_at_midnight_central_european_time() {
        // Winter: UTC+1.
        assert_eq!(today(at("2027-01-15", 22, 59)).to_string(), "2027-01-15");
        assert_eq!(today(at("2027-01-15", 23, 0)).to_string(), "2027-01-16");
        // Summer: UTC+2.
        assert_eq!(today(at("2027-07-15", 21, 59)).to_string(), "2027-07-15");
        assert_eq!(today(at("2027-07-15", 22, 0)).to_string(), "2027-07-16");
        // Summer time starts on 28 March 2027 at 01:00 UTC, ends on 31 October.
        assert_eq!(summer_time(2027).start, at("2027-03-28", 1, 0));
        assert_eq!(summer_time(2027).end, at("2027-10-31", 1, 0));
        assert_eq!(summer_time(2026).start, at("2026-03-29", 1, 0));
        assert_eq!(today(at("2027-12-31", 23, 30)).to_string(), "2028-01-01");
    }

    #[test]
    fn people_read_the_day_with_its_weekday_in_their_language() {
        let day = Date::parse("2027-03-12").unwrap();
        assert_eq!(for_people(day, Lang::En), "Fri, 12 Mar 2027");
        assert_eq!(for_people(day, Lang::De), "Fr., 12. März 2027");
    }
}
