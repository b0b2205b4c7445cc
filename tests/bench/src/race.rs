//! Case (h): the booking race as throughput.
//!
//! Fifty residents of the bench property, each signed in with a connection
//! of their own, try to book the same slot of the same resource at the same
//! moment; then all of them the next slot, and so on for `--race-rounds`
//! rounds. Of each round exactly one must win (201) and every other
//! attempt must be told the slot is taken (409): the bookings app claims a
//! unique key per slot in the insert that stores the booking. The figure is
//! attempts per second, 409s included; the result is wrong if any round has
//! other than one winner, or if the database holds a slot twice.
//!
//! The resource is created by the property manager through the app's JSON
//! API with the loosest rules it allows: open all day every day, 15-minute
//! slots, the longest horizon (365 days), no cancellation deadline and the
//! highest quota, 20 bookings per resident. A resident holding 20 sits the
//! following rounds out, so every attempt races for the slot rather than
//! being refused for the quota; 50 residents fit 1,000 rounds that way. The
//! slots are walked from tomorrow's first (in the building's time zone, as
//! the app says `today`), 96 a day.
//!
//! Afterwards the database is asked, not the app: the slot keys the
//! resource's bookings hold in `document_keys` (a primary key, so a key
//! twice would be a broken schema) and the active bookings per slot in
//! `documents`. Both must show one booking per win.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use courtyard::storage::Database;
use http::StatusCode;
use http::header::AUTHORIZATION;
use serde_json::{Value, json};
use sqlx::{Any, Row};
use time::Date;
use time::macros::format_description;

use crate::load::{Connection, LoadGenerator, Target, snippet};
use crate::platform::{Person, Platform};
use crate::report::{self, Race};

/// Residents racing for each slot.
pub const RESIDENTS: usize = 50;
/// Bookings a resident may hold: the app's most (`resource::MAX_QUOTA`).
const QUOTA: u32 = 20;
/// The most rounds: every resident winning up to the quota.
pub const MAX_ROUNDS: usize = RESIDENTS * QUOTA as usize;
const SLOT_MINUTES: usize = 15;
const SLOTS_PER_DAY: usize = 24 * 60 / SLOT_MINUTES;
// Every round's slot lies within the horizon of 365 days.
const _: () = assert!(MAX_ROUNDS / SLOTS_PER_DAY < 365);
/// Failed attempts and rounds described on stderr; the rest are only counted.
const SHOWN: usize = 10;

/// Sets the race up, runs `rounds` rounds and checks the database.
pub fn run(
    servers: &tokio::runtime::Runtime,
    generator: &LoadGenerator,
    platform: &Platform,
    rounds: usize,
) -> anyhow::Result<Race> {
    anyhow::ensure!((1..=MAX_ROUNDS).contains(&rounds), "the race has 1 to {MAX_ROUNDS} rounds, not {rounds}");
    eprintln!("courtyard-race (h): adding {RESIDENTS} residents and a resource");
    let staff = servers.block_on(platform.staff())?;
    let residents = servers.block_on(platform.add_residents("race", RESIDENTS))?;
    let resource = create_resource(generator, platform, &staff)?;
    let first = tomorrow(generator, platform, &residents[0], &resource)?;
    eprintln!("courtyard-race (h): {rounds} rounds of {RESIDENTS} residents booking the same slot, from {first}");
    let path = format!("/apps/bookings/resources/{resource}/bookings");
    let tally = generator.block_on(race(platform.local_addr(), &path, &residents, first, rounds))?;
    let held = servers.block_on(held(platform.database(), &resource))?;
    // Each win is the winner's booking, and nobody else's.
    let mut misheld = Vec::new();
    for (resident, won) in residents.iter().zip(&tally.won_by) {
        let stored = held.by_owner.iter().find(|(owner, _)| *owner == resident.subject).map_or(0, |(_, n)| *n);
        if stored != u64::from(*won) {
            misheld.push(format!("resident {} won {won} slots but holds {stored} bookings", resident.subject));
        }
    }

    let seconds = tally.elapsed.as_secs_f64();
    let race = Race {
        residents: RESIDENTS,
        rounds,
        quota: QUOTA,
        attempts: tally.attempts,
        wins: tally.wins,
        conflicts: tally.conflicts,
        other_errors: tally.other_errors,
        sat_out: tally.sat_out,
        failed_rounds: tally.failed_rounds.len(),
        wins_not_held: misheld.len(),
        elapsed_secs: report::round(seconds, 3),
        attempts_per_sec: report::round(tally.attempts as f64 / seconds, 1),
        booked_slots: held.distinct_claims,
        active_bookings: held.active,
        double_bookings: (held.claims - held.distinct_claims) + (held.active - held.distinct_starts),
    };
    eprintln!(
        "  {:.0} attempts/s: {} attempts in {seconds:.2} s, {} won, {} conflicts, {} other errors, \
         {} double bookings",
        race.attempts_per_sec, race.attempts, race.wins, race.conflicts, race.other_errors, race.double_bookings
    );
    for failure in tally.failed_rounds.iter().chain(&misheld).take(SHOWN) {
        eprintln!("  FAILED {failure}");
    }
    let failures = tally.failed_rounds.len() + misheld.len();
    if failures > SHOWN {
        eprintln!("  FAILED … and {} more", failures - SHOWN);
    }
    if race.wins != race.booked_slots || race.wins != race.active_bookings {
        eprintln!(
            "  FAILED {} wins, but the database holds {} slot keys and {} active bookings",
            race.wins, race.booked_slots, race.active_bookings
        );
    }
    Ok(race)
}

