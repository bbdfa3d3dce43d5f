//! `pdo-kiosk queue …`: the offline queue from a terminal, with no display. `status` prints one JSON object;
//! the hidden `drive` queues invented applications and syncs them (the crash and network-fault tests run it).

use crate::cli::QueueCommand;
use crate::config::{self, Config};
use crate::paths::Paths;
use crate::registry::{KioskCredentials, RegistryClient, new_key};
use crate::store::{Store, StoreError};
use crate::sync::{SyncSettings, SyncWorker, invented};
use anyhow::Context;
use chrono::Utc;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Where `queue drive` records what it queued: `intent <submission id> <number>` before queuing, `queued <id>` after.
pub const DRIVE_RECORD: &str = "queue-drive.log";

pub fn run(action: &QueueCommand, paths: &Paths, config: &Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = Store::open(&paths.store()).with_context(|| format!("opening {}", paths.store().display()))?;
    match action {
        QueueCommand::Status => runtime.block_on(status(&store)),
        QueueCommand::Drive { enqueue, scan_bytes, seconds } => {
            runtime.block_on(drive(&store, paths, config, *enqueue, *scan_bytes, Duration::from_secs(*seconds)))
        }
    }
}

async fn status(store: &Store) -> anyhow::Result<()> {
    let status = store.queue_status().await?;
    let oldest_age_secs = status.oldest_at.map(|at| (Utc::now() - at).num_seconds().max(0));
    let json = serde_json::json!({
        "count": status.count,
        "oldest_age_secs": oldest_age_secs,
        "last_error": status.last_error,
        "rejected": status.rejected,
        "held": status.held,
    });
    println!("{json}");
    Ok(())
}

fn append(record: &Path, line: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(record)?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_data()?;
    Ok(())
}

/// The last `intent` with no `queued` after it: a run killed between reserving and committing.
fn unfinished(record: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(record).ok()?;
    let mut open = None;
    for line in text.lines() {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["intent", id, number] => open = Some((id.to_string(), number.to_string())),
            ["queued", id] if open.as_ref().is_some_and(|(o, _)| o == id) => open = None,
            _ => {}
        }
    }
    open
}

async fn drive(
    store: &Store,
    paths: &Paths,
    config: &Config,
    count: usize,
    scan_bytes: usize,
    limit: Duration,
) -> anyhow::Result<()> {
    let url = config.registry_url.as_deref().context("queue drive needs --registry")?;
    let kiosk_id = config.kiosk_id.clone().context("queue drive needs --kiosk-id")?;
    let secret = config.kiosk_secret.clone().context("queue drive needs --kiosk-secret")?;
    let client = RegistryClient::new(config::registry_url(url)?)
        .with_pins(config.pins()?)
        .with_kiosk(Some(KioskCredentials { id: kiosk_id.clone(), secret }));
    let worker = SyncWorker::new(store.clone(), client, SyncSettings { batch: 8, ..SyncSettings::default() });
    if let Err(err) = worker.refresh_config().await {
        eprintln!("pdo-kiosk: kiosk config not refreshed ({err}); using the stored one");
    }
    let record = paths.data_dir.join(DRIVE_RECORD);
    if let Some((id, number)) = unfinished(&record) {
        if !store.queued(&id).await? {
            let key = store.sealing_key().await?;
            store.enqueue(&invented::payload(&kiosk_id, &id, &number, scan_bytes), &key).await?;
        }
        append(&record, &format!("queued {id}"))?;
    }
    let mut queued = 0;
    for _ in 0..count {
        let number = match store.take_number().await {
            Ok(number) => number,
            Err(err @ (StoreError::NumbersExhausted | StoreError::NoConfig)) => {
                eprintln!("pdo-kiosk: {err}");
                break;
            }
            Err(err) => return Err(err.into()),
        };
        let key = store.sealing_key().await?;
        let id = new_key();
        append(&record, &format!("intent {id} {number}"))?;
        store.enqueue(&invented::payload(&kiosk_id, &id, &number, scan_bytes), &key).await?;
        append(&record, &format!("queued {id}"))?;
        queued += 1;
    }
    let pass = worker.drain_until_empty(Instant::now() + limit).await?;
    let _ = worker.refresh_config().await;
    let status = store.queue_status().await?;
    println!(
        "{}",
        serde_json::json!({"queued": queued, "sent": pass.sent, "rejected": pass.rejected, "held": pass.held,
            "failed": pass.failed, "left": status.count})
    );
    Ok(())
}
