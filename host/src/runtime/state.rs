//! What one request's store holds: the caller, the app's policy, the
//! locked-down WASI context and the counters that enforce the sandbox limits.

use std::sync::Arc;

use wasmtime::component::{HasData, ResourceTable};
use wasmtime::{ResourceLimiter, Result};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::placement::Quarantine;
use crate::audit::{Auditor, Receipt};
use crate::capabilities::{OutboundClient, ProfileCache};
use crate::policy::{AppPolicy, PolicyStore};
use crate::storage::Database;

/// Node-wide services host calls need, shared by every request.
#[derive(Debug, Clone)]
pub struct HostServices {
    pub database: Database,
    /// The runtime host calls wait on for I/O (see `placement::block_on`).
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

/// Who a request runs for, as established by the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct CallerContext {
    /// The person as this app sees them (a pseudonym for third-party apps);
    /// `None` when anonymous.
    pub subject: Option<String>,
    /// The person's internal id. Never shown to the guest.
    pub user_id: Option<String>,
    /// The call is the platform's own (a life-cycle hook), not a person's.
    pub for_platform: bool,
    pub customer: Option<String>,
    pub property: Option<String>,
    pub roles: Vec<String>,
    pub locale: String,
    pub request_id: String,
}

/// The data of one request's store.
pub struct RequestState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limiter: SandboxLimiter,
    pub(crate) services: HostServices,
    pub(crate) policy: Arc<AppPolicy>,
    pub(crate) caller: CallerContext,
    pub(crate) app_id: Arc<str>,
    host_calls: u32,
    host_call_cap: u32,
    pub(super) clock: GuestClock,
    /// Audit entries of this request's host calls, to be settled before the
    /// response is acknowledged.
    pub(crate) receipts: Vec<Receipt>,
}

/// Epoch ticks this request's guest code has run for, and what to do about it.
pub(super) struct GuestClock {
    pub(super) ticks: u64,
    pub(super) deadline_ticks: u64,
    /// When the request's time is up for host calls that wait.
    pub(super) wall_deadline: std::time::Instant,
    /// Whether the guest runs inline on an async worker (see `placement`).
    pub(super) inline: bool,
    /// The thread's CPU time when the first tick came, for telling slow
    /// guests from preempted ones.
    pub(super) cpu_at_first_tick: Option<std::time::Duration>,
    /// How often this request tried to hand its worker's tasks off.
    pub(super) handoffs: u8,
    pub(super) quarantine: Arc<Quarantine>,
}

impl RequestState {
    pub(super) fn new(
        wasi: WasiCtx,
        services: HostServices,
        policy: Arc<AppPolicy>,
        caller: CallerContext,
        memory_cap: usize,
        host_call_cap: u32,
        clock: GuestClock,
    ) -> RequestState {
        RequestState {
            app_id: Arc::clone(&policy.app_id),
            wasi,
            table: ResourceTable::new(),
            limiter: SandboxLimiter { memory_cap, memory_in_use: 0, memory_exceeded: false },
            services,
            policy,
            caller,
            host_calls: 0,
            host_call_cap,
            clock,
            receipts: Vec::new(),
        }
    }

    /// Counts one host call against the per-request quota; `false` once the
    /// quota is spent.
    pub(crate) fn count_host_call(&mut self) -> bool {
        self.host_calls = self.host_calls.saturating_add(1);
        self.host_calls <= self.host_call_cap
    }

    /// Runs `future` to completion from guest code, or gives up (`None`)
    /// when the request's time is up.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> Option<F::Output> {
        let deadline = tokio::time::Instant::from_std(self.clock.wall_deadline);
        super::placement::block_on(&self.services.tokio, tokio::time::timeout_at(deadline, future)).ok()
    }
}

impl WasiView for RequestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// `wasi:io` works on the resource table alone.
pub(super) struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// Caps the linear memory of the whole instance (all its memories together)
/// and remembers that the cap was hit, so the failure can be reported as what
/// it is rather than as a generic trap.
pub(super) struct SandboxLimiter {
    memory_cap: usize,
    memory_in_use: usize,
    pub(super) memory_exceeded: bool,
}

impl ResourceLimiter for SandboxLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> Result<bool> {
        let in_use = self.memory_in_use.saturating_add(desired.saturating_sub(current));
        if in_use > self.memory_cap {
            self.memory_exceeded = true;
            return Err(wasmtime::format_err!("memory cap of {} bytes reached", self.memory_cap));
        }
        self.memory_in_use = in_use;
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> Result<bool> {
        Ok(desired <= 100_000)
    }
}
