//! Accepting connections, with limits a slow or greedy client cannot get
//! around: a deadline for a request's headers, a pause limit between the
//! chunks of its body, and a cap on connections open at once. Past the cap
//! the host stops accepting until a connection closes, so the backlog waits
//! in the kernel rather than in memory.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

use super::WithRequestContext;
use crate::config::HttpLimits;

/// Serves `service` on `listener` until `stop` resolves, then lets open
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    service: WithRequestContext,
    limits: HttpLimits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let header_timeout = Duration::from_millis(limits.header_timeout_ms);
    let body_timeout = Duration::from_millis(limits.body_timeout_ms);
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => permit.expect("the connection slots are never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = service.clone();
        let handler = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut service = service.clone();
            let request = request.map(|body| Body::new(PacedBody::new(body, body_timeout)));
            // The router is always ready (axum's `poll_ready` never waits).
            async move { tower::Service::call(&mut service, request).await }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), handler);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = permit;
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A request body that fails when the client pauses longer than allowed
/// between two chunks, so a client that announces 100 bytes and sends 9
/// cannot hold its connection and a handler forever.
struct PacedBody {
    inner: Incoming,
    pause: Duration,
    /// Armed only once the client makes the host wait: a body that is
    /// already there costs no timer.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl PacedBody {
    fn new(inner: Incoming, pause: Duration) -> PacedBody {
        PacedBody { inner, pause, deadline: None }
    }
}

/// The error a stalled body ends with.
#[derive(Debug, thiserror::Error)]
#[error("the client paused sending the request body for longer than {0:?}")]
pub struct BodyStalled(Duration);

impl HttpBody for PacedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                // Data came: the next pause starts counting when it begins.
                this.deadline = None;
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending => {
                let pause = this.pause;
                let deadline =
                    this.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + pause)));
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyStalled(pause))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
