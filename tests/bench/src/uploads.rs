//! Case (g): 20 residents' photos of 10 MiB each, uploaded at once.
//!
//! Twenty tickets are filed at the same time as `multipart/form-data`
//! forms, each with one 10 MiB JPEG in `attachment`, over a connection of
//! its own. The issue wants the server's peak memory to grow by less than
//! 100 MiB: uploads are streamed to disk, never held whole.
//!
//! Courtyard runs in this process, so its memory is the process's. Before
//! the uploads the kernel's high-water mark is reset (`5` into
//! `/proc/self/clear_refs`) and `VmRSS` read as the baseline; after them
//! `VmHWM` is the peak. The client adds next to nothing: each body is
//! generated while it is sent (`FormBody`), from one shared 64 KiB chunk, behind a JPEG
//! head of its own (19 bytes, with the upload's number) so that every photo
//! is a different file. A sampler
//! reading `VmRSS` every few milliseconds cross-checks the peak, and stands
//! in for it where the high-water mark cannot be reset.
//!
//! Every upload must be answered with the ticket (a `303` to its page, as a
//! browser's form gets), and `files` must hold 20 files of the whole size
//! for the new tickets; anything else is an error, not a figure.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION};
use http::{HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use hyper_util::rt::TokioIo;
use sqlx::{Any, Row};
use tokio::net::TcpStream;

use crate::caller;
use crate::load::{LoadGenerator, Target, snippet};
use crate::platform::Platform;
use crate::report::{self, Uploads};

/// Uploads sent at once.
pub const UPLOADS: usize = 20;
/// The size of each photo: the app's limit, `max_bytes` in its manifest.
pub const FILE_BYTES: u64 = 10 * 1024 * 1024;
/// The size of the chunks a body is sent in.
const CHUNK: usize = 64 * 1024;
const MIB: f64 = 1024.0 * 1024.0;
const BOUNDARY: &str = "CourtyardBenchBoundary7MA4YWxkTrZu0gW";
const PATH: &str = "/apps/service-center/tickets";

/// Sends the uploads and measures them; blocks on `generator` and `servers`.
pub fn run(
    servers: &tokio::runtime::Runtime,
    generator: &LoadGenerator,
    platform: &Platform,
) -> anyhow::Result<Uploads> {
    let resident = caller::get();
    let authorization = servers.block_on(platform.bearer(&resident.subject))?;
    // The app answers before anything is measured, with the category the forms name.
    let categories = Target::get(platform.local_addr(), "/apps/service-center/settings/categories")
        .with_header(AUTHORIZATION, authorization.clone());
    platform.await_ready(generator, &categories)?;
    let (status, body) = generator.send_once(&categories)?;
    anyhow::ensure!(
        status.is_success() && String::from_utf8_lossy(&body).contains("\"plumbing\""),
        "the service center's categories answered {status} without `plumbing`: {}",
        snippet(&body)
    );

    eprintln!("courtyard-uploads (g): {UPLOADS} concurrent uploads of {} MiB", FILE_BYTES >> 20);
    let hwm_reset = reset_peak().is_ok();
    if !hwm_reset {
        eprintln!("  warning: the peak RSS could not be reset; the peak is sampled instead");
    }
    let baseline = status_kib("VmRSS").context("reading VmRSS from /proc/self/status")?;
    let sampler = Sampler::start(baseline);
    let started = Instant::now();
    let answers = generator.block_on(async {
        let uploads: Vec<_> =
            (0..UPLOADS).map(|n| tokio::spawn(upload(platform.local_addr(), authorization.clone(), n))).collect();
        let mut answers = Vec::with_capacity(UPLOADS);
        for task in uploads {
            answers.push(task.await.context("an upload task panicked")?);
        }
        anyhow::Ok(answers)
    })?;
    let elapsed = started.elapsed();
    let sampled = sampler.stop();
    let hwm = status_kib("VmHWM").context("reading VmHWM from /proc/self/status")?;

    let mut tickets = Vec::with_capacity(UPLOADS);
    for (n, answer) in answers.into_iter().enumerate() {
        let (status, location, body) = answer.with_context(|| format!("upload {n} failed"))?;
        let ok = status.is_success() || status == StatusCode::SEE_OTHER;
        anyhow::ensure!(ok, "upload {n} answered {status}: {}", snippet(&body));
        let location = location.unwrap_or_default();
        anyhow::ensure!(
            !location.contains("unattached"),
            "upload {n}: the app could not attach the photo ({location}): {}",
            snippet(&body)
        );
        let ticket = ticket_id(status, &location, &body)
            .with_context(|| format!("upload {n} answered {status} naming no ticket: {location} {}", snippet(&body)))?;
        tickets.push(ticket);
    }
    let stored = servers.block_on(stored_files(platform, &tickets))?;
    anyhow::ensure!(
        stored == UPLOADS,
        "files holds {stored} photos of {FILE_BYTES} bytes for the {UPLOADS} new tickets, not {UPLOADS}"
    );

    let peak = if hwm_reset { hwm } else { sampled };
    let growth = peak.saturating_sub(baseline) as f64 / 1024.0;
    let seconds = elapsed.as_secs_f64();
    let mib_per_sec = (UPLOADS as u64 * FILE_BYTES) as f64 / MIB / seconds;
    eprintln!(
        "  {UPLOADS} uploads in {seconds:.2} s ({mib_per_sec:.0} MiB/s), peak RSS +{growth:.1} MiB \
         (target < {} MiB)",
        report::UPLOAD_GROWTH_TARGET_MIB
    );
    Ok(Uploads {
        uploads: UPLOADS,
        file_bytes: FILE_BYTES,
        succeeded: tickets.len(),
        files_stored: stored,
        baseline_rss_mib: report::round(baseline as f64 / 1024.0, 1),
        peak_rss_mib: report::round(peak as f64 / 1024.0, 1),
        peak_rss_growth_mib: report::round(growth, 1),
        peak_source: if hwm_reset { "VmHWM" } else { "sampled" },
        sampled_peak_growth_mib: report::round(sampled.saturating_sub(baseline) as f64 / 1024.0, 1),
        elapsed_secs: report::round(seconds, 3),
        mib_per_sec: report::round(mib_per_sec, 1),
    })
}

/// Resets the process's `VmHWM` to its current RSS (Linux 4.0 and later).
fn reset_peak() -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new().write(true).open("/proc/self/clear_refs")?.write_all(b"5")
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.strip_prefix(field).is_some_and(|rest| rest.starts_with(':')))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Reads `VmRSS` every 5 ms on a thread of its own and keeps the highest.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(baseline: u64) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(baseline));
        let thread = std::thread::spawn({
            let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
            move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(rss) = status_kib("VmRSS") {
                        peak.fetch_max(rss, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        });
        Sampler { stop, peak, thread }
    }

    /// Stops sampling; the highest `VmRSS` seen, in KiB.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        if let Some(rss) = status_kib("VmRSS") {
            self.peak.fetch_max(rss, Ordering::Relaxed);
        }
        self.peak.load(Ordering::Relaxed)
    }
}

