//! A bookable resource and its rules, and how staff's input becomes one.

use courtyard_sdk::lang::{Lang, fill};
use serde::{Deserialize, Serialize};

use crate::clock::{self, DEFAULT_ZONE, Minute, Zone};
use crate::texts;

/// Unique keys per document (the host's limit), so the longest booking.
pub const MAX_SLOTS_LIMIT: u32 = 16;
pub const MAX_NAME: usize = 80;
pub const MAX_DESCRIPTION: usize = 1_000;
pub const MAX_HORIZON: u32 = 365;
pub const MAX_QUOTA: u32 = 20;
pub const MAX_CANCEL_HOURS: u32 = 720;
pub const MIN_SLOT: u32 = 5;

/// A common room, a guest flat, a laundry machine: something residents
/// book by the slot. Stored with [`Visibility::Property`](courtyard_sdk::Visibility).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Opening hours per weekday, Monday first: `08:00-22:00`, or empty
    /// when closed that day.
    pub hours: [String; 7],
    /// The length of one slot.
    pub slot_minutes: u32,
    /// The most consecutive slots one booking takes.
    pub max_slots: u32,
    /// How many days ahead residents may book (today counts as day 0).
    pub horizon_days: u32,
    /// How many bookings a resident may hold that have not ended yet.
    pub quota: u32,
    /// Residents cancel up to this many hours before the start.
    pub cancel_hours: u32,
    /// The IANA name of the building's time zone (see [`clock::ZONES`]).
    pub time_zone: String,
    /// No longer bookable; kept for the history of its bookings.
    #[serde(default)]
    pub archived: bool,
}

/// Opening hours of one day: from `open` to `close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub open: Minute,
    pub close: Minute,
}

impl Resource {
    /// The opening hours on weekday `weekday` (Monday 0), if open.
    pub fn hours_on(&self, weekday: usize) -> Option<Hours> {
        self.hours.get(weekday).and_then(|text| parse_hours(text))
    }

    pub fn zone(&self) -> Zone {
        Zone::named(&self.time_zone).or_else(|| Zone::named(DEFAULT_ZONE)).expect("the default zone is known")
    }
}

/// `HH:MM-HH:MM` with the opening before the closing.
pub fn parse_hours(text: &str) -> Option<Hours> {
    let (open, close) = text.trim().split_once('-')?;
    let (open, close) = (clock::parse_time(open.trim())?, clock::parse_time(close.trim())?);
    (open < close).then_some(Hours { open, close })
}

/// What staff send to create or change a resource (JSON). Missing numbers
/// take the defaults of a one-hour common room.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Per weekday (`mon` … `sun`): `08:00-22:00`; absent, `null` or empty
    /// means closed. Absent altogether: 08:00-22:00 every day.
    #[serde(default)]
    pub hours: Option<WeekInput>,
    pub slot_minutes: Option<u32>,
    pub max_slots: Option<u32>,
    pub horizon_days: Option<u32>,
    pub quota: Option<u32>,
    pub cancel_hours: Option<u32>,
    pub time_zone: Option<String>,
    pub archived: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekInput {
    pub mon: Option<String>,
    pub tue: Option<String>,
    pub wed: Option<String>,
    pub thu: Option<String>,
    pub fri: Option<String>,
    pub sat: Option<String>,
    pub sun: Option<String>,
}

impl WeekInput {
    fn days(&self) -> [Option<&str>; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun].map(|day| day.as_deref())
    }
}

/// The same from an HTML form: every field a string.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceForm {
    pub name: String,
    pub description: String,
    pub hours_mon: String,
    pub hours_tue: String,
    pub hours_wed: String,
    pub hours_thu: String,
    pub hours_fri: String,
    pub hours_sat: String,
    pub hours_sun: String,
    pub slot_minutes: String,
    pub max_slots: String,
    pub horizon_days: String,
    pub quota: String,
    pub cancel_hours: String,
    pub time_zone: String,
    pub archived: String,
}

