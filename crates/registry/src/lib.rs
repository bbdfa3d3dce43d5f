//! The reference registry service: a library first, so the kiosk can embed it for its demo and tests can start it
//! in-process on a random loopback port; `pdo-registry` (main.rs) is a thin command line around it.

pub mod accounts;
pub mod db;
pub mod demo;
pub mod embedded;
pub mod http;
pub mod throttle;

use chrono::{DateTime, Utc};
use std::path::Path;
use std::sync::Arc;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct Registry {
    pub db: db::Db,
    pub clock: Clock,
}

/// The time source; tests may pin it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(Utc::now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Registry {
    pub fn open(db_path: &Path) -> anyhow::Result<Self> {
        Ok(Self { db: db::Db::new(db::open(db_path)?), clock: Clock::system() })
    }
}

/// Serves the registry on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    registry: Registry,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, http::router(registry)).with_graceful_shutdown(shutdown).await
}
