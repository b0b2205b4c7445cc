//! The one place that decides whether an app may make a host call.
//!
//! Access is effective only when all of these hold, checked in this order:
//!
//! 1. **declared**: the app's manifest asks for the grant (install already
//!    refused undeclared imports; this re-checks per grant at call time);
//! 2. **approved**: the customer enabled this app for the property and
//!    approved the grant;
//! 3. **consented**: for a third-party app, the person the data is about gave
//!    consent covering the grant, and has not withdrawn it;
//! 4. **not restricted**: that person does not restrict processing of their
//!    data (GDPR Art. 18).
//!
//! Conditions 3 and 4 are about **the person the data is about**, never only
//! the caller: a profile read is decided on its subject's standing, and a
//! document read by a third-party app returns only documents whose owners
//! consented and do not restrict processing ([`owners_who_allow`], checked
//! inside the storage query). A resident's consent covers their own data,
//! never their neighbours'.
//!
//! The host-call gate (`capabilities/gate.rs`) asks [`decide`] and writes
//! the audit entry right beside it, allowed or not.

pub use crate::grant;
mod pairwise;
mod pseudonym;
mod store;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub use crate::storage::{Approval, Standing};
pub use pairwise::PairwiseIds;
pub use pseudonym::Pseudonyms;
pub use store::{PolicyStore, spawn_invalidation};

use crate::grant::{AppKind, RequestedGrant};
use crate::storage::OwnerConsent;

/// What an app version asks for, derived from its manifest.
#[derive(Debug)]
pub struct AppPolicy {
    pub app_id: Arc<str>,
    pub version: String,
    pub kind: AppKind,
    /// SHA-256 of the component, for audit entries.
    pub digest: Arc<str>,
    requested: HashMap<String, RequestedGrant>,
    /// The platform roles that count as the app's staff.
    pub staff_roles: Vec<String>,
    /// Fields the app may range over or order by, per collection.
    pub indexes: Vec<crate::catalog::IndexDeclaration>,
    /// The attachments the app takes, if it takes any.
    pub files: Option<crate::catalog::FilesDeclaration>,
}

/// Why a host call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The app may not do this; the reason is safe to show to a person.
    Denied(String),
    /// The request used up its host-call quota.
    QuotaExhausted,
}

/// The outcome of one decision, with the references the audit entry needs.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub outcome: Result<(), Refusal>,
    /// The grant the decision was about.
    pub grant: String,
    /// The purpose the manifest gives for it.
    pub purpose: Option<String>,
    pub legal_basis: &'static str,
    pub approval_ref: Option<String>,
    pub consent_ref: Option<String>,
}

/// The legal basis for an app's processing: the customer's contract with
/// its residents for core apps, the resident's consent for third-party ones.
pub fn legal_basis(kind: AppKind) -> &'static str {
    match kind {
        AppKind::Core => "contract",
        AppKind::ThirdParty => "consent",
    }
}

impl AppPolicy {
    /// The policy of one app version: its id, version and kind, the digest
    /// of its component, and every grant its manifest asks for.
    pub fn new(app_id: &str, version: &str, kind: AppKind, digest: &str, requested: Vec<RequestedGrant>) -> AppPolicy {
        AppPolicy {
            app_id: Arc::from(app_id),
            version: version.to_owned(),
            kind,
            digest: Arc::from(digest),
            requested: requested.into_iter().map(|grant| (grant.key.clone(), grant)).collect(),
            staff_roles: Vec::new(),
            indexes: Vec::new(),
            files: None,
        }
    }

    /// The policy of the app `manifest` describes.
    pub fn of(manifest: &crate::catalog::Manifest, digest: &str) -> AppPolicy {
        AppPolicy {
            staff_roles: manifest.staff_roles.clone(),
            indexes: manifest.indexes.clone(),
            files: manifest.files.clone(),
            ..AppPolicy::new(&manifest.id, &manifest.version, manifest.kind, digest, manifest.requested_grants())
        }
    }

    /// Whether `field` of `collection` leads or continues a declared index,
    /// so that ranges over it and ordering by it are served by one.
    pub fn indexes_field(&self, collection: &str, field: &str) -> bool {
        self.indexes.iter().any(|index| index.collection == collection && index.fields.iter().any(|f| f == field))
    }

    /// Whether the manifest asks for `grant`.
    pub fn requests(&self, grant: &str) -> bool {
        self.requested.contains_key(grant)
    }

    /// Every grant key the manifest asks for.
    pub fn requested_keys(&self) -> BTreeSet<String> {
        self.requested.keys().cloned().collect()
    }

    pub fn requested(&self, grant: &str) -> Option<&RequestedGrant> {
        self.requested.get(grant)
    }
}

