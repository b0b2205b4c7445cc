//! One request through one fresh instance, and what can go wrong with it.

use std::sync::Arc;

use wasmtime::{PoolConcurrencyLimitError, Store, Trap, UpdateDeadline};
use wasmtime_wasi::WasiCtxBuilder;

use super::Runtime;
use super::contract::AppPre;
use super::output::GuestOutput;
use super::placement::{Quarantine, hand_off_worker};
use super::state::{GuestClock, RequestState};
use crate::audit::Receipt;
use crate::capabilities::bindings::{handler, v0_1};
use crate::capabilities::{CallContext, QuotaSpent};
use crate::capabilities::{CallerContext, HostServices};
use crate::files::{StagedUpload, Uploads};
use crate::policy::AppPolicy;

/// Most response headers a guest may return.
pub const MAX_RESPONSE_HEADERS: usize = 100;
/// Most bytes of response header names and values a guest may return.
pub const MAX_RESPONSE_HEADER_BYTES: usize = 64 << 10;

/// A request as handed to the guest: credentials already removed.
#[derive(Debug)]
pub struct GuestRequest {
    pub method: http::Method,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The files of a `multipart/form-data` form (contract 0.2), staged by
    /// the host; the guest sees their descriptions and attaches them.
    pub uploads: Uploads,
}

/// The guest's answer, checked against the response cap.
#[derive(Debug, Clone)]
pub struct GuestResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a request produced no usable response. Each one is contained to that
/// request: the instance is dropped and the host carries on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuestFailure {
    #[error("the app exceeded its {0} ms time budget")]
    Deadline(u64),
    #[error("the app exceeded its memory cap of {0} bytes")]
    MemoryCap(usize),
    #[error("the app overflowed its stack")]
    StackOverflow,
    #[error("the app crashed: {0}")]
    Trap(String),
    #[error("the app's response of {size} bytes exceeds the cap of {cap} bytes")]
    ResponseTooLarge { size: usize, cap: usize },
    #[error("the app returned an invalid status code {0}")]
    InvalidStatus(u16),
    #[error(
        "the app returned {count} headers of {bytes} bytes; the limits are {MAX_RESPONSE_HEADERS} headers \
         and {MAX_RESPONSE_HEADER_BYTES} bytes"
    )]
    OversizedHeaders { count: usize, bytes: usize },
    #[error("the app went past its quota of host calls for one request")]
    HostCallQuota,
    #[error("all sandbox slots on this node are busy")]
    Busy,
    #[error("the app could not be started: {0}")]
    Instantiate(String),
}

impl Runtime {
    /// Runs `request` in a fresh instance of `pre` for `caller`.
    ///
    /// This runs on the current thread for as long as the guest does (at most
    /// the deadline); call it through `placement::run_guest`, which decides
    /// whether that may be an async worker.
    pub fn handle(
        &self,
        pre: &AppPre,
        services: HostServices,
        policy: Arc<AppPolicy>,
        caller: CallerContext,
        mut request: GuestRequest,
        placement: Placement,
    ) -> (Result<GuestResponse, GuestFailure>, Vec<Receipt>) {
        let mut store = self.store(services, policy, caller, placement);
        store.data_mut().calls.uploads = std::mem::take(&mut request.uploads);
        let result = self.run_handler(&mut store, pre, request);
        let receipts = store.data_mut().calls.take_receipts();
        (result, receipts)
    }

