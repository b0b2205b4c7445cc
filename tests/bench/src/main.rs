//! Throughput and latency of Courtyard against the two baselines that make
//! its figures meaningful, all measured in one run the same way:
//!
//! - (a) `native`: pinboard's list as a plain axum handler on host storage;
//! - (b) `bare-wasmtime`: the echo component, fresh instance per request,
//!   in a minimal, tuned axum + wasmtime server;
//! - (c) `courtyard-echo`: the same echo component installed in Courtyard;
//! - (d) `courtyard-pinboard`: pinboard's list served by Courtyard;
//! - (e) `courtyard-profile`: a third-party app reading one profile field
//!   the customer approved and the resident consented to: token check,
//!   policy decision, audit append and a fresh instance per request;
//! - (i) `courtyard-home`: the portal's home page for a signed-in resident
//!   (browser session cookie): the property, the tiles of every core app,
//!   "Coming up" with the next dates, the notifications with their unread
//!   count, rendered from the template; and `courtyard-home-one-app`, the
//!   same for a customer with pinboard only (target: all ≥ 0.8 × one; see
//!   [`home`]);
//! - (f) `courtyard-queue`: the service center's staff queue, the first
//!   page of 20 open tickets by latest activity, for a property manager,
//!   measured twice: with 100 tickets in the property (`courtyard-queue-100`)
//!   and with 100,000 (`courtyard-queue-100k`); the second must be at least
//!   0.8 times the first (see [`queue`]);
//! - (g) `courtyard-uploads`: 20 residents' tickets filed at once, each
//!   with a 10 MiB photo, and how much the process's peak RSS grows
//!   (target: less than 100 MiB; see [`uploads`]);
//! - (h) `courtyard-race`: 50 residents booking the same slot at once,
//!   round after round: attempts per second, and exactly one winner per
//!   slot, checked in the database (see [`race`]);
//! - (j) `courtyard-messages`: a message between neighbours sent and a
//!   conversation's first page read, in a property of 1,000 residents
//!   with 100 and with 100,000 messages (target: the read at 100,000 ≥ 0.8
//!   × at 100; see [`messages`]).
//!
//! ```text
//! cargo run --release -p courtyard-bench -- --duration-secs 10 --connections 32 --only b,c
//! cargo run --release -p courtyard-bench -- --only f,g,h --race-rounds 40
//! ```
//!
//! Cases run in the order a–e, i, f, g, h, j, so the tickets and bookings the
//! last three add do not change the others. Progress goes to stderr; the
//! result is one JSON document on stdout with each server's req/s, p50 and
//! p99 (the queue as two of them), the ratios c/b, d/a, e/b and f100k/f100,
//! the uploads' and the race's own sections, and whether f, g and h met
//! their targets. A race with a round of other than one winner, or a slot
//! booked twice, is printed and then ends the run with an error.

mod bare;
mod caller;
mod cpu;
mod home;
mod load;
mod messages;
mod native;
mod platform;
mod queue;
mod race;
mod report;
mod serve;
mod uploads;

use std::time::Duration;

use anyhow::Context;
use clap::Parser;

use crate::bare::Bare;
use crate::load::{LoadGenerator, Target};
use crate::platform::Platform;
use crate::report::{Measurement, Race, Report, Uploads};
use crate::serve::Running;

/// The echo fixture, built by the build script.
const ECHO_COMPONENT: &[u8] = include_bytes!(env!("COURTYARD_COMPONENT_FIXTURE_ECHO"));
/// The profile-reader fixture, which reads one profile field per request.
const PROFILE_COMPONENT: &[u8] = include_bytes!(env!("COURTYARD_COMPONENT_FIXTURE_PROFILE_READER"));
/// The body every echo request sends: 56 bytes of JSON.
const ECHO_BODY: &str = r#"{"app":"echo","message":"hello, courtyard","seq":123456}"#;
/// How many posts pinboard's list returns.
const PINBOARD_POSTS: usize = 20;

/// The servers, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Native,
    BareWasmtime,
    CourtyardEcho,
    CourtyardPinboard,
    CourtyardProfile,
    CourtyardHome,
    CourtyardQueue,
    CourtyardUploads,
    CourtyardRace,
    CourtyardMessages,
}

