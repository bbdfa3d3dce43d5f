//! `pdo-registry backup` against a registry that is serving and writing over real HTTP, then the restore procedure
//! of docs/deploy.md: the copy is whole, and a registry served from it answers with what the copy holds.

mod support;

use pdo_registry::demo::ACCOUNTS;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::*;

/// An invented, valid SNILS for the `n`-th child.
fn snils(n: usize) -> String {
    let digits = format!("{:09}", 200_000_000 + n * 7);
    let first_nine: [u8; 9] = std::array::from_fn(|i| digits.as_bytes()[i] - b'0');
    let control = pdo_core::validation::snils_checksum(&first_nine);
    format!("{}-{}-{} {control:02}", &digits[0..3], &digits[3..6], &digits[6..9])
}

/// Adds children, each with a document and a scan, until `stop`; counts the complete ones in `done`.
async fn keep_writing(base: String, token: String, stop: Arc<AtomicBool>, done: Arc<AtomicUsize>) {
    let http = reqwest::Client::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let child = json!({"last_name": "Зарубин", "first_name": "Тихон", "birth_date": "2016-09-02",
                           "snils": snils(n), "address": "г. Примерный, ул. Вымышленная, д. 7"});
        let post = |path: String, body: serde_json::Value, key: String| {
            http.post(format!("{base}{path}")).bearer_auth(&token).header("Idempotency-Key", key).json(&body).send()
        };
        let response = post("/api/v1/children".into(), child, format!("child-{n}")).await.unwrap();
        assert_eq!(response.status(), 201);
        let child: serde_json::Value = response.json().await.unwrap();
        let docs = format!("/api/v1/children/{}/documents", child["id"].as_str().unwrap());
        let document = json!({"kind": "birth_certificate", "series": "IV-ЛО", "number": "654321",
                              "issued_on": "2016-09-20", "issued_by": "Отдел ЗАГС г. Примерного"});
        let response = post(docs.clone(), document, format!("doc-{n}")).await.unwrap();
        assert_eq!(response.status(), 201);
        let document: serde_json::Value = response.json().await.unwrap();
        let scan = format!("{base}{docs}/{}/scan", document["id"].as_str().unwrap());
        let sent = http.put(scan).bearer_auth(&token).header("Content-Type", "image/jpeg").body(fake_jpeg(256 * 1024));
        assert_eq!(sent.send().await.unwrap().status(), 204);
        done.fetch_add(1, Ordering::SeqCst);
    }
}

/// `pdo-registry backup --db DB --to TO`, waited for.
fn run_backup(db: &Path, to: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["backup", "--db"])
        .arg(db)
        .arg("--to")
        .arg(to)
        .output()
        .unwrap()
}

async fn backup(db: &Path, to: &Path) -> std::process::Output {
    let (db, to) = (db.to_path_buf(), to.to_path_buf());
    tokio::task::spawn_blocking(move || run_backup(&db, &to)).await.unwrap()
}

fn count(conn: &rusqlite::Connection, sql: &str) -> usize {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_registry_writes_is_whole_and_serves() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start_on_sqlite(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let db = api.db.clone();
    let backups = tempfile::tempdir().unwrap();

    let (stop, done) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer =
        tokio::spawn(keep_writing(api.registry.base_url(), api.token.clone().unwrap(), stop.clone(), done.clone()));
    let started = Instant::now();
    while done.load(Ordering::SeqCst) < 5 {
        assert!(started.elapsed() < Duration::from_secs(60), "the writer made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut written_during_backups = 0;
    let mut copy = PathBuf::new();
    for n in 0..3 {
        copy = backups.path().join(format!("registry-{n}.sqlite3"));
        let before = done.load(Ordering::SeqCst);
        let out = backup(&db, &copy).await;
        written_during_backups += done.load(Ordering::SeqCst) - before;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("integrity check ok"));
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let total = done.load(Ordering::SeqCst);
    assert!(written_during_backups > 0, "the registry was not writing while the backups ran");
    let leftovers: Vec<_> = std::fs::read_dir(backups.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "only the finished copies, no partial files: {leftovers:?}");

    let conn = rusqlite::Connection::open(&copy).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
    let children = count(&conn, "SELECT COUNT(*) FROM children");
    assert!((5..=total + 1).contains(&children), "{children} children in the copy, {total} written");
    let scans = count(&conn, "SELECT COUNT(*) FROM documents WHERE length(scan) = 256 * 1024 + 2");
    assert!(scans + 1 >= children, "a child's scan may be in flight, no more: {scans} scans, {children} children");
    drop(conn);

    // The restore procedure: stop the service, put the copy in place, remove the stale -wal and -shm, start.
    let Api { registry, dir, http, db, .. } = api;
    drop(registry);
    std::fs::copy(&copy, &db).unwrap();
    for stale in ["registry.sqlite3-wal", "registry.sqlite3-shm"] {
        let _ = std::fs::remove_file(dir.path().join(stale));
    }
    let registry = pdo_registry::embedded::EmbeddedRegistry::start(&db, false).unwrap();
    let mut restored = Api { registry, db, http, token: None, dir };
    restored.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let (status, served) = restored.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(status, 200, "{served}");
    assert_eq!(served.as_array().unwrap().len(), children, "the restored registry serves the copy");
    assert_eq!(restored.send("GET", "/api/v1/certificate-groups", None, None).await.0, 200);
}

#[test]
fn a_backup_refuses_a_missing_database_and_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite3");
    let out = run_backup(&missing, &dir.path().join("copy.sqlite3"));
    assert!(!out.status.success());
    assert!(!missing.exists() && !dir.path().join("copy.sqlite3").exists(), "nothing is created");
    let db = dir.path().join("registry.sqlite3");
    pdo_registry::storage::Storage::open(&db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = run_backup(&db, &db);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
