//! Load benchmark of the registry on loopback: how many complete applications per second it takes, and the p99
//! latency of each request. One application = create a child, add its document, upload a 200 KB scan, create the
//! application (its confirmation letter queued). Mail is written to a folder. Bounded in count and time; prints its
//! figures. Run: `cargo bench -p pdo-registry --bench load [-- APPS CLIENTS [sqlite|postgres] [PROCESSES]]`.
//!
//! - `sqlite` (the default): a SQLite file on disk at synchronous=FULL, the registry in this process.
//! - `postgres`: a throwaway PostgreSQL 15 (fsync and synchronous_commit on, `scratch_postgres`); with PROCESSES 1
//!   the registry runs in this process, with 2 as two `pdo-registry serve` processes that the clients alternate
//!   between, as a reverse proxy would.
//!
//! Everything it writes (the database, scan files, letters, PostgreSQL's cluster) goes under `TMPDIR`: point it at
//! the disk to measure (the README's figures name theirs).

use pdo_core::validation::snils_checksum;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use pdo_registry::scratch_postgres::ScratchPostgres;
use pdo_registry::storage::Storage;
use serde_json::json;
use std::time::{Duration, Instant};

#[path = "../tests/support/served.rs"]
mod served;
use served::Served;

const SCAN_BYTES: usize = 200 * 1024;
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// A valid SNILS for `n` (its first nine digits from `n`, the control number computed).
fn snils(n: u64) -> String {
    let digits: Vec<u8> = format!("{:09}", 2_000_000 + n).bytes().map(|b| b - b'0').collect();
    let first: [u8; 9] = digits.clone().try_into().unwrap();
    let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{}-{}-{} {:02}", &s[0..3], &s[3..6], &s[6..9], snils_checksum(&first))
}

