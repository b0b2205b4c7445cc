//! Host implementations of the `courtyard:platform` interfaces, one module
//! per WIT interface.
//!
//! Every data call passes [`RequestState::admit_access`]: it counts the call
//! against the quota, asks `policy::decide` for each grant the call needs,
//! and leaves exactly one audit entry per call, whether refused there or
//! finished by [`RequestState::settle`] after the work is done. Refusals reach
//! the guest as the typed `denied` error; nothing traps.

mod collections;
mod context;
mod log;
mod notifications;
mod outbound_http;
mod profile;
mod profile_cache;

pub use outbound_http::OutboundClient;
pub use profile_cache::ProfileCache;

use std::sync::Arc;

use crate::audit::AuditEntry;
use crate::catalog::{AppKind, PlatformInterface};
use crate::policy::{Refusal, Standing, decide};
use crate::runtime::RequestState;
use crate::runtime::bindings::types::{self, Error};

impl types::Host for RequestState {}

/// What a decision needs: the customer's approval and, when consent
/// matters, the data subject's standing.
type PolicyInputs = (Option<Arc<crate::policy::Approval>>, Option<Arc<Standing>>);

/// What one data call wants to do.
pub(crate) struct Access {
    /// The audit action, e.g. `profile.read`.
    pub action: &'static str,
    /// Every group must be allowed; within a group, any one grant suffices.
    pub grants: Vec<Vec<String>>,
    pub resource_type: &'static str,
    pub resource_id: Option<String>,
    /// The person the data is about (internal id), when not the caller.
    pub subject: Option<String>,
    /// Field names touched, comma-separated.
    pub fields: Option<String>,
}

impl Access {
    pub fn new(action: &'static str, resource_type: &'static str, grants: Vec<Vec<String>>) -> Access {
        Access { action, grants, resource_type, resource_id: None, subject: None, fields: None }
    }
}

impl RequestState {
    /// Admits a call that touches no data (context, log): quota only.
    pub(crate) fn admit(&mut self, interface: PlatformInterface) -> Result<(), Error> {
        if self.count_host_call() {
            return Ok(());
        }
        tracing::info!(app = %self.app_id, interface = interface.name(), "host-call quota used up");
        Err(Error::Limit("host-call quota of this request is used up".to_owned()))
    }

    /// Decides a data call. On refusal the audit entry is written and the
    /// error returned; when allowed, the caller does the work and passes the
    /// returned draft to [`RequestState::settle`].
    pub(crate) fn admit_access(&mut self, access: Access) -> Result<AuditEntry, Error> {
        let subject = access.subject.clone().or_else(|| self.caller.user_id.clone());
        let mut entry = self.draft(&access, subject.as_deref());
        if !self.count_host_call() {
            return Err(self.refuse(entry, Error::Limit("host-call quota of this request is used up".to_owned())));
        }
        let third_party = self.policy.kind == AppKind::ThirdParty;
        // Platform calls (life-cycle hooks) act for nobody and need no consent.
        let consent_subject = if self.caller.for_platform { None } else { subject.clone() };
        let (approval, standing) = match self.policy_inputs(consent_subject.filter(|_| third_party)) {
            Ok(inputs) => inputs,
            Err(error) => return Err(self.refuse(entry, error)),
        };
        let standing: Option<&Standing> = standing.as_deref();
        let mut refs = Vec::new();
        for group in &access.grants {
            let verdict = decide(&self.policy, group, approval.as_deref(), self.caller.property.as_deref(), standing);
            entry.purpose = entry.purpose.or(verdict.purpose.clone());
            entry.legal_basis = Some(verdict.legal_basis.to_owned());
            entry.consent_ref = verdict.consent_ref.clone().or(entry.consent_ref);
            refs.push(verdict.grant.clone());
            entry.grant_ref = Some(format!(
                "{}#{}",
                verdict.approval_ref.clone().unwrap_or_else(|| "unapproved".to_owned()),
                refs.join(",")
            ));
            match verdict.outcome {
                Ok(()) => {}
                Err(Refusal::Denied(reason)) => return Err(self.refuse(entry, Error::Denied(reason))),
                Err(Refusal::QuotaExhausted) => {
                    return Err(self.refuse(entry, Error::Limit("host-call quota used up".to_owned())));
                }
            }
        }
        Ok(entry)
    }

