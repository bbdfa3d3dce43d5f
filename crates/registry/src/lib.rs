//! The reference registry service: a library first, so the kiosk can embed it for its demo and tests can start it
//! in-process on a random loopback port; `pdo-registry` (main.rs) is a thin command line around it.

pub mod accounts;
pub mod backup;
pub mod db;
pub mod demo;
pub mod embedded;
pub mod hashing;
pub mod http;
pub mod import;
pub mod mail;
pub mod proxy;
pub mod scratch_postgres;
pub mod signin;
pub mod sql;
pub mod steps;
pub mod storage;
pub mod systemd;
pub mod throttle;
pub mod tls;
pub mod transport;
pub mod verified;

use chrono::{DateTime, Utc};
use std::sync::Arc;
use storage::{Storage, StoreError, StoreResult};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct Registry {
    pub storage: Arc<Storage>,
    pub clock: Clock,
    /// Where applicants' phones and e-mail links reach the service (no trailing slash).
    pub public_url: String,
    /// Wakes the mail worker when a letter was queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Kiosk and staff secrets that passed argon2id lately (see `verified`).
    pub verified: Arc<verified::VerifiedSecrets>,
    /// The threads argon2 runs on for requests: the process's pool unless a test gives its own.
    pub hashing: hashing::HashPool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`serve --trusted-proxy`); none by default.
    pub trusted_proxies: Arc<[proxy::Cidr]>,
}

/// The public URL until `serve --public-url` or the embedded registry sets one: `serve`'s default listen address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The time source; tests may pin it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(Utc::now))
    }

    /// A clock reading `now` from `f`: tests pin it or move it on.
    pub fn from_fn(f: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Registry {
    pub fn new(storage: Arc<Storage>) -> Self {
        Self {
            storage,
            clock: Clock::system(),
            public_url: DEFAULT_PUBLIC_URL.to_string(),
            mail_wakeup: Default::default(),
            verified: Default::default(),
            hashing: hashing::pool().clone(),
            trusted_proxies: Arc::new([]),
        }
    }

    /// Runs this registry's password checks on `pool` instead of the process's (tests that flood one registry).
    pub fn with_hash_pool(mut self, pool: hashing::HashPool) -> Self {
        self.hashing = pool;
        self
    }

    /// Believes `X-Forwarded-For` from peers in these ranges (see `proxy`).
    pub fn with_trusted_proxies(mut self, proxies: Vec<proxy::Cidr>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    /// Sets where phones reach the service; a trailing slash is dropped.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = url.trim_end_matches('/').to_string();
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Runs a blocking storage call on tokio's blocking pool.
    pub async fn store<R, F>(&self, f: F) -> StoreResult<R>
    where
        F: FnOnce(&Storage) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || f(storage.as_ref()))
            .await
            .map_err(|e| StoreError::Internal(anyhow::anyhow!("storage task failed: {e}")))?
    }
}

/// Serves the registry on `listener` until `shutdown` completes, with the mail worker sending to `mail`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    registry: Registry,
    mail: mail::MailSink,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_over(listener, None, registry, mail, shutdown).await
}

/// [`serve`], over HTTPS when given a TLS configuration (see [`tls::server_config`]), plain HTTP otherwise.
pub async fn serve_over(
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    registry: Registry,
    mail: mail::MailSink,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let background = Background::start(&registry, mail);
    // The peer address is kept for the phone page's rate limit on user codes.
    let app = http::router(registry).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = match tls {
        None => axum::serve(listener, app).with_graceful_shutdown(shutdown).await,
        Some(tls) => {
            // axum hands the peer address to handlers for listeners wrapped by `tap_io`; the tap itself does nothing.
            let listener = tls::TlsListener::new(listener, tls)?.tap_io(|_| {});
            axum::serve(listener, app).with_graceful_shutdown(shutdown).await
        }
    };
    background.stop().await;
    served
}

/// How long a stopping service waits for the letter being sent (well inside systemd's 90 s to stop a service).
const MAIL_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The mail worker and the hourly pruning, for as long as the service serves.
struct Background {
    mail: Option<tokio::task::JoinHandle<()>>,
    prune: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Background {
    fn start(registry: &Registry, mail: mail::MailSink) -> Self {
        let from: lettre::message::Mailbox =
            "Реестр сертификатов ПДО <no-reply@pdo-registry.localhost>".parse().expect("a valid constant address");
        let (stop, stopping) = tokio::sync::watch::channel(false);
        Self {
            mail: Some(tokio::spawn(mail::run_worker(registry.clone(), mail, from, stopping))),
            prune: tokio::spawn(prune_hourly(registry.clone())),
            stop,
        }
    }

    /// Lets the mail worker finish the letter in hand (sent and recorded), then ends both tasks.
    async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(mail) = self.mail.take()
            && tokio::time::timeout(MAIL_STOP_WAIT, mail).await.is_err()
        {
            tracing::warn!("the mail worker did not finish its letter in time; it may be sent again after the restart");
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.prune.abort();
        if let Some(mail) = &self.mail {
            mail.abort();
        }
    }
}

/// Drops expired sessions, idempotency records and login failures that no longer count, once an hour.
async fn prune_hourly(registry: Registry) {
    loop {
        let now = registry.clock.now();
        match registry.store(move |s| s.prune(now)).await {
            Ok(rows) => tracing::debug!(rows, "pruned expired records"),
            Err(err) => tracing::warn!(error = %err, "pruning failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}
