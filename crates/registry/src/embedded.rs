//! The registry running inside another process (the kiosk's demo, tests) on its own thread and tokio runtime,
//! listening on a random loopback port.

use crate::Registry;
use std::net::SocketAddr;
use std::path::Path;
use tokio::sync::oneshot;

pub struct EmbeddedRegistry {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmbeddedRegistry {
    /// Opens the database at `db_path` (seeding the demo data when `demo`) and starts serving on 127.0.0.1.
    pub fn start(db_path: &Path, demo: bool) -> anyhow::Result<Self> {
        let registry = Registry::open(db_path)?;
        if demo {
            registry.db.blocking(|conn| crate::demo::seed(conn))?;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("registry")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("registry".into())
            .spawn(move || {
                let shutdown = async {
                    let _ = stopped.await;
                };
                if let Err(err) = runtime.block_on(crate::serve(listener, registry, shutdown)) {
                    tracing::error!(error = %err, "embedded registry stopped");
                }
            })?;
        tracing::info!(%addr, "embedded registry listening");
        Ok(Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for EmbeddedRegistry {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
