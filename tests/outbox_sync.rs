//! The offline queue against a real registry (in-process, on a temp SQLite file): nothing lost and nothing sent twice
//! when the kiosk is killed at random moments or the network misbehaves, and nothing readable on the kiosk's disk.
//! All data is invented (`pdo_kiosk::sync::invented`).

use chrono::Utc;
use pdo_core::api::{KioskInfo, SubmissionStatus};
use pdo_kiosk::registry::{ClientError, KioskCredentials, RegistryClient};
use pdo_kiosk::store::Store;
use pdo_kiosk::sync::{SyncSettings, SyncWorker, invented};
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::storage::Storage;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const KIOSK_ID: &str = "outbox-kiosk-1";
const SECRET: &str = "secretoftheinventedoutboxkiosk01";

struct Registry {
    dir: tempfile::TempDir,
    embedded: EmbeddedRegistry,
}

impl Registry {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let embedded = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
        let storage = Storage::open(&dir.path().join("registry.sqlite3")).unwrap();
        let info = KioskInfo {
            id: KIOSK_ID.into(),
            name: "Терминал в доме культуры (демо)".into(),
            address: "г. Примерный, ул. Театральная, д. 3".into(),
            municipality: "demo-02".into(),
        };
        storage.add_kiosk(&info, &pdo_registry::accounts::hash_password(SECRET), Utc::now()).unwrap();
        Self { dir, embedded }
    }

    fn url(&self) -> String {
        self.embedded.base_url()
    }

    fn client(&self, url: &str) -> RegistryClient {
        RegistryClient::new(url.parse().unwrap())
            .with_kiosk(Some(KioskCredentials { id: KIOSK_ID.into(), secret: SECRET.into() }))
    }

    /// Every application this kiosk has at the registry, by number, with how many rows each number has, and how
    /// many submissions the registry recorded for each submission id.
    fn census(&self) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let conn = rusqlite::Connection::open(self.dir.path().join("registry.sqlite3")).unwrap();
        let count = |sql: &str| -> BTreeMap<String, u64> {
            let mut statement = conn.prepare(sql).unwrap();
            statement
                .query_map([KIOSK_ID], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        (
            count("SELECT number, COUNT(*) FROM applications WHERE kiosk_id = ?1 GROUP BY number"),
            count("SELECT submission_id, COUNT(*) FROM submissions WHERE kiosk_id = ?1 GROUP BY submission_id"),
        )
    }

    /// Checks that exactly `expected` (submission id → number) arrived, each once, all accepted. Returns
    /// (lost, duplicated).
    async fn exactly_once(&self, expected: &BTreeMap<String, String>) -> (usize, usize) {
        let client = self.client(&self.url());
        let mut lost = 0;
        for (id, number) in expected {
            match client.submission(id).await {
                Ok(receipt) => {
                    assert_eq!(&receipt.application_number, number, "{id}");
                    assert_eq!(receipt.status, SubmissionStatus::AwaitingClaim, "{id}: {receipt:?}");
                }
                Err(ClientError::Refused { status: 404, .. }) => lost += 1,
                Err(other) => panic!("{id}: {other:?}"),
            }
        }
        let (applications, submissions) = self.census();
        let numbers: BTreeSet<&String> = expected.values().collect();
        lost += numbers.iter().filter(|n| !applications.contains_key(n.as_str())).count();
        let duplicated = applications.values().filter(|&&c| c > 1).count()
            + submissions.values().filter(|&&c| c > 1).count()
            + applications.keys().filter(|n| !numbers.contains(n)).count()
            + submissions.keys().filter(|id| !expected.contains_key(id.as_str())).count();
        (lost, duplicated)
    }
}

