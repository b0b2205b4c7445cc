//! A day's slots as a reader sees them: free, taken, blocked, their own,
//! or over. Nobody but staff learns which booking takes a slot, unless it
//! is the reader's own.

use serde::Serialize;

use crate::booking::{Kind, Occupied};
use crate::clock::{self, Date, Minute};
use crate::resource::Resource;
use crate::slots;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    Free,
    Taken,
    Blocked,
    Mine,
    Past,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotView {
    pub start: String,
    pub end: String,
    pub state: SlotState,
    /// The booking taking it: for its owner and staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking: Option<String>,
}

/// One day of a resource.
#[derive(Debug, Clone, Serialize)]
pub struct DayView {
    pub day: String,
    /// Opening hours, `null` when closed.
    pub open: Option<String>,
    pub close: Option<String>,
    pub free: usize,
    pub total: usize,
    pub slots: Vec<SlotView>,
}

/// Who reads: their subject, and whether they are staff.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub subject: Option<&'a str>,
    pub staff: bool,
}

/// The slots of `day`, given what is taken (`(owner, occupied)`) and the
/// building's `now`.
pub fn day(
    resource: &Resource,
    day: Date,
    taken: &[(&str, &Occupied)],
    reader: Reader,
    now: (Date, Minute),
) -> DayView {
    let hours = resource.hours_on(day.weekday());
    let starts = hours.map(|hours| slots::starts(hours, resource.slot_minutes)).unwrap_or_default();
    let day_text = day.to_string();
    let slots: Vec<SlotView> = starts
        .iter()
        .map(|start| {
            let taking = taken.iter().find(|(_, occupied)| occupied.day == day_text && occupied.covers(*start));
            let (state, booking) = match taking {
                _ if (day, *start) <= now => (SlotState::Past, None),
                None => (SlotState::Free, None),
                Some((owner, occupied)) => {
                    let mine = reader.subject == Some(*owner) && occupied.kind == Kind::Booking;
                    let state = match occupied.kind {
                        Kind::Blocked => SlotState::Blocked,
                        Kind::Booking if mine => SlotState::Mine,
                        Kind::Booking => SlotState::Taken,
                    };
                    (state, (mine || reader.staff).then(|| occupied.booking.clone()))
                }
            };
            SlotView {
                start: clock::format_time(*start),
                end: clock::format_time(start + resource.slot_minutes),
                state,
                booking,
            }
        })
        .collect();
    DayView {
        day: day_text,
        open: hours.map(|hours| clock::format_time(hours.open)),
        close: hours.map(|hours| clock::format_time(hours.close)),
        free: slots.iter().filter(|slot| slot.state == SlotState::Free).count(),
        total: slots.len(),
        slots,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::State;
    use crate::resource::defaults;

    fn occupied(booking: &str, kind: Kind, start: &str, end: &str) -> Occupied {
        Occupied {
            resource: "r".into(),
            booking: booking.into(),
            kind,
            state: State::Active,
            day: "2027-03-12".into(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn neighbours_see_taken_slots_without_learning_whose() {
        let room = defaults();
        let day_ = Date::parse("2027-03-12").unwrap();
        let anna = occupied("b-anna", Kind::Booking, "10:00", "12:00");
        let block = occupied("b-block", Kind::Blocked, "14:00", "15:00");
        let mine = occupied("b-ben", Kind::Booking, "16:00", "17:00");
        let taken = [("anna", &anna), ("mia", &block), ("ben", &mine)];
        let now = (day_, 9 * 60);
        let ben = day(&room, day_, &taken, Reader { subject: Some("ben"), staff: false }, now);
        let state = |view: &DayView, at: &str| view.slots.iter().find(|slot| slot.start == at).unwrap().clone();
        assert_eq!((ben.open.as_deref(), ben.close.as_deref(), ben.total), (Some("08:00"), Some("22:00"), 14));
        assert_eq!(state(&ben, "08:00").state, SlotState::Past);
        assert_eq!(state(&ben, "09:00").state, SlotState::Past, "started at 09:00 sharp");
        assert_eq!(
            state(&ben, "10:00"),
            SlotView { start: "10:00".into(), end: "11:00".into(), state: SlotState::Taken, booking: None }
        );
        assert_eq!(state(&ben, "11:00").state, SlotState::Taken);
        assert_eq!(state(&ben, "12:00").state, SlotState::Free);
        assert_eq!(state(&ben, "14:00").state, SlotState::Blocked);
        assert_eq!(state(&ben, "16:00").booking.as_deref(), Some("b-ben"));
        assert_eq!(ben.free, 14 - 2 - 2 - 1 - 1);
        let json = serde_json::to_string(&ben).unwrap();
        assert!(!json.contains("anna") && !json.contains("b-anna") && !json.contains("b-block"), "{json}");
        let staff = day(&room, day_, &taken, Reader { subject: Some("mia"), staff: true }, now);
        assert_eq!(state(&staff, "10:00").booking.as_deref(), Some("b-anna"));
        assert_eq!(state(&staff, "14:00").booking.as_deref(), Some("b-block"));
    }

    #[test]
    fn a_closed_day_has_no_slots() {
        let mut room = defaults();
        room.hours[4] = String::new();
        let friday = Date::parse("2027-03-12").unwrap();
        let view = day(&room, friday, &[], Reader { subject: None, staff: false }, (friday.add_days(-1), 0));
        assert_eq!((view.open, view.total, view.free), (None, 0, 0));
    }
}
