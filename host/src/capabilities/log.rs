//! `courtyard:platform/log`: guest diagnostics into the host's log.

use crate::catalog::PlatformInterface;
use crate::runtime::RequestState;
use crate::runtime::bindings::log::{Host, Level};

/// Longest message kept; the rest is cut at a character boundary.
const MAX_MESSAGE: usize = 4 << 10;

impl Host for RequestState {
    fn write(&mut self, level: Level, message: String) {
        if self.admit(PlatformInterface::Log).is_err() {
            return;
        }
        let mut end = message.len().min(MAX_MESSAGE);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        // Line breaks and other control characters would let a guest forge
        // log lines of its own; they are shown escaped.
        let message = crate::runtime::printable(&message[..end]);
        let (app, request_id) = (&*self.app_id, &self.caller.request_id);
        match level {
            Level::Trace => {
                tracing::trace!(target: "courtyard::guest", app, request_id, "{message}")
            }
            Level::Debug => {
                tracing::debug!(target: "courtyard::guest", app, request_id, "{message}")
            }
            Level::Info => tracing::info!(target: "courtyard::guest", app, request_id, "{message}"),
            Level::Warn => tracing::warn!(target: "courtyard::guest", app, request_id, "{message}"),
            Level::Error => {
                tracing::error!(target: "courtyard::guest", app, request_id, "{message}")
            }
        }
    }
}
