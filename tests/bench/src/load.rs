//! The load generator: a fixed number of keep-alive HTTP/1.1 connections,
//! each sending one request after another for a fixed time.
//!
//! Every server is driven by the same [`LoadGenerator`], on its own Tokio
//! runtime, so the servers' runtime is left alone and all of them are
//! measured the same way:
//!
//! ```ignore
//! let generator = LoadGenerator::new(1)?;
//! let settings = Settings { connections: 32, warmup: Duration::from_secs(2), duration: Duration::from_secs(10) };
//! let outcome = generator.run(&Target::get(addr, "/apps/pinboard/posts"), &settings);
//! eprintln!("{:.0} req/s, p99 {} µs", outcome.requests_per_second(), outcome.latency_us(0.99));
//! ```
//!
//! Only requests that start after the warm-up and finish before the end of
//! the measurement count. Latency is measured from handing the request to
//! the connection until the whole response body has arrived.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use crate::cpu::CpuSample;

/// How many failed requests are described on stderr per run; the rest are only counted.
const ERRORS_SHOWN: u32 = 10;

/// How long and how hard to drive a server.
#[derive(Debug, Clone)]
pub struct Settings {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// The one request every connection sends, over and over.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub method: Method,
    pub path: String,
    pub body: Bytes,
    /// The path as a URI and every header, `host` included: built once, not per request.
    uri: Uri,
    headers: HeaderMap,
}

