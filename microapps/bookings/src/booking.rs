//! Bookings and blocks, what the app shows of them, and the rules for
//! cancelling them.

use courtyard_sdk::Doc;
use courtyard_sdk::lang::{Lang, fill};
use courtyard_sdk::time::Timestamp;
use serde::{Deserialize, Serialize};

use crate::clock::{self, Date, Minute};
use crate::slots::{self, Span};
use crate::texts;

pub const MAX_REASON: usize = 500;

/// A resident's booking, or staff's block of slots (for maintenance, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Booking,
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Active,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Cancelled => "cancelled",
        }
    }
}

/// A booking as stored, visible to its owner and staff
/// ([`Visibility::Staff`](courtyard_sdk::Visibility)). While active it
/// holds the unique key of every slot it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub resource: String,
    /// The resource's name when booked, for lists.
    pub resource_name: String,
    pub kind: Kind,
    pub state: State,
    /// The building's day and wall-clock times.
    pub day: String,
    pub start: String,
    pub end: String,
    pub slots: u32,
    /// `YYYY-MM-DDTHH:MM`, wall clock: indexed, to order and range over.
    pub starts: String,
    pub ends: String,
    /// The same as instants, UTC milliseconds.
    pub starts_ms: i64,
    pub ends_ms: i64,
    /// The deadline for residents, as the resource had it when booked.
    pub cancel_hours: u32,
    /// A block's reason, or why staff cancelled a booking.
    #[serde(default)]
    pub reason: String,
    /// Whether staff cancelled it (rather than its owner).
    #[serde(default)]
    pub cancelled_by_staff: bool,
}

/// That a booking's slots are taken: what every resident of the property
/// reads ([`Visibility::Property`](courtyard_sdk::Visibility)) to see a
/// day's availability. It says nothing about who booked; the app never
/// shows its owner, only whether it is the reader's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupied {
    pub resource: String,
    /// The booking's id, which only its owner and staff can open.
    pub booking: String,
    pub kind: Kind,
    pub state: State,
    pub day: String,
    pub start: String,
    pub end: String,
}

impl Occupied {
    pub fn of(booking: &Booking, id: &str) -> Occupied {
        Occupied {
            resource: booking.resource.clone(),
            booking: id.to_owned(),
            kind: booking.kind,
            state: booking.state,
            day: booking.day.clone(),
            start: booking.start.clone(),
            end: booking.end.clone(),
        }
    }

    /// Whether it covers the slot starting at `minute`.
    pub fn covers(&self, minute: Minute) -> bool {
        let start = clock::parse_time(&self.start).unwrap_or(Minute::MAX);
        let end = clock::parse_time(&self.end).unwrap_or(0);
        (start..end).contains(&minute)
    }
}

/// The booking of `span` of a resource.
pub struct NewBooking<'a> {
    pub resource: &'a str,
    pub resource_name: &'a str,
    pub kind: Kind,
    pub span: &'a Span,
    pub cancel_hours: u32,
    pub reason: String,
    /// The resource's time zone turns wall clock into instants.
    pub zone: clock::Zone,
}

impl NewBooking<'_> {
    pub fn booking(&self) -> Booking {
        let span = self.span;
        Booking {
            resource: self.resource.to_owned(),
            resource_name: self.resource_name.to_owned(),
            kind: self.kind,
            state: State::Active,
            day: span.day.to_string(),
            start: clock::format_time(span.start),
            end: clock::format_time(span.end),
            slots: span.starts.len() as u32,
            starts: clock::local_stamp(span.day, span.start),
            ends: clock::local_stamp(span.day, span.end),
            starts_ms: self.zone.instant(span.day, span.start),
            ends_ms: self.zone.instant(span.day, span.end),
            cancel_hours: self.cancel_hours,
            reason: self.reason.clone(),
            cancelled_by_staff: false,
        }
    }

    pub fn keys(&self) -> Vec<String> {
        self.span.keys(self.resource)
    }
}

/// A booking as the API and the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct BookingView {
    pub id: String,
    pub resource: String,
    pub resource_name: String,
    pub kind: Kind,
    pub state: State,
    pub day: String,
    pub start: String,
    pub end: String,
    pub slots: u32,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Until when its owner may cancel it.
    pub cancellable_until: Timestamp,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    pub cancelled_by_staff: bool,
    /// Whether the reader booked it.
    pub mine: bool,
    /// Who booked it: for staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Their display name and unit, for staff, where the profile has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_unit: Option<String>,
    pub created_at: Timestamp,
}