    /// Tells the app about a life-cycle event in a fresh instance. The
    /// app's own answer is the inner result.
    pub fn notify(
        &self,
        pre: &AppPre,
        services: HostServices,
        policy: Arc<AppPolicy>,
        caller: CallerContext,
        event: LifecycleEvent,
        placement: Placement,
    ) -> (Result<Result<(), String>, GuestFailure>, Vec<Receipt>) {
        let mut store = self.store(services, policy, caller, placement);
        let result = (|| {
            let answer = match pre {
                AppPre::V0_2(pre) => {
                    let instance = pre.instantiate(&mut store).map_err(|err| self.classify(&store, err, true))?;
                    let lifecycle = instance.courtyard_platform_lifecycle();
                    let answer = match &event {
                        LifecycleEvent::ConsentWithdrawn(subject) => {
                            lifecycle.call_consent_withdrawn(&mut store, subject)
                        }
                        LifecycleEvent::SubjectErased(subject) => lifecycle.call_subject_erased(&mut store, subject),
                    };
                    answer.map(|answer| answer.map_err(|err| format!("{err:?}")))
                }
                AppPre::V0_1(pre) => {
                    let instance = pre.instantiate(&mut store).map_err(|err| self.classify(&store, err, true))?;
                    let lifecycle = instance.courtyard_platform_lifecycle();
                    let answer = match &event {
                        LifecycleEvent::ConsentWithdrawn(subject) => {
                            lifecycle.call_consent_withdrawn(&mut store, subject)
                        }
                        LifecycleEvent::SubjectErased(subject) => lifecycle.call_subject_erased(&mut store, subject),
                    };
                    answer.map(|answer| answer.map_err(|err| format!("{err:?}")))
                }
            };
            answer.map_err(|err| self.classify(&store, err, false))
        })();
        let receipts = store.data_mut().calls.take_receipts();
        (result, receipts)
    }

    fn store(
        &self,
        services: HostServices,
        policy: Arc<AppPolicy>,
        caller: CallerContext,
        placement: Placement,
    ) -> Store<RequestState> {
        let (stdout, stderr) = GuestOutput::pair(Arc::clone(&policy.app_id), self.limits.guest_output_bytes);
        // No arguments, no environment, no preopened directories, no network:
        // the guest reaches the world through platform imports only.
        let wasi = WasiCtxBuilder::new().stdout(stdout).stderr(stderr).build();
        let wall_deadline = std::time::Instant::now() + std::time::Duration::from_millis(self.limits.deadline_ms);
        let calls = CallContext::new(services, policy, caller, self.limits.host_calls_per_request, wall_deadline);
        let state = RequestState::new(
            wasi,
            calls,
            self.limits.memory_bytes,
            GuestClock {
                ticks: 0,
                deadline_ticks: self.deadline_ticks(),
                wall_deadline,
                inline: placement.inline,
                cpu_at_first_tick: None,
                handoffs: 0,
                quarantine: placement.quarantine,
            },
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|mut store| on_tick(&mut store.data_mut().clock));
        store
    }

    fn run_handler(
        &self,
        store: &mut Store<RequestState>,
        pre: &AppPre,
        request: GuestRequest,
    ) -> Result<GuestResponse, GuestFailure> {
        let response = match pre {
            AppPre::V0_2(pre) => {
                let instance = pre.instantiate(&mut *store).map_err(|err| self.classify(store, err, true))?;
                let uploads = store.data().calls.uploads.iter().map(to_wit_upload).collect();
                let wit_request = handler::Request {
                    method: to_wit_method(&request.method),
                    path: request.path,
                    query: request.query,
                    headers: request.headers,
                    body: request.body,
                    uploads,
                };
                instance
                    .courtyard_platform_handler()
                    .call_handle(&mut *store, &wit_request)
                    .map(|response| (response.status, response.headers, response.body))
            }
            AppPre::V0_1(pre) => {
                let instance = pre.instantiate(&mut *store).map_err(|err| self.classify(store, err, true))?;
                let wit_request = v0_1::handler::Request {
                    method: to_legacy_method(to_wit_method(&request.method)),
                    path: request.path,
                    query: request.query,
                    headers: request.headers,
                    body: request.body,
                };
                instance
                    .courtyard_platform_handler()
                    .call_handle(&mut *store, &wit_request)
                    .map(|response| (response.status, response.headers, response.body))
            }
        };
        let (status, headers, body) = response.map_err(|err| self.classify(store, err, false))?;
        let response = GuestResponse { status, headers, body };

        if response.body.len() > self.limits.response_bytes {
            return Err(GuestFailure::ResponseTooLarge { size: response.body.len(), cap: self.limits.response_bytes });
        }
        if !(200..=599).contains(&response.status) {
            return Err(GuestFailure::InvalidStatus(response.status));
        }
        let header_bytes: usize = response.headers.iter().map(|(name, value)| name.len() + value.len()).sum();
        if response.headers.len() > MAX_RESPONSE_HEADERS || header_bytes > MAX_RESPONSE_HEADER_BYTES {
            return Err(GuestFailure::OversizedHeaders { count: response.headers.len(), bytes: header_bytes });
        }
        Ok(response)
    }

