//! The gate every host call passes: quota, the acting context's powers, the
//! policy decision about the person the data is about, and the one audit
//! entry of the call, written right beside the decision.

use std::sync::Arc;

use super::Acting;
use super::{Access, CallContext, CallError, describe};
use crate::audit::{ActorKind, AuditEntry, Outcome};
use crate::capabilities::bindings::types::Error;
use crate::grant::{AppKind, PlatformInterface};
use crate::policy::{Approval, Refusal, Standing, decide};

/// What a decision needs: the customer's approval and, when consent
/// matters, the data subject's standing.
type PolicyInputs = (Option<Arc<Approval>>, Option<Arc<Standing>>);

impl CallContext {
    /// Admits a call that touches no data (context, log): quota only. The
    /// call past the quota leaves one entry and ends the request.
    pub(crate) fn admit(&mut self, interface: PlatformInterface) -> Result<(), CallError> {
        if self.count_host_call() {
            return Ok(());
        }
        let entry = AuditEntry::new(ActorKind::App, &self.app_id, interface.name(), "request");
        Err(self.end_request(entry))
    }

    /// Refuses a malformed call, which still counts and leaves its entry.
    pub(crate) fn reject(&mut self, access: Access, error: Error) -> CallError {
        let subject = access.subject.clone().or_else(|| self.caller.user_id.clone());
        let entry = self.draft(&access, subject.as_deref());
        if !self.count_host_call() {
            return self.end_request(entry);
        }
        self.refuse(entry, error).into()
    }

