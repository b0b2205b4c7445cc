//! The end-to-end suite: real `courtyard` server processes on loopback,
//! real databases (embedded SQLite, or PostgreSQL when
//! `COURTYARD_TEST_DATABASE_URL` is set) and real guest components.
//!
//! One test binary with a module per area, so the suite links once; run an
//! area with e.g. `cargo test --test e2e audit::`.

mod support;

mod app_journeys;
mod app_origins;
mod app_tickets;
mod audit;
mod bola;
mod bookings;
mod collections;
mod coming_up;
mod compatibility;
mod consent_choices;
mod contract_0_2;
mod conventions;
mod data_subjects;
mod directory;
mod directory_journey;
mod durability;
mod error_pages;
mod files;
mod forms;
mod http;
mod import;
mod info;
mod info_journey;
mod install;
mod journeys;
mod mail;
mod mail_journey;
mod malformed;
mod marketplace;
mod marketplace_journey;
mod moderation;
mod moving_service;
mod neighbors;
mod neighbors_journey;
mod notifications;
mod overreach;
mod permissions;
mod pinboard;
mod policy_sync;
mod portal;
mod sandbox;
mod service_center;
mod sharing;
mod sharing_journey;
mod signup;
mod slow_clients;
mod tokens;
