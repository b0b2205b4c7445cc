//! Runs a bench-local axum router on an ephemeral loopback port.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// An axum server running on the current Tokio runtime.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Binds `127.0.0.1:0` and serves `router` until [`Running::shutdown`].
    pub async fn start(router: Router) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        // Responses are small and written in one piece; do not let Nagle delay them.
        let listener = listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Running { addr, stop, task })
    }

    /// Where the server listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets open requests finish, and waits for the server
    /// (at most five seconds).
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let abort = self.task.abort_handle();
        match tokio::time::timeout(Duration::from_secs(5), self.task).await {
            Ok(finished) => Ok(finished??),
            Err(_) => {
                abort.abort();
                anyhow::bail!("the server did not stop within five seconds")
            }
        }
    }
}
