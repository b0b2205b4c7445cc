//! Case (f): the service center's staff queue in a full property.
//!
//! A property manager asks for the first page of the queue, the open
//! tickets with the latest activity first (`GET
//! /apps/service-center/tickets?state=open`, 20 of them), once in a
//! property holding 100 tickets and once in the same property holding
//! 100,000. The issue wants the second at least 0.8 times as fast as the
//! first: the declared index on `(state, activity)` should make the page
//! cost the same however many tickets there are.
//!
//! Filing 100,000 tickets through the app would take longer than the
//! measurement, so the tickets are written straight into `documents` in one
//! transaction, exactly as the app stores them (its `Ticket` as the body,
//! `staff` visibility, owned by the bench resident), followed by `ANALYZE`
//! and a checkpoint of the write-ahead log
//! as a deployment would have run it. The states cycle through the five,
//! so a fifth of the tickets are open, and the activity is spread over the
//! past year.
//!
//! ```ignore
//! let [small, large] = queue::run(&servers, &generator, &platform, &settings)?;
//! ```

use std::time::Instant;

use anyhow::Context;
use courtyard::storage::{Database, new_id, now_ms};
use http::header::AUTHORIZATION;
use serde_json::{Value, json};
use sqlx::{Any, Row};

use crate::caller;
use crate::load::{self, LoadGenerator, Target, snippet};
use crate::platform::Platform;
use crate::report::{self, Measurement};

/// Tickets in the property for the first measurement, and for the second.
pub const TICKETS: [usize; 2] = [100, 100_000];
/// The request: the queue's first page of open tickets, as JSON.
const PATH: &str = "/apps/service-center/tickets?state=open";
/// Tickets per page: the app's `queue::PAGE`.
const PAGE: usize = 20;
/// Rows per `INSERT`, seven bound values each: well below SQLite's limit.
const ROWS_PER_INSERT: usize = 500;
/// The states of a ticket, as the app names them; a fifth of the tickets are open.
const STATES: [&str; 5] = ["open", "waiting_agent", "waiting_resident", "waiting_external", "closed"];
/// The property's default categories.
const CATEGORIES: [&str; 5] = ["plumbing", "electrical", "heating", "common_areas", "other"];
const TITLES: [&str; 6] = [
    "Dripping tap in the laundry room",
    "Light in the stairwell is out",
    "Radiator stays cold",
    "Front door does not close",
    "Lift stops between floors",
    "Mould behind the bicycle room door",
];
const DAY_MS: i64 = 86_400_000;

/// Seeds the property to 100 tickets and measures the queue, then to
/// 100,000 and measures it again; answers both measurements.
pub fn run(
    servers: &tokio::runtime::Runtime,
    generator: &LoadGenerator,
    platform: &Platform,
    settings: &load::Settings,
) -> anyhow::Result<[Measurement; 2]> {
    let now = now_ms();
    let mut seeded = 0;
    let mut measured = Vec::with_capacity(2);
    for (tickets, name) in TICKETS.into_iter().zip([report::QUEUE_SMALL, report::QUEUE_LARGE]) {
        eprintln!("seeding the service center to {tickets} tickets");
        let started = Instant::now();
        servers
            .block_on(seed(platform.database(), seeded..tickets, now))
            .with_context(|| format!("seeding tickets {seeded}..{tickets}"))?;
        seeded = tickets;
        eprintln!("  done in {:.1} s, ANALYZE included", started.elapsed().as_secs_f64());
        // A fresh token each time: seeding may outlast one.
        let staff = servers.block_on(platform.staff())?;
        let target = Target::get(platform.local_addr(), PATH).with_header(AUTHORIZATION, staff.authorization);
        platform.await_ready(generator, &target)?;
        let expected = servers.block_on(newest_open(platform.database()))?;
        probe(generator, &target, &expected).with_context(|| format!("the staff queue at {tickets} tickets"))?;
        eprintln!(
            "{name} (f): {}s warm-up, {}s measured, {} connections",
            settings.warmup.as_secs(),
            settings.duration.as_secs(),
            settings.connections
        );
        let measurement = Measurement::new(name, &generator.run(&target, settings));
        measurement.describe();
        measured.push(measurement);
    }
    let [small, large]: [Measurement; 2] = measured.try_into().map_err(|_| anyhow::anyhow!("two measurements"))?;
    if small.req_per_sec > 0.0 {
        eprintln!(
            "  f100k/f100 = {:.3} (target ≥ {})",
            large.req_per_sec / small.req_per_sec,
            report::QUEUE_RATIO_TARGET
        );
    }
    Ok([small, large])
}

