//! Courtyard: the host for the micro-apps of a residential property platform.
//!
//! Each feature (pinboard, service tickets, bookings, …) is a WebAssembly
//! component that runs in a fresh sandbox per request. The host stands
//! between every app and every piece of data: apps reach storage, identity
//! and logging only through the `courtyard:platform` WIT imports, and each
//! import call passes the app's policy first.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = courtyard::config::Config::with_data_dir("/var/lib/courtyard");
//! let server = courtyard::server::start(config).await?;
//! println!("listening on {}", server.local_addr());
//! server.wait().await
//! # }
//! ```
//!
//! Layout: [`web`] (HTTP) → [`catalog`] (installed apps) → [`runtime`] (the
//! sandbox) → `capabilities` (one module per WIT interface, gated by
//! [`policy`]) → [`storage`].

mod admin;
pub mod audit;
pub mod bundled;
pub mod capabilities;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod files;
pub mod grant;
mod i18n;
pub mod identity;
pub mod mail;
pub mod policy;
pub mod runtime;
pub mod server;
pub mod storage;
pub mod timestamp;
pub mod web;