/// The property manager creates the resource; answers its id.
fn create_resource(generator: &LoadGenerator, platform: &Platform, staff: &Person) -> anyhow::Result<String> {
    let list = Target::get(platform.local_addr(), "/apps/bookings/resources")
        .with_header(AUTHORIZATION, staff.authorization.clone());
    platform.await_ready(generator, &list)?;
    let all_day = "00:00-24:00";
    let settings = json!({
        "name": "Bench laundry",
        "description": "A washing machine everybody wants at the same time.",
        "hours": { "mon": all_day, "tue": all_day, "wed": all_day, "thu": all_day,
                   "fri": all_day, "sat": all_day, "sun": all_day },
        "slot_minutes": SLOT_MINUTES,
        "max_slots": 16,
        "horizon_days": 365,
        "quota": QUOTA,
        "cancel_hours": 0,
    });
    let create = Target::post_json(platform.local_addr(), "/apps/bookings/resources", settings.to_string())
        .with_header(AUTHORIZATION, staff.authorization.clone());
    let (status, body) = generator.send_once(&create)?;
    anyhow::ensure!(status == StatusCode::CREATED, "creating the resource answered {status}: {}", snippet(&body));
    let created: Value = serde_json::from_slice(&body).context("the new resource is not JSON")?;
    anyhow::ensure!(
        created["quota"] == QUOTA && created["slot_minutes"] == SLOT_MINUTES,
        "the resource was stored with other rules: {}",
        snippet(&body)
    );
    created["id"].as_str().map(str::to_owned).with_context(|| format!("no id in {}", snippet(&body)))
}

/// The day after the app's `today` for the resource, as a resident reads it.
fn tomorrow(generator: &LoadGenerator, platform: &Platform, resident: &Person, resource: &str) -> anyhow::Result<Date> {
    let day = Target::get(platform.local_addr(), &format!("/apps/bookings/resources/{resource}"))
        .with_header(AUTHORIZATION, resident.authorization.clone());
    let (status, body) = generator.send_once(&day)?;
    anyhow::ensure!(status == StatusCode::OK, "a resident reading the resource got {status}: {}", snippet(&body));
    let answer: Value = serde_json::from_slice(&body).context("the resource's day is not JSON")?;
    let today = answer["today"].as_str().with_context(|| format!("no `today` in {}", snippet(&body)))?;
    let today = Date::parse(today, format_description!("[year]-[month]-[day]"))
        .with_context(|| format!("`today` is no date: {today}"))?;
    today.next_day().context("no day after today")
}

/// The day and start (`HH:MM`) of round `round`'s slot.
fn slot(first: Date, round: usize) -> (String, String) {
    let day = first + time::Duration::days((round / SLOTS_PER_DAY) as i64);
    let minute = (round % SLOTS_PER_DAY) * SLOT_MINUTES;
    (day.to_string(), format!("{:02}:{:02}", minute / 60, minute % 60))
}

/// What the rounds came to.
#[derive(Debug, Default)]
struct Tally {
    attempts: u64,
    wins: u64,
    conflicts: u64,
    other_errors: u64,
    sat_out: u64,
    /// Wins per resident, in the order of the residents.
    won_by: Vec<u32>,
    /// One line per round without exactly one winner of its slot.
    failed_rounds: Vec<String>,
    elapsed: Duration,
}