    /// Decides a data call. On refusal the audit entry is written and the
    /// error returned; when allowed, the caller does the work and passes the
    /// returned draft to [`CallContext::settle`].
    pub(crate) fn admit_access(&mut self, access: Access) -> Result<AuditEntry, CallError> {
        let subject = access.subject.clone().or_else(|| self.caller.user_id.clone());
        let mut entry = self.draft(&access, subject.as_deref());
        if !self.count_host_call() {
            return Err(self.end_request(entry));
        }
        if let Some(reason) = self.caller.acting.forbids(access.power) {
            return Err(self.refuse(entry, Error::Denied(reason.to_owned())).into());
        }
        let third_party = self.policy.kind == AppKind::ThirdParty;
        // Whose consent the call needs: the person the data is about. A hook
        // passing its event on (telling the vendor, deleting what the app
        // kept about the person) processes nothing new and needs none; it
        // has no other exemption.
        let consent_subject = subject.filter(|_| third_party && !self.caller.acting.passes_on(access.power));
        let (approval, standing) = match self.policy_inputs(consent_subject) {
            Ok(inputs) => inputs,
            Err(error) => return Err(self.refuse(entry, error).into()),
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
                Err(Refusal::Denied(reason)) => return Err(self.refuse(entry, Error::Denied(reason)).into()),
                Err(Refusal::QuotaExhausted) => return Err(self.end_request(entry)),
            }
        }
        Ok(entry)
    }

    /// The call that went past the quota: one entry says so, and the
    /// request ends, so no further call can add to the log.
    fn end_request(&mut self, entry: AuditEntry) -> CallError {
        let cap = self.host_call_cap();
        tracing::warn!(app = %self.app_id, cap, "host-call quota used up; the request is ended");
        let error = Error::Limit(format!("host-call quota of {cap} calls used up; the request was ended"));
        let _ = self.refuse(entry, error);
        self.quota_spent = true;
        CallError::QuotaSpent
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
    pub(crate) fn settle<T>(&mut self, mut entry: AuditEntry, result: &Result<T, CallError>) {
        if let Err(CallError::Refused(err)) = result {
            entry.outcome = Outcome::Failed;
            entry.reason = Some(describe(err));
        }
        self.record(entry);
    }

    /// Records a refused call and hands back the error for the guest.
    fn refuse(&mut self, mut entry: AuditEntry, error: Error) -> Error {
        tracing::info!(app = %self.app_id, action = %entry.action, reason = %describe(&error), "host call refused");
        entry.outcome = Outcome::Denied;
        entry.reason = Some(describe(&error));
        self.record(entry);
        error
    }

    fn record(&mut self, entry: AuditEntry) {
        let receipt = self.services.auditor.record(entry);
        self.receipts.push(receipt);
    }

    fn draft(&self, access: &Access, subject: Option<&str>) -> AuditEntry {
        let mut entry = AuditEntry::new(ActorKind::App, &self.app_id, access.action, access.resource_type);
        entry.customer_id = self.caller.customer.clone();
        entry.app_version = Some(self.policy.version.clone());
        entry.app_digest = Some(self.policy.digest.to_string());
        entry.on_behalf_of = match self.caller.acting {
            Acting::Request => self.caller.user_id.clone(),
            Acting::Hook(_) => None,
        };
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

#[cfg(test)]
mod tests {
    use super::super::bindings::collections::{Host as _, NewDocument, Visibility};
    use super::super::bindings::log::{Host as _, Level};
    use super::super::bindings::notifications::{Host as _, Notification};
    use super::super::bindings::profile::{Field, Host as _};
    use super::super::bindings::types::Error;
    use super::super::harness::{Harness, entries, refusal, third_party};
    use super::super::{Acting, Hook};
    use crate::audit::Outcome;

    const ASKS: &str = "[[capabilities]]\nkind = \"profile.read\"\nfields = [\"email\"]\npurpose = \"p\"\n\
                        [[capabilities]]\nkind = \"collections.write\"\ncollections = [\"notes\"]\npurpose = \"p\"\n\
                        [[capabilities]]\nkind = \"notifications.send\"\npurpose = \"p\"\n";

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_call_past_the_quota_ends_the_request_with_one_entry() {
        let harness = Harness::new().await;
        let mut context = harness.context(&third_party(""), Acting::Request, "u1", 3);
        for _ in 0..3 {
            context.write(Level::Info, "counted".to_owned()).unwrap();
        }
        assert!(context.write(Level::Info, "one too many".to_owned()).is_err(), "the fourth call traps");
        assert!(context.quota_spent());
        let entries = entries(&harness, &mut context).await;
        assert_eq!(entries.len(), 1, "log calls leave no entry; the one past the quota does");
        assert_eq!(entries[0].outcome, Outcome::Denied);
        assert!(entries[0].reason.as_deref().unwrap().starts_with("limit: host-call quota of 3 calls"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hook_reads_no_profile_stores_nothing_and_notifies_no_one() {
        let harness = Harness::new().await;
        let mut context = harness.context(&third_party(ASKS), Acting::Hook(Hook::ConsentWithdrawn), "u1", 100);
        let read = refusal(context.read(None, vec![Field::Email]));
        assert!(matches!(&read, Error::Denied(reason) if reason.contains("may not read profiles")), "{read:?}");
        let note = NewDocument {
            body: "{}".to_owned(),
            visibility: Visibility::Private,
            parent: None,
            participants: Vec::new(),
            keys: Vec::new(),
        };
        let stored = refusal(context.insert("notes".to_owned(), note));
        assert!(matches!(&stored, Error::Denied(reason) if reason.contains("may not store")), "{stored:?}");
        let note = Notification { title: "Gone".to_owned(), body: String::new(), link: None };
        let notified = refusal(context.send("ps-u1".to_owned(), note));
        assert!(matches!(&notified, Error::Denied(_)), "{notified:?}");
        let entries = entries(&harness, &mut context).await;
        assert_eq!(entries.len(), 3);
        assert!(entries.iter().all(|entry| entry.outcome == Outcome::Denied && entry.on_behalf_of.is_none()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn malformed_calls_are_refused_and_audited_once_each() {
        let harness = Harness::new().await;
        let mut context = harness.context(&third_party(ASKS), Acting::Request, "u1", 100);
        assert!(matches!(refusal(context.read(None, Vec::new())), Error::Invalid(_)));
        assert!(matches!(refusal(context.read(None, vec![Field::Email; 17])), Error::Invalid(_)));
        assert!(matches!(refusal(context.get("../loot".to_owned(), "x".to_owned())), Error::Invalid(_)));
        let entries = entries(&harness, &mut context).await;
        assert_eq!(entries.len(), 3);
        assert!(entries.iter().all(|entry| entry.reason.as_deref().unwrap_or_default().starts_with("invalid")));
    }
}
