//! What one request's store holds: the locked-down WASI context, the
//! counters that enforce the sandbox limits, and the host-call context.

use std::sync::Arc;

use wasmtime::component::{HasData, ResourceTable};
use wasmtime::{ResourceLimiter, Result};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::placement::Quarantine;
use crate::capabilities::CallContext;

/// The data of one request's store: the sandbox, and beside it the
/// context the platform's imports act with.
pub struct RequestState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limiter: SandboxLimiter,
    pub(super) clock: GuestClock,
    pub(super) calls: CallContext,
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
    pub(super) fn new(wasi: WasiCtx, calls: CallContext, memory_cap: usize, clock: GuestClock) -> RequestState {
        RequestState {
            wasi,
            table: ResourceTable::new(),
            limiter: SandboxLimiter { memory_cap, memory_in_use: 0, memory_exceeded: false },
            clock,
            calls,
        }
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