/// `doc` for the reader `subject`; staff learn who booked it.
pub fn view(doc: &Doc<Booking>, subject: Option<&str>, staff: bool) -> BookingView {
    let booking = &doc.data;
    let deadline = booking.starts_ms - i64::from(booking.cancel_hours) * 3_600_000;
    BookingView {
        id: doc.id.clone(),
        resource: booking.resource.clone(),
        resource_name: booking.resource_name.clone(),
        kind: booking.kind,
        state: booking.state,
        day: booking.day.clone(),
        start: booking.start.clone(),
        end: booking.end.clone(),
        slots: booking.slots,
        starts_at: instant(booking.starts_ms),
        ends_at: instant(booking.ends_ms),
        cancellable_until: instant(deadline),
        reason: booking.reason.clone(),
        cancelled_by_staff: booking.cancelled_by_staff,
        mine: subject == Some(doc.owner.as_str()),
        owner: staff.then(|| doc.owner.clone()),
        owner_name: None,
        owner_unit: None,
        created_at: doc.created_at,
    }
}

fn instant(millis: i64) -> Timestamp {
    Timestamp::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// What a booking request says (JSON): `{"day", "start", "slots"}`, and
/// for a block a `reason`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookInput {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub start: String,
    pub slots: Option<u64>,
    #[serde(default)]
    pub reason: String,
}

/// The same from a form: every field a string.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BookForm {
    pub day: String,
    pub start: String,
    pub slots: String,
    pub reason: String,
}

impl BookForm {
    /// As JSON input; a count that is no number counts as none allowed.
    pub fn to_input(&self) -> BookInput {
        let slots = match self.slots.trim() {
            "" => None,
            typed => Some(typed.parse().unwrap_or(0)),
        };
        BookInput { day: self.day.clone(), start: self.start.clone(), slots, reason: self.reason.clone() }
    }
}

/// Why a booking cannot be cancelled (by this caller, now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefusal {
    /// It is cancelled already.
    Cancelled,
    /// It is over.
    Over,
    /// A resident, past the deadline.
    Deadline { hours: u32 },
    /// Staff cancelling someone's booking give a reason (of some length).
    Reason,
    /// Not theirs, and not staff.
    NotYours,
}

impl CancelRefusal {
    pub fn message(self, lang: Lang) -> String {
        let t = &texts::of(lang).cancel;
        match self {
            CancelRefusal::Cancelled => t.already.to_owned(),
            CancelRefusal::Over => t.over.to_owned(),
            CancelRefusal::Deadline { hours } => fill(t.deadline, &[("hours", &hours)]),
            CancelRefusal::Reason => fill(t.reason_needed, &[("max", &MAX_REASON)]),
            CancelRefusal::NotYours => t.not_yours.to_owned(),
        }
    }

    /// The HTTP status it answers with.
    pub fn status(self) -> u16 {
        match self {
            CancelRefusal::Cancelled | CancelRefusal::Over => 409,
            CancelRefusal::Deadline { .. } | CancelRefusal::NotYours => 403,
            CancelRefusal::Reason => 400,
        }
    }
}

/// Who cancels, and whether the booking is theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canceller {
    pub staff: bool,
    pub owner: bool,
}

/// Whether `who` may cancel `booking` at `now` (UTC milliseconds), giving
/// `reason`: its owner up to the deadline; staff until it ends, with a
/// reason when it is someone's booking.
pub fn may_cancel(booking: &Booking, who: Canceller, reason: &str, now: i64) -> Result<(), CancelRefusal> {
    if booking.state == State::Cancelled {
        return Err(CancelRefusal::Cancelled);
    }
    if booking.ends_ms <= now {
        return Err(CancelRefusal::Over);
    }
    if who.staff {
        let someones = booking.kind == Kind::Booking && !who.owner;
        let reason = reason.trim();
        if (someones && reason.is_empty()) || reason.chars().count() > MAX_REASON {
            return Err(CancelRefusal::Reason);
        }
        return Ok(());
    }
    if !who.owner || booking.kind != Kind::Booking {
        return Err(CancelRefusal::NotYours);
    }
    if !slots::may_cancel(booking.cancel_hours, booking.starts_ms, now) {
        return Err(CancelRefusal::Deadline { hours: booking.cancel_hours });
    }
    Ok(())
}

/// A block's reason: optional, at most [`MAX_REASON`] characters.
pub fn check_reason(reason: &str) -> Option<String> {
    let reason = reason.trim();
    (reason.chars().count() <= MAX_REASON).then(|| reason.to_owned())
}

