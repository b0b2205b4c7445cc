//! The sandbox: a wasmtime engine tuned for one fresh component instance per
//! request, and the code that runs one request through one instance.
//!
//! Engine set-up happens once. Each app version is compiled once (or loaded
//! from the on-disk cache) and pre-linked into an `InstancePre`, so a request
//! only pays for instantiation from the pooling allocator and the call itself.

mod cache;
mod contract;
mod invoke;
mod output;
mod placement;
mod state;
mod wasi_io;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};

pub use crate::capabilities::{Acting, CallerContext, Hook, HostServices};
pub use contract::AppPre;
pub use invoke::{GuestFailure, GuestRequest, GuestResponse, LifecycleEvent, Placement};
pub use placement::{QUARANTINE, Quarantine, run_guest};
pub use state::RequestState;

use crate::config::RuntimeLimits;

/// How often the deadline clock ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Why the runtime could not be set up or could not load a component.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("configuring the WebAssembly engine failed: {0}")]
    Engine(String),
    #[error("{0}")]
    Compile(String),
    #[error("the component cannot be linked against the platform: {0}")]
    Link(String),
}

/// The engine, the linker and the limits shared by every request on this node.
pub struct Runtime {
    engine: Engine,
    linker: Linker<RequestState>,
    limits: RuntimeLimits,
    cache: cache::ArtifactCache,
    ticker: EpochTicker,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").field("limits", &self.limits).finish_non_exhaustive()
    }
}

impl Runtime {
    /// Builds the engine with the pooling allocator sized for `limits`.
    pub fn new(limits: RuntimeLimits, cache_dir: PathBuf) -> Result<Runtime, RuntimeError> {
        let engine = Engine::new(&engine_config(&limits)).map_err(|err| RuntimeError::Engine(format!("{err:#}")))?;
        let mut linker = Linker::new(&engine);
        link_platform(&mut linker).map_err(|err| RuntimeError::Engine(format!("{err:#}")))?;
        let cache = cache::ArtifactCache::new(cache_dir, &engine);
        let ticker = EpochTicker::start(engine.clone());
        Ok(Runtime { engine, linker, limits, cache, ticker })
    }

    /// The engine, for validation.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits every request runs under.
    pub fn limits(&self) -> &RuntimeLimits {
        &self.limits
    }

    /// Compiles a component (or loads it from the on-disk cache by `digest`).
    pub fn compile(&self, digest: &str, bytes: &[u8]) -> Result<Component, RuntimeError> {
        self.cache.load_or_compile(&self.engine, digest, bytes)
    }

    /// Links `component` against the platform once, for fast instantiation.
    pub fn prepare(&self, component: &Component) -> Result<AppPre, RuntimeError> {
        let pre = self.linker.instantiate_pre(component).map_err(|err| RuntimeError::Link(format!("{err:#}")))?;
        AppPre::new(pre).map_err(|err| RuntimeError::Link(format!("{err:#}")))
    }

    /// The deadline of one request, in epoch ticks.
    fn deadline_ticks(&self) -> u64 {
        self.limits.deadline_ms.div_ceil(EPOCH_TICK.as_millis() as u64) + 1
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker.stop();
    }
}

fn engine_config(limits: &RuntimeLimits) -> Config {
    let mut pool = PoolingAllocationConfig::new();
    let instances = limits.max_concurrent_instances;
    pool.total_component_instances(instances)
        // A Rust guest is a handful of core instances (the app, its WASI
        // adapter shims and the component glue).
        .total_core_instances(instances.saturating_mul(8))
        .total_memories(instances.saturating_mul(2))
        .total_tables(instances.saturating_mul(4))
        .max_memory_size(limits.memory_bytes)
        .max_memories_per_component(4)
        .max_tables_per_component(8)
        // Resetting a slot by rewriting what stayed resident is far cheaper
        // than madvise and the TLB shootdowns it causes across cores.
        .linear_memory_keep_resident(1 << 20)
        .table_keep_resident(64 << 10)
        .pagemap_scan(Enabled::Auto);

    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .wasm_component_model(true)
        .epoch_interruption(true)
        .max_wasm_stack(limits.max_wasm_stack_bytes)
        .cranelift_opt_level(OptLevel::Speed)
        .memory_init_cow(true);
    config
}

fn link_platform(linker: &mut Linker<RequestState>) -> wasmtime::Result<()> {
    use wasmtime_wasi::cli::{WasiCli, WasiCliView};
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
    use wasmtime_wasi::p2::bindings::{cli, clocks, io, random, sync};
    use wasmtime_wasi::random::WasiRandom;

    // Only the WASI subset guest toolchains need, and nothing that reaches
    // the outside world: no filesystem, no sockets. Install validation
    // refuses components that import anything else; one that slipped past it
    // would fail to link here.
    type S = RequestState;
    let l = &mut *linker;
    io::error::add_to_linker::<S, state::HasIo>(l, |s| &mut s.table)?;
    sync::io::poll::add_to_linker::<S, wasi_io::HasGuestIo>(l, guest_io)?;
    sync::io::streams::add_to_linker::<S, wasi_io::HasGuestIo>(l, guest_io)?;
    clocks::wall_clock::add_to_linker::<S, WasiClocks>(l, S::clocks)?;
    clocks::monotonic_clock::add_to_linker::<S, WasiClocks>(l, S::clocks)?;
    random::random::add_to_linker::<S, WasiRandom>(l, |s| s.wasi.random())?;
    random::insecure::add_to_linker::<S, WasiRandom>(l, |s| s.wasi.random())?;
    random::insecure_seed::add_to_linker::<S, WasiRandom>(l, |s| s.wasi.random())?;
    cli::exit::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::environment::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::stdin::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::stdout::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::stderr::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::terminal_input::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::terminal_output::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::terminal_stdin::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::terminal_stdout::add_to_linker::<S, WasiCli>(l, S::cli)?;
    cli::terminal_stderr::add_to_linker::<S, WasiCli>(l, S::cli)?;

    // Both contract versions: a component imports one of them.
    crate::capabilities::bindings::Microapp::add_to_linker::<S, crate::capabilities::HasCalls>(linker, |state| {
        &mut state.calls
    })?;
    crate::capabilities::bindings::v0_1::Microapp::add_to_linker::<S, crate::capabilities::HasCalls>(linker, |state| {
        &mut state.calls
    })
}

fn guest_io(state: &mut RequestState) -> wasi_io::GuestIo<'_> {
    wasi_io::GuestIo {
        table: &mut state.table,
        tokio: &state.calls.services.tokio,
        deadline: state.clock.wall_deadline,
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`], which is what makes
/// request deadlines fire inside guest code.
struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> EpochTicker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("courtyard-epoch".to_owned())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker { stop, thread: Some(thread) }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