fn drive(data: &Path, url: &str, enqueue: usize, scan_bytes: usize, seconds: u64) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"));
    command
        .arg("--config")
        .arg(data.join("absent.toml"))
        .arg("--data-dir")
        .arg(data)
        .args(["queue", "drive", "--registry", url, "--kiosk-id", KIOSK_ID, "--kiosk-secret", SECRET])
        .args(["--enqueue", &enqueue.to_string(), "--scan-bytes", &scan_bytes.to_string()])
        .args(["--seconds", &seconds.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// What `queue drive` says it queued: every `intent` line (a killed run's last one is finished by the next run).
fn intents(data: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(data.join(pdo_kiosk::queue_cli::DRIVE_RECORD)).unwrap_or_default();
    text.lines()
        .filter_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["intent", id, number] => Some((id.to_string(), number.to_string())),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loop_loses_nothing_and_sends_nothing_twice() {
    let registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let url = registry.url();
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x005E_ED0F_C4A5);
    let (mut kills, mut finished) = (0u32, 0u32);
    while kills < 220 && started.elapsed() < Duration::from_secs(60) {
        let mut child = drive(data.path(), &url, rng.gen_range(1..=2), 16 * 1024, 30).spawn().unwrap();
        // Random moments across a run's life: start-up, config fetch, reserving, sealing, committing, sending.
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..60_000)));
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        } else {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            kills += 1;
        }
    }
    // The final drain, as a kiosk keeps sending: another pass while rows are left (a busy CI machine once had two
    // left after one 60 s pass, which the count below then took for lost).
    let mut report = serde_json::Value::Null;
    for _ in 0..3 {
        let out = drive(data.path(), &url, 0, 16 * 1024, 60).stdout(Stdio::piped()).output().unwrap();
        assert!(out.status.success(), "the final drain exits cleanly");
        let stdout = String::from_utf8_lossy(&out.stdout);
        report = serde_json::from_str(stdout.lines().last().unwrap_or("null")).unwrap();
        if report["left"] == 0 {
            break;
        }
    }
    assert_eq!(report["left"], 0, "the outbox is drained: {report}");
    let expected = intents(data.path());
    let (lost, duplicated) = registry.exactly_once(&expected).await;
    println!(
        "crash loop: {kills} kills, {lost} lost, {duplicated} duplicated ({} applications, {finished} runs finished, {:.1} s)",
        expected.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(kills >= 200, "only {kills} kills in time");
    assert!(expected.len() >= 20, "the loop queued too little to mean anything: {}", expected.len());
    assert_eq!((lost, duplicated), (0, 0));
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    assert_eq!(store.queue_status().await.unwrap().count, 0, "the outbox is drained, as the last pass said");
}

/// How the proxy treats one connection.
#[derive(Default)]
struct Faults {
    dropped: AtomicU64,
    delayed: AtomicU64,
    cut: AtomicU64,
    clean: AtomicU64,
}

