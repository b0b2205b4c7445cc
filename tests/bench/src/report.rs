//! The benchmark's result: one JSON document on stdout.
//!
//! ```json
//! {"servers": [{"name": "native", "requests": 1, "errors": 0, "req_per_sec": 0.1, "p50_us": 1.0, "p99_us": 1.0}],
//!  "ratios": {"c_over_b": null, "d_over_a": null, "e_over_b": null, "f100k_over_f100": null},
//!  "uploads": null, "race": null,
//!  "targets": {"f100k_over_f100_at_least_0_8": null, "g_peak_rss_growth_under_100_mib": null,
//!              "h_one_winner_per_slot": null},
//!  "settings": {}}
//! ```
//!
//! The staff queue (f) is two entries of `servers`, at 100 and at 100,000
//! tickets; the uploads (g) and the booking race (h) are not request loops
//! and have sections of their own.

use serde::Serialize;

use crate::load::Outcome;

/// The measurements of one server.
#[derive(Debug, Serialize)]
pub struct Measurement {
    pub name: &'static str,
    /// Requests answered with a 2xx inside the measurement window.
    pub requests: u64,
    /// Non-2xx answers and transport failures inside the window.
    pub errors: u64,
    /// Successful requests per second.
    pub req_per_sec: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// The share of all CPUs that other processes took during the run;
    /// above a few percent the figures understate the server.
    pub foreign_cpu_percent: Option<f64>,
}

impl Measurement {
    pub fn new(name: &'static str, outcome: &Outcome) -> Measurement {
        Measurement {
            name,
            requests: outcome.requests,
            errors: outcome.errors,
            req_per_sec: round(outcome.requests_per_second(), 1),
            p50_us: round(outcome.latency_us(0.50), 1),
            p99_us: round(outcome.latency_us(0.99), 1),
            foreign_cpu_percent: outcome.foreign_cpu_percent.map(|share| round(share, 1)),
        }
    }

    /// Tells stderr the figures, and whether other processes got in the way.
    pub fn describe(&self) {
        eprintln!(
            "  {:.0} req/s, p50 {} µs, p99 {} µs, {} errors",
            self.req_per_sec, self.p50_us, self.p99_us, self.errors
        );
        if let Some(share) = self.foreign_cpu_percent.filter(|share| *share > 5.0) {
            eprintln!("  warning: other processes used {share:.0}% of the CPUs during this run");
        }
    }
}

/// The staff queue's entry in `servers` at 100 tickets.
pub const QUEUE_SMALL: &str = "courtyard-queue-100";
/// The same request in a property of 100,000 tickets.
pub const QUEUE_LARGE: &str = "courtyard-queue-100k";
/// The least f100k/f100 the issue accepts.
pub const QUEUE_RATIO_TARGET: f64 = 0.8;
/// A neighbour's conversation, first page, at 100 messages in the property.
pub const MESSAGES_READ_SMALL: &str = "courtyard-messages-read-100";
/// The same read at 100,000 messages.
pub const MESSAGES_READ_LARGE: &str = "courtyard-messages-read-100k";
/// Sending a message at 100 and at 100,000 messages.
pub const MESSAGES_SEND_SMALL: &str = "courtyard-messages-send-100";
pub const MESSAGES_SEND_LARGE: &str = "courtyard-messages-send-100k";
/// The least j100k/j100 (reads) the issue accepts.
pub const MESSAGES_RATIO_TARGET: f64 = 0.8;
/// Home with every core app enabled, and with one.
pub const HOME_ALL_APPS: &str = "courtyard-home";
pub const HOME_ONE_APP: &str = "courtyard-home-one-app";
/// The least i(all apps)/i(one app) the issue accepts.
pub const HOME_RATIO_TARGET: f64 = 0.8;
/// The peak RSS growth the uploads must stay below, in MiB.
pub const UPLOAD_GROWTH_TARGET_MIB: f64 = 100.0;

/// Throughput ratios of the sandboxed servers over their baselines.
#[derive(Debug, Serialize)]
pub struct Ratios {
    /// courtyard-echo over bare-wasmtime: what the host adds to the floor.
    pub c_over_b: Option<f64>,
    /// courtyard-pinboard over native: the whole cost of the sandbox on real work.
    pub d_over_a: Option<f64>,
    /// courtyard-profile over bare-wasmtime: a third-party app reading one
    /// consented profile field (token, policy, audit append, fresh instance).
    pub e_over_b: Option<f64>,
    /// The staff queue at 100,000 tickets over the same at 100: how much
    /// the first page slows down as the property fills (target ≥ 0.8).
    pub f100k_over_f100: Option<f64>,
    /// Home with every core app over home with one (target ≥ 0.8).
    pub i_all_over_i_one: Option<f64>,
    /// A conversation's first page at 100,000 messages over at 100 (target ≥ 0.8).
    pub j100k_over_j100: Option<f64>,
}

