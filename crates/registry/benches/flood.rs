//! Flood benchmark: while 40 clients send `POST /api/v1/sessions` with made-up logins as fast as they are answered,
//! kiosks go on with their own requests (config, heartbeat, a sealed offline submission, then a pause) and must keep
//! their pace: p99 <= 250 ms, no failure, the process's memory bounded. Client and server share this process and
//! its cores (loopback only); the RSS figures are the whole process's. Bounded in time and count; prints figures.
//! Run: `cargo bench -p pdo-registry --bench flood [-- SECONDS FLOODERS KIOSKS]`.
//!
//! Uses only what the registry offered before the flood work, so the same file runs against older code.

use base64::Engine;
use chrono::Utc;
use pdo_core::api::{ApplicantRequest, ChildRequest, DocumentRequest, KioskConfig, KioskInfo, OfflinePayload};
use pdo_core::domain::DocumentKind;
use pdo_core::validation::snils_checksum;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use pdo_registry::storage::Storage;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "secretoftheinventedbenchkiosk001";
/// A flooder's requests at most, whatever the duration.
const MAX_PER_FLOODER: u64 = 200_000;

fn snils(n: u64) -> String {
    let digits: Vec<u8> = format!("{:09}", 3_000_000 + n).bytes().map(|b| b - b'0').collect();
    let first: [u8; 9] = digits.clone().try_into().unwrap();
    let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{}-{}-{} {:02}", &s[0..3], &s[3..6], &s[6..9], snils_checksum(&first))
}

