//! Where guest code runs: inline on the async worker that received the
//! request, or on a thread of its own.
//!
//! Running inline is what makes a fresh instance per request cheap: no
//! thread handoff, no wake-up. It is only safe for guests that finish
//! quickly, so the host watches: a guest that burns a whole epoch tick of CPU
//! (10 ms, measured on its thread after the first tick) hands its worker's
//! other tasks to a fresh worker thread and puts its app in quarantine. A
//! quarantined app runs on a blocking thread from the start, for
//! [`QUARANTINE`]. A hostile app can therefore hold up other requests for
//! about two ticks, once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::capabilities::on_multi_thread_runtime;

/// How long an app that ran slow keeps running off the async workers.
pub const QUARANTINE: Duration = Duration::from_secs(60);

/// How long a slow guest waits, at most, for its worker's tasks to be picked
/// up by another thread.
const HANDOFF_GRACE: Duration = Duration::from_micros(500);

/// Per app: until when its requests run off the async workers.
#[derive(Debug, Default)]
pub struct Quarantine {
    until_ms: AtomicU64,
}

impl Quarantine {
    /// Whether requests of this app must run on a thread of their own now.
    pub fn is_active(&self) -> bool {
        self.until_ms.load(Ordering::Relaxed) > now_ms()
    }

    /// Starts (or extends) the quarantine.
    pub fn impose(&self) {
        let until = now_ms().saturating_add(QUARANTINE.as_millis() as u64);
        self.until_ms.fetch_max(until, Ordering::Relaxed);
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_millis() as u64).unwrap_or(0)
}

/// Runs `work`, which blocks, from async code: inline when `inline` (and the
/// runtime allows blocking in place), otherwise without holding up the tasks
/// of this worker.
pub async fn run_guest<F, R>(inline: bool, work: F) -> Result<R, tokio::task::JoinError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    if on_multi_thread_runtime() {
        if inline { Ok(work()) } else { Ok(tokio::task::block_in_place(work)) }
    } else {
        tokio::task::spawn_blocking(work).await
    }
}

/// Called from guest code that turned out to be slow: hands this worker's
/// queued tasks to another thread so they do not wait for the guest.
pub(super) fn hand_off_worker() {
    if on_multi_thread_runtime() {
        // `block_in_place` moves the worker's queue to a new thread on entry;
        // the short sleep lets that thread take it before this one could
        // reclaim it on exit. If it was not taken in time, the next tick
        // tries again.
        tokio::task::block_in_place(|| std::thread::sleep(HANDOFF_GRACE));
    }
}