/// Writes tickets number `range` into the bench property in one
/// transaction, then runs `ANALYZE`.
async fn seed(database: &Database, range: std::ops::Range<usize>, now: i64) -> anyhow::Result<()> {
    let caller = caller::get();
    let row = "(?, 'service-center', 'tickets', ?, ?, ?, 'staff', NULL, NULL, NULL, ?, ?, ?, 1)";
    let mut tx = database.pool().begin().await?;
    let mut start = range.start;
    while start < range.end {
        let end = (start + ROWS_PER_INSERT).min(range.end);
        let rows = vec![row; end - start].join(", ");
        let sql = format!(
            "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
             unit_id, parent_id, anchor_owner, body, created_at, updated_at, revision) VALUES {rows}"
        );
        let mut insert = sqlx::query::<Any>(&sql);
        for n in start..end {
            let (body, created, activity) = ticket(n, &caller.subject, now);
            insert = insert
                .bind(new_id())
                .bind(caller.customer.clone())
                .bind(caller.property.clone())
                .bind(caller.subject.clone())
                .bind(body)
                .bind(created)
                .bind(activity);
        }
        insert.execute(&mut *tx).await?;
        start = end;
    }
    tx.commit().await?;
    sqlx::query::<Any>("ANALYZE").execute(database.pool()).await.context("ANALYZE")?;
    // One transaction of 100,000 rows leaves a write-ahead log no deployment
    // carries: fold it into the database, as the server's own checkpoints
    // do over time, so every read does not search it.
    sqlx::query::<Any>("PRAGMA wal_checkpoint(TRUNCATE)").execute(database.pool()).await.context("checkpoint")?;
    Ok(())
}

/// Ticket number `n` as the app's `Ticket` serialises it, filed by
/// `owner`, with its creation and last activity (ms).
fn ticket(n: usize, owner: &str, now: i64) -> (String, i64, i64) {
    let random = mix(n as u64);
    // Activity within the past year; filed up to a month before it.
    let activity = now - DAY_MS - (random % (365 * DAY_MS as u64)) as i64;
    let created = activity - ((random >> 20) % (30 * DAY_MS as u64)) as i64;
    let state = STATES[n % STATES.len()];
    let mut history = vec![json!({ "at": created, "by": owner, "by_staff": false, "change": { "kind": "filed" } })];
    if state != "open" {
        let change = json!({ "kind": "state", "from": "open", "to": state });
        history.push(json!({ "at": activity, "by": owner, "by_staff": true, "change": change }));
    }
    let body = json!({
        "category": CATEGORIES[(random >> 8) as usize % CATEGORIES.len()],
        "title": format!("{} (#{n})", TITLES[(random >> 16) as usize % TITLES.len()]),
        "description": "Reported by a resident. Please have a look when you are next in the building; \
                        the problem has been there since last week.",
        "location": "common_area",
        "place": "Ground floor",
        "state": state,
        "active": state != "closed",
        "assignee": "",
        "activity": activity,
        "attachments": 0,
        "lang": "en",
        "history": history,
    });
    (body.to_string(), created, activity)
}

/// SplitMix64: a well-spread number for each ticket, the same every run.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The ids of the page the queue must answer, read from the database.
async fn newest_open(database: &Database) -> anyhow::Result<Vec<String>> {
    let caller = caller::get();
    let rows = sqlx::query::<Any>(
        "SELECT id FROM documents WHERE app_id = 'service-center' AND collection = 'tickets' \
         AND customer_id = ? AND property_id = ? AND json_extract(body, '$.state') = 'open' \
         ORDER BY json_extract(body, '$.activity') DESC, seq DESC LIMIT 20",
    )
    .bind(caller.customer.clone())
    .bind(caller.property.clone())
    .fetch_all(database.pool())
    .await?;
    Ok(rows.iter().map(|row| row.try_get::<String, _>(0)).collect::<Result<_, _>>()?)
}

/// One request before the load: 200, the 20 open tickets with the latest
/// activity, newest first.
fn probe(generator: &LoadGenerator, target: &Target, expected: &[String]) -> anyhow::Result<()> {
    let (status, body) = generator.send_once(target)?;
    anyhow::ensure!(status == http::StatusCode::OK, "GET {PATH} answered {status}: {}", snippet(&body));
    let page: Value =
        serde_json::from_slice(&body).with_context(|| format!("GET {PATH} did not answer JSON: {}", snippet(&body)))?;
    let items = page["items"].as_array().with_context(|| format!("no `items` in {}", snippet(&body)))?;
    anyhow::ensure!(items.len() == PAGE, "{} tickets instead of {PAGE}: {}", items.len(), snippet(&body));
    if let Some(other) = items.iter().find(|item| item["state"] != "open") {
        anyhow::bail!("a ticket that is not open: {}", snippet(other.to_string().as_bytes()));
    }
    let times: Vec<&str> = items.iter().map(|item| item["last_activity_at"].as_str().unwrap_or_default()).collect();
    anyhow::ensure!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "the tickets are not ordered by activity, latest first: {times:?}"
    );
    let ids: Vec<&str> = items.iter().map(|item| item["id"].as_str().unwrap_or_default()).collect();
    anyhow::ensure!(
        ids == expected,
        "the page is not the {PAGE} open tickets with the latest activity:\n  got      {ids:?}\n  expected {expected:?}"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifth_of_the_tickets_are_open_and_each_is_a_whole_ticket() {
        let now = 1_800_000_000_000;
        let tickets: Vec<Value> =
            (0..100).map(|n| serde_json::from_str(&ticket(n, "resident", now).0).unwrap()).collect();
        assert_eq!(tickets.iter().filter(|ticket| ticket["state"] == "open").count(), 20);
        for (n, ticket) in tickets.iter().enumerate() {
            let (_, created, activity) = super::ticket(n, "resident", now);
            assert!(created <= activity && activity < now && ticket["activity"] == activity);
            assert_eq!(ticket["active"], ticket["state"] != "closed");
            for field in ["category", "title", "description", "location", "state", "history"] {
                assert!(!ticket[field].is_null(), "{field}");
            }
        }
    }
}
