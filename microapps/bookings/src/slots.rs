//! Slots: which a day has, which a request asks for, and whether the rules
//! let the caller have them.
//!
//! A day's slots start at the opening time and follow each other by the
//! slot length while they end by the closing time. A booking takes 1 to
//! `max_slots` consecutive slots of one day. Each slot is named by a
//! unique key, `slot:{resource}:{YYYY-MM-DDTHH:MM}`, which the booking
//! claims: the host stores a booking with all its keys or not at all, so
//! two bookings never share a slot, however many requests race.

use courtyard_sdk::lang::{Lang, fill};

use crate::clock::{self, Date, Minute};
use crate::resource::{Hours, MAX_HORIZON, Resource};
use crate::texts;

/// The starts of the slots of a day with `hours`.
pub fn starts(hours: Hours, slot_minutes: u32) -> Vec<Minute> {
    if slot_minutes == 0 {
        return Vec::new();
    }
    (0..).map(|n| hours.open + n * slot_minutes).take_while(|start| start + slot_minutes <= hours.close).collect()
}

/// The unique key of the slot at `minute` on `day` of resource `resource`.
pub fn key(resource: &str, day: Date, minute: Minute) -> String {
    format!("slot:{resource}:{}", clock::local_stamp(day, minute))
}

/// The wall-clock time a slot key names, if it is one of this app's keys.
pub fn time_of_key(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("slot:")?;
    rest.len().checked_sub(16).filter(|at| *at > 0).and_then(|at| rest.get(at..))
}

/// Who asks: residents are held to the horizon; staff block as far ahead
/// as the app lets anyone plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    Resident,
    Staff,
}

/// What a request asks for, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ask<'a> {
    pub day: &'a str,
    pub start: &'a str,
    pub slots: Option<u64>,
}

/// Slots the rules allow: `count` consecutive ones from `start` on `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub day: Date,
    pub start: Minute,
    pub end: Minute,
    pub starts: Vec<Minute>,
}

impl Span {
    pub fn keys(&self, resource: &str) -> Vec<String> {
        self.starts.iter().map(|minute| key(resource, self.day, *minute)).collect()
    }
}

/// Why slots cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a day: `YYYY-MM-DD`.
    Day,
    /// Not a slot's start that day.
    Start,
    /// Fewer than one, or more than the resource allows.
    Count { max: u32 },
    /// Closed that day, or the slots run past the closing time.
    Closed,
    /// It has started already.
    Past,
    /// Further ahead than the horizon.
    Horizon { days: u32 },
    /// The resource is archived.
    Archived,
}

impl Refusal {
    pub fn message(self, lang: Lang) -> String {
        let t = &texts::of(lang).refusals;
        match self {
            Refusal::Day => t.day.to_owned(),
            Refusal::Start => t.start.to_owned(),
            Refusal::Count { max } => fill(t.count, &[("max", &max)]),
            Refusal::Closed => t.closed.to_owned(),
            Refusal::Past => t.past.to_owned(),
            Refusal::Horizon { days } => fill(t.horizon, &[("days", &days)]),
            Refusal::Archived => t.archived.to_owned(),
        }
    }
}

/// Checks `ask` against `resource`'s rules at the building's `now`.
pub fn check(resource: &Resource, ask: &Ask, asker: Asker, now: (Date, Minute)) -> Result<Span, Refusal> {
    if resource.archived {
        return Err(Refusal::Archived);
    }
    let day = Date::parse(ask.day.trim()).ok_or(Refusal::Day)?;
    let start = clock::parse_time(ask.start.trim()).ok_or(Refusal::Start)?;
    let count = ask.slots.unwrap_or(1);
    if count < 1 || count > u64::from(resource.max_slots) {
        return Err(Refusal::Count { max: resource.max_slots });
    }
    let count = count as usize;
    let (today, minute) = now;
    if (day, start) <= (today, minute) {
        return Err(Refusal::Past);
    }
    let horizon = match asker {
        Asker::Resident => resource.horizon_days,
        Asker::Staff => MAX_HORIZON,
    };
    if day.days() - today.days() > i64::from(horizon) {
        return Err(Refusal::Horizon { days: horizon });
    }
    let hours = resource.hours_on(day.weekday()).ok_or(Refusal::Closed)?;
    let all = starts(hours, resource.slot_minutes);
    let first = all.iter().position(|slot| *slot == start).ok_or(Refusal::Start)?;
    let chosen = all.get(first..first + count).ok_or(Refusal::Closed)?.to_vec();
    let end = start + resource.slot_minutes * count as u32;
    Ok(Span { day, start, end, starts: chosen })
}

/// Whether a resident may still cancel a booking starting at the instant
/// `starts_at` (UTC milliseconds) at `now` (the same): up to
/// `cancel_hours` before the start.
pub fn may_cancel(cancel_hours: u32, starts_at: i64, now: i64) -> bool {
    now <= starts_at - i64::from(cancel_hours) * 3_600_000
}

