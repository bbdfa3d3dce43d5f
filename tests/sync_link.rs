//! The sync worker's link duties against the embedded registry: heartbeats arrive (read back from the registry's
//! database), the number block is topped up before it runs out, and the connectivity watch follows the registry
//! going away. All data is invented.

use chrono::Utc;
use pdo_core::api::KioskInfo;
use pdo_kiosk::registry::{KioskCredentials, RegistryClient, new_key};
use pdo_kiosk::store::Store;
use pdo_kiosk::sync::{Connectivity, Link, SyncSettings, SyncWorker, invented};
use pdo_registry::embedded::EmbeddedRegistry;
use std::path::PathBuf;
use std::time::Duration;

const KIOSK_ID: &str = "link-kiosk-1";
const SECRET: &str = "secretoftheinventedlinkkiosk0001";

struct Registry {
    db: PathBuf,
    _dir: tempfile::TempDir,
    embedded: Option<EmbeddedRegistry>,
}

impl Registry {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite3");
        let embedded = EmbeddedRegistry::start(&db, true).unwrap();
        let info = KioskInfo {
            id: KIOSK_ID.into(),
            name: "Терминал в библиотеке (демо)".into(),
            address: "г. Примерный, ул. Книжная, д. 5".into(),
            municipality: "demo-02".into(),
        };
        pdo_registry::storage::Storage::open(&db)
            .unwrap()
            .add_kiosk(&info, &pdo_registry::accounts::hash_password(SECRET), Utc::now())
            .unwrap();
        Self { db, _dir: dir, embedded: Some(embedded) }
    }

    fn client(&self, secret: &str) -> RegistryClient {
        let url = self.embedded.as_ref().unwrap().base_url();
        RegistryClient::new(url.parse().unwrap())
            .with_kiosk(Some(KioskCredentials { id: KIOSK_ID.into(), secret: secret.into() }))
    }

    /// The kiosk's last heartbeat as the registry keeps it: (version, queue count, oldest, printer, camera, received).
    fn heartbeat(&self) -> Option<(String, i64, Option<String>, String, String, String)> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT version, queue_count, queue_oldest_at, printer, camera, received_at FROM kiosk_heartbeats
             WHERE kiosk_id = ?1",
            [KIOSK_ID],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        ))
        .unwrap()
    }

    fn blocks(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row("SELECT COUNT(*) FROM number_blocks WHERE kiosk_id = ?1", [KIOSK_ID], |r| r.get(0)).unwrap()
    }
}

fn quick() -> SyncSettings {
    SyncSettings {
        heartbeat_every: Duration::from_millis(150),
        health_every: Duration::from_millis(100),
        idle: Duration::from_millis(100),
        top_up_every: Duration::from_secs(3600),
        ..SyncSettings::default()
    }
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_carry_the_queue_and_devices_and_keep_coming() {
    let registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let worker = SyncWorker::new(store.clone(), registry.client(SECRET), quick());
    worker.refresh_config().await.unwrap();
    let key = store.sealing_key().await.unwrap();
    for _ in 0..2 {
        let number = store.take_number().await.unwrap();
        store.enqueue(&invented::payload(KIOSK_ID, &new_key(), &number, 2048), &key).await.unwrap();
    }
    worker.report_devices("out_of_paper", "ready");
    worker.heartbeat().await.unwrap();
    let (version, count, oldest, printer, camera, _) = registry.heartbeat().expect("a heartbeat is stored");
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!((count, printer.as_str(), camera.as_str()), (2, "out_of_paper", "ready"));
    assert!(oldest.is_some(), "the oldest queued row's time is sent");

    // The worker as the kiosk runs it: the queue drains and the heartbeats keep coming, saying so.
    let (stop, task) = worker.spawn();
    let mut seen = std::collections::BTreeSet::new();
    eventually("three heartbeats, the last with an empty queue", async || {
        let beat = registry.heartbeat().unwrap();
        seen.insert(beat.5.clone());
        seen.len() >= 3 && beat.1 == 0 && beat.2.is_none()
    })
    .await;
    stop.send(true).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_number_block_is_topped_up_before_it_runs_out() {
    let registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let worker = SyncWorker::new(store.clone(), registry.client(SECRET), quick());
    worker.refresh_config().await.unwrap();
    assert_eq!((store.numbers_left().await.unwrap(), registry.blocks()), (100, 1));
    // Offline applications use 55 of the 100 numbers; the registry learns of them only as they arrive.
    let key = store.sealing_key().await.unwrap();
    for _ in 0..55 {
        let number = store.take_number().await.unwrap();
        store.enqueue(&invented::payload(KIOSK_ID, &new_key(), &number, 1024), &key).await.unwrap();
    }
    assert_eq!(store.numbers_left().await.unwrap(), 45);
    let (stop, task) = worker.spawn();
    eventually("a second block", async || store.numbers_left().await.unwrap() == 145).await;
    assert_eq!(store.queue_status().await.unwrap().count, 0);
    assert_eq!(registry.blocks(), 2);
    stop.send(true).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connectivity_watch_follows_the_registry() {
    let mut registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let worker = SyncWorker::new(store.clone(), registry.client(SECRET), quick());
    let mut watch = worker.connectivity();
    assert_eq!(*watch.borrow(), Connectivity::default(), "unknown before the first check");
    let (stop, task) = worker.spawn();
    let online =
        tokio::time::timeout(Duration::from_secs(10), watch.wait_for(|c| c.online() && c.last_error.is_none()))
            .await
            .expect("online in time")
            .unwrap()
            .clone();
    assert!(online.latency.is_some_and(|l| l < Duration::from_secs(2)), "{online:?}");
    assert!(online.checked_at.is_some());

    drop(registry.embedded.take()); // the registry goes away
    let offline = tokio::time::timeout(Duration::from_secs(10), watch.wait_for(|c| c.link == Link::Offline))
        .await
        .expect("offline in time")
        .unwrap()
        .clone();
    assert_eq!(offline.last_error.as_deref(), Some("unreachable"));
    stop.send(true).unwrap();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_secret_shows_as_online_with_its_error_code() {
    let registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let worker = SyncWorker::new(store, registry.client("notthesecretofthiskiosk000000000"), quick());
    let mut watch = worker.connectivity();
    let (stop, task) = worker.spawn();
    let refused = tokio::time::timeout(Duration::from_secs(10), watch.wait_for(|c| c.last_error.is_some()))
        .await
        .expect("an error in time")
        .unwrap()
        .clone();
    assert_eq!((refused.link, refused.last_error.as_deref()), (Link::Online, Some("unauthorized")));
    stop.send(true).unwrap();
    task.await.unwrap();
}