async fn race(addr: SocketAddr, path: &str, residents: &[Person], first: Date, rounds: usize) -> anyhow::Result<Tally> {
    let mut connections = Vec::with_capacity(residents.len());
    for _ in residents {
        connections.push(Some(Connection::open(addr).await?));
    }
    let mut tally = Tally { won_by: vec![0; residents.len()], ..Tally::default() };
    let mut shown = 0;
    let started = Instant::now();
    for round in 0..rounds {
        let (day, start) = slot(first, round);
        let body = Bytes::from(json!({ "day": day, "start": start, "slots": 1 }).to_string());
        let mut attempts = Vec::with_capacity(residents.len());
        for (n, resident) in residents.iter().enumerate() {
            if tally.won_by[n] >= QUOTA {
                tally.sat_out += 1;
                continue;
            }
            let target =
                Target::post_json(addr, path, body.clone()).with_header(AUTHORIZATION, resident.authorization.clone());
            attempts.push((n, tokio::spawn(attempt(addr, connections[n].take(), target))));
        }
        let mut winners = 0;
        for (n, task) in attempts {
            let (connection, answer) = task.await.context("an attempt panicked")?;
            connections[n] = connection;
            tally.attempts += 1;
            match answer {
                Ok((StatusCode::CREATED, answer)) => {
                    winners += 1;
                    tally.won_by[n] += 1;
                    tally.wins += 1;
                    let booked: Value = serde_json::from_slice(&answer).unwrap_or_default();
                    if booked["day"] != day.as_str() || booked["start"] != start.as_str() {
                        let what = snippet(&answer);
                        tally.failed_rounds.push(format!("round {round} ({day} {start}): the winner booked {what}"));
                    }
                }
                Ok((StatusCode::CONFLICT, _)) => tally.conflicts += 1,
                Ok((status, answer)) => {
                    tally.other_errors += 1;
                    if shown < SHOWN {
                        shown += 1;
                        eprintln!("  error: round {round} ({day} {start}) answered {status}: {}", snippet(&answer));
                    }
                }
                Err(err) => {
                    tally.other_errors += 1;
                    if shown < SHOWN {
                        shown += 1;
                        eprintln!("  error: round {round} ({day} {start}) failed: {err}");
                    }
                }
            }
        }
        if winners != 1 {
            tally.failed_rounds.push(format!("round {round} ({day} {start}): {winners} winners instead of 1"));
        }
    }
    tally.elapsed = started.elapsed();
    for connection in connections.into_iter().flatten() {
        connection.close().await;
    }
    Ok(tally)
}

/// One booking request on `connection` (a new one if the last broke).
async fn attempt(
    addr: SocketAddr,
    connection: Option<Connection>,
    target: Target,
) -> (Option<Connection>, anyhow::Result<(StatusCode, Bytes)>) {
    let mut connection = match connection {
        Some(open) => open,
        None => match Connection::open(addr).await {
            Ok(open) => open,
            Err(err) => return (None, Err(err)),
        },
    };
    match connection.exchange(&target).await {
        Ok(answer) => (Some(connection), Ok(answer)),
        Err(err) => {
            connection.close().await;
            (None, Err(err))
        }
    }
}

/// What the database holds of the resource's bookings.
struct Held {
    /// Rows of `document_keys` for its slots, and how many distinct slots.
    claims: u64,
    distinct_claims: u64,
    /// Active bookings, and how many distinct slots they start at.
    active: u64,
    distinct_starts: u64,
    /// Active bookings per owner.
    by_owner: Vec<(String, u64)>,
}

async fn held(database: &Database, resource: &str) -> anyhow::Result<Held> {
    let count =
        |row: &sqlx::any::AnyRow, n: usize| -> anyhow::Result<u64> { Ok(u64::try_from(row.try_get::<i64, _>(n)?)?) };
    let keys = sqlx::query::<Any>(
        "SELECT COUNT(*), COUNT(DISTINCT claim) FROM document_keys \
         WHERE app_id = 'bookings' AND collection = 'bookings' AND claim LIKE ?",
    )
    .bind(format!("slot:{resource}:%"))
    .fetch_one(database.pool())
    .await
    .context("counting the slot keys")?;
    let bookings = sqlx::query::<Any>(
        "SELECT COUNT(*), COUNT(DISTINCT json_extract(body, '$.starts')) FROM documents \
         WHERE app_id = 'bookings' AND collection = 'bookings' AND json_extract(body, '$.resource') = ? \
         AND json_extract(body, '$.state') = 'active'",
    )
    .bind(resource.to_owned())
    .fetch_one(database.pool())
    .await
    .context("counting the bookings")?;
    let owners = sqlx::query::<Any>(
        "SELECT owner_subject, COUNT(*) FROM documents \
         WHERE app_id = 'bookings' AND collection = 'bookings' AND json_extract(body, '$.resource') = ? \
         AND json_extract(body, '$.state') = 'active' GROUP BY owner_subject",
    )
    .bind(resource.to_owned())
    .fetch_all(database.pool())
    .await
    .context("counting the bookings per resident")?;
    let by_owner =
        owners.iter().map(|row| Ok((row.try_get::<String, _>(0)?, count(row, 1)?))).collect::<anyhow::Result<_>>()?;
    Ok(Held {
        claims: count(&keys, 0)?,
        distinct_claims: count(&keys, 1)?,
        active: count(&bookings, 0)?,
        distinct_starts: count(&bookings, 1)?,
        by_owner,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_walk_the_slots_of_each_day_then_the_next() {
        let first = Date::parse("2027-03-08", format_description!("[year]-[month]-[day]")).unwrap();
        assert_eq!(slot(first, 0), ("2027-03-08".to_owned(), "00:00".to_owned()));
        assert_eq!(slot(first, 5), ("2027-03-08".to_owned(), "01:15".to_owned()));
        assert_eq!(slot(first, SLOTS_PER_DAY - 1), ("2027-03-08".to_owned(), "23:45".to_owned()));
        assert_eq!(slot(first, SLOTS_PER_DAY), ("2027-03-09".to_owned(), "00:00".to_owned()));
    }
}
