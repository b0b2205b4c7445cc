//! The app's collections and the host calls that read and change them.
//!
//! | collection | visibility | holds |
//! |---|---|---|
//! | `resources` | property | what can be booked, and its rules; written by staff |
//! | `bookings` | staff (owner and staff) | bookings and blocks; an active one holds the key of each slot it takes |
//! | `occupied` | property | per booking: which resource, day and times are taken, and whether by a block; never who |

use courtyard_sdk::{Collection, Doc, Error, Visibility};

use crate::booking::{Booking, Kind, NewBooking, Occupied, State};
use crate::clock::Date;
use crate::resource::Resource;
use crate::slots;

pub const RESOURCES: Collection<Resource> = Collection::new("resources");
pub const BOOKINGS: Collection<Booking> = Collection::new("bookings");
pub const OCCUPIED: Collection<Occupied> = Collection::new("occupied");

/// Pages read for one view at most: a week of 15-minute slots is 672.
const MAX_PAGES: usize = 8;

/// How many of the caller's bookings of `resource` are active and end
/// after the building's `now` (`YYYY-MM-DDTHH:MM`).
pub fn active_bookings(resource: &str, now: &str) -> Result<usize, Error> {
    let page = BOOKINGS
        .query()
        .mine_only()
        .filter("resource", resource)
        .filter("kind", "booking")
        .filter("state", State::Active.as_str())
        .greater_than("ends", now)
        .limit(100)
        .fetch()?;
    Ok(page.items.len())
}

/// Why a booking was not stored.
#[derive(Debug)]
pub enum NotBooked {
    /// A slot is taken: the key the host named.
    Taken(String),
    /// The caller holds their quota already.
    Quota,
    Host(Error),
}

impl From<Error> for NotBooked {
    fn from(error: Error) -> Self {
        match error {
            Error::Conflict(key) => NotBooked::Taken(key),
            other => NotBooked::Host(other),
        }
    }
}

/// Stores `new` with the keys of its slots, then what residents see of
/// it. The insert with the keys decides every race; a resident's quota is
/// checked before and counted again after it (two of their own requests
/// racing may both be refused, never both be stored over the quota).
pub fn reserve(new: &NewBooking, quota: Option<(u32, &str)>) -> Result<Doc<Booking>, NotBooked> {
    if let Some((quota, now)) = quota
        && !slots::within_quota(active_bookings(new.resource, now)?, quota)
    {
        return Err(NotBooked::Quota);
    }
    let booking = new.booking();
    let mut document = BOOKINGS.new_document(&booking, Visibility::Staff);
    for key in new.keys() {
        document = document.claim(key);
    }
    let stored = document.insert()?;
    if let Some((quota, now)) = quota {
        match active_bookings(new.resource, now) {
            Ok(count) if count <= quota as usize => {}
            outcome => {
                release(&stored.id);
                return Err(match outcome {
                    Err(error) => NotBooked::Host(error),
                    Ok(_) => NotBooked::Quota,
                });
            }
        }
    }
    if let Err(error) = OCCUPIED.insert(&Occupied::of(&booking, &stored.id), Visibility::Property) {
        // Without it neighbours would see the slots free: undo the booking.
        release(&stored.id);
        return Err(NotBooked::Host(error));
    }
    Ok(stored)
}

/// Deletes a booking just stored, freeing its keys.
fn release(id: &str) {
    if let Err(error) = BOOKINGS.delete(id) {
        courtyard_sdk::log::error(&format!("booking {id} could not be undone: {error}"));
    }
}

/// Marks `doc` cancelled and frees its slots; `reason` and `by_staff` are
/// kept with it. What residents see of it follows.
pub fn cancel(doc: &Doc<Booking>, reason: &str, by_staff: bool) -> Result<Doc<Booking>, Error> {
    let mut booking = doc.data.clone();
    booking.state = State::Cancelled;
    booking.cancelled_by_staff = by_staff;
    if !reason.trim().is_empty() {
        booking.reason = reason.trim().to_owned();
    }
    let cancelled = BOOKINGS.update_keys(&doc.id, &booking, Some(doc.revision), Some(Vec::new()))?;
    // The booking no longer holds the slots; what shows them taken follows.
    let shown = OCCUPIED.query().filter("booking", doc.id.as_str()).filter("state", State::Active.as_str()).fetch();
    match shown {
        Ok(page) => {
            for item in page.items {
                let freed = Occupied { state: State::Cancelled, ..item.data };
                if let Err(error) = OCCUPIED.update(&item.id, &freed, Some(item.revision)) {
                    courtyard_sdk::log::warn(&format!("slots of booking {} still show taken: {error}", doc.id));
                }
            }
        }
        Err(error) => courtyard_sdk::log::warn(&format!("slots of booking {} still show taken: {error}", doc.id)),
    }
    Ok(cancelled)
}

/// What is taken of `resource` from `first` to `last` (days, inclusive).
pub fn occupied(resource: &str, first: Date, last: Date) -> Result<Vec<Doc<Occupied>>, Error> {
    let mut all = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let mut query = OCCUPIED.query().filter("resource", resource).filter("state", State::Active.as_str());
        query = if first == last {
            query.filter("day", first.to_string())
        } else {
            query.at_least("day", first.to_string()).at_most("day", last.to_string())
        };
        let page = query.order_by("day").limit(100).after(cursor).fetch()?;
        all.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(all)
}

/// Whether a booking is a resident's (not a block).
pub fn is_booking(doc: &Doc<Booking>) -> bool {
    doc.data.kind == Kind::Booking
}
