//! Temporary stand-ins until the host crate compiles.
pub mod platform {
    use crate::load::{LoadGenerator, Target};
    pub struct Platform;
    impl Platform {
        pub async fn start(_: &[u8]) -> anyhow::Result<Platform> {
            anyhow::bail!("the host crate is not available yet")
        }
        pub fn local_addr(&self) -> std::net::SocketAddr {
            unreachable!()
        }
        pub fn database(&self) -> &() {
            &()
        }
        pub fn seed_pinboard(&self, _: &LoadGenerator, _: usize) -> anyhow::Result<()> {
            Ok(())
        }
        pub fn await_ready(&self, _: &LoadGenerator, _: &Target) -> anyhow::Result<()> {
            Ok(())
        }
        pub async fn shutdown(self) {}
    }
}
pub mod native {
    pub const PATH: &str = "/apps/pinboard/posts";
    pub fn router(_: ()) -> axum::Router {
        axum::Router::new()
    }
}
