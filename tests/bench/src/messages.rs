//! Case (j): a message between neighbours, sent and read, in a property of
//! 1,000 residents.
//!
//! The bench resident writes to a neighbour (`POST
//! /apps/neighbors/conversations/{id}/messages`) and reads the
//! conversation's first page (`GET /apps/neighbors/conversations/{id}`,
//! the 20 newest messages, as JSON). Both are measured once with 100
//! messages in the property and once with 100,000; the issue wants the
//! read at 100,000 at least 0.8 times as fast as at 100. A conversation's
//! messages are replies to it, and the host reads a page of replies from
//! its `(parent, seq)` index, so the page should cost the same however
//! many messages the property holds.
//!
//! Writing 100,000 messages through the app would take longer than the
//! measurement, so they are written straight into `documents`, exactly as
//! the app stores them: conversations between random pairs of the
//! property's residents (`participants` visibility naming the other one),
//! messages as replies carrying the conversation's audience. The measured
//! conversation gets the first 60 and then one message in twenty, so it
//! holds a full page at 100 and grows too (to about 5,000), then `ANALYZE`
//! and a checkpoint of the write-ahead log.

use std::time::Instant;

use anyhow::Context;
use courtyard::storage::{Database, new_id, now_ms};
use http::header::AUTHORIZATION;
use serde_json::{Value, json};
use sqlx::Any;

use crate::load::{self, LoadGenerator, Target, snippet};
use crate::platform::{Person, Platform};
use crate::report::{self, Measurement};

/// Messages in the property for the first measurement, and for the second.
pub const MESSAGES: [usize; 2] = [100, 100_000];
/// Residents of the property, the bench resident included.
pub const RESIDENTS: usize = 1_000;
/// Other conversations the seeded messages spread over.
const CONVERSATIONS: usize = 2_000;
/// Messages per page: the app's.
const PAGE: usize = 20;
/// Rows per `INSERT`: well below SQLite's limit of bound values.
const ROWS_PER_INSERT: usize = 400;
const TEXTS: [&str; 4] = [
    "Hi! Would you like to join the courtyard clean-up on Saturday?",
    "Thanks for taking in my parcel yesterday.",
    "Is the bike trailer in the cellar yours? I could use it on Sunday.",
    "Our cat is out again, have you seen her near the garages?",
];

/// Where the measured conversation lives and who writes in it.
struct Scene {
    conversation: String,
    me: Person,
    others: Vec<Person>,
    seq: usize,
}

/// Seeds and measures at 100 and at 100,000 messages; answers the four
/// measurements (read and send at each size).
pub fn run(
    servers: &tokio::runtime::Runtime,
    generator: &LoadGenerator,
    platform: &Platform,
    settings: &load::Settings,
) -> anyhow::Result<Vec<Measurement>> {
    eprintln!("adding {} residents to the bench property", RESIDENTS - 1);
    let started = Instant::now();
    let others = servers.block_on(platform.add_residents("neighbour", RESIDENTS - 1))?;
    eprintln!("  done in {:.1} s", started.elapsed().as_secs_f64());
    let me = servers.block_on(platform.resident())?;
    let conversation = open_conversation(generator, platform, &me, &others[0])?;
    let mut scene = Scene { conversation, me, others, seq: 1 };
    let mut measured = Vec::new();
    let names = [
        (report::MESSAGES_READ_SMALL, report::MESSAGES_SEND_SMALL),
        (report::MESSAGES_READ_LARGE, report::MESSAGES_SEND_LARGE),
    ];
    for (messages, (read_name, send_name)) in MESSAGES.into_iter().zip(names) {
        eprintln!("seeding the neighbours' messages to {messages}");
        let started = Instant::now();
        servers
            .block_on(seed(platform.database(), &mut scene, messages))
            .with_context(|| format!("seeding {messages} messages"))?;
        eprintln!("  done in {:.1} s, ANALYZE included", started.elapsed().as_secs_f64());
        // A fresh token each time: seeding may outlast one.
        let bearer = servers.block_on(platform.bearer(&scene.me.subject))?;
        let read = Target::get(platform.local_addr(), &format!("/apps/neighbors/conversations/{}", scene.conversation))
            .with_header(AUTHORIZATION, bearer.clone());
        platform.await_ready(generator, &read)?;
        probe(generator, &read)?;
        let send = Target::post_json(
            platform.local_addr(),
            &format!("/apps/neighbors/conversations/{}/messages", scene.conversation),
            r#"{"text":"See you at the clean-up on Saturday!"}"#,
        )
        .with_header(AUTHORIZATION, bearer);
        for (name, target) in [(read_name, &read), (send_name, &send)] {
            eprintln!(
                "{name} (j): {}s warm-up, {}s measured, {} connections",
                settings.warmup.as_secs(),
                settings.duration.as_secs(),
                settings.connections
            );
            let measurement = Measurement::new(name, &generator.run(target, settings));
            measurement.describe();
            measured.push(measurement);
        }
    }
    let rate = |name: &str| measured.iter().find(|m| m.name == name).map(|m| m.req_per_sec);
    if let (Some(small), Some(large)) = (rate(report::MESSAGES_READ_SMALL), rate(report::MESSAGES_READ_LARGE))
        && small > 0.0
    {
        eprintln!("  j100k/j100 = {:.3} (target ≥ {})", large / small, report::MESSAGES_RATIO_TARGET);
    }
    Ok(measured)
}