fn fake_jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(SCAN_BYTES, 0x5A);
    bytes
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn timed(
        &self,
        request: reqwest::RequestBuilder,
        expect: u16,
        latencies: &mut Vec<Duration>,
    ) -> serde_json::Value {
        let started = Instant::now();
        let response = request.bearer_auth(&self.token).send().await.expect("request sent");
        let status = response.status().as_u16();
        let path = response.url().path().to_string();
        let body = response.bytes().await.expect("body read");
        latencies.push(started.elapsed());
        assert_eq!(status, expect, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
    }

    async fn application(&self, n: u64, scan: &[u8], latencies: &mut Vec<Duration>) {
        let url = |p: &str| format!("{}{p}", self.base);
        let child = json!({"last_name": "Нагрузкин", "first_name": "Тест", "birth_date": "2015-05-05",
                           "snils": snils(n), "address": "г. Примерный, ул. Вымышленная, д. 1"});
        let created = self
            .timed(
                self.http.post(url("/api/v1/children")).header("Idempotency-Key", format!("c{n}")).json(&child),
                201,
                latencies,
            )
            .await;
        let child_id = created["id"].as_str().unwrap().to_string();
        let document = json!({"kind": "birth_certificate", "series": "II-ЛО", "number": format!("{:06}", n % 1_000_000),
                              "issued_on": "2015-06-01", "issued_by": "Отдел ЗАГС г. Примерного"});
        let docs = url(&format!("/api/v1/children/{child_id}/documents"));
        let doc = self
            .timed(self.http.post(&docs).header("Idempotency-Key", format!("d{n}")).json(&document), 201, latencies)
            .await;
        let scan_url = format!("{docs}/{}/scan", doc["id"].as_str().unwrap());
        self.timed(self.http.put(scan_url).header("Content-Type", "image/jpeg").body(scan.to_vec()), 204, latencies)
            .await;
        let apply = json!({"child_id": child_id, "email": format!("load{n}@example.org")});
        self.timed(
            self.http.post(url("/api/v1/applications")).header("Idempotency-Key", format!("a{n}")).json(&apply),
            201,
            latencies,
        )
        .await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let _ = tracing_subscriber::fmt().with_env_filter("warn").try_init();
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with('-')).collect();
    let apps: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let clients: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);
    let engine = args.get(3).map(String::as_str).unwrap_or("sqlite");
    let processes: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(1);
    let dir = tempfile::tempdir().unwrap();
    let db = match engine {
        "sqlite" => dir.path().join("registry.sqlite3"),
        "postgres" => ScratchPostgres::shared().unwrap().create_database().unwrap().into(),
        other => panic!("unknown engine {other}: sqlite or postgres"),
    };
    assert!(processes == 1 || engine == "postgres", "several processes serve PostgreSQL only");
    let storage = Storage::open(&db).unwrap();
    pdo_registry::demo::seed(&storage).unwrap();
    let accounts: Vec<(String, String)> =
        (0..clients).map(|i| (format!("load.{i}"), format!("load-password-{i}"))).collect();
    for (login, password) in &accounts {
        storage.create_account(login, password, pdo_core::domain::AccountKind::Parent, "Нагрузкина Тест").unwrap();
    }
    drop(storage);
    let mail = dir.path().join("mail");
    let (_registry, _served, bases) = if processes == 1 {
        let registry = EmbeddedRegistry::start_with(&db, false, MailSink::Folder(mail)).unwrap();
        let base = registry.base_url();
        (Some(registry), vec![], vec![base])
    } else {
        let args = ["--public-url", "http://127.0.0.1:8080", "--db", db.to_str().unwrap(), "--mail-dir"];
        let mail = mail.to_str().unwrap();
        let served: Vec<Served> = (0..processes).map(|_| Served::start(&[&args[..], &[mail]].concat())).collect();
        let bases = served.iter().map(|s| s.base.clone()).collect();
        (None, served, bases)
    };
    println!("registry load on {engine}, {processes} process(es)");
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let applicant = json!({
        "last_name": "Нагрузкина", "first_name": "Тест", "birth_date": "1985-01-01",
        "passport": {"kind": "passport", "series": "3200", "number": "100200", "issued_on": "2005-02-02",
                     "issued_by": "Отделом УФМС по Примерной области", "division_code": "420-001"},
        "address": "г. Примерный, ул. Вымышленная, д. 1", "phone": "+79000000000"});
    let mut workers = vec![];
    for (i, (login, password)) in accounts.into_iter().enumerate() {
        let base = bases[i % bases.len()].clone();
        let session: serde_json::Value = http
            .post(format!("{base}/api/v1/sessions"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let client =
            Client { http: http.clone(), base: base.clone(), token: session["token"].as_str().unwrap().into() };
        let put = client.http.put(format!("{base}/api/v1/applicant")).bearer_auth(&client.token).json(&applicant);
        assert_eq!(put.send().await.unwrap().status(), 200);
        workers.push((i as u64, client));
    }
    let scan = std::sync::Arc::new(fake_jpeg());
    let round_trips_before = pdo_registry::sql::postgres::round_trips();
    let started = Instant::now();
    let deadline = started + TIME_LIMIT;
    let per_client = apps / clients;
    let mut tasks = vec![];
    for (i, client) in workers {
        let scan = scan.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client as usize * 4);
            let mut done = 0u64;
            for k in 0..per_client {
                if Instant::now() > deadline {
                    break;
                }
                client.application(i * 1_000_000 + k, &scan, &mut latencies).await;
                done += 1;
            }
            (done, latencies)
        }));
    }
    let mut done = 0;
    let mut latencies = vec![];
    for task in tasks {
        let (d, l) = task.await.unwrap();
        done += d;
        latencies.extend(l);
    }
    let elapsed = started.elapsed();
    // Counted in this process: the registry's own when it runs here (one process), the mail worker's included.
    let round_trips = pdo_registry::sql::postgres::round_trips() - round_trips_before;
    latencies.sort();
    println!("registry load: {done} complete applications by {clients} clients in {:.2} s", elapsed.as_secs_f64());
    println!(
        "  throughput: {:.0} complete applications/s ({} requests)",
        done as f64 / elapsed.as_secs_f64(),
        latencies.len()
    );
    if engine == "postgres" && processes == 1 {
        println!("  PostgreSQL round trips: {:.1} per application", round_trips as f64 / done as f64);
    }
    println!(
        "  latency per request: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!("  targets: >= 400 applications/s; p99 <= 25 ms on SQLite, <= 40 ms on PostgreSQL with two processes");
}
