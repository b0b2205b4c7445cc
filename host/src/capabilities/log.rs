//! `courtyard:platform/log`: guest diagnostics into the host's log.

use super::{CallContext, CallError, QuotaSpent};
use crate::capabilities::bindings::log::{Host, Level};
use crate::grant::PlatformInterface;

/// Longest message kept; the rest is cut at a character boundary.
const MAX_MESSAGE: usize = 4 << 10;

impl Host for CallContext {
    fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        if let Err(CallError::QuotaSpent) = self.admit(PlatformInterface::Log) {
            return Err(wasmtime::Error::new(QuotaSpent));
        }
        let mut end = message.len().min(MAX_MESSAGE);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        // Line breaks and other control characters would let a guest forge
        // log lines of its own; they are shown escaped.
        let message = printable(&message[..end]);
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
        Ok(())
    }
}

/// `text` with control characters (line breaks included) escaped, so guest
/// text cannot forge log lines; everything else is kept as it is.
pub(crate) fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_control() {
            shown.extend(ch.escape_default());
        } else {
            shown.push(ch);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let forged = "ok\n2026-11-28T00:00:00Z ERROR courtyard::web: fake\r\u{1b}[31m Grüezi";
        assert_eq!(
            super::printable(forged),
            "ok\\n2026-11-28T00:00:00Z ERROR courtyard::web: fake\\r\\u{1b}[31m Grüezi"
        );
    }
}