impl ResourceForm {
    /// The form filled in with `resource`, to change it.
    pub fn of(resource: &Resource) -> ResourceForm {
        let [mon, tue, wed, thu, fri, sat, sun] = resource.hours.clone();
        ResourceForm {
            name: resource.name.clone(),
            description: resource.description.clone(),
            hours_mon: mon,
            hours_tue: tue,
            hours_wed: wed,
            hours_thu: thu,
            hours_fri: fri,
            hours_sat: sat,
            hours_sun: sun,
            slot_minutes: resource.slot_minutes.to_string(),
            max_slots: resource.max_slots.to_string(),
            horizon_days: resource.horizon_days.to_string(),
            quota: resource.quota.to_string(),
            cancel_hours: resource.cancel_hours.to_string(),
            time_zone: resource.time_zone.clone(),
            archived: if resource.archived { "on".to_owned() } else { String::new() },
        }
    }

    /// A new resource's form: the defaults.
    pub fn blank() -> ResourceForm {
        ResourceForm { name: String::new(), ..ResourceForm::of(&defaults()) }
    }

    pub fn hours(&self) -> [&str; 7] {
        [
            &self.hours_mon,
            &self.hours_tue,
            &self.hours_wed,
            &self.hours_thu,
            &self.hours_fri,
            &self.hours_sat,
            &self.hours_sun,
        ]
        .map(String::as_str)
    }

    /// As JSON input; a number that is no number is a [`SettingProblem`].
    pub fn to_input(&self) -> Result<ResourceInput, SettingProblem> {
        let number = |text: &str, problem: SettingProblem| -> Result<Option<u32>, SettingProblem> {
            let text = text.trim();
            if text.is_empty() { Ok(None) } else { text.parse().map(Some).map_err(|_| problem) }
        };
        let [mon, tue, wed, thu, fri, sat, sun] = self.hours().map(|day| Some(day.to_owned()));
        Ok(ResourceInput {
            name: self.name.clone(),
            description: Some(self.description.clone()),
            hours: Some(WeekInput { mon, tue, wed, thu, fri, sat, sun }),
            slot_minutes: number(&self.slot_minutes, SettingProblem::SlotMinutes)?,
            max_slots: number(&self.max_slots, SettingProblem::MaxSlots)?,
            horizon_days: number(&self.horizon_days, SettingProblem::Horizon)?,
            quota: number(&self.quota, SettingProblem::Quota)?,
            cancel_hours: number(&self.cancel_hours, SettingProblem::CancelHours)?,
            time_zone: Some(self.time_zone.clone()).filter(|zone| !zone.trim().is_empty()),
            archived: Some(!self.archived.is_empty()),
        })
    }
}

/// A one-hour room open 08:00 to 22:00 every day.
pub fn defaults() -> Resource {
    Resource {
        name: String::new(),
        description: String::new(),
        hours: std::array::from_fn(|_| "08:00-22:00".to_owned()),
        slot_minutes: 60,
        max_slots: 2,
        horizon_days: 30,
        quota: 2,
        cancel_hours: 24,
        time_zone: DEFAULT_ZONE.to_owned(),
        archived: false,
    }
}

/// What is wrong with a resource's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingProblem {
    Name,
    Description,
    /// The hours of weekday `0` (Monday) to `6`.
    Hours(usize),
    SlotMinutes,
    MaxSlots,
    Horizon,
    Quota,
    CancelHours,
    TimeZone,
}

impl SettingProblem {
    /// The form field it is about.
    pub fn field(self) -> &'static str {
        match self {
            SettingProblem::Name => "name",
            SettingProblem::Description => "description",
            SettingProblem::Hours(0) => "hours_mon",
            SettingProblem::Hours(1) => "hours_tue",
            SettingProblem::Hours(2) => "hours_wed",
            SettingProblem::Hours(3) => "hours_thu",
            SettingProblem::Hours(4) => "hours_fri",
            SettingProblem::Hours(5) => "hours_sat",
            SettingProblem::Hours(_) => "hours_sun",
            SettingProblem::SlotMinutes => "slot_minutes",
            SettingProblem::MaxSlots => "max_slots",
            SettingProblem::Horizon => "horizon_days",
            SettingProblem::Quota => "quota",
            SettingProblem::CancelHours => "cancel_hours",
            SettingProblem::TimeZone => "time_zone",
        }
    }

    /// The sentence for the person, in `lang`.
    pub fn message(self, lang: Lang) -> String {
        let t = &texts::of(lang).settings;
        match self {
            SettingProblem::Name => fill(t.name_problem, &[("max", &MAX_NAME)]),
            SettingProblem::Description => fill(t.description_problem, &[("max", &MAX_DESCRIPTION)]),
            SettingProblem::Hours(day) => fill(t.hours_problem, &[("day", &texts::of(lang).weekdays[day.min(6)])]),
            SettingProblem::SlotMinutes => fill(t.slot_problem, &[("min", &MIN_SLOT)]),
            SettingProblem::MaxSlots => fill(t.max_slots_problem, &[("max", &MAX_SLOTS_LIMIT)]),
            SettingProblem::Horizon => fill(t.horizon_problem, &[("max", &MAX_HORIZON)]),
            SettingProblem::Quota => fill(t.quota_problem, &[("max", &MAX_QUOTA)]),
            SettingProblem::CancelHours => fill(t.cancel_problem, &[("max", &MAX_CANCEL_HOURS)]),
            SettingProblem::TimeZone => t.zone_problem.to_owned(),
        }
    }
}

