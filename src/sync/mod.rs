//! The sync worker: drains the outbox into the registry. The rows are the whole state, so a restart (or a power cut)
//! resumes where it stopped. Each row is sent with its submission id as the idempotency key and deleted only after
//! the registry's `202` (accepted → `sent`, rejected → `rejected` with its reason); a `422 unsealable` row is kept
//! aside for staff; network trouble and `5xx` are retried with exponential back-off and jitter.
//!
//! Run it as a tokio task inside the kiosk (`Sync::spawn`), or drive it from a loop (`Sync::drain_until_empty`).

pub mod invented;

use crate::registry::{ClientError, RegistryClient};
use crate::store::{Store, StoreError};
use chrono::Utc;
use pdo_core::api::SubmissionStatus;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// The first retry waits this long…
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// …each further one this many times longer…
pub const BACKOFF_FACTOR: f64 = 1.6;
/// …give or take this fraction…
pub const BACKOFF_JITTER: f64 = 0.2;
/// …and never longer than this.
pub const BACKOFF_MAX: Duration = Duration::from_secs(120);

/// How long to wait after the `failures`-th failure in a row (1 for the first), `jitter` in -1.0..=1.0 scaling the
/// ±20 % spread. Pure, so it is tested without waiting.
pub fn backoff(failures: u32, jitter: f64) -> Duration {
    let exponent = failures.saturating_sub(1).min(64) as i32;
    let raw = BACKOFF_BASE.as_secs_f64() * BACKOFF_FACTOR.powi(exponent);
    let jittered = raw.min(BACKOFF_MAX.as_secs_f64()) * (1.0 + BACKOFF_JITTER * jitter.clamp(-1.0, 1.0));
    Duration::from_secs_f64(jittered.min(BACKOFF_MAX.as_secs_f64()))
}

/// `backoff` with a random jitter.
pub fn backoff_random(failures: u32) -> Duration {
    use rand::Rng;
    backoff(failures, rand::thread_rng().gen_range(-1.0..=1.0))
}

#[derive(Debug, Clone)]
pub struct SyncSettings {
    /// Rows read from the store per pass.
    pub batch: usize,
    /// How often the kiosk config (keys, number block) is fetched while online.
    pub config_every: Duration,
    /// The longest sleep between passes when nothing is due (a `wake` cuts it short).
    pub idle: Duration,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self { batch: 16, config_every: Duration::from_secs(600), idle: Duration::from_secs(30) }
    }
}

/// What one pass over the due rows did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub rejected: usize,
    pub held: usize,
    pub failed: usize,
    /// The registry could not be reached (the pass stopped at the first such row).
    pub unreachable: bool,
    pub bytes: u64,
}

#[derive(Clone)]
pub struct SyncWorker {
    store: Store,
    client: RegistryClient,
    settings: SyncSettings,
    wake: Arc<Notify>,
}

impl SyncWorker {
    pub fn new(store: Store, client: RegistryClient, settings: SyncSettings) -> Self {
        Self { store, client, settings, wake: Arc::new(Notify::new()) }
    }

    /// Call after `enqueue` so the worker tries at once instead of at its next idle wake-up.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Fetches the kiosk config (sealing keys, number block) into the store.
    pub async fn refresh_config(&self) -> anyhow::Result<()> {
        let config = self.client.kiosk_config().await?;
        self.store.save_kiosk_config(&config).await?;
        Ok(())
    }