impl Target {
    fn new(addr: SocketAddr, method: Method, path: &str, body: Bytes) -> Target {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(&addr.to_string()).expect("an address is a valid host"));
        let uri = path.parse().expect("the target path is a valid URI");
        Target { addr, method, path: path.to_owned(), body, uri, headers }
    }

    /// `GET path` without a body.
    pub fn get(addr: SocketAddr, path: &str) -> Target {
        Target::new(addr, Method::GET, path, Bytes::new())
    }

    /// `POST path` with a JSON body.
    pub fn post_json(addr: SocketAddr, path: &str, body: impl Into<Bytes>) -> Target {
        Target::new(addr, Method::POST, path, body.into())
            .with_header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Target {
        self.headers.append(name, value);
        self
    }

    fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// What one run measured.
#[derive(Debug)]
pub struct Outcome {
    /// Requests answered with a 2xx status inside the measurement window.
    pub requests: u64,
    /// Non-2xx answers and failed connections inside the measurement window.
    pub errors: u64,
    /// Latencies of the successful requests, in nanoseconds.
    pub latency_ns: Histogram<u64>,
    /// The length of the measurement window.
    pub window: Duration,
    /// The share of all CPUs other processes used during the run, where known.
    pub foreign_cpu_percent: Option<f64>,
}

impl Outcome {
    /// Successful requests per second.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }

    /// The latency at `quantile` (0 to 1), in microseconds.
    pub fn latency_us(&self, quantile: f64) -> f64 {
        self.latency_ns.value_at_quantile(quantile) as f64 / 1_000.0
    }
}

/// Owns the client runtime, so that one set of threads drives every server.
#[derive(Debug)]
pub struct LoadGenerator {
    runtime: tokio::runtime::Runtime,
}

impl LoadGenerator {
    /// A generator on `threads` threads of its own (1 uses a single-threaded runtime).
    pub fn new(threads: usize) -> std::io::Result<LoadGenerator> {
        let runtime = if threads <= 1 {
            tokio::runtime::Builder::new_current_thread().enable_all().build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name("bench-client")
                .enable_all()
                .build()?
        };
        Ok(LoadGenerator { runtime })
    }

    /// Sends one request and returns its status and body: for seeding and probing.
    pub fn send_once(&self, target: &Target) -> anyhow::Result<(StatusCode, Bytes)> {
        self.runtime.block_on(async {
            let mut connection = Connection::open(target.addr).await?;
            let answer = connection.exchange(target).await;
            connection.close().await;
            answer
        })
    }

    /// Runs `future` on the generator's threads and waits for it: for
    /// clients that are not a fixed request in a loop (uploads, races).
    ///
    /// Must not be called from inside another Tokio runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Drives `target` with `settings`; blocks the calling thread until done.
    ///
    /// Must not be called from inside another Tokio runtime.
    pub fn run(&self, target: &Target, settings: &Settings) -> Outcome {
        let target = Arc::new(target.clone());
        let shown = Arc::new(AtomicU32::new(0));
        let cpu = CpuSample::now();
        let mut outcome = self.runtime.block_on(async {
            let start = Instant::now();
            let window = Window { from: start + settings.warmup, until: start + settings.warmup + settings.duration };
            let tasks: Vec<_> = (0..settings.connections)
                .map(|_| tokio::spawn(drive(Arc::clone(&target), window, Arc::clone(&shown))))
                .collect();
            let mut outcome = Outcome {
                requests: 0,
                errors: 0,
                latency_ns: new_histogram(),
                window: settings.duration,
                foreign_cpu_percent: None,
            };
            for task in tasks {
                let tally = task.await.expect("a connection task panicked");
                outcome.requests += tally.requests;
                outcome.errors += tally.errors;
                outcome.latency_ns.add(&tally.latency_ns).expect("histograms share their bounds");
            }
            let suppressed = shown.load(Ordering::Relaxed).saturating_sub(ERRORS_SHOWN);
            if suppressed > 0 {
                eprintln!("  … and {suppressed} more failed requests not shown");
            }
            outcome
        });
        outcome.foreign_cpu_percent = cpu.and_then(|cpu| cpu.foreign_share_since());
        outcome
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    from: Instant,
    until: Instant,
}

struct Tally {
    requests: u64,
    errors: u64,
    latency_ns: Histogram<u64>,
}

fn new_histogram() -> Histogram<u64> {
    // 1 ns to 60 s at three significant digits.
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

/// One connection's loop; reconnects after a transport error.
async fn drive(target: Arc<Target>, window: Window, shown: Arc<AtomicU32>) -> Tally {
    let mut tally = Tally { requests: 0, errors: 0, latency_ns: new_histogram() };
    let mut connection: Option<Connection> = None;
    while Instant::now() < window.until {
        let open = match &mut connection {
            Some(open) => open,
            None => match Connection::open(target.addr).await {
                Ok(open) => connection.insert(open),
                Err(err) => {
                    report(&shown, &format!("connecting to {} failed: {err}", target.addr));
                    tally.errors += u64::from(Instant::now() >= window.from);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let started = Instant::now();
        let result = open.exchange(&target).await;
        let finished = Instant::now();
        let counted = started >= window.from && finished <= window.until;
        match result {
            Ok((status, _)) if status.is_success() => {
                if counted {
                    tally.requests += 1;
                    let nanos = u64::try_from((finished - started).as_nanos()).unwrap_or(u64::MAX);
                    tally.latency_ns.saturating_record(nanos.max(1));
                }
            }
            Ok((status, body)) => {
                report(&shown, &format!("{} {} answered {status}: {}", target.method, target.path, snippet(&body)));
                tally.errors += u64::from(counted);
            }
            Err(err) => {
                report(&shown, &format!("{} {} failed: {err}", target.method, target.path));
                tally.errors += u64::from(counted);
                if let Some(broken) = connection.take() {
                    broken.close().await;
                }
            }
        }
    }
    if let Some(open) = connection {
        open.close().await;
    }
    tally
}

/// One keep-alive client connection and the task that drives it.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    driver: JoinHandle<()>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        let driver = tokio::spawn(async move {
            // A broken connection shows up as an error of the next request.
            let _ = connection.await;
        });
        Ok(Connection { sender, driver })
    }

    /// Sends `target`'s request and reads the whole answer.
    pub async fn exchange(&mut self, target: &Target) -> anyhow::Result<(StatusCode, Bytes)> {
        self.sender.ready().await?;
        let response = self.sender.send_request(target.request()).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }

    /// Closes the connection and waits until the socket is shut, so that a
    /// server's graceful shutdown does not wait for it.
    pub async fn close(self) {
        drop(self.sender);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.driver).await;
    }
}

fn report(shown: &AtomicU32, message: &str) {
    if shown.fetch_add(1, Ordering::Relaxed) < ERRORS_SHOWN {
        eprintln!("  error: {message}");
    }
}

/// The start of a response body, for error messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    text.replace('\n', " ")
}