/// The bench resident writes to `other` through the app: the conversation
/// the case measures.
fn open_conversation(
    generator: &LoadGenerator,
    platform: &Platform,
    me: &Person,
    other: &Person,
) -> anyhow::Result<String> {
    let body = json!({ "to": other.subject, "text": "Hello, neighbour!" }).to_string();
    let open = Target::post_json(platform.local_addr(), "/apps/neighbors/conversations", body)
        .with_header(AUTHORIZATION, me.authorization.clone());
    let (status, answer) = generator.send_once(&open)?;
    anyhow::ensure!(
        status == http::StatusCode::CREATED,
        "opening a conversation answered {status}: {}",
        snippet(&answer)
    );
    let answer: Value = serde_json::from_slice(&answer)?;
    answer["id"].as_str().map(str::to_owned).context("no conversation id")
}

/// Writes messages until the property holds `total`, in one transaction,
/// then runs `ANALYZE`.
async fn seed(database: &Database, scene: &mut Scene, total: usize) -> anyhow::Result<()> {
    let caller = crate::caller::get();
    let now = now_ms();
    let mut tx = database.pool().begin().await?;
    // The other conversations, once: owned by one resident, naming another.
    let mut conversations: Vec<(String, String, String)> = Vec::with_capacity(CONVERSATIONS);
    let existing: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM documents WHERE app_id = 'neighbors' AND collection = 'conversations'",
    )
    .fetch_one(&mut *tx)
    .await?;
    let people = &scene.others;
    for n in 0..CONVERSATIONS {
        let by = &people[n % people.len()].subject;
        let with = &people[(n * 7 + 1) % people.len()].subject;
        if by == with {
            continue;
        }
        conversations.push((format!("bench-conversation-{n}"), by.clone(), with.clone()));
    }
    if existing <= 1 {
        for chunk in conversations.chunks(ROWS_PER_INSERT) {
            let rows = vec![
                "(?, 'neighbors', 'conversations', ?, ?, ?, 'participants', NULL, NULL, NULL, ?, ?, ?, 1)";
                chunk.len()
            ];
            let sql = format!(
                "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
                 unit_id, parent_id, anchor_owner, body, created_at, updated_at, revision) VALUES {}",
                rows.join(", ")
            );
            let mut insert = sqlx::query::<Any>(&sql);
            for (id, by, with) in chunk {
                let body = json!({ "by": by, "with": with }).to_string();
                insert = insert
                    .bind(id.clone())
                    .bind(caller.customer.clone())
                    .bind(caller.property.clone())
                    .bind(by.clone())
                    .bind(body)
                    .bind(now - 30 * 86_400_000)
                    .bind(now - 30 * 86_400_000);
            }
            insert.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO document_participants (document_id, subject) VALUES {}",
                vec!["(?, ?)"; chunk.len()].join(", ")
            );
            let mut insert = sqlx::query::<Any>(&sql);
            for (id, _, with) in chunk {
                insert = insert.bind(id.clone()).bind(with.clone());
            }
            insert.execute(&mut *tx).await?;
        }
    }
    // The measured conversation: the bench resident's, naming the neighbour.
    let measured = (scene.conversation.clone(), scene.me.subject.clone(), people[0].subject.clone());
    let mut pending = Vec::with_capacity(ROWS_PER_INSERT);
    while scene.seq < total {
        let n = scene.seq;
        scene.seq += 1;
        let (conversation, by, with) =
            if n < 60 || n.is_multiple_of(20) { &measured } else { &conversations[n % conversations.len()] };
        let author = if n.is_multiple_of(2) { by } else { with };
        pending.push((conversation.clone(), by.clone(), with.clone(), author.clone(), n));
        if pending.len() == ROWS_PER_INSERT || scene.seq == total {
            insert_messages(&mut tx, caller, &pending, now).await?;
            pending.clear();
        }
    }
    tx.commit().await?;
    sqlx::query::<Any>("ANALYZE").execute(database.pool()).await.context("ANALYZE")?;
    sqlx::query::<Any>("PRAGMA wal_checkpoint(TRUNCATE)").execute(database.pool()).await.context("checkpoint")?;
    Ok(())
}

