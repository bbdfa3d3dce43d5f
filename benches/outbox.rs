//! Outbox throughput: commits per second with full durability (WAL, synchronous=FULL, one transaction per
//! application) and drain throughput into the embedded registry on loopback, with ~200 KB scans, with the worker's
//! default sends in flight and one at a time. Invented data.
//! `cargo bench -p pdo-kiosk --bench outbox`

use chrono::Utc;
use pdo_core::api::KioskInfo;
use pdo_kiosk::registry::{KioskCredentials, RegistryClient, new_key};
use pdo_kiosk::store::Store;
use pdo_kiosk::sync::{SyncSettings, SyncWorker, invented};
use std::time::{Duration, Instant};

const KIOSK_ID: &str = "bench-kiosk-1";
const SECRET: &str = "secretoftheinventedbenchkiosk001";
const SCAN: usize = 200 * 1024;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    // Not /tmp: it may be a tmpfs, where fsync costs nothing.
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let db = root.path().join("registry.sqlite3");
    let registry = pdo_registry::embedded::EmbeddedRegistry::start(&db, true)?;
    let info = KioskInfo {
        id: KIOSK_ID.into(),
        name: "Терминал для замеров (демо)".into(),
        address: "г. Примерный, ул. Измерительная, д. 1".into(),
        municipality: "demo-02".into(),
    };
    pdo_registry::storage::Storage::open(&db)?.add_kiosk(
        &info,
        &pdo_registry::accounts::hash_password(SECRET),
        Utc::now(),
    )?;
    let client = RegistryClient::new(registry.base_url().parse()?)
        .with_kiosk(Some(KioskCredentials { id: KIOSK_ID.into(), secret: SECRET.into() }));

    let kiosk = root.path().join("kiosk");
    std::fs::create_dir_all(&kiosk)?;
    let store = Store::open(&kiosk.join("kiosk.sqlite3"))?;
    let settings = SyncSettings { batch: 32, ..SyncSettings::default() };
    let worker_client = client.clone();
    let worker = SyncWorker::new(store.clone(), client, settings.clone());
    worker.refresh_config().await?;
    let key = store.sealing_key().await?;

    // Commits: the payload is built outside the timing; sealing + one durable transaction each are timed.
    let count = 100;
    let mut payloads = Vec::new();
    for _ in 0..count {
        let number = store.take_number().await?;
        payloads.push(invented::payload(KIOSK_ID, &new_key(), &number, SCAN));
    }
    let started = Instant::now();
    let mut sealed_bytes = 0u64;
    for payload in &payloads {
        store.enqueue(payload, &key).await?;
        sealed_bytes += serde_json::to_vec(payload)?.len() as u64 + 48;
    }
    let commit = started.elapsed();
    println!(
        "outbox commits (200 KB scans, synchronous=FULL): {:.0}/s ({count} in {:.2} s)",
        count as f64 / commit.as_secs_f64(),
        commit.as_secs_f64()
    );

    let started = Instant::now();
    let pass = worker.drain_until_empty(Instant::now() + Duration::from_secs(120)).await?;
    let drain = started.elapsed();
    let mib = pass.bytes as f64 / (1024.0 * 1024.0);
    println!(
        "drain into the embedded registry on loopback: {:.1} MiB/s, {:.0} applications/s ({} sent, {:.1} MiB in {:.2} s)",
        mib / drain.as_secs_f64(),
        pass.sent as f64 / drain.as_secs_f64(),
        pass.sent,
        mib,
        drain.as_secs_f64()
    );
    assert_eq!(pass.sent, count, "every queued application was accepted");
    assert_eq!(pass.bytes, sealed_bytes);

    // The same drain one send at a time: what the sends in flight add. The first block of numbers is used up.
    worker.refresh_config().await?;
    let key = store.sealing_key().await?;
    for _ in 0..count {
        let number = store.take_number().await?;
        store.enqueue(&invented::payload(KIOSK_ID, &new_key(), &number, SCAN), &key).await?;
    }
    let one_at_a_time = SyncWorker::new(store.clone(), worker_client, SyncSettings { in_flight: 1, ..settings });
    let started = Instant::now();
    let pass = one_at_a_time.drain_until_empty(Instant::now() + Duration::from_secs(120)).await?;
    let mib = pass.bytes as f64 / (1024.0 * 1024.0);
    println!(
        "the same, one send at a time: {:.1} MiB/s ({} sent in {:.2} s)",
        mib / started.elapsed().as_secs_f64(),
        pass.sent,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(pass.sent, count);
    Ok(())
}
