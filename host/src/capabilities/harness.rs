//! A host for one capability at a time, without a server or a guest: a
//! temporary SQLite database, an inline manifest, and a [`CallContext`] the
//! test calls the interface's host functions on directly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Acting, CallContext, CallError, CallerContext, HostServices, OutboundClient, ProfileCache};
use crate::audit::{AuditEntry, Auditor};
use crate::catalog::Manifest;
use crate::policy::{AppPolicy, PolicyStore};
use crate::storage::Database;

/// A database and the services over it; dropped with the test.
pub(super) struct Harness {
    _dir: tempfile::TempDir,
    pub database: Database,
    services: HostServices,
}

/// A third-party manifest asking for `capabilities` (TOML tables).
pub(super) fn third_party(capabilities: &str) -> String {
    format!(
        "id = \"probe\"\nversion = \"1.0.0\"\nname = \"Probe\"\nkind = \"third-party\"\nvendor = \"Probe Ltd\"\n\
         description = \"Probes one capability.\"\nprivacy_policy = \"https://probe.example/privacy\"\n\
         [processing]\nlocation = \"EU/EEA\"\n{capabilities}"
    )
}

impl Harness {
    pub async fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("courtyard.db").display());
        let database = Database::connect(&url).await.unwrap();
        let services = HostServices {
            database: database.clone(),
            tokio: tokio::runtime::Handle::current(),
            document_bytes: 64 << 10,
            policy: Arc::new(PolicyStore::new(database.clone()).await.unwrap()),
            auditor: Auditor::start(database.clone(), None, 1000),
            outbound: OutboundClient::new(crate::config::OutboundSettings::default()).unwrap(),
            notifications_per_hour: 20,
            profiles: Arc::new(ProfileCache::new(database.clone(), Duration::from_millis(0))),
        };
        Harness { _dir: dir, database, services }
    }

    /// A context for `manifest`'s app acting as `acting` for `user` in
    /// `customer`/`property`, with a quota of `cap` host calls.
    pub fn context(&self, manifest: &str, acting: Acting, user: &str, cap: u32) -> CallContext {
        let manifest = Manifest::parse(manifest).unwrap();
        let policy = AppPolicy::of(&manifest, "digest");
        let caller = CallerContext {
            subject: Some(format!("ps-{user}")),
            user_id: Some(user.to_owned()),
            acting,
            customer: Some("customer".to_owned()),
            property: Some("property".to_owned()),
            roles: vec!["resident".to_owned()],
            staff: false,
            units: vec!["unit".to_owned()],
            locale: "en".to_owned(),
            request_id: "request".to_owned(),
        };
        CallContext::new(self.services.clone(), Arc::new(policy), caller, cap, Instant::now() + Duration::from_secs(5))
    }
}

/// Every entry the context's calls left, once durable.
pub(super) async fn entries(harness: &Harness, context: &mut CallContext) -> Vec<AuditEntry> {
    for receipt in context.take_receipts() {
        receipt.settled().await.unwrap();
    }
    let query = crate::storage::AuditQuery { limit: 1000, ..Default::default() };
    harness.database.audit_entries(&query).await.unwrap()
}

/// The refusal a call ended with.
pub(super) fn refusal<T: std::fmt::Debug>(result: Result<T, CallError>) -> super::bindings::types::Error {
    match result {
        Err(CallError::Refused(error)) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