/// Checks `input` and makes a resource of it; `base` gives what the input
/// leaves out (the defaults, or the resource as it is when changing it).
pub fn validate(input: &ResourceInput, base: &Resource) -> Result<Resource, SettingProblem> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(SettingProblem::Name);
    }
    let description = input.description.as_deref().map_or(base.description.as_str(), str::trim);
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(SettingProblem::Description);
    }
    let slot_minutes = input.slot_minutes.unwrap_or(base.slot_minutes);
    if !(MIN_SLOT..=clock::DAY_END).contains(&slot_minutes) || !slot_minutes.is_multiple_of(MIN_SLOT) {
        return Err(SettingProblem::SlotMinutes);
    }
    let mut hours = base.hours.clone();
    if let Some(week) = &input.hours {
        for (day, text) in week.days().into_iter().enumerate() {
            let text = text.unwrap_or_default().trim();
            hours[day] = if text.is_empty() {
                String::new()
            } else {
                match parse_hours(text) {
                    // Open long enough for one slot, written the one way.
                    Some(open) if open.close - open.open >= slot_minutes => {
                        format!("{}-{}", clock::format_time(open.open), clock::format_time(open.close))
                    }
                    _ => return Err(SettingProblem::Hours(day)),
                }
            };
        }
    } else {
        // Existing hours must still fit a (changed) slot length.
        for (day, text) in hours.iter().enumerate() {
            if let Some(open) = parse_hours(text)
                && open.close - open.open < slot_minutes
            {
                return Err(SettingProblem::Hours(day));
            }
        }
    }
    let max_slots = input.max_slots.unwrap_or(base.max_slots);
    if !(1..=MAX_SLOTS_LIMIT).contains(&max_slots) {
        return Err(SettingProblem::MaxSlots);
    }
    let horizon_days = input.horizon_days.unwrap_or(base.horizon_days);
    if !(1..=MAX_HORIZON).contains(&horizon_days) {
        return Err(SettingProblem::Horizon);
    }
    let quota = input.quota.unwrap_or(base.quota);
    if !(1..=MAX_QUOTA).contains(&quota) {
        return Err(SettingProblem::Quota);
    }
    let cancel_hours = input.cancel_hours.unwrap_or(base.cancel_hours);
    if cancel_hours > MAX_CANCEL_HOURS {
        return Err(SettingProblem::CancelHours);
    }
    let time_zone = input.time_zone.as_deref().map_or(base.time_zone.as_str(), str::trim);
    let Some(zone) = Zone::named(time_zone) else {
        return Err(SettingProblem::TimeZone);
    };
    Ok(Resource {
        name: name.to_owned(),
        description: description.to_owned(),
        hours,
        slot_minutes,
        max_slots,
        horizon_days,
        quota,
        cancel_hours,
        time_zone: zone.name().to_owned(),
        archived: input.archived.unwrap_or(base.archived),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> ResourceInput {
        ResourceInput { name: name.to_owned(), ..ResourceInput::default() }
    }

    #[test]
    fn a_name_is_all_a_new_resource_needs() {
        let room = validate(&input("  Common room "), &defaults()).unwrap();
        assert_eq!(room.name, "Common room");
        assert_eq!((room.slot_minutes, room.max_slots, room.quota, room.cancel_hours), (60, 2, 2, 24));
        assert_eq!(room.hours_on(0), Some(Hours { open: 480, close: 1320 }));
        assert_eq!(room.zone().name(), "Europe/Berlin");
    }

    #[test]
    fn hours_are_per_weekday_and_written_one_way() {
        let week = WeekInput {
            mon: Some(" 07:00 - 12:30 ".into()),
            sat: Some("00:00-24:00".into()),
            sun: Some(String::new()),
            ..WeekInput::default()
        };
        let laundry = ResourceInput { hours: Some(week), slot_minutes: Some(90), ..input("Laundry") };
        let laundry = validate(&laundry, &defaults()).unwrap();
        assert_eq!(laundry.hours, ["07:00-12:30", "", "", "", "", "00:00-24:00", ""].map(String::from));
        assert_eq!(laundry.hours_on(6), None);
        for bad in ["22:00-08:00", "08:00", "8-22", "08:00-08:00", "08:00-25:00", "08:00-09:00"] {
            let week = WeekInput { tue: Some(bad.into()), ..WeekInput::default() };
            let problem =
                validate(&ResourceInput { hours: Some(week), slot_minutes: Some(90), ..input("x") }, &defaults());
            assert_eq!(problem, Err(SettingProblem::Hours(1)), "{bad}");
        }
    }

    #[test]
    fn every_rule_has_its_bounds() {
        let base = defaults();
        let cases: [(ResourceInput, SettingProblem); 12] = [
            (input(""), SettingProblem::Name),
            (input(&"x".repeat(81)), SettingProblem::Name),
            (input("a\u{0}b"), SettingProblem::Name),
            (ResourceInput { description: Some("d".repeat(1_001)), ..input("x") }, SettingProblem::Description),
            (ResourceInput { slot_minutes: Some(0), ..input("x") }, SettingProblem::SlotMinutes),
            (ResourceInput { slot_minutes: Some(7), ..input("x") }, SettingProblem::SlotMinutes),
            (ResourceInput { slot_minutes: Some(900), ..input("x") }, SettingProblem::Hours(0)),
            (ResourceInput { max_slots: Some(17), ..input("x") }, SettingProblem::MaxSlots),
            (ResourceInput { horizon_days: Some(0), ..input("x") }, SettingProblem::Horizon),
            (ResourceInput { quota: Some(21), ..input("x") }, SettingProblem::Quota),
            (ResourceInput { cancel_hours: Some(721), ..input("x") }, SettingProblem::CancelHours),
            (ResourceInput { time_zone: Some("Mars/Base".into()), ..input("x") }, SettingProblem::TimeZone),
        ];
        for (input, problem) in cases {
            assert_eq!(validate(&input, &base), Err(problem), "{input:?}");
        }
        let ok = ResourceInput {
            max_slots: Some(16),
            horizon_days: Some(365),
            quota: Some(20),
            cancel_hours: Some(0),
            time_zone: Some("Europe/Zurich".into()),
            ..input("x")
        };
        assert!(validate(&ok, &base).is_ok());
    }

    #[test]
    fn a_change_keeps_what_it_leaves_out() {
        let room = validate(&ResourceInput { quota: Some(5), ..input("Room") }, &defaults()).unwrap();
        let renamed = validate(&input("Party room"), &room).unwrap();
        assert_eq!((renamed.name.as_str(), renamed.quota), ("Party room", 5));
        let archived = validate(&ResourceInput { archived: Some(true), ..input("Party room") }, &renamed).unwrap();
        assert!(archived.archived);
    }

    #[test]
    fn the_form_round_trips_and_refuses_words_for_numbers() {
        let room = validate(&ResourceInput { quota: Some(3), ..input("Room") }, &defaults()).unwrap();
        let form = ResourceForm::of(&room);
        assert_eq!(validate(&form.to_input().unwrap(), &defaults()).unwrap(), room);
        let typed = ResourceForm { quota: "two".into(), ..form.clone() };
        assert_eq!(typed.to_input().unwrap_err(), SettingProblem::Quota);
        let huge = ResourceForm { max_slots: "99999999999999999999".into(), ..form };
        assert_eq!(huge.to_input().unwrap_err(), SettingProblem::MaxSlots);
        assert_eq!(ResourceForm::blank().name, "");
        assert_eq!(SettingProblem::Hours(6).field(), "hours_sun");
        assert!(SettingProblem::Hours(2).message(Lang::De).contains("Mittwoch"));
    }
}
