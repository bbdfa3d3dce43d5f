//! The sync worker: drains the outbox into the registry and keeps the kiosk in touch with it. The rows are the whole
//! state of the queue, so a restart (or a power cut) resumes where it stopped. Each row is sent with its submission id
//! as the idempotency key and deleted only after the registry's `202` (accepted or rejected with its reason); a
//! `422 unsealable` row is kept aside for staff; network trouble and `5xx` are retried with exponential back-off and
//! jitter. While online it also sends heartbeats, refreshes the kiosk config (tops up the number block before it runs
//! out) and publishes the link's state as a `watch` (`SyncWorker::connectivity`).
//!
//! Run it as a tokio task inside the kiosk (`SyncWorker::spawn`), or drive it from a loop (`drain_until_empty`).

mod backoff;
pub mod invented;
mod link;
mod send;

pub use backoff::{BACKOFF_BASE, BACKOFF_FACTOR, BACKOFF_JITTER, BACKOFF_MAX, backoff, backoff_random};
pub use link::{Connectivity, Devices, Link};
pub use send::Pass;

use crate::registry::{ClientError, RegistryClient};
use crate::store::{Store, StoreError};
use chrono::Utc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

#[derive(Debug, Clone)]
pub struct SyncSettings {
    /// Due rows looked at per round of a pass; their outcomes are written in one transaction.
    pub batch: usize,
    /// Sends open at once. A few hide the fsyncs and round trips of each; more would only queue at the registry.
    pub in_flight: usize,
    /// How often the kiosk config (keys, number block) is fetched while online.
    pub config_every: Duration,
    /// With fewer application numbers left than this, the config is fetched (at most every `top_up_every`) so the
    /// registry can hand out the next block; it does so once half of the current block has reached it.
    pub top_up_below: u64,
    pub top_up_every: Duration,
    /// How often a heartbeat is sent while online.
    pub heartbeat_every: Duration,
    /// How often `/healthz` is probed while online (while offline: on the back-off schedule), and how long a probe
    /// may take.
    pub health_every: Duration,
    pub health_timeout: Duration,
    /// The longest sleep between passes when nothing is due (a `wake` cuts it short).
    pub idle: Duration,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            batch: 16,
            in_flight: 4,
            config_every: Duration::from_secs(600),
            top_up_below: 50,
            top_up_every: Duration::from_secs(60),
            heartbeat_every: Duration::from_secs(60),
            health_every: Duration::from_secs(15),
            health_timeout: Duration::from_secs(2),
            idle: Duration::from_secs(30),
        }
    }
}

impl std::fmt::Debug for SyncWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncWorker").finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct SyncWorker {
    store: Store,
    client: RegistryClient,
    settings: SyncSettings,
    wake: Arc<Notify>,
    link: Arc<watch::Sender<Connectivity>>,
    devices: Arc<Mutex<Devices>>,
}

/// When the worker last did each of its periodic jobs.
#[derive(Default)]
struct Schedule {
    probed: Option<Instant>,
    config_fetched: Option<Instant>,
    config_tried: Option<Instant>,
    heartbeat: Option<Instant>,
    link_failures: u32,
}

/// Time left until `every` has passed since `last` (zero when never done).
fn until(last: Option<Instant>, every: Duration) -> Duration {
    last.map_or(Duration::ZERO, |at| every.saturating_sub(at.elapsed()))
}

impl SyncWorker {
    pub fn new(store: Store, client: RegistryClient, settings: SyncSettings) -> Self {
        Self {
            store,
            client,
            settings,
            wake: Arc::new(Notify::new()),
            link: Arc::new(watch::channel(Connectivity::default()).0),
            devices: Arc::default(),
        }
    }

    /// Call after `enqueue` so the worker tries at once instead of at its next idle wake-up.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// How long to sleep before the next pass: until the next row is due, at most `idle`.
    async fn pause(&self) -> Duration {
        match self.store.next_attempt_at().await {
            Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(self.settings.idle),
            _ => self.settings.idle,
        }
    }

    /// Fetches the config when it is old, or when numbers run low and either `top_up_every` has passed or
    /// `news` says the registry has just received numbers (which count towards its next block).
    async fn refresh_config_if_due(&self, schedule: &mut Schedule, news: bool) {
        let stale = until(schedule.config_fetched, self.settings.config_every).is_zero();
        let ask_again = news || until(schedule.config_tried, self.settings.top_up_every).is_zero();
        let low = ask_again && self.numbers_low().await;
        if !stale && !low {
            return;
        }
        schedule.config_tried = Some(Instant::now());
        match self.refresh_config().await {
            Ok(()) => schedule.config_fetched = schedule.config_tried,
            Err(err) => tracing::info!(error = %err, "kiosk config not refreshed"),
        }
    }

    /// One round of the loop; returns how long to sleep before the next.
    async fn step(&self, schedule: &mut Schedule) -> Duration {
        if !self.link.borrow().online() || until(schedule.probed, self.settings.health_every).is_zero() {
            schedule.probed = Some(Instant::now());
            if !self.check_link().await {
                schedule.link_failures += 1;
                return backoff_random(schedule.link_failures);
            }
        }
        self.refresh_config_if_due(schedule, false).await;
        match self.pass().await {
            Ok(pass) if pass.unreachable => {
                self.note(Err(&ClientError::Unreachable));
                // Progress before the failure means the link works at times: start the back-off over.
                schedule.link_failures = if pass.sent + pass.rejected > 0 { 1 } else { schedule.link_failures + 1 };
                return backoff_random(schedule.link_failures);
            }
            Ok(pass) => {
                schedule.link_failures = 0;
                if pass.sent + pass.rejected > 0 {
                    self.refresh_config_if_due(schedule, true).await;
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "outbox store failed");
                schedule.link_failures += 1;
                return backoff_random(schedule.link_failures);
            }
        }
        if until(schedule.heartbeat, self.settings.heartbeat_every).is_zero() {
            schedule.heartbeat = Some(Instant::now());
            if let Err(err) = self.heartbeat().await {
                tracing::info!(error = %err, "heartbeat not sent");
            }
        }
        self.pause()
            .await
            .min(until(schedule.heartbeat, self.settings.heartbeat_every))
            .min(until(schedule.probed, self.settings.health_every))
    }

    /// The worker loop until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut schedule = Schedule::default();
        while !*stop.borrow() {
            let sleep = self.step(&mut schedule).await;
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = self.wake.notified() => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Starts the worker as a task on the current tokio runtime; send `true` to stop it.
    pub fn spawn(self) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
        let (stop, stopped) = watch::channel(false);
        (stop, tokio::spawn(self.run(stopped)))
    }

    /// Runs passes until nothing but held rows is left or `deadline` passes (sleeping until the next row is due in
    /// between); returns what was sent in total. For tests, the benchmark and `pdo-kiosk queue drive`.
    pub async fn drain_until_empty(&self, deadline: Instant) -> Result<Pass, StoreError> {
        let mut total = Pass::default();
        loop {
            let pass = self.pass().await?;
            total.add(&pass);
            total.unreachable = pass.unreachable;
            let status = self.store.queue_status().await?;
            if status.count == status.held || Instant::now() >= deadline {
                return Ok(total);
            }
            let wait = self.pause().await.min(deadline.saturating_duration_since(Instant::now()));
            tokio::time::sleep(wait.max(Duration::from_millis(5))).await;
        }
    }
}