impl Kind {
    const ALL: [Kind; 10] = [
        Kind::Native,
        Kind::BareWasmtime,
        Kind::CourtyardEcho,
        Kind::CourtyardPinboard,
        Kind::CourtyardProfile,
        Kind::CourtyardHome,
        Kind::CourtyardQueue,
        Kind::CourtyardUploads,
        Kind::CourtyardRace,
        Kind::CourtyardMessages,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Native => "native",
            Kind::BareWasmtime => "bare-wasmtime",
            Kind::CourtyardEcho => "courtyard-echo",
            Kind::CourtyardPinboard => "courtyard-pinboard",
            Kind::CourtyardProfile => "courtyard-profile",
            Kind::CourtyardHome => "courtyard-home",
            Kind::CourtyardQueue => "courtyard-queue",
            Kind::CourtyardUploads => "courtyard-uploads",
            Kind::CourtyardRace => "courtyard-race",
            Kind::CourtyardMessages => "courtyard-messages",
        }
    }

    fn letter(self) -> &'static str {
        ["a", "b", "c", "d", "e", "i", "f", "g", "h", "j"][self as usize]
    }

    fn parse(text: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.letter() == text || kind.name() == text)
            .ok_or_else(|| format!("unknown server `{text}`: use a to j or their names"))
    }
}

