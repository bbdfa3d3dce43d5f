//! A registry on a real database file with a clock the test moves, registered kiosks, and raw HTTP helpers.

use chrono::{DateTime, Duration, Utc};
use pdo_core::api::KioskInfo;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::storage::Storage;
use pdo_registry::{Clock, Registry};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct Clocked {
    pub registry: EmbeddedRegistry,
    pub http: reqwest::Client,
    pub db: PathBuf,
    pub offset: Arc<Mutex<Duration>>,
    pub _dir: tempfile::TempDir,
}

impl Clocked {
    /// The demo registry; `configure` may change the `Registry` before it serves (trusted proxies).
    pub fn start(configure: impl FnOnce(Registry) -> Registry + Send + 'static) -> Clocked {
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let dir = tempfile::tempdir().unwrap();
        let db = super::database(dir.path());
        let offset = Arc::new(Mutex::new(Duration::zero()));
        let shared = offset.clone();
        let clock = Clock::from_fn(move || Utc::now() + *shared.lock().unwrap());
        let registry = EmbeddedRegistry::start_configured(&db, true, clock, configure).unwrap();
        Clocked { registry, http: reqwest::Client::new(), db, offset, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.registry.base_url())
    }

    /// Moves the registry's clock on.
    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap() += by;
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.offset.lock().unwrap()
    }

    pub fn storage(&self) -> Storage {
        Storage::open(&self.db).unwrap()
    }

    pub fn add_kiosk(&self, id: &str, secret: &str) {
        let info = KioskInfo {
            id: id.into(),
            name: "Терминал в библиотеке (демо)".into(),
            address: "г. Примерный, ул. Книжная, д. 2".into(),
            municipality: "demo-02".into(),
        };
        self.storage().add_kiosk(&info, &pdo_registry::accounts::hash_password(secret), Utc::now()).unwrap();
    }

    pub async fn sign_in(&self, login: &str, password: &str, kiosk: Option<(&str, &str)>) -> (u16, Value) {
        let mut request =
            self.http.post(self.url("/api/v1/sessions")).json(&json!({"login": login, "password": password}));
        if let Some((id, secret)) = kiosk {
            request = request.header("Authorization", format!("Kiosk {id}:{secret}"));
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    pub async fn kiosk_get(&self, path: &str, id: &str, secret: &str) -> reqwest::Response {
        self.http.get(self.url(path)).header("Authorization", format!("Kiosk {id}:{secret}")).send().await.unwrap()
    }

    pub async fn heartbeat(&self, id: &str, secret: &str) -> reqwest::Response {
        let body = json!({"version": "0.1.0", "queue": {"count": 0}, "printer": "ok", "camera": "ok"});
        self.http
            .post(self.url("/api/v1/kiosk/heartbeat"))
            .header("Authorization", format!("Kiosk {id}:{secret}"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/v1/applicant` with a bearer token: `404` (no details yet) while the session lives, `401` after.
    pub async fn session_status(&self, token: &str) -> u16 {
        self.http.get(self.url("/api/v1/applicant")).bearer_auth(token).send().await.unwrap().status().as_u16()
    }
}
