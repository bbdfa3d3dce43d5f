//! Test helpers: a real SMTP sink on loopback, and a client for the registry under test.
#![allow(dead_code)]

use pdo_registry::Clock;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use serde_json::Value;

pub mod clocked;
pub mod offline;
pub mod online;
pub mod served;
mod smtp;
#[allow(unused_imports)]
pub use smtp::SmtpSink;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Where a test's registry keeps its records: a SQLite file in `dir`, or with `PDO_TEST_DB=postgres` a fresh
/// database on the test process's own PostgreSQL server (see `pdo_registry::scratch_postgres`). The registry's
/// integration suite runs once each way (`scripts/test.sh`).
pub fn database(dir: &std::path::Path) -> std::path::PathBuf {
    match std::env::var("PDO_TEST_DB").as_deref() {
        Ok("postgres") => {
            let server = pdo_registry::scratch_postgres::ScratchPostgres::shared().expect("a scratch PostgreSQL");
            server.create_database().expect("a fresh database").into()
        }
        Ok("sqlite") | Err(_) => dir.join("registry.sqlite3"),
        Ok(other) => panic!("PDO_TEST_DB={other}: use sqlite or postgres"),
    }
}

/// Whether this run is the PostgreSQL one (tests of the SQLite file itself say so and check nothing else).
pub fn on_postgres() -> bool {
    std::env::var("PDO_TEST_DB").as_deref() == Ok("postgres")
}

/// The rows `sql` selects in the test's database, whichever engine holds it.
pub fn query(db: &std::path::Path, sql: &str) -> Vec<pdo_registry::sql::Row> {
    let storage = pdo_registry::storage::Storage::open(db).unwrap();
    storage.read(|conn| Ok(conn.query_map(sql, (), |r| Ok(r.clone()))?.collect::<Result<_, _>>()?)).unwrap()
}

/// Runs one statement on the test's database, whichever engine holds it.
pub fn execute(db: &std::path::Path, sql: &str, params: Vec<pdo_registry::sql::Value>) -> usize {
    let storage = pdo_registry::storage::Storage::open(db).unwrap();
    storage.write(|conn| Ok(conn.execute(sql, params.clone())?)).unwrap()
}

/// The first column of every row `sql` selects, as text.
pub fn texts(db: &std::path::Path, sql: &str) -> Vec<String> {
    query(db, sql).iter().map(|r| r.get(0).unwrap()).collect()
}

pub struct Api {
    pub registry: EmbeddedRegistry,
    /// The registry's database: a SQLite path or a PostgreSQL URL (`Storage::open` takes either).
    pub db: std::path::PathBuf,
    pub http: reqwest::Client,
    pub token: Option<String>,
    pub dir: tempfile::TempDir,
}

impl Api {
    pub fn start(smtp_port: u16) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        Self::start_on(smtp_port, dir, db)
    }

    /// On a SQLite file whichever engine the run tests: tests of the file itself (backups, what it keeps on disk).
    pub fn start_on_sqlite(smtp_port: u16) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite3");
        Self::start_on(smtp_port, dir, db)
    }

    fn start_on(smtp_port: u16, dir: tempfile::TempDir, db: std::path::PathBuf) -> Api {
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let registry =
            EmbeddedRegistry::start_with(&db, true, MailSink::Smtp { host: "127.0.0.1".into(), port: smtp_port })
                .unwrap();
        Api { registry, db, http: reqwest::Client::new(), token: None, dir }
    }

    /// The same with the registry's clock `days_ahead` days ahead of the real one, moved by the test at will.
    pub fn start_with_moving_clock(smtp_port: u16, days_ahead: Arc<AtomicI64>) -> Api {
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let dir = tempfile::tempdir().unwrap();
        let clock =
            Clock::from_fn(move || chrono::Utc::now() + chrono::Duration::days(days_ahead.load(Ordering::SeqCst)));
        let db = database(dir.path());
        let registry = EmbeddedRegistry::start_with_mail_and_clock(
            &db,
            true,
            MailSink::Smtp { host: "127.0.0.1".into(), port: smtp_port },
            clock,
        )
        .unwrap();
        Api { registry, db, http: reqwest::Client::new(), token: None, dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.registry.base_url())
    }

    pub async fn sign_in(&mut self, login: &str, password: &str) {
        let (status, body) = self
            .send("POST", "/api/v1/sessions", Some(serde_json::json!({"login": login, "password": password})), None)
            .await;
        assert_eq!(status, 201, "{body}");
        self.token = Some(body["token"].as_str().unwrap().to_string());
    }

    /// Sends JSON (or nothing) with the session token and an optional Idempotency-Key; returns status and body.
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>, key: Option<&str>) -> (u16, Value) {
        let (status, _, body) = self.send_full(method, path, body, key).await;
        (status, body)
    }

    pub async fn send_full(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self.http.request(method.parse().unwrap(), self.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn upload(&self, path: &str, content_type: &str, bytes: Vec<u8>) -> u16 {
        let mut request = self.http.put(self.url(path)).header("Content-Type", content_type).body(bytes);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().status().as_u16()
    }
}

/// A tiny real JPEG header followed by filler: enough for the magic-number check.
pub fn fake_jpeg(size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    bytes.resize(size, 0x55);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// Announces a body of `len` bytes and sends only its first kilobyte: a server that checks sizes must refuse it from
/// the headers alone. Returns the status line's code. (A normal client writing the whole body would see the
/// connection closed under it once the server has answered.)
pub async fn status_for_announced_body(base_url: &str, path: &str, token: &str, content_type: &str, len: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {len}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(&fake_jpeg(1024)).await;
    let mut answer = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer)).await.unwrap().unwrap();
    let line = String::from_utf8_lossy(&answer[..n]).to_string();
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status in {line:?}"))
}