/// The decision for one host call that needs one of `candidates` (for
/// example reading a collection needs its read or its write grant).
///
/// `subject` is the standing of the person the data is about, when there is
/// one: the caller for their own data, another person for theirs. Calls made
/// for the platform itself (life-cycle hooks) have none and need no consent.
pub fn decide(
    app: &AppPolicy,
    candidates: &[String],
    approval: Option<&Approval>,
    property: Option<&str>,
    subject: Option<&Standing>,
) -> Verdict {
    let declared: Vec<&String> = candidates.iter().filter(|key| app.requests(key)).collect();
    // Prefer a declared grant the customer approved, for the clearest answer.
    let chosen = declared
        .iter()
        .find(|key| approval.is_some_and(|approval| approval.grants.contains(**key)))
        .or(declared.first())
        .map(|key| (*key).clone());
    let mut verdict = Verdict {
        outcome: Ok(()),
        grant: chosen.clone().unwrap_or_else(|| candidates.first().cloned().unwrap_or_default()),
        purpose: chosen.as_ref().and_then(|key| app.requested(key)).map(|grant| grant.purpose.clone()),
        legal_basis: legal_basis(app.kind),
        approval_ref: approval.map(Approval::reference),
        consent_ref: None,
    };
    let deny = |mut verdict: Verdict, reason: String| {
        verdict.outcome = Err(Refusal::Denied(reason));
        verdict
    };
    let Some(grant) = chosen else {
        let reason = format!("app `{}` did not ask for `{}` in its manifest", app.app_id, verdict.grant);
        return deny(verdict, reason);
    };
    let label = app.requested(&grant).map_or_else(|| grant.clone(), |requested| requested.label.clone());
    let approved = approval.is_some_and(|approval| {
        property.is_none_or(|property| approval.covers(property))
            && approval.enabled
            && approval.grants.contains(&grant)
    });
    if !approved {
        let reason = format!("the property's management has not approved `{grant}` for app `{}`", app.app_id);
        return deny(verdict, reason);
    }
    if app.kind == AppKind::ThirdParty
        && let Some(subject) = subject
    {
        if subject.restricted {
            return deny(verdict, "the person restricts processing of their data".to_owned());
        }
        if !subject.consented.contains(&grant) {
            return deny(verdict, format!("the person has not consented to {label} (`{grant}`)"));
        }
        verdict.consent_ref = Some(subject.consent_ids.join(","));
    }
    verdict
}

/// Whose documents `app` may receive when it reads under one of
/// `candidates`: for a third-party app only those of owners who consented
/// to a declared one of them and do not restrict processing; for a core app
/// (the customer's contract with its residents) every visible one.
pub fn owners_who_allow(app: &AppPolicy, candidates: &[String]) -> Option<OwnerConsent> {
    (app.kind == AppKind::ThirdParty).then(|| OwnerConsent {
        app_id: app.app_id.to_string(),
        grants: candidates.iter().filter(|grant| app.requests(grant)).cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Manifest;

    fn app(kind: &str) -> AppPolicy {
        let manifest = Manifest::parse(&format!(
            r#"
            id = "movers"
            version = "1.0.0"
            name = "Movers"
            kind = "{kind}"
            vendor = "Movers Ltd"
            description = "Quotes."
            privacy_policy = "https://movers.example/privacy"
            [processing]
            location = "EU/EEA"
            [[capabilities]]
            kind = "profile.read"
            fields = ["email", "phone"]
            purpose = "To send the quote."
            "#
        ))
        .unwrap();
        AppPolicy::new(&manifest.id, &manifest.version, manifest.kind, "digest", manifest.requested_grants())
    }

    fn approval(grants: &[&str]) -> Approval {
        Approval {
            customer_id: "c".into(),
            app_id: "movers".into(),
            version: "1.0.0".into(),
            grants: grants.iter().map(|grant| grant.to_string()).collect(),
            all_properties: false,
            property_ids: vec!["p".into()],
            enabled: true,
            approved_by: Some("admin".into()),
            approved_at: 0,
        }
    }

    fn standing(consented: &[&str]) -> Standing {
        Standing {
            user_id: "u".into(),
            consented: consented.iter().map(|grant| grant.to_string()).collect(),
            consent_ids: vec!["k1".into()],
            ..Standing::default()
        }
    }

    fn reason(verdict: Verdict) -> String {
        match verdict.outcome {
            Err(Refusal::Denied(reason)) => reason,
            other => panic!("expected a denial, got {other:?}"),
        }
    }

    #[test]
    fn every_condition_must_hold() {
        let third = app("third-party");
        let email = vec!["profile.read:email".to_owned()];
        let approved = approval(&["profile.read:email"]);
        let consented = standing(&["profile.read:email"]);
        let allowed = decide(&third, &email, Some(&approved), Some("p"), Some(&consented));
        assert!(allowed.outcome.is_ok());
        assert_eq!(allowed.legal_basis, "consent");
        assert_eq!(allowed.consent_ref.as_deref(), Some("k1"));

        let undeclared = vec!["profile.read:address".to_owned()];
        assert!(
            reason(decide(&third, &undeclared, Some(&approved), Some("p"), Some(&consented))).contains("did not ask")
        );
        let phone = vec!["profile.read:phone".to_owned()];
        assert!(reason(decide(&third, &phone, Some(&approved), Some("p"), Some(&consented))).contains("not approved"));
        assert!(
            reason(decide(&third, &email, Some(&approved), Some("other"), Some(&consented))).contains("not approved")
        );
        assert!(reason(decide(&third, &email, None, Some("p"), Some(&consented))).contains("not approved"));
        let mut disabled = approved.clone();
        disabled.enabled = false;
        assert!(reason(decide(&third, &email, Some(&disabled), Some("p"), Some(&consented))).contains("not approved"));
        assert!(reason(decide(&third, &email, Some(&approved), Some("p"), Some(&standing(&[])))).contains("consented"));
        let mut restricted = consented.clone();
        restricted.restricted = true;
        assert!(reason(decide(&third, &email, Some(&approved), Some("p"), Some(&restricted))).contains("restricts"));
    }

    #[test]
    fn core_apps_need_approval_but_no_consent() {
        let core = app("core");
        let email = vec!["profile.read:email".to_owned()];
        let verdict = decide(&core, &email, Some(&approval(&["profile.read:email"])), Some("p"), Some(&standing(&[])));
        assert!(verdict.outcome.is_ok());
        assert_eq!(verdict.legal_basis, "contract");
        assert!(reason(decide(&core, &email, Some(&approval(&[])), Some("p"), None)).contains("not approved"));
    }
}
