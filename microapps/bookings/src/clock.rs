//! Days, times of day and the property's time zone.
//!
//! Slots are wall-clock times of the property: `2027-03-12` and `08:00`
//! mean eight in the morning in the building, whatever the season. The
//! host counts in UTC milliseconds, so each resource names its time zone
//! and [`courtyard_sdk::calendar`] turns "now" into the building's date and
//! time, and a slot's start into an instant (its zones follow the EU's
//! summer-time rule). A wall-clock time that does not exist (the hour
//! skipped in spring) counts as the instant an hour later; one that happens
//! twice (the hour repeated in autumn) counts as its first occurrence.
//! Either way a slot is one slot: keys name wall-clock times.

pub use courtyard_sdk::calendar::{DAY_END, Date, Minute, ZONES, Zone, format_time, parse_time};

/// The zone of a resource that names none.
pub const DEFAULT_ZONE: &str = "Europe/Berlin";

/// A day and a wall-clock time, as `YYYY-MM-DDTHH:MM`; sorts like the
/// moments it names (`24:00` before the next day's `00:00`, which is the
/// same moment).
pub fn local_stamp(day: Date, minute: Minute) -> String {
    format!("{day}T{}", format_time(minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn local_stamps_sort_like_the_moments_they_name() {
        assert_eq!(local_stamp(date("2027-03-12"), DAY_END), "2027-03-12T24:00");
        assert!(local_stamp(date("2027-03-12"), DAY_END) < local_stamp(date("2027-03-13"), 0));
    }

    #[test]
    fn the_default_zone_is_known() {
        assert!(Zone::named(DEFAULT_ZONE).is_some());
    }
}