/// Case (g): concurrent uploads of a large photo, and what they cost the
/// server's memory at their peak.
#[derive(Debug, Serialize)]
pub struct Uploads {
    pub uploads: usize,
    pub file_bytes: u64,
    /// Uploads answered 2xx or 303 with nothing left unattached.
    pub succeeded: usize,
    /// Rows of `files` of the new tickets with the whole size.
    pub files_stored: usize,
    pub baseline_rss_mib: f64,
    pub peak_rss_mib: f64,
    /// The peak minus the baseline (target < 100 MiB).
    pub peak_rss_growth_mib: f64,
    /// `VmHWM` when the kernel reset it before the uploads; `sampled` when
    /// it could not, and the peak is the highest `VmRSS` sampled.
    pub peak_source: &'static str,
    /// The highest `VmRSS` seen sampling every few milliseconds, minus the
    /// baseline: a cross-check of the peak.
    pub sampled_peak_growth_mib: f64,
    pub elapsed_secs: f64,
    /// All uploaded bytes over the elapsed time.
    pub mib_per_sec: f64,
}

/// Case (h): residents racing for the same slot, round after round.
#[derive(Debug, Serialize)]
pub struct Race {
    pub residents: usize,
    pub rounds: usize,
    /// The resource's per-resident quota; a resident holding it sits the
    /// following rounds out.
    pub quota: u32,
    /// Booking requests sent, 409s included.
    pub attempts: u64,
    /// Answers 201.
    pub wins: u64,
    /// Answers 409 (already booked).
    pub conflicts: u64,
    /// Anything else: other statuses and failed connections.
    pub other_errors: u64,
    /// Places left empty because their resident held the quota.
    pub sat_out: u64,
    /// Rounds without exactly one winner (or whose winner got another slot).
    pub failed_rounds: usize,
    /// Residents whose active bookings in the database are not the slots
    /// they won.
    pub wins_not_held: usize,
    pub elapsed_secs: f64,
    /// All attempts over the elapsed time.
    pub attempts_per_sec: f64,
    /// Distinct slot keys the resource's bookings hold in `document_keys`.
    pub booked_slots: u64,
    /// Active bookings of the resource in `documents`.
    pub active_bookings: u64,
    /// Slot keys claimed more than once, plus slots held by more than one
    /// active booking: must be 0.
    pub double_bookings: u64,
}

impl Race {
    /// Every round had one winner, the database holds one booking per win,
    /// and no slot twice.
    pub fn passed(&self) -> bool {
        self.failed_rounds == 0
            && self.wins_not_held == 0
            && self.double_bookings == 0
            && self.wins == self.booked_slots
            && self.wins == self.active_bookings
    }
}

/// Whether the cases with a target met it; `null` for a case that did not run.
#[derive(Debug, Serialize)]
pub struct Targets {
    pub f100k_over_f100_at_least_0_8: Option<bool>,
    pub i_all_over_i_one_at_least_0_8: Option<bool>,
    pub j100k_over_j100_at_least_0_8: Option<bool>,
    pub g_peak_rss_growth_under_100_mib: Option<bool>,
    /// Every round exactly one winner, and no double booking.
    pub h_one_winner_per_slot: Option<bool>,
}

/// How the run was set up.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub duration_secs: u64,
    pub warmup_secs: u64,
    pub connections: usize,
    pub client_threads: usize,
    pub server_worker_threads: usize,
    pub available_parallelism: usize,
    pub servers: Vec<&'static str>,
    pub echo_body_bytes: usize,
    pub pinboard_posts: usize,
    /// Tickets in the property for the staff queue's two measurements.
    pub queue_tickets: [usize; 2],
    pub bare_wasmtime: &'static str,
}

/// The whole document.
#[derive(Debug, Serialize)]
pub struct Report {
    pub servers: Vec<Measurement>,
    pub ratios: Ratios,
    pub uploads: Option<Uploads>,
    pub race: Option<Race>,
    pub targets: Targets,
    pub settings: Settings,
}

impl Report {
    /// Computes the ratios and targets from whichever cases ran.
    pub fn new(servers: Vec<Measurement>, uploads: Option<Uploads>, race: Option<Race>, settings: Settings) -> Report {
        let rate = |name: &str| servers.iter().find(|m| m.name == name).map(|m| m.req_per_sec);
        let ratio = |over: &str, base: &str| match (rate(over), rate(base)) {
            (Some(over), Some(base)) if base > 0.0 => Some(round(over / base, 4)),
            _ => None,
        };
        let ratios = Ratios {
            c_over_b: ratio("courtyard-echo", "bare-wasmtime"),
            d_over_a: ratio("courtyard-pinboard", "native"),
            e_over_b: ratio("courtyard-profile", "bare-wasmtime"),
            f100k_over_f100: ratio(QUEUE_LARGE, QUEUE_SMALL),
            i_all_over_i_one: ratio(HOME_ALL_APPS, HOME_ONE_APP),
            j100k_over_j100: ratio(MESSAGES_READ_LARGE, MESSAGES_READ_SMALL),
        };
        let targets = Targets {
            f100k_over_f100_at_least_0_8: ratios.f100k_over_f100.map(|ratio| ratio >= QUEUE_RATIO_TARGET),
            i_all_over_i_one_at_least_0_8: ratios.i_all_over_i_one.map(|ratio| ratio >= HOME_RATIO_TARGET),
            j100k_over_j100_at_least_0_8: ratios.j100k_over_j100.map(|ratio| ratio >= MESSAGES_RATIO_TARGET),
            g_peak_rss_growth_under_100_mib: uploads
                .as_ref()
                .map(|uploads| uploads.peak_rss_growth_mib < UPLOAD_GROWTH_TARGET_MIB),
            h_one_winner_per_slot: race.as_ref().map(Race::passed),
        };
        Report { servers, ratios, uploads, race, targets, settings }
    }
}

/// `value` rounded to `digits` decimals, for the report.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