/// Drives native, bare-wasmtime and Courtyard's cases with the same load, and
/// runs the queue, upload and booking-race cases.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Length of the measurement, after the warm-up.
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,
    /// Load sent before measuring, to warm caches, pools and connections.
    #[arg(long, default_value_t = 2)]
    warmup_secs: u64,
    /// Keep-alive connections, each sending one request after another.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Run only these cases: letters a–j, or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = Kind::parse)]
    only: Vec<Kind>,
    /// Threads of the load generator's own runtime (1: single-threaded).
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Worker threads of the servers' runtime (0: one per CPU).
    #[arg(long, default_value_t = 0)]
    server_threads: usize,
    /// Rounds of the booking race (h), each a slot all residents try to book (1 to 1000).
    #[arg(long, default_value_t = 40)]
    race_rounds: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut kinds = if args.only.is_empty() { Kind::ALL.to_vec() } else { args.only.clone() };
    kinds.sort();
    kinds.dedup();
    anyhow::ensure!(args.connections > 0 && args.duration_secs > 0, "connections and duration must be positive");
    anyhow::ensure!(
        !kinds.contains(&Kind::CourtyardRace) || (1..=race::MAX_ROUNDS).contains(&args.race_rounds),
        "the booking race has 1 to {} rounds",
        race::MAX_ROUNDS
    );

    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server_threads = if args.server_threads == 0 { cpus } else { args.server_threads };
    let servers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(server_threads)
        .thread_name("bench-server")
        .enable_all()
        .build()?;
    let generator = LoadGenerator::new(args.client_threads)?;
    let settings = load::Settings {
        connections: args.connections,
        warmup: Duration::from_secs(args.warmup_secs),
        duration: Duration::from_secs(args.duration_secs),
    };

    let platform = if kinds.iter().any(|kind| *kind != Kind::BareWasmtime) {
        eprintln!("starting Courtyard");
        let platform = servers.block_on(Platform::start(ECHO_COMPONENT, PROFILE_COMPONENT))?;
        if kinds.contains(&Kind::Native) || kinds.contains(&Kind::CourtyardPinboard) {
            eprintln!("seeding {PINBOARD_POSTS} pinboard posts");
            platform.seed_pinboard(&generator, PINBOARD_POSTS)?;
        }
        Some(platform)
    } else {
        None
    };

    let mut measurements = Vec::new();
    let mut bodies = Vec::new();
    let mut upload_figures: Option<Uploads> = None;
    let mut race_figures: Option<Race> = None;
    let courtyard = || platform.as_ref().context("Courtyard is not running");
    for kind in &kinds {
        match kind {
            Kind::CourtyardQueue => measurements.extend(queue::run(&servers, &generator, courtyard()?, &settings)?),
            Kind::CourtyardUploads => upload_figures = Some(uploads::run(&servers, &generator, courtyard()?)?),
            Kind::CourtyardRace => {
                race_figures = Some(race::run(&servers, &generator, courtyard()?, args.race_rounds)?);
            }
            Kind::CourtyardMessages => {
                measurements.extend(messages::run(&servers, &generator, courtyard()?, &settings)?);
            }
            Kind::CourtyardHome => {
                let platform = courtyard()?;
                servers.block_on(home::seed_dates(platform.database()))?;
                let cookie = servers.block_on(home::one_app_resident(platform))?;
                let one = home_target(platform.local_addr(), cookie);
                platform.await_ready(&generator, &one)?;
                let (status, body) = generator.send_once(&one)?;
                let page = String::from_utf8_lossy(&body);
                anyhow::ensure!(
                    status.is_success()
                        && page.contains("Solo Court")
                        && page.contains("8 unread")
                        && page.matches("class=\"tile\"").count() == 1,
                    "the one-app home did not show its property, one tile and the unread count: {}",
                    load::snippet(&body)
                );
                eprintln!("{} (i, one app)", report::HOME_ONE_APP);
                let measurement = Measurement::new(report::HOME_ONE_APP, &generator.run(&one, &settings));
                measurement.describe();
                measurements.push(measurement);
                let (measurement, body) = measure(&servers, &generator, platform.into(), *kind, &settings)?;
                let page = String::from_utf8_lossy(&body);
                anyhow::ensure!(
                    page.contains("Water off in the east wing") && page.matches("class=\"tile\"").count() >= 8,
                    "home did not show every core app and the coming dates: {}",
                    load::snippet(&body)
                );
                measurements.push(measurement);
                bodies.push((*kind, body));
                if let Some(one) = measurements.iter().find(|m| m.name == report::HOME_ONE_APP)
                    && one.req_per_sec > 0.0
                {
                    let all = measurements.last().map_or(0.0, |m| m.req_per_sec);
                    eprintln!(
                        "  i(all)/i(one) = {:.3} (target ≥ {})",
                        all / one.req_per_sec,
                        report::HOME_RATIO_TARGET
                    );
                }
            }
            _ => {
                let (measurement, body) = measure(&servers, &generator, platform.as_ref(), *kind, &settings)?;
                measurements.push(measurement);
                bodies.push((*kind, body));
            }
        }
    }
    compare_pinboard_bodies(&bodies);
    if let Some(platform) = platform {
        servers.block_on(platform.shutdown());
    }

    let report = Report::new(
        measurements,
        upload_figures,
        race_figures,
        report::Settings {
            duration_secs: args.duration_secs,
            warmup_secs: args.warmup_secs,
            connections: args.connections,
            client_threads: args.client_threads.max(1),
            server_worker_threads: server_threads,
            available_parallelism: cpus,
            servers: kinds.iter().map(|kind| kind.name()).collect(),
            echo_body_bytes: ECHO_BODY.len(),
            pinboard_posts: PINBOARD_POSTS,
            queue_tickets: queue::TICKETS,
            bare_wasmtime: bare::TUNING,
        },
    );
    println!("{}", serde_json::to_string_pretty(&report)?);
    if let Some(race) = report.race.as_ref().filter(|race| !race.passed()) {
        anyhow::bail!(
            "the booking race failed: {} rounds without exactly one winner, {} double bookings, \
             {} residents not holding what they won, {} wins against {} booked slots and {} active bookings",
            race.failed_rounds,
            race.double_bookings,
            race.wins_not_held,
            race.wins,
            race.booked_slots,
            race.active_bookings
        );
    }
    Ok(())
}

/// Serves `kind`, probes it and drives it with the load; answers the
/// measurement and the probe's body.
fn measure(
    servers: &tokio::runtime::Runtime,
    generator: &LoadGenerator,
    platform: Option<&Platform>,
    kind: Kind,
    settings: &load::Settings,
) -> anyhow::Result<(Measurement, bytes::Bytes)> {
    let (target, running) = servers.block_on(serve(kind, platform))?;
    if let (Some(platform), None) = (platform, &running) {
        platform.await_ready(generator, &target)?;
    }
    let body = probe(generator, kind, &target)?;
    eprintln!(
        "{} ({}): {}s warm-up, {}s measured, {} connections",
        kind.name(),
        kind.letter(),
        settings.warmup.as_secs(),
        settings.duration.as_secs(),
        settings.connections
    );
    let outcome = generator.run(&target, settings);
    let measurement = Measurement::new(kind.name(), &outcome);
    measurement.describe();
    if let Some(running) = running {
        servers.block_on(running.shutdown())?;
    }
    Ok((measurement, body))
}

