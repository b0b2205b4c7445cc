//! Diagnostics into the host's log. Never log personal data.

use crate::bindings::courtyard::platform::log::{Level, write};

pub fn trace(message: &str) {
    write(Level::Trace, message);
}

pub fn debug(message: &str) {
    write(Level::Debug, message);
}

pub fn info(message: &str) {
    write(Level::Info, message);
}

pub fn warn(message: &str) {
    write(Level::Warn, message);
}

pub fn error(message: &str) {
    write(Level::Error, message);
}