    /// The customer's approval and the data subject's standing, from this
    /// node's cache when it has them (no waiting), else from the database.
    fn policy_inputs(&self, subject: Option<String>) -> Result<PolicyInputs, Error> {
        let policy = &self.services.policy;
        let customer = self.caller.customer.as_deref().unwrap_or_default();
        let cached_approval = policy.cached_approval(customer, &self.app_id);
        let cached_standing = match &subject {
            Some(user) => policy.cached_standing(user, &self.app_id).map(Some),
            None => Some(None),
        };
        if let (Some(approval), Some(standing)) = (&cached_approval, &cached_standing) {
            return Ok((approval.clone(), standing.clone()));
        }
        let policy = Arc::clone(policy);
        let (customer, app_id) = (customer.to_owned(), self.app_id.to_string());
        let loaded = self.block_on(async move {
            let approval = policy.approval(&customer, &app_id).await?;
            let standing = match &subject {
                Some(user) => Some(policy.standing(user, &app_id).await?),
                None => None,
            };
            Ok::<_, crate::storage::StorageError>((approval, standing))
        });
        match loaded {
            Some(Ok(inputs)) => Ok(inputs),
            Some(Err(err)) => {
                tracing::error!(app = %self.app_id, error = %err, "policy lookup failed");
                Err(Error::Unavailable("the platform cannot decide right now".to_owned()))
            }
            None => Err(Error::Unavailable("the request ran out of time".to_owned())),
        }
    }

    /// Finishes the audit entry of an admitted call with how it went.
    pub(crate) fn settle<T>(&mut self, mut entry: AuditEntry, result: &Result<T, Error>) {
        if let Err(err) = result {
            entry.outcome = "failed".to_owned();
            entry.reason = Some(describe(err));
        }
        self.record(entry);
    }

    /// Records a refused call and hands back the error for the guest.
    fn refuse(&mut self, mut entry: AuditEntry, error: Error) -> Error {
        tracing::info!(app = %self.app_id, action = %entry.action, reason = %describe(&error), "host call refused");
        entry.outcome = "denied".to_owned();
        entry.reason = Some(describe(&error));
        self.record(entry);
        error
    }

    fn record(&mut self, entry: AuditEntry) {
        let receipt = self.services.auditor.record(entry);
        self.receipts.push(receipt);
    }

    fn draft(&self, access: &Access, subject: Option<&str>) -> AuditEntry {
        let mut entry = AuditEntry::new("app", &self.app_id, access.action, access.resource_type);
        entry.customer_id = self.caller.customer.clone();
        entry.app_version = Some(self.policy.version.clone());
        entry.app_digest = Some(self.policy.digest.to_string());
        entry.on_behalf_of = if self.caller.for_platform { None } else { self.caller.user_id.clone() };
        entry.resource_id = access.resource_id.clone();
        entry.subject_id = subject.map(str::to_owned);
        entry.fields = access.fields.clone();
        entry.request_id = Some(self.caller.request_id.clone()).filter(|id| !id.is_empty());
        entry
    }

    /// The person `subject` names, as this app sees people: a pseudonym for
    /// a third-party app, the user id for a core app.
    pub(crate) fn resolve_subject(&self, subject: &str) -> Result<Option<String>, Error> {
        if subject.is_empty() || subject.len() > 100 {
            return Ok(None);
        }
        if self.policy.kind == AppKind::Core {
            return Ok(Some(subject.to_owned()));
        }
        let policy = Arc::clone(&self.services.policy);
        let app = self.app_id.to_string();
        match self.block_on(async move { policy.pseudonyms.resolve(&app, subject).await }) {
            Some(Ok(user)) => Ok(user),
            Some(Err(_)) | None => Err(Error::Unavailable("the platform cannot resolve people right now".to_owned())),
        }
    }

    /// How this app sees the person `user_id`.
    pub(crate) fn subject_for_app(&self, user_id: &str) -> String {
        if self.policy.kind == AppKind::Core {
            return user_id.to_owned();
        }
        if let Some(known) = self.services.policy.pseudonyms.registered_as(&self.app_id, user_id) {
            return known;
        }
        let policy = Arc::clone(&self.services.policy);
        let (app, user) = (self.app_id.to_string(), user_id.to_owned());
        match self.block_on(async move { policy.pseudonyms.for_app(&app, &user).await }) {
            Some(Ok(pseudonym)) => pseudonym,
            // Not stored yet, so it cannot be resolved back; the derivation
            // is still the app's stable view of the person.
            _ => self.services.policy.pseudonyms.derive(&self.app_id, user_id),
        }
    }
}

/// An error as an audit reason: its kind and, where safe, its message.
fn describe(error: &Error) -> String {
    match error {
        Error::Denied(reason) => format!("denied: {reason}"),
        Error::NotFound => "not-found".to_owned(),
        Error::Invalid(reason) => format!("invalid: {reason}"),
        Error::Limit(reason) => format!("limit: {reason}"),
        Error::Unavailable(reason) => format!("unavailable: {reason}"),
    }
}