    /// Sends every row due now, once. Stops early when the registry cannot be reached.
    pub async fn pass(&self) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        loop {
            let due = self.store.due(Utc::now(), self.settings.batch).await?;
            if due.is_empty() {
                return Ok(pass);
            }
            for row in due {
                let size = row.sealed.len() as u64;
                let answer = self.client.submit_sealed(&row.submission_id, &row.key_id, row.sealed).await;
                match answer {
                    Ok(receipt) if receipt.status == SubmissionStatus::Rejected => {
                        let reason = receipt.reason.as_deref().unwrap_or("unknown");
                        tracing::info!(submission = %row.submission_id, reason, "queued application rejected");
                        self.store.rejected(&row.submission_id, reason).await?;
                        pass.rejected += 1;
                    }
                    Ok(_) => {
                        self.store.sent(&row.submission_id).await?;
                        pass.sent += 1;
                        pass.bytes += size;
                    }
                    Err(ClientError::Refused { status: 422, code, .. }) if code == "unsealable" => {
                        tracing::warn!(submission = %row.submission_id, "the registry cannot open a queued box");
                        self.store.hold(&row.submission_id, "unsealable").await?;
                        pass.held += 1;
                    }
                    Err(err) => {
                        let wait = match &err {
                            ClientError::TooManyRequests { retry_after_secs }
                            | ClientError::TooManyAttempts { retry_after_secs } => {
                                Duration::from_secs(*retry_after_secs).max(backoff_random(row.attempts + 1))
                            }
                            _ => backoff_random(row.attempts + 1),
                        };
                        let retry_at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                        tracing::info!(submission = %row.submission_id, error = %err, ?wait, "send failed; will retry");
                        self.store.failed(&row.submission_id, err.code(), retry_at).await?;
                        pass.failed += 1;
                        if err == ClientError::Unreachable {
                            pass.unreachable = true;
                            return Ok(pass);
                        }
                    }
                }
            }
        }
    }

    /// How long to sleep before the next pass: until the next row is due, at most `idle`.
    async fn pause(&self) -> Duration {
        match self.store.next_attempt_at().await {
            Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or_default().min(self.settings.idle),
            _ => self.settings.idle,
        }
    }

    /// The worker loop until `stop` turns true: config refreshes while online, passes, sleeps.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut config_at: Option<Instant> = None;
        let mut link_failures = 0u32;
        while !*stop.borrow() {
            if config_at.is_none_or(|at| at.elapsed() >= self.settings.config_every) {
                match self.refresh_config().await {
                    Ok(()) => config_at = Some(Instant::now()),
                    Err(err) => tracing::info!(error = %err, "kiosk config not refreshed"),
                }
            }
            let sleep = match self.pass().await {
                Ok(pass) if pass.unreachable => {
                    // Progress before the failure means the link works at times: start the back-off over.
                    link_failures = if pass.sent + pass.rejected > 0 { 1 } else { link_failures + 1 };
                    backoff_random(link_failures)
                }
                Ok(_) => {
                    link_failures = 0;
                    self.pause().await
                }
                Err(err) => {
                    tracing::error!(error = %err, "outbox store failed");
                    link_failures += 1;
                    backoff_random(link_failures)
                }
            };
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
            total.sent += pass.sent;
            total.rejected += pass.rejected;
            total.held += pass.held;
            total.failed += pass.failed;
            total.bytes += pass.bytes;
            let status = self.store.queue_status().await?;
            if status.count == status.held || Instant::now() >= deadline {
                return Ok(total);
            }
            let wait = self.pause().await.min(deadline.saturating_duration_since(Instant::now()));
            tokio::time::sleep(wait.max(Duration::from_millis(5))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_1_6_from_one_second_and_stops_at_two_minutes() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(0, 0.0), Duration::from_secs(1), "zero counts as the first");
        assert!((backoff(2, 0.0).as_secs_f64() - 1.6).abs() < 1e-9);
        assert!((backoff(3, 0.0).as_secs_f64() - 2.56).abs() < 1e-9);
        assert!((backoff(4, 0.0).as_secs_f64() - 4.096).abs() < 1e-9);
        let mut last = Duration::ZERO;
        for n in 1..40 {
            let d = backoff(n, 0.0);
            assert!(d >= last && d <= BACKOFF_MAX, "{n}: {d:?}");
            last = d;
        }
        assert_eq!(backoff(12, 0.0), BACKOFF_MAX, "1.6^11 s is over two minutes");
        assert_eq!(backoff(u32::MAX, 1.0), BACKOFF_MAX, "jitter never goes past the cap");
    }

    #[test]
    fn jitter_spreads_twenty_percent_either_way() {
        assert!((backoff(1, 1.0).as_secs_f64() - 1.2).abs() < 1e-9);
        assert!((backoff(1, -1.0).as_secs_f64() - 0.8).abs() < 1e-9);
        assert!((backoff(1, 5.0).as_secs_f64() - 1.2).abs() < 1e-9, "jitter is clamped");
        assert!((backoff(100, -1.0).as_secs_f64() - 96.0).abs() < 1e-9);
        let samples: Vec<f64> = (0..2000).map(|_| backoff_random(3).as_secs_f64()).collect();
        assert!(samples.iter().all(|s| (2.048 - 1e-9..=3.072 + 1e-9).contains(s)));
        let spread =
            samples.iter().cloned().fold(f64::MIN, f64::max) - samples.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 0.8, "random jitter actually varies: {spread}");
    }
}