/// An invented offline application of kiosk `kiosk`, numbered from its block.
fn payload(kiosk: &str, submission_id: &str, number: &str, n: u64) -> OfflinePayload {
    let mut scan = vec![0xFF, 0xD8, 0xFF, 0xE0];
    scan.resize(200 * 1024, 0x5A);
    OfflinePayload {
        kiosk_id: kiosk.into(),
        submission_id: submission_id.into(),
        application_number: number.into(),
        captured_at: Utc::now(),
        login: None,
        applicant: ApplicantRequest {
            last_name: "Нагрузкина".into(),
            first_name: "Тест".into(),
            patronymic: None,
            birth_date: "1985-01-01".into(),
            passport: DocumentRequest {
                kind: DocumentKind::Passport,
                series: "3200".into(),
                number: "100200".into(),
                issued_on: "2005-02-02".into(),
                issued_by: "Отделом УФМС по Примерной области".into(),
                division_code: Some("420-001".into()),
            },
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
            phone: "+79000000000".into(),
        },
        child: ChildRequest {
            last_name: "Нагрузкин".into(),
            first_name: "Тест".into(),
            patronymic: None,
            birth_date: "2015-05-05".into(),
            snils: snils(n),
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
        },
        document: DocumentRequest {
            kind: DocumentKind::BirthCertificate,
            series: "II-ЛО".into(),
            number: format!("{:06}", n % 1_000_000),
            issued_on: "2015-06-01".into(),
            issued_by: "Отдел ЗАГС г. Примерного".into(),
            division_code: None,
        },
        scan_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&scan),
        email: format!("flood{n}@example.org"),
        group_id: "5-18".into(),
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or("");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One kiosk: config, heartbeat, a sealed submission, a pause; until `stop`. Returns (kind, latency, ok) per request.
async fn kiosk(
    http: reqwest::Client,
    base: String,
    id: String,
    n0: u64,
    stop: Arc<AtomicBool>,
) -> Vec<(&'static str, Duration, bool)> {
    let auth = format!("Kiosk {id}:{SECRET}");
    let mut seen = vec![];
    let mut n = n0;
    let heartbeat = serde_json::json!({"version": "0.1.0", "queue": {"count": 1}, "printer": "ok", "camera": "ok"});
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let config = http.get(format!("{base}/api/v1/kiosk/config")).header("Authorization", &auth).send().await;
        let config: Option<KioskConfig> = match config {
            Ok(r) if r.status() == 200 => r.json().await.ok(),
            _ => None,
        };
        seen.push(("config", started.elapsed(), config.is_some()));
        let started = Instant::now();
        let beat = http.post(format!("{base}/api/v1/kiosk/heartbeat")).header("Authorization", &auth).json(&heartbeat);
        let ok = beat.send().await.is_ok_and(|r| r.status() == 204);
        seen.push(("heartbeat", started.elapsed(), ok));
        if let Some(config) = config {
            let number: u64 = config.number_block.from.parse().unwrap();
            let submission_id = format!("{id}-{n}");
            let body = payload(&id, &submission_id, &(number + n - n0).to_string(), n);
            let key = &config.public_keys[0];
            let sealed = pdo_core::sealed::seal(&key.public_key, &serde_json::to_vec(&body).unwrap()).unwrap();
            let started = Instant::now();
            let sent = http
                .post(format!("{base}/api/v1/kiosk/submissions"))
                .header("Authorization", &auth)
                .header("Idempotency-Key", &submission_id)
                .header("Sealed-Key-Id", &key.key_id)
                .header("Content-Type", "application/octet-stream")
                .body(sealed)
                .send()
                .await;
            seen.push(("submission", started.elapsed(), sent.is_ok_and(|r| r.status() == 202)));
            n += 1;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    seen
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let seconds: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);
    let flooders: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let kiosks: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite3");
    let storage = Storage::open(&db).unwrap();
    pdo_registry::demo::seed(&storage).unwrap();
    let hash = pdo_registry::accounts::hash_password(SECRET);
    for k in 0..kiosks {
        let info = KioskInfo {
            id: format!("bench-kiosk-{k}"),
            name: "Терминал (нагрузка)".into(),
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
            municipality: "demo-01".into(),
        };
        storage.add_kiosk(&info, &hash, Utc::now()).unwrap();
    }
    drop(storage);
    let registry = EmbeddedRegistry::start_with(&db, false, MailSink::Folder(dir.path().join("mail"))).unwrap();
    let base = registry.base_url();
    let http = reqwest::Client::builder().pool_max_idle_per_host(128).build().unwrap();
    let rss_before = status_kib("VmRSS:");

    let stop = Arc::new(AtomicBool::new(false));
    let flood_statuses = Arc::new(Mutex::new(BTreeMap::<String, u64>::new()));
    let flood_sent = Arc::new(AtomicU64::new(0));
    let mut flood = vec![];
    for f in 0..flooders {
        let (http, base, stop, statuses, sent) =
            (http.clone(), base.clone(), stop.clone(), flood_statuses.clone(), flood_sent.clone());
        flood.push(tokio::spawn(async move {
            for n in 0..MAX_PER_FLOODER {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let login = format!("guess-{f}-{n}-{}", rand::random::<u32>());
                let body = serde_json::json!({"login": login, "password": "password123"});
                let answer = http.post(format!("{base}/api/v1/sessions")).json(&body).send().await;
                let key = match answer {
                    Ok(r) => r.status().as_u16().to_string(),
                    Err(_) => "error".to_string(),
                };
                *statuses.lock().unwrap().entry(key).or_default() += 1;
                sent.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // The flood first, so the kiosks meet it at full strength.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let kiosk_stop = Arc::new(AtomicBool::new(false));
    let kiosk_tasks: Vec<_> = (0..kiosks)
        .map(|k| {
            tokio::spawn(kiosk(http.clone(), base.clone(), format!("bench-kiosk-{k}"), k * 10_000, kiosk_stop.clone()))
        })
        .collect();
    let started = Instant::now();
    let mut rss_max = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        rss_max = rss_max.max(status_kib("VmRSS:"));
    }
    kiosk_stop.store(true, Ordering::Relaxed);
    let mut seen = vec![];
    for task in kiosk_tasks {
        seen.extend(task.await.unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64() + 1.0;

    println!("registry flood: {flooders} clients sending sign-ins with made-up logins, {kiosks} kiosks, {seconds} s");
    let sent = flood_sent.load(Ordering::Relaxed);
    let statuses = flood_statuses.lock().unwrap().clone();
    println!("  flood: {sent} requests ({:.0}/s), answers {statuses:?}", sent as f64 / elapsed);
    let failures = seen.iter().filter(|s| !s.2).count();
    let mut all: Vec<Duration> = seen.iter().map(|s| s.1).collect();
    all.sort();
    for kind in ["config", "heartbeat", "submission"] {
        let mut of: Vec<Duration> = seen.iter().filter(|s| s.0 == kind).map(|s| s.1).collect();
        of.sort();
        if of.is_empty() {
            println!("  kiosk {kind}: none answered");
            continue;
        }
        println!(
            "  kiosk {kind}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            of.len(),
            ms(percentile(&of, 0.5)),
            ms(percentile(&of, 0.99)),
            ms(*of.last().unwrap())
        );
    }
    let p99 = if all.is_empty() { Duration::MAX } else { percentile(&all, 0.99) };
    println!("  kiosk requests: {} in all, {failures} failed, p99 {:.1} ms", all.len(), ms(p99));
    println!(
        "  process memory: RSS {:.0} MiB before the flood, at most {:.0} MiB sampled during it, VmHWM {:.0} MiB",
        rss_before as f64 / 1024.0,
        rss_max as f64 / 1024.0,
        status_kib("VmHWM:") as f64 / 1024.0
    );
    let met =
        failures == 0 && !all.is_empty() && p99 <= Duration::from_millis(250) && status_kib("VmHWM:") <= 300 * 1024;
    println!(
        "  targets: kiosk p99 <= 250 ms, no kiosk failure, RSS <= 300 MiB: {}",
        if met { "met" } else { "MISSED" }
    );
}
