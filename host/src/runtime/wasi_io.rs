//! `wasi:io/streams` and `wasi:io/poll` for guests, answered without
//! blocking an async worker when the answer is already there.
//!
//! Guest code may run inline on an async worker (see `placement`), where
//! blocking on the tokio runtime is not allowed. Stream and poll operations
//! are polled once in place, which is enough for the host's own streams
//! (guest stdout and stderr are always ready); only an operation that would
//! really wait is moved off the worker.

use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use tokio::runtime::Handle;
use wasmtime::Trap;
use wasmtime::component::{HasData, Resource, ResourceTable};
use wasmtime_wasi::p2::bindings::sync::io::poll::{Host as PollHost, HostPollable};
use wasmtime_wasi::p2::bindings::sync::io::streams::{
    self, Host as StreamsHost, HostInputStream, HostOutputStream, InputStream, OutputStream,
};
use wasmtime_wasi::p2::{StreamError, StreamResult};
use wasmtime_wasi_io::bindings::wasi::io::poll as async_poll;
use wasmtime_wasi_io::bindings::wasi::io::streams::{
    Host as AsyncStreamsHost, HostInputStream as AsyncInput, HostOutputStream as AsyncOutput,
};
use wasmtime_wasi_io::poll::DynPollable;

/// The view of a request's store that `wasi:io` needs.
pub(super) struct GuestIo<'a> {
    pub(super) table: &'a mut ResourceTable,
    pub(super) tokio: &'a Handle,
    /// When the request's time is up; waiting past it traps the guest.
    pub(super) deadline: Instant,
}

/// Marker for linking `wasi:io` against [`GuestIo`].
pub(super) struct HasGuestIo;

impl HasData for HasGuestIo {
    type Data<'a> = GuestIo<'a>;
}

/// Completes `future`: in place if it is ready on the first poll, otherwise
/// off the async worker, waiting until `deadline` at the latest (`None`).
fn complete<F: Future>(tokio: &Handle, deadline: Instant, future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let _context = tokio.enter();
    if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        return Some(output);
    }
    crate::capabilities::block_on(tokio, tokio::time::timeout_at(deadline.into(), future)).ok()
}

fn out_of_time() -> wasmtime::Error {
    Trap::Interrupt.into()
}

/// [`complete`] for calls that trap when the request runs out of time.
fn finish<T>(
    tokio: &Handle,
    deadline: Instant,
    future: impl Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    complete(tokio, deadline, future).unwrap_or_else(|| Err(out_of_time()))
}

/// [`complete`] for stream calls, whose errors carry the trap.
fn finish_stream<T>(
    tokio: &Handle,
    deadline: Instant,
    future: impl Future<Output = StreamResult<T>>,
) -> StreamResult<T> {
    complete(tokio, deadline, future).unwrap_or_else(|| Err(StreamError::Trap(out_of_time())))
}

impl StreamsHost for GuestIo<'_> {
    fn convert_stream_error(&mut self, err: StreamError) -> wasmtime::Result<streams::StreamError> {
        Ok(match AsyncStreamsHost::convert_stream_error(self.table, err)? {
            wasmtime_wasi_io::bindings::wasi::io::streams::StreamError::LastOperationFailed(e) => {
                streams::StreamError::LastOperationFailed(e)
            }
            wasmtime_wasi_io::bindings::wasi::io::streams::StreamError::Closed => streams::StreamError::Closed,
        })
    }
}

impl HostOutputStream for GuestIo<'_> {
    fn drop(&mut self, stream: Resource<OutputStream>) -> wasmtime::Result<()> {
        finish(self.tokio, self.deadline, AsyncOutput::drop(self.table, stream))
    }

    fn check_write(&mut self, stream: Resource<OutputStream>) -> StreamResult<u64> {
        AsyncOutput::check_write(self.table, stream)
    }

    fn write(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        AsyncOutput::write(self.table, stream, bytes)
    }

    fn blocking_write_and_flush(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        finish_stream(self.tokio, self.deadline, AsyncOutput::blocking_write_and_flush(self.table, stream, bytes))
    }

    fn blocking_write_zeroes_and_flush(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        finish_stream(self.tokio, self.deadline, AsyncOutput::blocking_write_zeroes_and_flush(self.table, stream, len))
    }

    fn subscribe(&mut self, stream: Resource<OutputStream>) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncOutput::subscribe(self.table, stream)
    }

    fn write_zeroes(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        AsyncOutput::write_zeroes(self.table, stream, len)
    }

    fn flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        AsyncOutput::flush(self.table, stream)
    }

    fn blocking_flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        finish_stream(self.tokio, self.deadline, AsyncOutput::blocking_flush(self.table, stream))
    }

    fn splice(&mut self, dst: Resource<OutputStream>, src: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        AsyncOutput::splice(self.table, dst, src, len)
    }

    fn blocking_splice(
        &mut self,
        dst: Resource<OutputStream>,
        src: Resource<InputStream>,
        len: u64,
    ) -> StreamResult<u64> {
        finish_stream(self.tokio, self.deadline, AsyncOutput::blocking_splice(self.table, dst, src, len))
    }
}

impl HostInputStream for GuestIo<'_> {
    fn drop(&mut self, stream: Resource<InputStream>) -> wasmtime::Result<()> {
        finish(self.tokio, self.deadline, AsyncInput::drop(self.table, stream))
    }

    fn read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        AsyncInput::read(self.table, stream, len)
    }

    fn blocking_read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        finish_stream(self.tokio, self.deadline, AsyncInput::blocking_read(self.table, stream, len))
    }

    fn skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        AsyncInput::skip(self.table, stream, len)
    }

    fn blocking_skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        finish_stream(self.tokio, self.deadline, AsyncInput::blocking_skip(self.table, stream, len))
    }

    fn subscribe(&mut self, stream: Resource<InputStream>) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncInput::subscribe(self.table, stream)
    }
}

impl PollHost for GuestIo<'_> {
    fn poll(&mut self, pollables: Vec<Resource<DynPollable>>) -> wasmtime::Result<Vec<u32>> {
        finish(self.tokio, self.deadline, async_poll::Host::poll(self.table, pollables))
    }
}

impl HostPollable for GuestIo<'_> {
    fn ready(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<bool> {
        finish(self.tokio, self.deadline, async_poll::HostPollable::ready(self.table, pollable))
    }

    fn block(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        finish(self.tokio, self.deadline, async_poll::HostPollable::block(self.table, pollable))
    }

    fn drop(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        async_poll::HostPollable::drop(self.table, pollable)
    }
}
