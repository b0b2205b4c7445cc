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

use tokio::runtime::Handle;
use wasmtime::component::{HasData, Resource, ResourceTable};
use wasmtime_wasi::p2::StreamResult;
use wasmtime_wasi::p2::bindings::sync::io::poll::{Host as PollHost, HostPollable};
use wasmtime_wasi::p2::bindings::sync::io::streams::{
    self, Host as StreamsHost, HostInputStream, HostOutputStream, InputStream, OutputStream,
};
use wasmtime_wasi_io::bindings::wasi::io::poll as async_poll;
use wasmtime_wasi_io::bindings::wasi::io::streams::{
    Host as AsyncStreamsHost, HostInputStream as AsyncInput, HostOutputStream as AsyncOutput,
};
use wasmtime_wasi_io::poll::DynPollable;

/// The view of a request's store that `wasi:io` needs.
pub(super) struct GuestIo<'a> {
    pub(super) table: &'a mut ResourceTable,
    pub(super) tokio: &'a Handle,
}

/// Marker for linking `wasi:io` against [`GuestIo`].
pub(super) struct HasGuestIo;

impl HasData for HasGuestIo {
    type Data<'a> = GuestIo<'a>;
}

/// Completes `future`: in place if it is ready on the first poll, otherwise
/// off the async worker.
fn complete<F: Future>(tokio: &Handle, future: F) -> F::Output {
    let mut future = pin!(future);
    let _context = tokio.enter();
    if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        return output;
    }
    super::placement::block_on(tokio, future)
}

impl StreamsHost for GuestIo<'_> {
    fn convert_stream_error(&mut self, err: wasmtime_wasi::p2::StreamError) -> wasmtime::Result<streams::StreamError> {
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
        complete(self.tokio, AsyncOutput::drop(self.table, stream))
    }

    fn check_write(&mut self, stream: Resource<OutputStream>) -> StreamResult<u64> {
        Ok(AsyncOutput::check_write(self.table, stream)?)
    }

    fn write(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        Ok(AsyncOutput::write(self.table, stream, bytes)?)
    }

    fn blocking_write_and_flush(&mut self, stream: Resource<OutputStream>, bytes: Vec<u8>) -> StreamResult<()> {
        complete(self.tokio, AsyncOutput::blocking_write_and_flush(self.table, stream, bytes))
    }

    fn blocking_write_zeroes_and_flush(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        complete(self.tokio, AsyncOutput::blocking_write_zeroes_and_flush(self.table, stream, len))
    }

    fn subscribe(&mut self, stream: Resource<OutputStream>) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncOutput::subscribe(self.table, stream)
    }

    fn write_zeroes(&mut self, stream: Resource<OutputStream>, len: u64) -> StreamResult<()> {
        Ok(AsyncOutput::write_zeroes(self.table, stream, len)?)
    }

    fn flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        Ok(AsyncOutput::flush(self.table, stream)?)
    }

    fn blocking_flush(&mut self, stream: Resource<OutputStream>) -> StreamResult<()> {
        complete(self.tokio, AsyncOutput::blocking_flush(self.table, stream))
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
        complete(self.tokio, AsyncOutput::blocking_splice(self.table, dst, src, len))
    }
}

impl HostInputStream for GuestIo<'_> {
    fn drop(&mut self, stream: Resource<InputStream>) -> wasmtime::Result<()> {
        complete(self.tokio, AsyncInput::drop(self.table, stream))
    }

    fn read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        AsyncInput::read(self.table, stream, len)
    }

    fn blocking_read(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<Vec<u8>> {
        complete(self.tokio, AsyncInput::blocking_read(self.table, stream, len))
    }

    fn skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        AsyncInput::skip(self.table, stream, len)
    }

    fn blocking_skip(&mut self, stream: Resource<InputStream>, len: u64) -> StreamResult<u64> {
        complete(self.tokio, AsyncInput::blocking_skip(self.table, stream, len))
    }

    fn subscribe(&mut self, stream: Resource<InputStream>) -> wasmtime::Result<Resource<DynPollable>> {
        AsyncInput::subscribe(self.table, stream)
    }
}

impl PollHost for GuestIo<'_> {
    fn poll(&mut self, pollables: Vec<Resource<DynPollable>>) -> wasmtime::Result<Vec<u32>> {
        complete(self.tokio, async_poll::Host::poll(self.table, pollables))
    }
}

impl HostPollable for GuestIo<'_> {
    fn ready(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<bool> {
        complete(self.tokio, async_poll::HostPollable::ready(self.table, pollable))
    }

    fn block(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        complete(self.tokio, async_poll::HostPollable::block(self.table, pollable))
    }

    fn drop(&mut self, pollable: Resource<DynPollable>) -> wasmtime::Result<()> {
        async_poll::HostPollable::drop(self.table, pollable)
    }
}