/// Whether the caller may book once more, holding `active` bookings that
/// have not ended.
pub fn within_quota(active: usize, quota: u32) -> bool {
    active < quota as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{ResourceInput, defaults, validate};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn laundry() -> Resource {
        // Open 08:00-12:00 on weekdays, 90-minute slots, up to two; closed at weekends.
        let mut laundry = validate(
            &ResourceInput {
                slot_minutes: Some(90),
                max_slots: Some(2),
                horizon_days: Some(14),
                ..ResourceInput { name: "Laundry".into(), ..ResourceInput::default() }
            },
            &defaults(),
        )
        .unwrap();
        laundry.hours =
            ["08:00-12:00", "08:00-12:00", "08:00-12:00", "08:00-12:00", "08:00-12:00", "", ""].map(String::from);
        laundry
    }

    fn ask<'a>(day: &'a str, start: &'a str, slots: u64) -> Ask<'a> {
        Ask { day, start, slots: Some(slots) }
    }

    // Monday 2027-03-08, 07:00 in the building.
    const NOW: fn() -> (Date, Minute) = || (Date::parse("2027-03-08").unwrap(), 7 * 60);

    #[test]
    fn a_day_has_the_slots_that_fit_its_hours() {
        assert_eq!(starts(Hours { open: 480, close: 720 }, 90), vec![480, 570]);
        assert_eq!(starts(Hours { open: 0, close: 1440 }, 1440), vec![0]);
        assert_eq!(starts(Hours { open: 0, close: 1440 }, 15).len(), 96);
        assert_eq!(starts(Hours { open: 480, close: 500 }, 60), Vec::<Minute>::new());
        assert_eq!(starts(Hours { open: 480, close: 500 }, 0), Vec::<Minute>::new());
    }

    #[test]
    fn keys_name_the_resource_and_the_wall_clock_slot() {
        let key = key("7c0e-room", date("2027-03-12"), 8 * 60);
        assert_eq!(key, "slot:7c0e-room:2027-03-12T08:00");
        assert_eq!(time_of_key(&key), Some("2027-03-12T08:00"));
        assert_eq!(time_of_key("other"), None);
        assert!(key.len() <= 128 && key.bytes().all(|b| b.is_ascii_graphic()));
    }

    #[test]
    fn consecutive_slots_within_the_hours_are_granted() {
        let span = check(&laundry(), &ask("2027-03-09", "08:00", 2), Asker::Resident, NOW()).unwrap();
        assert_eq!((span.start, span.end, span.starts.clone()), (480, 660, vec![480, 570]));
        assert_eq!(span.keys("r"), ["slot:r:2027-03-09T08:00", "slot:r:2027-03-09T09:30"]);
        let one = check(&laundry(), &Ask { day: "2027-03-09", start: "09:30", slots: None }, Asker::Resident, NOW());
        assert_eq!(one.unwrap().end, 660);
    }

    #[test]
    fn the_rules_refuse_clearly() {
        let room = laundry();
        let cases = [
            (ask("2027-02-30", "08:00", 1), Refusal::Day),
            (ask("tomorrow", "08:00", 1), Refusal::Day),
            (ask("2027-03-09", "08:15", 1), Refusal::Start),
            (ask("2027-03-09", "8:00", 1), Refusal::Start),
            (ask("2027-03-09", "12:00", 1), Refusal::Start),
            (ask("2027-03-09", "08:00", 0), Refusal::Count { max: 2 }),
            (ask("2027-03-09", "08:00", 3), Refusal::Count { max: 2 }),
            (ask("2027-03-09", "08:00", u64::MAX), Refusal::Count { max: 2 }),
            (ask("2027-03-09", "09:30", 2), Refusal::Closed),
            (ask("2027-03-13", "08:00", 1), Refusal::Closed),
            (ask("2027-03-05", "08:00", 1), Refusal::Past),
            (ask("2027-03-23", "08:00", 1), Refusal::Horizon { days: 14 }),
        ];
        for (ask, refusal) in cases {
            assert_eq!(check(&room, &ask, Asker::Resident, NOW()), Err(refusal), "{ask:?}");
        }
        // Today: a slot that has started is past, a later one is not.
        let now = (date("2027-03-08"), 8 * 60);
        assert_eq!(check(&room, &ask("2027-03-08", "08:00", 1), Asker::Resident, now), Err(Refusal::Past));
        assert!(check(&room, &ask("2027-03-08", "09:30", 1), Asker::Resident, now).is_ok());
        // The horizon's last day is still bookable; staff plan further.
        assert!(check(&room, &ask("2027-03-22", "08:00", 1), Asker::Resident, NOW()).is_ok());
        assert!(check(&room, &ask("2027-03-23", "08:00", 1), Asker::Staff, NOW()).is_ok());
        let archived = Resource { archived: true, ..room };
        assert_eq!(check(&archived, &ask("2027-03-09", "08:00", 1), Asker::Staff, NOW()), Err(Refusal::Archived));
        assert!(Refusal::Horizon { days: 14 }.message(Lang::En).contains("14"));
    }

    #[test]
    fn cancelling_is_allowed_up_to_the_deadline() {
        let start = 1_000 * 3_600_000;
        assert!(may_cancel(24, start, start - 24 * 3_600_000));
        assert!(!may_cancel(24, start, start - 24 * 3_600_000 + 1));
        assert!(may_cancel(0, start, start));
        assert!(!may_cancel(0, start, start + 1));
    }

    #[test]
    fn the_quota_counts_bookings_not_yet_over() {
        assert!(within_quota(0, 1));
        assert!(within_quota(1, 2));
        assert!(!within_quota(2, 2));
        assert!(!within_quota(5, 2));
    }
}