/// Starts the server for `kind` (Courtyard is already running) and names the request to send it.
async fn serve(kind: Kind, platform: Option<&Platform>) -> anyhow::Result<(Target, Option<Running>)> {
    let courtyard = || platform.context("Courtyard is not running");
    Ok(match kind {
        Kind::Native => {
            let running = Running::start(native::router(courtyard()?.database().clone())).await?;
            (pinboard_list(running.local_addr()), Some(running))
        }
        Kind::BareWasmtime => {
            let running = Running::start(Bare::new(ECHO_COMPONENT)?.router()).await?;
            (echo_post(running.local_addr()), Some(running))
        }
        Kind::CourtyardEcho => (echo_post(courtyard()?.local_addr()), None),
        Kind::CourtyardPinboard => (pinboard_list(courtyard()?.local_addr()), None),
        Kind::CourtyardProfile => (
            Target::get(courtyard()?.local_addr(), platform::PROFILE_PATH)
                .with_header(caller::HEADER, caller::header_value()),
            None,
        ),
        Kind::CourtyardHome => (home_target(courtyard()?.local_addr(), caller::cookie()), None),
        Kind::CourtyardQueue | Kind::CourtyardUploads | Kind::CourtyardRace | Kind::CourtyardMessages => {
            anyhow::bail!("{} runs on its own, not as one request in a loop", kind.name())
        }
    })
}

/// Home as a browser asks for it, with `cookie`'s session.
fn home_target(addr: std::net::SocketAddr, cookie: http::HeaderValue) -> Target {
    Target::get(addr, "/")
        .with_header(http::header::COOKIE, cookie)
        .with_header(http::header::ACCEPT, http::HeaderValue::from_static("text/html"))
}

fn echo_post(addr: std::net::SocketAddr) -> Target {
    Target::post_json(addr, &format!("{}/", bare::MOUNT), ECHO_BODY).with_header(caller::HEADER, caller::header_value())
}

fn pinboard_list(addr: std::net::SocketAddr) -> Target {
    Target::get(addr, native::PATH).with_header(caller::HEADER, caller::header_value())
}

/// One request before the load: it must succeed, and echo must echo.
fn probe(generator: &LoadGenerator, kind: Kind, target: &Target) -> anyhow::Result<bytes::Bytes> {
    let (status, body) = generator.send_once(target)?;
    anyhow::ensure!(status.is_success(), "{} answered {status}: {}", kind.name(), load::snippet(&body));
    if matches!(kind, Kind::BareWasmtime | Kind::CourtyardEcho) {
        anyhow::ensure!(
            body == ECHO_BODY.as_bytes(),
            "{} did not echo the body: {}",
            kind.name(),
            load::snippet(&body)
        );
    }
    if kind == Kind::CourtyardHome {
        let page = String::from_utf8_lossy(&body);
        anyhow::ensure!(
            page.contains("Bench Court") && page.contains("8 unread") && page.contains("class=\"tile\""),
            "home did not show the property, its apps and the unread count: {}",
            load::snippet(&body)
        );
    }
    if kind == Kind::CourtyardProfile {
        anyhow::ensure!(
            body == format!("Hello, {}", platform::RESIDENT_NAME).as_bytes(),
            "the app did not get the resident's display name: {}",
            load::snippet(&body)
        );
    }
    Ok(body)
}

/// Warns when the native list does not produce what pinboard produces.
fn compare_pinboard_bodies(bodies: &[(Kind, bytes::Bytes)]) {
    let json = |wanted: Kind| {
        bodies
            .iter()
            .find(|(kind, _)| *kind == wanted)
            .and_then(|(_, body)| serde_json::from_slice::<serde_json::Value>(body).ok())
    };
    if let (Some(native), Some(pinboard)) = (json(Kind::Native), json(Kind::CourtyardPinboard))
        && native != pinboard
    {
        eprintln!("warning: the native list differs from pinboard's:\n  native:   {native}\n  pinboard: {pinboard}");
    }
}