/// One `INSERT` of messages and one of their participants, as the host
/// stores replies under a `participants` conversation: the author owns it,
/// the conversation's owner anchors it, the one it names takes part.
async fn insert_messages(
    tx: &mut sqlx::Transaction<'_, Any>,
    caller: &crate::caller::BenchCaller,
    messages: &[(String, String, String, String, usize)],
    now: i64,
) -> anyhow::Result<()> {
    let rows = vec!["(?, 'neighbors', 'messages', ?, ?, ?, 'participants', NULL, ?, ?, ?, ?, ?, 1)"; messages.len()];
    let sql = format!(
        "INSERT INTO documents (id, app_id, collection, customer_id, property_id, owner_subject, visibility, \
         unit_id, parent_id, anchor_owner, body, created_at, updated_at, revision) VALUES {}",
        rows.join(", ")
    );
    let ids: Vec<String> = messages.iter().map(|_| new_id()).collect();
    let mut insert = sqlx::query::<Any>(&sql);
    for ((conversation, by, _, author, n), id) in messages.iter().zip(&ids) {
        let body = json!({ "text": TEXTS[n % TEXTS.len()] }).to_string();
        let at = now - 86_400_000 + *n as i64;
        insert = insert
            .bind(id.clone())
            .bind(caller.customer.clone())
            .bind(caller.property.clone())
            .bind(author.clone())
            .bind(conversation.clone())
            .bind(by.clone())
            .bind(body)
            .bind(at)
            .bind(at);
    }
    insert.execute(&mut **tx).await?;
    let sql = format!(
        "INSERT INTO document_participants (document_id, subject) VALUES {}",
        vec!["(?, ?)"; messages.len()].join(", ")
    );
    let mut insert = sqlx::query::<Any>(&sql);
    for ((_, _, with, _, _), id) in messages.iter().zip(&ids) {
        insert = insert.bind(id.clone()).bind(with.clone());
    }
    insert.execute(&mut **tx).await?;
    Ok(())
}

/// One read before the load: 200 and a full first page, newest first.
fn probe(generator: &LoadGenerator, target: &Target) -> anyhow::Result<()> {
    let (status, body) = generator.send_once(target)?;
    anyhow::ensure!(status == http::StatusCode::OK, "the conversation answered {status}: {}", snippet(&body));
    let page: Value = serde_json::from_slice(&body).with_context(|| format!("not JSON: {}", snippet(&body)))?;
    let items = page["items"].as_array().with_context(|| format!("no `items` in {}", snippet(&body)))?;
    anyhow::ensure!(items.len() == PAGE, "{} messages instead of {PAGE}: {}", items.len(), snippet(&body));
    let times: Vec<&str> = items.iter().map(|item| item["created_at"].as_str().unwrap_or_default()).collect();
    anyhow::ensure!(times.windows(2).all(|pair| pair[0] >= pair[1]), "not newest first: {times:?}");
    Ok(())
}
