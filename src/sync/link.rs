//! The worker's view of the registry link, published as a `watch` the GUI subscribes to, and the calls that keep the
//! kiosk known and supplied while online: health probes, heartbeats (no personal data: version, queue size and
//! age, device words) and config refreshes that also top up the block of application numbers.

use super::SyncWorker;
use crate::registry::ClientError;
use chrono::{DateTime, Utc};
use pdo_core::api::{Heartbeat, QueueState};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    /// No health check has finished yet.
    #[default]
    Unknown,
    Online,
    Offline,
}

/// What the GUI shows about the registry link. Changes are published only when something in it changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Connectivity {
    pub link: Link,
    /// The code of the last failed registry call (`unreachable`, `unauthorized`, `unhealthy`, …), cleared by the next
    /// call that needed the kiosk's credentials and succeeded.
    pub last_error: Option<String>,
    /// Round trip of the last successful health check.
    pub latency: Option<Duration>,
    pub checked_at: Option<DateTime<Utc>>,
    /// When the kiosk config (keys, numbers, the registry's operator) was last saved: the GUI reads it again then.
    pub config_saved_at: Option<DateTime<Utc>>,
}

impl Connectivity {
    pub fn online(&self) -> bool {
        self.link == Link::Online
    }
}

/// Words for the heartbeat's `printer` and `camera` (e.g. `ready`, `out_of_paper`, `absent`), set by whoever
/// watches the devices. Never personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct Devices {
    pub printer: String,
    pub camera: String,
}

impl Default for Devices {
    fn default() -> Self {
        Self { printer: "unknown".into(), camera: "unknown".into() }
    }
}

impl SyncWorker {
    /// The link as the worker last saw it; `changed().await` on the receiver wakes on every change.
    pub fn connectivity(&self) -> tokio::sync::watch::Receiver<Connectivity> {
        self.link.subscribe()
    }

    /// Sets what the next heartbeats say about the printer and the camera.
    pub fn report_devices(&self, printer: impl Into<String>, camera: impl Into<String>) {
        let devices = Devices { printer: printer.into(), camera: camera.into() };
        *self.devices.lock().unwrap_or_else(|e| e.into_inner()) = devices;
    }

    /// Probes `/healthz` and publishes the outcome; true when the registry answered.
    pub async fn check_link(&self) -> bool {
        let probed = self.client.probe(self.settings.health_timeout).await;
        let now = Utc::now();
        self.link.send_if_modified(|state| {
            let before = state.clone();
            state.checked_at = Some(now);
            match &probed {
                Ok(latency) => {
                    state.link = Link::Online;
                    state.latency = Some(*latency);
                }
                Err(err) => {
                    state.link = Link::Offline;
                    state.last_error = Some(err.code().to_string());
                }
            }
            // The time alone changing is not news for the screen.
            (state.link, &state.last_error, state.latency) != (before.link, &before.last_error, before.latency)
        });
        probed.is_ok()
    }

    /// Publishes the outcome of an authenticated call: a success clears the last error, `Unreachable` means offline.
    pub(super) fn note(&self, outcome: Result<(), &ClientError>) {
        self.link.send_if_modified(|state| {
            let before = state.clone();
            match outcome {
                Ok(()) => state.last_error = None,
                Err(err) => {
                    state.last_error = Some(err.code().to_string());
                    if *err == ClientError::Unreachable {
                        state.link = Link::Offline;
                    }
                }
            }
            *state != before
        });
    }

    /// Fetches the kiosk config (sealing keys, number block) into the store.
    pub async fn refresh_config(&self) -> anyhow::Result<()> {
        let config = self.client.kiosk_config().await;
        self.note(config.as_ref().map(|_| ()));
        self.store.save_kiosk_config(&config?).await?;
        self.link.send_modify(|state| state.config_saved_at = Some(Utc::now()));
        Ok(())
    }

    /// Sends one heartbeat with the queue's size and the age of its oldest row.
    pub async fn heartbeat(&self) -> anyhow::Result<()> {
        let status = self.store.queue_status().await?;
        let devices = self.devices.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let beat = Heartbeat {
            version: env!("CARGO_PKG_VERSION").into(),
            queue: QueueState { count: status.count, oldest_at: status.oldest_at },
            printer: devices.printer,
            camera: devices.camera,
        };
        let sent = self.client.heartbeat(&beat).await;
        self.note(sent.as_ref().map(|_| ()));
        Ok(sent?)
    }

    /// Whether the block of application numbers runs low enough to ask for the next one.
    pub(super) async fn numbers_low(&self) -> bool {
        self.store.numbers_left().await.is_ok_and(|left| left < self.settings.top_up_below)
    }
}