/// A TCP proxy in front of `upstream` that drops connections, delays them, or forwards the request and cuts the
/// answer short (the registry has processed it; the kiosk never hears). Returns its base URL.
async fn fault_proxy(upstream: String, faults: Arc<Faults>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut seed = 1u64;
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            seed += 1;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let roll: f64 = rng.r#gen();
            let (upstream, faults) = (upstream.clone(), faults.clone());
            tokio::spawn(async move {
                if roll < 0.2 {
                    faults.dropped.fetch_add(1, Ordering::Relaxed);
                    return; // closed before a byte
                }
                if roll < 0.4 {
                    faults.delayed.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(rng.gen_range(50..400))).await;
                }
                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else { return };
                // Every connection dies after a random share of its answers (mid-answer or between answers, so
                // the registry has processed what the kiosk never hears); some die mid-request instead.
                let cut_after = rng.gen_range(0..1500usize);
                let cut_request = (0.4..0.55).contains(&roll).then(|| rng.gen_range(0..12_000usize));
                let (mut client_read, mut client_write) = client.split();
                let (mut server_read, mut server_write) = tokio::io::split(server);
                let upward = async {
                    let mut passed = 0usize;
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = client_read.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        if let Some(limit) = cut_request
                            && passed + n > limit
                        {
                            let _ = server_write.write_all(&buf[..limit - passed]).await;
                            faults.cut.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        passed += n;
                        if server_write.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                };
                let downward = async {
                    let mut passed = 0usize;
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = server_read.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            faults.clean.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        if passed + n > cut_after {
                            let _ = client_write.write_all(&buf[..cut_after - passed]).await;
                            faults.cut.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        passed += n;
                        if client_write.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                };
                tokio::select! {
                    _ = upward => {}
                    _ = downward => {}
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn queue_invented(store: &Store, count: usize, scan_bytes: usize) -> BTreeMap<String, String> {
    let key = store.sealing_key().await.unwrap();
    let mut queued = BTreeMap::new();
    for _ in 0..count {
        let number = store.take_number().await.unwrap();
        let id = pdo_kiosk::registry::new_key();
        store.enqueue(&invented::payload(KIOSK_ID, &id, &number, scan_bytes), &key).await.unwrap();
        queued.insert(id, number);
    }
    queued
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_faults_lose_nothing_and_send_nothing_twice() {
    let registry = Registry::start();
    let faults = Arc::new(Faults::default());
    let proxy = fault_proxy(registry.url().trim_start_matches("http://").to_string(), faults.clone()).await;
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let settings = SyncSettings { batch: 4, idle: Duration::from_millis(200), ..SyncSettings::default() };
    let worker = SyncWorker::new(store.clone(), registry.client(&proxy), settings);
    // The config comes through the faulty network too: retry until it arrives.
    let deadline = Instant::now() + Duration::from_secs(20);
    while worker.refresh_config().await.is_err() {
        assert!(Instant::now() < deadline, "no config through the proxy");
    }
    let expected = queue_invented(&store, 40, 8 * 1024).await;
    // The worker as the kiosk runs it: a task on the runtime.
    let (stop, task) = worker.clone().spawn();
    let deadline = Instant::now() + Duration::from_secs(80);
    while store.queue_status().await.unwrap().count > 0 {
        assert!(Instant::now() < deadline, "not drained: {:?}", store.queue_status().await.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    task.await.unwrap();
    let (lost, duplicated) = registry.exactly_once(&expected).await;
    let (dropped, delayed, cut) = (
        faults.dropped.load(Ordering::Relaxed),
        faults.delayed.load(Ordering::Relaxed),
        faults.cut.load(Ordering::Relaxed),
    );
    println!(
        "network faults: {} applications, {dropped} dropped, {delayed} delayed, {cut} cut, {} clean connections; \
         {lost} lost, {duplicated} duplicated",
        expected.len(),
        faults.clean.load(Ordering::Relaxed)
    );
    assert!(dropped > 0 && cut > 0, "the proxy must actually have misbehaved");
    assert_eq!((lost, duplicated), (0, 0));
}

/// Every file under `dir`, raw bytes (the WAL and shared-memory files included).
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn found(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn readable(dir: &Path, needles: &[Vec<u8>]) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, bytes) in files(dir) {
        for needle in needles {
            if found(&bytes, needle) {
                hits.push(format!(
                    "{} holds {:?}",
                    path.display(),
                    String::from_utf8_lossy(&needle[..needle.len().min(24)])
                ));
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_readable_on_the_kiosk_disk_before_or_after_draining() {
    use base64::Engine;
    let registry = Registry::start();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let worker = SyncWorker::new(store.clone(), registry.client(&registry.url()), SyncSettings::default());
    worker.refresh_config().await.unwrap();
    let queued = queue_invented(&store, 5, 200 * 1024).await;

    let mut needles: Vec<Vec<u8>> = [
        invented::APPLICANT_LAST_NAME,
        invented::APPLICANT_FIRST_NAME,
        invented::CHILD_LAST_NAME,
        invented::CHILD_FIRST_NAME,
        invented::PASSPORT_NUMBER,
        invented::BIRTH_CERTIFICATE_NUMBER,
        invented::EMAIL,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    for number in queued.values() {
        let n: u64 = number.parse().unwrap();
        needles.push(invented::snils_for(n).into_bytes());
        let scan = invented::scan(200 * 1024, n);
        needles.push(scan[100_000..100_032].to_vec());
        let encoded = base64::engine::general_purpose::STANDARD.encode(&scan);
        needles.push(encoded.as_bytes()[99_000..99_048].to_vec());
    }
    // The needles are what a plaintext queue would hold: the test would see one.
    let (id, number) = queued.iter().next().unwrap();
    let plain = serde_json::to_vec(&invented::payload(KIOSK_ID, id, number, 200 * 1024)).unwrap();
    assert!(needles.iter().take(7).all(|n| found(&plain, n)));
    assert!(needles.iter().skip(7).take(3).filter(|n| found(&plain, n)).count() >= 2);

    let before = readable(data.path(), &needles);
    assert!(before.is_empty(), "readable before draining: {before:#?}");
    assert!(files(data.path()).iter().map(|(_, b)| b.len()).sum::<usize>() > 5 * 200 * 1024, "the boxes are on disk");
    let pass = worker.drain_until_empty(Instant::now() + Duration::from_secs(30)).await.unwrap();
    assert_eq!(pass.sent, 5);
    let after = readable(data.path(), &needles);
    assert!(after.is_empty(), "readable after draining: {after:#?}");
    let wal = std::fs::metadata(data.path().join("kiosk.sqlite3-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal, 0, "the WAL is truncated after sent rows are deleted");
}

#[tokio::test]
async fn queue_status_prints_one_json_object_without_a_display() {
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let (_, public) = pdo_core::sealed::generate();
    let config = pdo_core::api::KioskConfig {
        kiosk: KioskInfo {
            id: KIOSK_ID.into(), name: "Т".into(), address: "А".into(), municipality: "demo-02".into()
        },
        public_keys: vec![pdo_core::api::PublicKey { key_id: "k1".into(), public_key: public }],
        operator: None,
        number_block: pdo_core::api::NumberBlock { from: "7000".into(), to: "7099".into() },
    };
    store.save_kiosk_config(&config).await.unwrap();
    let queued: Vec<String> = queue_invented(&store, 3, 1024).await.into_keys().collect();
    store.failed(&queued[0], "unreachable", Utc::now()).await.unwrap();
    store.rejected(&queued[1], "validation").await.unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"))
        .arg("--config")
        .arg(data.path().join("absent.toml"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["queue", "status"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let status: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status["count"], 2);
    assert_eq!(status["rejected"], 1);
    assert_eq!(status["last_error"], "unreachable");
    assert!(status["oldest_age_secs"].as_i64().is_some_and(|age| (0..60).contains(&age)), "{status}");
}
