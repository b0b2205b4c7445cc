//! The benchmark's result: one JSON document on stdout.
//!
//! ```json
//! {"servers": [{"name": "native", "requests": 1, "errors": 0, "req_per_sec": 0.1, "p50_us": 1.0, "p99_us": 1.0}],
//!  "ratios": {"c_over_b": null, "d_over_a": null, "e_over_b": null}, "settings": {}}
//! ```

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
}

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
    pub bare_wasmtime: &'static str,
}

/// The whole document.
#[derive(Debug, Serialize)]
pub struct Report {
    pub servers: Vec<Measurement>,
    pub ratios: Ratios,
    pub settings: Settings,
}

impl Report {
    /// Computes the ratios from whichever servers ran.
    pub fn new(servers: Vec<Measurement>, settings: Settings) -> Report {
        let rate = |name: &str| servers.iter().find(|m| m.name == name).map(|m| m.req_per_sec);
        let ratio = |over: &str, base: &str| match (rate(over), rate(base)) {
            (Some(over), Some(base)) if base > 0.0 => Some(round(over / base, 4)),
            _ => None,
        };
        let ratios = Ratios {
            c_over_b: ratio("courtyard-echo", "bare-wasmtime"),
            d_over_a: ratio("courtyard-pinboard", "native"),
            e_over_b: ratio("courtyard-profile", "bare-wasmtime"),
        };
        Report { servers, ratios, settings }
    }
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
