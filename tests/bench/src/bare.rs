//! The floor of a sandboxed request: axum plus wasmtime and nothing else.
//!
//! Every request gets a fresh instance of the echo component from an
//! [`InstancePre`](wasmtime::component::InstancePre), called inline on the
//! axum worker, under an epoch deadline like the host's. No policy, no
//! storage, no audit: whatever Courtyard spends above this is its own cost.
//!
//! ```ignore
//! let bare = Bare::new(ECHO_COMPONENT)?;
//! let server = Running::start(bare.router()).await?;
//! ```

mod guest;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

use guest::{Method, MicroappPre, Sandbox};

/// Where the echo app is mounted, as in Courtyard.
pub const MOUNT: &str = "/apps/echo";
/// How often the epoch ticker advances the engine's epoch.
const EPOCH_TICK: Duration = Duration::from_millis(10);
/// The wall-clock budget of one request, as the host's default.
const DEADLINE: Duration = Duration::from_secs(2);
/// Linear memory one instance may grow to.
const MEMORY_BYTES: usize = 64 << 20;
/// Largest request body read.
const BODY_BYTES: usize = 1 << 20;
/// Instances the pool holds; requests run inline on at most a few workers.
const POOL_INSTANCES: u32 = 128;

/// The tuning, as the report states it.
pub const TUNING: &str = "InstancePre per request; pooling allocator, linear memory and tables kept resident, \
    pagemap_scan auto; epoch deadline 2 s at 10 ms ticks; called inline on the axum worker";

/// A compiled echo component, ready to instantiate.
pub struct Bare {
    pre: MicroappPre<Sandbox>,
    engine: Engine,
    deadline_ticks: u64,
}

impl Bare {
    /// Compiles `component` and starts the epoch ticker.
    pub fn new(component: &[u8]) -> anyhow::Result<Arc<Bare>> {
        Bare::compile(component).map(Arc::new).map_err(|err| anyhow::Error::from_boxed(err.into_boxed_dyn_error()))
    }

    fn compile(component: &[u8]) -> wasmtime::Result<Bare> {
        let engine = Engine::new(&engine_config())?;
        let component = Component::new(&engine, component)?;
        let linker: Linker<Sandbox> = guest::linker(&engine)?;
        let pre = MicroappPre::new(linker.instantiate_pre(&component)?)?;
        start_epoch_ticker(&engine);
        let deadline_ticks = (DEADLINE.as_millis() / EPOCH_TICK.as_millis()) as u64;
        Ok(Bare { pre, engine, deadline_ticks })
    }

    /// The routes: everything below [`MOUNT`] goes to the guest.
    pub fn router(self: &Arc<Bare>) -> Router {
        Router::new()
            .route(&format!("{MOUNT}/"), any(handle))
            .route(&format!("{MOUNT}/{{*rest}}"), any(handle))
            .with_state(Arc::clone(self))
    }

    /// Runs one request in a fresh instance.
    fn call(&self, request: &guest::Request) -> wasmtime::Result<guest::Response> {
        let mut store = Store::new(&self.engine, Sandbox::new());
        store.set_epoch_deadline(self.deadline_ticks);
        let instance = self.pre.instantiate(&mut store)?;
        instance.courtyard_platform_handler().call_handle(&mut store, request)
    }
}

fn engine_config() -> Config {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(POOL_INSTANCES)
        .total_core_instances(POOL_INSTANCES * 4)
        .total_memories(POOL_INSTANCES)
        .total_tables(POOL_INSTANCES * 2)
        .max_memory_size(MEMORY_BYTES)
        // Reset slots with memset of the pages actually touched instead of
        // madvise: no TLB shootdowns across workers, no page faults on reuse.
        .linear_memory_keep_resident(1 << 20)
        .table_keep_resident(64 << 10)
        .pagemap_scan(Enabled::Auto);
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool)).epoch_interruption(true);
    config
}

/// Advances the epoch every [`EPOCH_TICK`] for as long as the engine lives.
fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("bare-epoch".to_owned())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .expect("spawning the epoch ticker");
}

async fn handle(State(bare): State<Arc<Bare>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let path = parts.uri.path().strip_prefix(MOUNT).unwrap_or("/");
    let request = guest::Request {
        method: method(&parts.method),
        path: path.to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| *name != http::header::COOKIE && *name != http::header::AUTHORIZATION)
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect(),
        body: body.to_vec(),
        uploads: Vec::new(),
    };
    match bare.call(&request) {
        Ok(answer) => response(answer),
        Err(err) => {
            eprintln!("bare-wasmtime: guest failed: {err:?}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn method(method: &http::Method) -> Method {
    match *method {
        http::Method::GET => Method::Get,
        http::Method::HEAD => Method::Head,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::PATCH => Method::Patch,
        http::Method::DELETE => Method::Delete,
        http::Method::OPTIONS => Method::Options,
        ref other => Method::Other(other.as_str().to_owned()),
    }
}

fn response(answer: guest::Response) -> Response {
    let Ok(status) = StatusCode::from_u16(answer.status) else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut response = Response::new(Body::from(Bytes::from(answer.body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.append(name, value);
        }
    }
    response
}
