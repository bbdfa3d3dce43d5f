//! What `pdo-registry serve` tells systemd (`Type=notify`, `WatchdogSec=` in `pdo-registry.service`): ready once it
//! listens, then a watchdog ping at half the watchdog period for as long as the database takes a write. When the
//! database stops answering (a lock never released, a disk gone), the pings stop and systemd restarts the service.
//! Outside systemd (no `NOTIFY_SOCKET`) nothing is sent.

use crate::Registry;
use sd_notify::NotifyState;
use std::time::{Duration, Instant};

/// The service listens and can take requests.
pub fn ready() {
    if let Err(err) = sd_notify::notify(false, &[NotifyState::Ready]) {
        tracing::warn!(error = %err, "readiness not sent to systemd");
    }
}

/// Starts the pings when systemd asked for them (`WATCHDOG_USEC` for this process).
pub fn spawn_watchdog(registry: Registry) -> Option<tokio::task::JoinHandle<()>> {
    let mut usec = 0;
    if !sd_notify::watchdog_enabled(false, &mut usec) || usec == 0 {
        return None;
    }
    let every = Duration::from_micros(usec) / 2;
    tracing::info!(every_ms = every.as_millis() as u64, "systemd watchdog pings");
    Some(tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let started = Instant::now();
            // Awaited to the end, so a check stuck on the database never has a second one piled behind it.
            match registry.store(|s| s.ping()).await {
                // A check slower than the period would have missed its ping anyway: only a timely one counts.
                Ok(()) if started.elapsed() < every => {
                    if let Err(err) = sd_notify::notify(false, &[NotifyState::Watchdog]) {
                        tracing::warn!(error = %err, "watchdog ping not sent");
                    }
                }
                Ok(()) => tracing::warn!(took_ms = started.elapsed().as_millis() as u64, "database slow: no ping"),
                Err(err) => tracing::warn!(error = %err, "database did not take a write: no watchdog ping"),
            }
        }
    }))
}