/// The filler every photo shares: bytes that look like compressed image
/// data but hold nothing the host's sniffer looks for (markup, `%PDF-`,
/// `PK` records) and nothing that could end a multipart part.
fn shared_chunk() -> Bytes {
    static CHUNK_BYTES: OnceLock<Bytes> = OnceLock::new();
    CHUNK_BYTES
        .get_or_init(|| {
            let mut state: u64 = 0x2545_F491_4F6C_DD1D;
            let bytes = (0..CHUNK)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    match (state >> 24) as u8 {
                        b'<' | b'%' | b'P' | b'-' | b'\r' | b'\n' => 0,
                        byte => byte,
                    }
                })
                .collect::<Vec<u8>>();
            Bytes::from(bytes)
        })
        .clone()
}

/// The form around photo `n`: its fields and the file's part header
/// before it, the closing boundary after it.
fn form(n: usize) -> (Bytes, Bytes, Bytes) {
    let field = |name: &str, value: &str| {
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let mut before = String::new();
    before.push_str(&field("category", "plumbing"));
    before.push_str(&field("title", &format!("Water stain on the ceiling ({n})")));
    before.push_str(&field("description", "A brown stain on the ceiling of the stairwell; a photo is attached."));
    before.push_str(&field("location", "common_area"));
    before.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"photo.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    ));
    // A JPEG/JFIF start, then the upload's number: every photo differs.
    let head = format!("\u{0}\u{10}JFIF\u{0}bench{n:02}\u{0}");
    let mut head_bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    head_bytes.extend_from_slice(head.as_bytes());
    let after = format!("\r\n--{BOUNDARY}--\r\n");
    (Bytes::from(before), Bytes::from(head_bytes), Bytes::from(after))
}

/// The whole request body, generated while it is sent: the fields and
/// the file part's header, the photo's head, the shared filler chunk after
/// chunk, and the closing boundary.
struct FormBody {
    before: Option<Bytes>,
    head: Option<Bytes>,
    /// Filler bytes still to send.
    filler: usize,
    after: Option<Bytes>,
}

impl FormBody {
    fn new(before: Bytes, head: Bytes, after: Bytes) -> FormBody {
        let filler = FILE_BYTES as usize - head.len();
        FormBody { before: Some(before), head: Some(head), filler, after: Some(after) }
    }

    fn remaining(&self) -> u64 {
        let len = |part: &Option<Bytes>| part.as_ref().map_or(0, |bytes| bytes.len() as u64);
        len(&self.before) + len(&self.head) + self.filler as u64 + len(&self.after)
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        if let Some(chunk) = self.before.take().or_else(|| self.head.take()) {
            return Some(chunk);
        }
        if self.filler > 0 {
            let take = self.filler.min(CHUNK);
            self.filler -= take;
            return Some(shared_chunk().slice(..take));
        }
        self.after.take()
    }
}

impl Body for FormBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().next_chunk().map(|chunk| Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining())
    }
}