/// The building's day `text`, or `default` when there is none.
pub fn day_or(text: Option<&str>, default: Date) -> Option<Date> {
    match text.map(str::trim) {
        None | Some("") => Some(default),
        Some(text) => Date::parse(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;

    fn sample(kind: Kind) -> Booking {
        let zone = Zone::named("Europe/Berlin").unwrap();
        let span = Span { day: Date::parse("2027-07-15").unwrap(), start: 480, end: 600, starts: vec![480, 540] };
        let new = NewBooking {
            resource: "r1",
            resource_name: "Room",
            kind,
            span: &span,
            cancel_hours: 24,
            reason: String::new(),
            zone,
        };
        assert_eq!(new.keys(), ["slot:r1:2027-07-15T08:00", "slot:r1:2027-07-15T09:00"]);
        new.booking()
    }

    const RESIDENT: Canceller = Canceller { staff: false, owner: true };
    const NEIGHBOUR: Canceller = Canceller { staff: false, owner: false };
    const STAFF: Canceller = Canceller { staff: true, owner: false };

    #[test]
    fn a_new_booking_knows_its_wall_clock_and_its_instants() {
        let booking = sample(Kind::Booking);
        assert_eq!((booking.start.as_str(), booking.end.as_str(), booking.slots), ("08:00", "10:00", 2));
        assert_eq!((booking.starts.as_str(), booking.ends.as_str()), ("2027-07-15T08:00", "2027-07-15T10:00"));
        assert_eq!(instant(booking.starts_ms).rfc3339(), "2027-07-15T06:00:00.000Z");
        let occupied = Occupied::of(&booking, "b1");
        assert!(occupied.covers(480) && occupied.covers(540) && !occupied.covers(600) && !occupied.covers(420));
        let json = serde_json::to_value(&occupied).unwrap();
        assert_eq!(json["kind"], "booking");
        assert_eq!(json["state"], "active");
    }

    #[test]
    fn residents_cancel_their_own_until_the_deadline() {
        let booking = sample(Kind::Booking);
        let deadline = booking.starts_ms - 24 * 3_600_000;
        assert_eq!(may_cancel(&booking, RESIDENT, "", deadline), Ok(()));
        assert_eq!(may_cancel(&booking, RESIDENT, "", deadline + 1), Err(CancelRefusal::Deadline { hours: 24 }));
        assert_eq!(may_cancel(&booking, NEIGHBOUR, "", deadline), Err(CancelRefusal::NotYours));
        let block = sample(Kind::Blocked);
        assert_eq!(may_cancel(&block, RESIDENT, "", deadline), Err(CancelRefusal::NotYours));
        let cancelled = Booking { state: State::Cancelled, ..booking.clone() };
        assert_eq!(may_cancel(&cancelled, RESIDENT, "", 0), Err(CancelRefusal::Cancelled));
        assert_eq!(may_cancel(&booking, STAFF, "x", booking.ends_ms), Err(CancelRefusal::Over));
    }

    #[test]
    fn staff_cancel_until_the_end_and_say_why() {
        let booking = sample(Kind::Booking);
        let late = booking.starts_ms + 1;
        assert_eq!(may_cancel(&booking, STAFF, "Water damage", late), Ok(()));
        assert_eq!(may_cancel(&booking, STAFF, "  ", late), Err(CancelRefusal::Reason));
        assert_eq!(may_cancel(&booking, STAFF, &"x".repeat(501), late), Err(CancelRefusal::Reason));
        // Their own bookings and blocks need no reason.
        assert_eq!(may_cancel(&booking, Canceller { staff: true, owner: true }, "", late), Ok(()));
        assert_eq!(may_cancel(&sample(Kind::Blocked), STAFF, "", late), Ok(()));
        assert_eq!(CancelRefusal::Reason.status(), 400);
        assert_eq!(CancelRefusal::Deadline { hours: 2 }.status(), 403);
    }

    #[test]
    fn a_view_tells_staff_who_and_residents_only_whether_it_is_theirs() {
        let doc = Doc {
            id: "b1".to_owned(),
            owner: "anna".to_owned(),
            visibility: courtyard_sdk::Visibility::Staff,
            parent: None,
            unit: None,
            participants: Vec::new(),
            keys: Vec::new(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
            revision: 1,
            data: sample(Kind::Booking),
        };
        let mine = serde_json::to_value(view(&doc, Some("anna"), false)).unwrap();
        assert_eq!((mine["mine"].as_bool(), mine.get("owner")), (Some(true), None));
        assert_eq!(mine["starts_at"], "2027-07-15T06:00:00.000Z");
        assert_eq!(mine["cancellable_until"], "2027-07-14T06:00:00.000Z");
        let staff = serde_json::to_value(view(&doc, Some("mia"), true)).unwrap();
        assert_eq!((staff["mine"].as_bool(), staff["owner"].as_str()), (Some(false), Some("anna")));
    }

    #[test]
    fn form_input_is_read_leniently_and_checked_strictly() {
        let form =
            BookForm { day: "2027-07-15".into(), start: "08:00".into(), slots: "x".into(), reason: String::new() };
        assert_eq!(form.to_input().slots, Some(0));
        assert_eq!(BookForm { slots: " ".into(), ..form.clone() }.to_input().slots, None);
        assert_eq!(BookForm { slots: "2".into(), ..form }.to_input().slots, Some(2));
        assert_eq!(check_reason("  Pipes "), Some("Pipes".to_owned()));
        assert_eq!(check_reason(&"x".repeat(501)), None);
        let today = Date::parse("2027-07-15").unwrap();
        assert_eq!(day_or(None, today), Some(today));
        assert_eq!(day_or(Some(""), today), Some(today));
        assert_eq!(day_or(Some("2027-07-16"), today), Some(today.add_days(1)));
        assert_eq!(day_or(Some("<script>"), today), None);
    }
}