    fn classify(&self, store: &Store<RequestState>, err: wasmtime::Error, instantiating: bool) -> GuestFailure {
        if store.data().limiter.memory_exceeded {
            return GuestFailure::MemoryCap(self.limits.memory_bytes);
        }
        if err.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
            return GuestFailure::Busy;
        }
        if err.downcast_ref::<QuotaSpent>().is_some() || store.data().calls.quota_spent() {
            return GuestFailure::HostCallQuota;
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => GuestFailure::Deadline(self.limits.deadline_ms),
            Some(Trap::StackOverflow) => GuestFailure::StackOverflow,
            Some(trap) => GuestFailure::Trap(trap.to_string()),
            None if instantiating => GuestFailure::Instantiate(format!("{err:#}")),
            None => GuestFailure::Trap(format!("{err:#}")),
        }
    }
}

/// A life-cycle event the platform tells an app about.
#[derive(Debug, Clone)]
pub enum LifecycleEvent {
    /// The subject (as the app sees them) withdrew consent.
    ConsentWithdrawn(String),
    /// The subject's data was erased.
    SubjectErased(String),
}

/// Where a request's guest code runs; see `placement`.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Inline on the async worker that took the request.
    pub inline: bool,
    /// The app's quarantine, imposed if the guest turns out to be slow.
    pub quarantine: Arc<Quarantine>,
}

/// Runs on every epoch tick while guest code executes.
fn on_tick(clock: &mut GuestClock) -> wasmtime::Result<UpdateDeadline> {
    clock.ticks += 1;
    if clock.ticks >= clock.deadline_ticks {
        return Err(Trap::Interrupt.into());
    }
    if clock.inline && clock.handoffs < 3 {
        // Ticks are wall-clock time: a fast guest whose thread the OS
        // preempted sees them too. What makes a guest slow is the CPU it
        // burns, measured on its own thread from the first tick on.
        let cpu_now = thread_cpu_time();
        match clock.cpu_at_first_tick {
            None => clock.cpu_at_first_tick = Some(cpu_now),
            Some(first) if cpu_now.saturating_sub(first) >= super::EPOCH_TICK => {
                // Slow guests do not belong on the async workers.
                clock.quarantine.impose();
                hand_off_worker();
                clock.handoffs += 1;
            }
            Some(_) => {}
        }
    }
    Ok(UpdateDeadline::Continue(1))
}

/// CPU time the current thread has used.
fn thread_cpu_time() -> std::time::Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    std::time::Duration::new(now.tv_sec.max(0) as u64, now.tv_nsec.clamp(0, 999_999_999) as u32)
}

fn to_wit_method(method: &http::Method) -> handler::Method {
    match *method {
        http::Method::GET => handler::Method::Get,
        http::Method::HEAD => handler::Method::Head,
        http::Method::POST => handler::Method::Post,
        http::Method::PUT => handler::Method::Put,
        http::Method::PATCH => handler::Method::Patch,
        http::Method::DELETE => handler::Method::Delete,
        http::Method::OPTIONS => handler::Method::Options,
        ref other => handler::Method::Other(other.as_str().to_owned()),
    }
}

fn to_legacy_method(method: handler::Method) -> v0_1::handler::Method {
    match method {
        handler::Method::Get => v0_1::handler::Method::Get,
        handler::Method::Head => v0_1::handler::Method::Head,
        handler::Method::Post => v0_1::handler::Method::Post,
        handler::Method::Put => v0_1::handler::Method::Put,
        handler::Method::Patch => v0_1::handler::Method::Patch,
        handler::Method::Delete => v0_1::handler::Method::Delete,
        handler::Method::Options => v0_1::handler::Method::Options,
        handler::Method::Other(other) => v0_1::handler::Method::Other(other),
    }
}

/// An upload as the guest sees it: its field, token, name, the type its
/// content shows and its size.
fn to_wit_upload(upload: &StagedUpload) -> handler::Upload {
    handler::Upload {
        field: upload.field.clone(),
        token: upload.token.clone(),
        name: upload.name.clone(),
        media_type: upload.media_type.unwrap_or("application/octet-stream").to_owned(),
        size: upload.size,
    }
}
