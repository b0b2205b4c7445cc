//! Guest stdout and stderr, sent to `tracing` under a per-request byte budget.
//!
//! A guest that prints in a loop must not fill the operator's disk: once the
//! budget is spent, further output is dropped and one warning says so.

use crate::capabilities::printable;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Which stream a write came from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stream {
    Stdout,
    Stderr,
}

/// One request's output sink for one stream; stdout and stderr share a budget.
#[derive(Clone)]
pub(super) struct GuestOutput {
    stream: Stream,
    app_id: Arc<str>,
    budget: Arc<Budget>,
}

struct Budget {
    remaining: AtomicUsize,
    warned: AtomicBool,
}

impl GuestOutput {
    /// A stdout/stderr pair sharing `budget` bytes.
    pub(super) fn pair(app_id: Arc<str>, budget: usize) -> (GuestOutput, GuestOutput) {
        let budget = Arc::new(Budget { remaining: AtomicUsize::new(budget), warned: AtomicBool::new(false) });
        let stdout = GuestOutput { stream: Stream::Stdout, app_id, budget };
        let stderr = GuestOutput { stream: Stream::Stderr, ..stdout.clone() };
        (stdout, stderr)
    }

    fn emit(&self, bytes: &[u8]) {
        let wanted = bytes.len();
        let granted = self
            .budget
            .remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| Some(left.saturating_sub(wanted)))
            .unwrap_or(0)
            .min(wanted);
        if granted > 0 {
            let text = String::from_utf8_lossy(&bytes[..granted]);
            // Control characters (line breaks included) are escaped so a
            // guest cannot forge log lines.
            let text = printable(text.trim_end());
            match self.stream {
                Stream::Stdout => {
                    tracing::info!(target: "courtyard::guest", app = %self.app_id, stream = "stdout", "{text}")
                }
                Stream::Stderr => {
                    tracing::warn!(target: "courtyard::guest", app = %self.app_id, stream = "stderr", "{text}")
                }
            }
        }
        if granted < wanted && !self.budget.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(target: "courtyard::guest", app = %self.app_id, "guest output over budget; the rest of this request's output is dropped");
        }
    }
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for GuestOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.emit(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 << 10)
    }
}

impl AsyncWrite for GuestOutput {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.emit(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