/// Files ticket `n` with its photo over a connection of its own; answers
/// the status, the `Location` and the body.
async fn upload(
    addr: std::net::SocketAddr,
    authorization: HeaderValue,
    n: usize,
) -> anyhow::Result<(StatusCode, Option<String>, Bytes)> {
    let (before, head, after) = form(n);
    let length = before.len() as u64 + FILE_BYTES + after.len() as u64;
    let request = Request::builder()
        .method(Method::POST)
        .uri(PATH)
        .header(HOST, addr.to_string())
        .header(AUTHORIZATION, authorization)
        .header(CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(CONTENT_LENGTH, length)
        .body(FormBody::new(before, head, after))?;
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let status = response.status();
    let location = response.headers().get(LOCATION).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let body = response.into_body().collect().await?.to_bytes();
    drop(sender);
    let _ = tokio::time::timeout(Duration::from_secs(5), driver).await;
    Ok((status, location, body))
}

/// The ticket an answer names: `tickets/{id}` in a 303's `Location`, or
/// `ticket.id` of a JSON answer.
fn ticket_id(status: StatusCode, location: &str, body: &[u8]) -> Option<String> {
    if status == StatusCode::SEE_OTHER {
        let path = location.split('?').next()?;
        let id = path.rsplit_once("tickets/")?.1;
        return (!id.is_empty() && !id.contains('/')).then(|| id.to_owned());
    }
    let answer: serde_json::Value = serde_json::from_slice(body).ok()?;
    answer["ticket"]["id"].as_str().map(str::to_owned)
}

/// How many of `tickets` carry a stored JPEG of the whole size.
async fn stored_files(platform: &Platform, tickets: &[String]) -> anyhow::Result<usize> {
    let mut stored = 0;
    for ticket in tickets {
        let row = sqlx::query::<Any>(
            "SELECT COUNT(*) FROM files WHERE app_id = 'service-center' AND collection = 'tickets' \
             AND document_id = ? AND size = ? AND media_type = 'image/jpeg'",
        )
        .bind(ticket.clone())
        .bind(FILE_BYTES as i64)
        .fetch_one(platform.database().pool())
        .await?;
        stored += usize::try_from(row.try_get::<i64, _>(0)?)?;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_the_declared_length_and_the_photo_exactly_ten_mib() {
        let (before, head, after) = form(7);
        let declared = before.len() as u64 + FILE_BYTES + after.len() as u64;
        let mut body = FormBody::new(before.clone(), head.clone(), after.clone());
        assert_eq!(body.size_hint().exact(), Some(declared));
        let mut sent = Vec::new();
        while let Some(chunk) = body.next_chunk() {
            assert!(chunk.len() <= CHUNK.max(before.len()));
            sent.extend_from_slice(&chunk);
        }
        assert!(body.is_end_stream());
        assert_eq!(sent.len() as u64, declared);
        let photo = &sent[before.len()..sent.len() - after.len()];
        assert_eq!(photo.len() as u64, FILE_BYTES);
        assert!(photo.starts_with(b"\xFF\xD8\xFF\xE0"));
        assert_ne!(form(8).1, head, "every photo is a different file");
    }

    #[test]
    fn the_filler_holds_nothing_the_sniffer_or_the_form_reader_looks_for() {
        let (_, head, _) = form(13);
        let mut start = head.to_vec();
        start.extend_from_slice(&shared_chunk());
        let lower = start[..1024].to_ascii_lowercase();
        for mark in [&b"<"[..], b"%pdf-", b"pk\x03\x04", b"pk\x05\x06", b"riff"] {
            assert!(!lower.windows(mark.len()).any(|window| window == mark), "{mark:?}");
        }
        assert!(!shared_chunk().iter().any(|byte| matches!(byte, b'<' | b'%' | b'P' | b'-' | b'\r' | b'\n')));
        assert!(!head.iter().any(|byte| matches!(byte, b'<' | b'%' | b'P' | b'-' | b'\r' | b'\n')));
    }

    #[test]
    fn answers_name_their_ticket() {
        let id = ticket_id(StatusCode::SEE_OTHER, "/apps/service-center/tickets/3f2c-1", b"");
        assert_eq!(id.as_deref(), Some("3f2c-1"));
        assert_eq!(ticket_id(StatusCode::SEE_OTHER, "tickets/ab?unattached=1", b"").as_deref(), Some("ab"));
        assert_eq!(ticket_id(StatusCode::CREATED, "", br#"{"ticket": {"id": "x1"}}"#).as_deref(), Some("x1"));
        assert_eq!(ticket_id(StatusCode::SEE_OTHER, "/apps/service-center/", b""), None);
    }
}
