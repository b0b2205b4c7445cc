//! The one place that decides whether an app may make a host call.
//!
//! Today the decision is: the interface is declared in the app's manifest
//! (install already refused undeclared imports; this re-checks at call time,
//! so a manifest change can never widen access silently) and the request has
//! host-call quota left. Customer approval, resident consent and restriction
//! join this decision as the platform grows; the audit write belongs right
//! beside it.

use std::sync::Arc;

use crate::catalog::{AppKind, Manifest, PlatformInterface};

/// What an installed app version may do, derived from its manifest.
#[derive(Debug)]
pub struct AppPolicy {
    pub app_id: Arc<str>,
    pub version: String,
    pub kind: AppKind,
    declared: Vec<PlatformInterface>,
}

/// Why a host call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The app may not use this interface.
    Denied(String),
    /// The request used up its host-call quota.
    QuotaExhausted,
}

impl AppPolicy {
    pub fn from_manifest(manifest: &Manifest) -> AppPolicy {
        AppPolicy {
            app_id: Arc::from(manifest.id.as_str()),
            version: manifest.version.clone(),
            kind: manifest.kind,
            declared: manifest.interfaces.clone(),
        }
    }

    /// Whether the app declared `interface`.
    pub fn declares(&self, interface: PlatformInterface) -> bool {
        self.declared.contains(&interface)
    }

    /// The decision for one host call on `interface`.
    pub fn decide(&self, interface: PlatformInterface, quota_left: bool) -> Result<(), Refusal> {
        if !self.declares(interface) {
            return Err(Refusal::Denied(format!(
                "app `{}` did not declare the `{}` interface",
                self.app_id,
                interface.name()
            )));
        }
        if !quota_left {
            return Err(Refusal::QuotaExhausted);
        }
        Ok(())
    }
}
