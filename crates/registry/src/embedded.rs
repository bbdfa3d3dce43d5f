//! The registry running inside another process (the kiosk's demo, tests) on its own thread and tokio runtime,
//! listening on a random loopback port.

use crate::mail::MailSink;
use crate::{Clock, Registry};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::oneshot;

pub struct EmbeddedRegistry {
    addr: SocketAddr,
    scheme: &'static str,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmbeddedRegistry {
    /// Opens the database at `db_path` (seeding the demo data when `demo`) and starts serving on 127.0.0.1; mail is
    /// written as .eml files into `mail` beside the database.
    pub fn start(db_path: &Path, demo: bool) -> anyhow::Result<Self> {
        Self::launch(db_path, demo, Self::mail_beside(db_path), Clock::system())
    }

    /// The same, sending mail to `mail` (tests use a real SMTP sink).
    pub fn start_with(db_path: &Path, demo: bool, mail: MailSink) -> anyhow::Result<Self> {
        Self::launch(db_path, demo, mail, Clock::system())
    }

    /// The same with a given clock (tests pin it to reach expiry without waiting).
    pub fn start_with_clock(db_path: &Path, demo: bool, clock: Clock) -> anyhow::Result<Self> {
        Self::launch(db_path, demo, Self::mail_beside(db_path), clock)
    }

    /// Sending mail to `mail`, with a given clock (tests of expiry with a real SMTP sink).
    pub fn start_with_mail_and_clock(db_path: &Path, demo: bool, mail: MailSink, clock: Clock) -> anyhow::Result<Self> {
        Self::launch(db_path, demo, mail, clock)
    }

    /// The same with a given clock and a chance to configure the `Registry` before it serves (trusted proxies).
    pub fn start_configured(
        db_path: &Path,
        demo: bool,
        clock: Clock,
        configure: impl FnOnce(Registry) -> Registry,
    ) -> anyhow::Result<Self> {
        Self::launch_configured(db_path, demo, Self::mail_beside(db_path), clock, configure)
    }

    /// Serving HTTPS with the given certificate and key (tests of the kiosk's TLS and key pinning).
    pub fn start_tls(db_path: &Path, demo: bool, tls: Arc<rustls::ServerConfig>) -> anyhow::Result<Self> {
        Self::launch_on(db_path, demo, Self::mail_beside(db_path), Clock::system(), Some(tls), |registry| registry)
    }

    /// Beside a SQLite file; for a PostgreSQL database (tests), in the temporary directory under its name.
    fn mail_beside(db_path: &Path) -> MailSink {
        match db_path.to_str().filter(|d| crate::storage::is_postgres_url(d)) {
            Some(url) => MailSink::Folder(
                std::env::temp_dir().join("pdo-registry-mail").join(url.rsplit('/').next().unwrap_or("postgres")),
            ),
            None => MailSink::Folder(db_path.parent().unwrap_or(Path::new(".")).join("mail")),
        }
    }

    /// The public URL is the registry's own base URL.
    fn launch(db_path: &Path, demo: bool, mail: MailSink, clock: Clock) -> anyhow::Result<Self> {
        Self::launch_configured(db_path, demo, mail, clock, |registry| registry)
    }

    fn launch_configured(
        db_path: &Path,
        demo: bool,
        mail: MailSink,
        clock: Clock,
        configure: impl FnOnce(Registry) -> Registry,
    ) -> anyhow::Result<Self> {
        Self::launch_on(db_path, demo, mail, clock, None, configure)
    }

    fn launch_on(
        db_path: &Path,
        demo: bool,
        mail: MailSink,
        clock: Clock,
        tls: Option<Arc<rustls::ServerConfig>>,
        configure: impl FnOnce(Registry) -> Registry,
    ) -> anyhow::Result<Self> {
        let storage = crate::storage::Storage::open(db_path)?;
        if demo {
            crate::demo::seed(&storage)?;
            release_freed_memory();
        }
        // Bound here so the caller knows the address at once; the runtime is built and dropped on the registry's
        // own thread, which keeps this usable from inside another runtime (tests, the kiosk's executor).
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let registry = configure(
            Registry::new(Arc::new(storage)).with_clock(clock).with_public_url(&format!("{scheme}://{addr}")),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name("registry".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("registry")
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => return tracing::error!(error = %err, "embedded registry runtime failed"),
            };
            let shutdown = async {
                let _ = stopped.await;
            };
            let served = runtime.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                crate::serve_over(listener, tls, registry, mail, shutdown).await
            });
            if let Err(err) = served {
                tracing::error!(error = %err, "embedded registry stopped");
            }
        })?;
        tracing::info!(%addr, "embedded registry listening");
        Ok(Self { addr, scheme, stop: Some(stop), thread: Some(thread) })
    }

    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
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

/// Gives freed heap memory back to the system. Seeding hashes passwords with argon2id, whose 19 MiB blocks glibc
/// serves from the heap after the first one (its mmap threshold grows), so a kiosk that seeded its demo would
/// otherwise idle some 30 MiB larger on its first run.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the OS; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
