//! What a host call acts with: the context of one request or one hook.
//!
//! The sandbox's store (`runtime::RequestState`) holds this next to
//! the WASI context, and the platform's imports see only this part of it
//! (linked through [`HasCalls`], as `wasi:io` sees only its table). It says
//! on whose behalf the calls act ([`Acting`]), which app makes them, the
//! node's services they may use and the request's quota and deadline.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::HasData;

use super::ProfileCache;
use super::outbound_http::OutboundClient;
use crate::audit::{Auditor, Receipt};
use crate::files::Uploads;
use crate::policy::{AppPolicy, PolicyStore};
use crate::storage::Database;

/// Node-wide services host calls need, shared by every request.
#[derive(Debug, Clone)]
pub struct HostServices {
    pub database: Database,
    /// The runtime host calls wait on for I/O (see `runtime::placement`).
    pub tokio: tokio::runtime::Handle,
    /// Largest document body an app may store.
    pub document_bytes: usize,
    /// Approvals, consents and pseudonyms.
    pub policy: Arc<PolicyStore>,
    pub auditor: Auditor,
    pub outbound: OutboundClient,
    pub notifications_per_hour: i64,
    /// Profile fields as apps read them.
    pub profiles: Arc<ProfileCache>,
}

/// On whose behalf an app's calls act, and so with which powers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Acting {
    /// A request by the caller (or an anonymous one): everything the
    /// manifest declares, the customer approved and, for a third-party app,
    /// the people in the data consented to.
    #[default]
    Request,
    /// A life-cycle hook about one person, the context's `user_id`. It may
    /// change or delete the app's own documents about them and call its
    /// approved hosts to pass the event on. It reads no profile, notifies
    /// no one, creates nothing, and reads only what a request by that
    /// person could read now (for a third-party app, after a withdrawal or
    /// an erasure: nothing).
    Hook(Hook),
}

/// The life-cycle events a hook is called for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    ConsentWithdrawn,
    SubjectErased,
}

/// What one kind of host call does with data, for deciding whether the
/// acting context may make it at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Reading a person's profile fields.
    ReadProfile,
    /// Reading documents.
    ReadDocuments,
    /// Storing a new document.
    CreateDocument,
    /// Changing or deleting a document the acting person owns.
    ChangeOwnDocument,
    /// Notifying a person.
    Notify,
    /// An HTTP request to an approved host.
    Outbound,
}

impl Acting {
    /// Why this context may not use `power`, if it may not.
    pub fn forbids(self, power: Power) -> Option<&'static str> {
        match (self, power) {
            (Acting::Request, _) => None,
            (Acting::Hook(_), Power::ChangeOwnDocument | Power::Outbound | Power::ReadDocuments) => None,
            (Acting::Hook(_), Power::ReadProfile) => Some("a life-cycle hook may not read profiles"),
            (Acting::Hook(_), Power::CreateDocument) => Some("a life-cycle hook may not store new documents"),
            (Acting::Hook(_), Power::Notify) => Some("a life-cycle hook may not notify anyone"),
        }
    }

    /// Whether the call passes on a hook's event rather than processing the
    /// person's data: consent does not apply to telling the vendor about a
    /// withdrawal, nor to deleting what the app kept about the person.
    pub fn passes_on(self, power: Power) -> bool {
        matches!(self, Acting::Hook(_)) && matches!(power, Power::Outbound | Power::ChangeOwnDocument)
    }
}

/// Who a request runs for, as established by the HTTP layer (or, for a
/// hook, whom the event is about).
#[derive(Debug, Clone, Default)]
pub struct CallerContext {
    /// The person as this app sees them (a pseudonym for third-party apps);
    /// `None` when anonymous.
    pub subject: Option<String>,
    /// The person's internal id. Never shown to the guest.
    pub user_id: Option<String>,
    pub acting: Acting,
    pub customer: Option<String>,
    pub property: Option<String>,
    pub roles: Vec<String>,
    /// Whether the person holds one of the app's staff roles (its
    /// manifest's `staff_roles`) in the property.
    pub staff: bool,
    /// The units of the property where the person's occupancy is current.
    pub units: Vec<String>,
    pub locale: String,
    /// The id the host assigned to this request.
    pub request_id: String,
}

impl CallerContext {
    /// Whether a person holding `roles` is staff of an app whose manifest
    /// names `staff_roles`.
    pub fn is_staff(roles: &[String], staff_roles: &[String]) -> bool {
        roles.iter().any(|role| staff_roles.contains(role))
    }
}

/// The host-call side of one request's store.
pub struct CallContext {
    pub(crate) services: HostServices,
    pub(crate) policy: Arc<AppPolicy>,
    pub(crate) caller: CallerContext,
    pub(crate) app_id: Arc<str>,
    host_calls: u32,
    host_call_cap: u32,
    /// Set by the call that went past the quota; the request ends with it.
    pub(super) quota_spent: bool,
    /// When the request's time is up for host calls that wait.
    wall_deadline: Instant,
    /// Audit entries of this request's host calls, to be settled before the
    /// response is acknowledged.
    pub(crate) receipts: Vec<Receipt>,
    /// The files posted with the request, until attached or the request ends.
    pub(crate) uploads: Uploads,
}

impl CallContext {
    pub fn new(
        services: HostServices,
        policy: Arc<AppPolicy>,
        caller: CallerContext,
        host_call_cap: u32,
        wall_deadline: Instant,
    ) -> CallContext {
        CallContext {
            app_id: Arc::clone(&policy.app_id),
            services,
            policy,
            caller,
            host_calls: 0,
            host_call_cap,
            quota_spent: false,
            wall_deadline,
            receipts: Vec::new(),
            uploads: Uploads::default(),
        }
    }

    /// Counts one host call against the per-request quota; `false` once the
    /// quota is spent.
    pub(super) fn count_host_call(&mut self) -> bool {
        self.host_calls = self.host_calls.saturating_add(1);
        self.host_calls <= self.host_call_cap
    }

    pub(super) fn host_call_cap(&self) -> u32 {
        self.host_call_cap
    }

    /// Whether a call went past the quota, which ends the request.
    pub fn quota_spent(&self) -> bool {
        self.quota_spent
    }

    /// The audit receipts of every call so far.
    pub fn take_receipts(&mut self) -> Vec<Receipt> {
        std::mem::take(&mut self.receipts)
    }

    /// Runs `future` to completion from guest code, or gives up (`None`)
    /// when the request's time is up.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> Option<F::Output> {
        let deadline = tokio::time::Instant::from_std(self.wall_deadline);
        block_on(&self.services.tokio, tokio::time::timeout_at(deadline, future)).ok()
    }
}

/// Runs `future` to completion from synchronous guest code: in place on a
/// multi-threaded runtime (the worker's other tasks move to another thread),
/// else on the current thread.
pub(crate) fn block_on<F: Future>(tokio: &tokio::runtime::Handle, future: F) -> F::Output {
    if on_multi_thread_runtime() {
        tokio::task::block_in_place(|| tokio.block_on(future))
    } else {
        tokio.block_on(future)
    }
}

/// Whether the current thread is a worker of a multi-threaded runtime.
pub(crate) fn on_multi_thread_runtime() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|handle| handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// The platform's imports work on the call context alone.
pub struct HasCalls;

impl HasData for HasCalls {
    type Data<'a> = &'a mut CallContext;
}
