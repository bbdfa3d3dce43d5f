//! Sign-in over real HTTP against a real database (a SQLite file, or PostgreSQL with `PDO_TEST_DB=postgres`): the
//! contract's status codes, bodies and headers.

mod support;

use pdo_registry::embedded::EmbeddedRegistry;
use serde_json::{Value, json};

struct Fixture {
    registry: EmbeddedRegistry,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&support::database(dir.path()), true).unwrap();
    Fixture { registry, http: reqwest::Client::new(), _dir: dir }
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.registry.base_url())
    }

    async fn sign_in(&self, login: &str, password: &str, lang: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/sessions"))
            .header("Accept-Language", lang)
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
    }
}

const DEMO: &pdo_registry::demo::DemoAccount = &pdo_registry::demo::ACCOUNTS[0];

#[tokio::test]
async fn demo_account_signs_in_and_out() {
    let f = fixture();
    let response = f.sign_in(DEMO.login, DEMO.password, "ru").await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["account"]["kind"], "parent");
    assert_eq!(body["account"]["full_name"], DEMO.full_name);
    let token = body["token"].as_str().unwrap();
    assert!(token.len() >= 32);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z') || body["expires_at"].as_str().unwrap().contains('+'));

    let out = f.http.delete(f.url("/api/v1/sessions/current")).bearer_auth(token).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let again = f.http.delete(f.url("/api/v1/sessions/current")).bearer_auth(token).send().await.unwrap();
    assert_eq!(again.status(), 401, "a signed-out token must be dead at once");
}

#[tokio::test]
async fn wrong_password_gets_a_localised_error_body() {
    let f = fixture();
    let ru = f.sign_in(DEMO.login, "wrong", "ru-RU,ru;q=0.9").await;
    assert_eq!(ru.status(), 401);
    let body: Value = ru.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert_eq!(body["error"]["message"], "Неверный логин или пароль.");
    let en: Value = f.sign_in("no.such.login", "wrong", "en").await.json().await.unwrap();
    assert_eq!(en["error"]["code"], "invalid_credentials", "unknown logins get the same answer");
    assert_eq!(en["error"]["message"], "Wrong login or password.");
}

#[tokio::test]
async fn sixth_failure_in_a_row_is_slowed_down_with_retry_after() {
    let f = fixture();
    for attempt in 1..=5 {
        assert_eq!(f.sign_in(DEMO.login, "wrong", "ru").await.status(), 401, "attempt {attempt}");
    }
    let blocked = f.sign_in(DEMO.login, DEMO.password, "ru").await;
    assert_eq!(blocked.status(), 429, "even the right password waits out the delay");
    let retry_after: i64 = blocked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let body: Value = blocked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_attempts");
}

#[tokio::test]
async fn malformed_and_unknown_fields_are_bad_requests() {
    let f = fixture();
    let typo = f
        .http
        .post(f.url("/api/v1/sessions"))
        .json(&json!({"login": DEMO.login, "pasword": DEMO.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(typo.status(), 400);
    let body: Value = typo.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    let broken = f.http.post(f.url("/api/v1/sessions")).body("{not json").send().await.unwrap();
    assert_eq!(broken.status(), 400);
    let huge = f.http.post(f.url("/api/v1/sessions")).body(vec![b' '; 70 * 1024]).send().await.unwrap();
    assert_eq!(huge.status(), 413);
    assert_eq!(huge.json::<Value>().await.unwrap()["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn health_check_answers_ok() {
    let f = fixture();
    let response = f.http.get(f.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}
