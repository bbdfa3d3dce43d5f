//! Kiosks and device sign-in over real HTTP against a real SQLite file: kiosk credentials, heartbeats, the device
//! flow from the kiosk's request through the phone page to the session, and the page's defences.

mod support;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use pdo_core::api::KioskInfo;
use pdo_registry::Clock;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::storage::Storage;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const DEMO: &pdo_registry::demo::DemoAccount = &pdo_registry::demo::ACCOUNTS[0];
const KIOSK_ID: &str = "test-kiosk-1";
const KIOSK_SECRET: &str = "testsecretfortheinventedkiosk234";
/// Invented; the markup and ampersand check that the page escapes what the command line stored.
const KIOSK_NAME: &str = "Терминал №1 <демо> & «Библиотека»";
const KIOSK_ADDRESS: &str = "г. Примерный, ул. Вымышленная, д. 7";
const OTHER_ID: &str = "test-kiosk-2";
const OTHER_SECRET: &str = "anothersecretfortheinventedkiosk";

struct Fixture {
    registry: EmbeddedRegistry,
    http: reqwest::Client,
    now: Arc<Mutex<DateTime<Utc>>>,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = support::database(dir.path());
    let now = Arc::new(Mutex::new(Utc::now().trunc_subsecs(0)));
    let clock_now = now.clone();
    let registry =
        EmbeddedRegistry::start_with_clock(&db, true, Clock::from_fn(move || *clock_now.lock().unwrap())).unwrap();
    // A second connection to the same file, as the command line would open it.
    let storage = Storage::open(&db).unwrap();
    for (id, name, secret) in [(KIOSK_ID, KIOSK_NAME, KIOSK_SECRET), (OTHER_ID, "Второй терминал (демо)", OTHER_SECRET)]
    {
        let info = KioskInfo {
            id: id.into(),
            name: name.into(),
            address: KIOSK_ADDRESS.into(),
            municipality: "demo-01".into(),
        };
        storage.add_kiosk(&info, &pdo_registry::accounts::hash_password(secret), Utc::now()).unwrap();
    }
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Fixture { registry, http, now, db, _dir: dir }
}

fn kiosk_auth(id: &str, secret: &str) -> String {
    format!("Kiosk {id}:{secret}")
}

fn heartbeat_body() -> Value {
    json!({"version": "0.1.0", "queue": {"count": 2, "oldest_at": "2026-03-01T08:00:00Z"}, "printer": "ok", "camera": "ok"})
}

impl Fixture {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.registry.base_url())
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn heartbeat(&self, authorization: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self.http.post(self.url("/api/v1/kiosk/heartbeat")).json(body);
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        request.send().await.unwrap()
    }

    async fn start_login(&self) -> Value {
        let response = self
            .http
            .post(self.url("/api/v1/device-login"))
            .header("Authorization", kiosk_auth(KIOSK_ID, KIOSK_SECRET))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        response.json().await.unwrap()
    }

    async fn poll_as(&self, id: &str, secret: &str, device_code: &str) -> (u16, Value) {
        let response = self
            .http
            .post(self.url("/api/v1/device-login/token"))
            .header("Authorization", kiosk_auth(id, secret))
            .json(&json!({ "device_code": device_code }))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn poll(&self, device_code: &str) -> (u16, Value) {
        self.poll_as(KIOSK_ID, KIOSK_SECRET, device_code).await
    }

    /// Opens the phone page; returns its CSRF cookie value and HTML.
    async fn open_page(&self, url: &str) -> (String, String) {
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let cookie = csrf_cookie(&response);
        (cookie, response.text().await.unwrap())
    }

    async fn post_page(&self, cookie: Option<&str>, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.http.post(self.url("/device")).form(form);
        if let Some(value) = cookie {
            request = request.header("Cookie", format!("pdo_csrf={value}"));
        }
        request.send().await.unwrap()
    }

    /// Signs in on the phone page with the demo account and `user_code`: the confirmation step's cookie and HTML.
    async fn sign_in_on_phone(&self, user_code: &str) -> (String, String) {
        let (cookie, html) = self.open_page(&self.url("/device")).await;
        let csrf = hidden(&html, "csrf");
        let response = self
            .post_page(
                Some(&cookie),
                &[("csrf", &csrf), ("login", DEMO.login), ("password", DEMO.password), ("user_code", user_code)],
            )
            .await;
        assert_eq!(response.status(), 200);
        let cookie = csrf_cookie(&response);
        (cookie, response.text().await.unwrap())
    }

    async fn decide(&self, cookie: &str, confirmation: &str, decision: &str) -> reqwest::Response {
        let (csrf, confirm) = (hidden(confirmation, "csrf"), hidden(confirmation, "confirm"));
        self.post_page(Some(cookie), &[("csrf", &csrf), ("confirm", &confirm), ("decision", decision)]).await
    }
}

/// The value of the CSRF cookie a response sets, after checking its attributes.
fn csrf_cookie(response: &reqwest::Response) -> String {
    let header = response.headers()["set-cookie"].to_str().unwrap().to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/device"] {
        assert!(header.contains(attribute), "{header}");
    }
    assert!(!header.contains("Secure"), "plain http on loopback cannot use Secure: {header}");
    let value = header.strip_prefix("pdo_csrf=").unwrap().split(';').next().unwrap();
    assert_eq!(value.len(), 64);
    value.to_string()
}

/// The value of the hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn escaped(text: &str) -> String {
    pdo_registry::http::page::escape(text)
}

#[tokio::test]
async fn kiosk_credentials_are_checked_and_revocation_counts_at_once() {
    let f = fixture();
    let good = kiosk_auth(KIOSK_ID, KIOSK_SECRET);
    assert_eq!(f.heartbeat(Some(&good), &heartbeat_body()).await.status(), 204);
    for bad in [
        kiosk_auth(KIOSK_ID, "wrongsecretwrongsecretwrongsecre"),
        kiosk_auth("no-such-kiosk", KIOSK_SECRET),
        kiosk_auth(OTHER_ID, KIOSK_SECRET),
        format!("Bearer {KIOSK_SECRET}"),
        format!("Kiosk {KIOSK_ID}"),
    ] {
        let response = f.heartbeat(Some(&bad), &heartbeat_body()).await;
        assert_eq!(response.status(), 401, "{bad}");
        assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
    }
    assert_eq!(f.heartbeat(None, &heartbeat_body()).await.status(), 401);

    let storage = Storage::open(&f.db).unwrap();
    assert!(storage.revoke_kiosk(KIOSK_ID, Utc::now()).unwrap());
    assert_eq!(f.heartbeat(Some(&good), &heartbeat_body()).await.status(), 401, "a revoked kiosk is refused");
    let device_login = f.http.post(f.url("/api/v1/device-login")).header("Authorization", good).send().await.unwrap();
    assert_eq!(device_login.status(), 401);
    let other = kiosk_auth(OTHER_ID, OTHER_SECRET);
    assert_eq!(f.heartbeat(Some(&other), &heartbeat_body()).await.status(), 204, "other kiosks are unaffected");
}

#[tokio::test]
async fn heartbeat_is_stored_per_kiosk_and_checked_strictly() {
    let f = fixture();
    let auth = kiosk_auth(KIOSK_ID, KIOSK_SECRET);
    assert_eq!(f.heartbeat(Some(&auth), &heartbeat_body()).await.status(), 204);
    f.advance(Duration::minutes(1));
    let later = json!({"version": "0.1.1", "queue": {"count": 0}, "printer": "нет бумаги", "camera": "ok"});
    assert_eq!(f.heartbeat(Some(&auth), &later).await.status(), 204);

    let sql = "SELECT kiosk_id, version, queue_count, queue_oldest_at, printer, received_at FROM kiosk_heartbeats";
    let rows: Vec<(String, String, i64, Option<String>, String, String)> = support::query(&f.db, sql)
        .iter()
        .map(|r| {
            (
                r.get(0).unwrap(),
                r.get(1).unwrap(),
                r.get(2).unwrap(),
                r.get(3).unwrap(),
                r.get(4).unwrap(),
                r.get(5).unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 1, "only the last heartbeat is kept");
    let (kiosk, version, count, oldest, printer, received_at) = &rows[0];
    assert_eq!((kiosk.as_str(), version.as_str(), *count), (KIOSK_ID, "0.1.1", 0));
    assert_eq!((oldest, printer.as_str()), (&None, "нет бумаги"));
    let received_at = DateTime::parse_from_rfc3339(received_at).unwrap();
    assert_eq!(received_at, *f.now.lock().unwrap(), "received_at is the registry's clock");

    let mut typo = heartbeat_body();
    typo["printr"] = json!("ok");
    let response = f.heartbeat(Some(&auth), &typo).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "bad_request");
    let mut long = heartbeat_body();
    long["camera"] = json!("x".repeat(301));
    let response = f.heartbeat(Some(&auth), &long).await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["fields"]["camera"]["code"], "too_long");
}

#[tokio::test]
async fn device_flow_from_kiosk_to_phone_to_session() {
    let f = fixture();
    let start = f.start_login().await;
    let user_code = start["user_code"].as_str().unwrap().to_string();
    assert_eq!(user_code.len(), 9);
    assert!(
        user_code.char_indices().all(|(i, c)| if i == 4 { c == '-' } else { "BCDFGHJKLMNPQRSTVWXZ".contains(c) }),
        "{user_code}"
    );
    let device_code = start["device_code"].as_str().unwrap().to_string();
    assert_eq!(device_code.len(), 64, "256 bits in hex");
    assert_eq!(start["verification_uri"], f.url("/device"));
    assert_eq!(start["verification_uri_complete"], format!("{}?user_code={user_code}", f.url("/device")));
    assert_eq!((start["expires_in"].as_u64(), start["interval"].as_u64()), (Some(600), Some(5)));

    let (status, body) = f.poll(&device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("authorization_pending")));
    let (status, body) = f.poll(&device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("slow_down")), "polled without waiting");
    f.advance(Duration::seconds(5));
    assert_eq!(f.poll(&device_code).await.1["error"]["code"], "authorization_pending", "waited the interval");

    // The QR code's link pre-fills the code.
    let (cookie, html) = f.open_page(start["verification_uri_complete"].as_str().unwrap()).await;
    assert!(html.contains(&format!("name=\"user_code\" value=\"{user_code}\"")), "{html}");
    assert!(html.contains("name=\"password\" type=\"password\""));
    let csrf = hidden(&html, "csrf");

    // A forged post: a token that is not the cookie's, or no cookie at all.
    let form = [("login", DEMO.login), ("password", DEMO.password), ("user_code", user_code.as_str())];
    let mut forged = vec![("csrf", "0".repeat(64))];
    forged.extend(form.iter().map(|(k, v)| (*k, v.to_string())));
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(f.post_page(Some(&cookie), &forged).await.status(), 403);
    let mut no_cookie = vec![("csrf", csrf.as_str())];
    no_cookie.extend(form);
    assert_eq!(f.post_page(None, &no_cookie).await.status(), 403);

    // A wrong password: a message, and the password is not echoed back.
    let wrong =
        [("csrf", csrf.as_str()), ("login", DEMO.login), ("password", "Wrong-Pass-777"), ("user_code", &user_code)];
    let response = f.post_page(Some(&cookie), &wrong).await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("Неверный логин или пароль."));
    assert!(!html.contains("Wrong-Pass-777"));
    assert!(html.contains(&format!("value=\"{}\"", DEMO.login)), "the login is kept");

    // The right pair: the confirmation names the kiosk that asks.
    let (cookie, confirmation) = f.sign_in_on_phone(&user_code.to_lowercase()).await;
    assert!(confirmation.contains(&escaped(KIOSK_NAME)), "{confirmation}");
    assert!(!confirmation.contains("<демо>"), "kiosk names are escaped");
    assert!(confirmation.contains(KIOSK_ADDRESS));
    assert!(confirmation.contains(&user_code));
    assert!(confirmation.contains("Разрешить вход") && confirmation.contains("Отклонить"));
    assert!(confirmation.contains(DEMO.full_name));
    f.advance(Duration::seconds(5));
    assert_eq!(f.poll(&device_code).await.1["error"]["code"], "authorization_pending", "nothing decided yet");

    let response = f.decide(&cookie, &confirmation, "approve").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Вход разрешён"));
    let again = f.decide(&cookie, &confirmation, "deny").await;
    assert_eq!(again.status(), 410, "a confirmation works once");

    // Only the kiosk that asked may poll; the other kiosk learns nothing and takes nothing.
    f.advance(Duration::seconds(5));
    let (status, body) = f.poll_as(OTHER_ID, OTHER_SECRET, &device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("expired_token")));
    let (status, session) = f.poll(&device_code).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["account"]["full_name"], DEMO.full_name);
    assert_eq!(session["account"]["kind"], "parent");
    assert!(session["expires_at"].as_str().is_some());
    let token = session["token"].as_str().unwrap();

    f.advance(Duration::seconds(5));
    let (status, body) = f.poll(&device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("expired_token")), "one session per code");

    let out = f.http.delete(f.url("/api/v1/sessions/current")).bearer_auth(token).send().await.unwrap();
    assert_eq!(out.status(), 204, "the device-flow token is a real session");
}

#[tokio::test]
async fn denied_on_the_phone_is_access_denied() {
    let f = fixture();
    let start = f.start_login().await;
    let device_code = start["device_code"].as_str().unwrap();
    let (cookie, confirmation) = f.sign_in_on_phone(start["user_code"].as_str().unwrap()).await;
    let response = f.decide(&cookie, &confirmation, "deny").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Вход отклонён"));
    let (status, body) = f.poll(device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("access_denied")));
    assert_eq!(body["error"]["message"], "Вход отклонён на телефоне.");
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let f = fixture();
    let start = f.start_login().await;
    let device_code = start["device_code"].as_str().unwrap();
    let user_code = start["user_code"].as_str().unwrap();
    f.advance(Duration::seconds(599));
    assert_eq!(f.poll(device_code).await.1["error"]["code"], "authorization_pending");
    f.advance(Duration::seconds(1));
    let (status, body) = f.poll(device_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("expired_token")));

    // The phone page no longer knows the code either.
    let (cookie, html) = f.open_page(&f.url("/device")).await;
    let csrf = hidden(&html, "csrf");
    let response = f
        .post_page(
            Some(&cookie),
            &[("csrf", &csrf), ("login", DEMO.login), ("password", DEMO.password), ("user_code", user_code)],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Такого кода нет или он устарел"));

    let (status, body) = f.poll("f".repeat(64).as_str()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("expired_token")), "unknown device codes too");
}

#[tokio::test]
async fn the_phone_page_sends_its_security_headers() {
    let f = fixture();
    let check = |response: &reqwest::Response| {
        let headers = response.headers();
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        );
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cache-control"], "no-store");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    };
    let page = f.http.get(f.url("/device")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    check(&page);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"ru\">") && html.contains("name=\"viewport\""));
    assert!(!html.contains("<script"), "the page needs no JavaScript");
    let refused = f.post_page(None, &[("csrf", "x")]).await;
    assert_eq!(refused.status(), 403);
    check(&refused);
}

#[tokio::test]
async fn sixth_wrong_user_code_within_the_window_is_refused() {
    let f = fixture();
    let start = f.start_login().await;
    let (cookie, html) = f.open_page(&f.url("/device")).await;
    let csrf = hidden(&html, "csrf");
    let attempt = |code: &'static str| {
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        let f = &f;
        async move {
            f.post_page(
                Some(&cookie),
                &[("csrf", &csrf), ("login", DEMO.login), ("password", DEMO.password), ("user_code", code)],
            )
            .await
        }
    };
    for (i, code) in ["BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "FFFF-FFFF", "GGGG-GGGG"].into_iter().enumerate() {
        let response = attempt(code).await;
        assert_eq!(response.status(), 422, "wrong code {}", i + 1);
        f.advance(Duration::minutes(2));
    }
    let blocked = attempt("HHHH-HHHH").await;
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
    assert_eq!(blocked.headers()["x-frame-options"], "DENY");
    assert!(blocked.text().await.unwrap().contains("Слишком много"));

    // While blocked even the right code waits, so guessing cannot go on.
    let right = start["user_code"].as_str().unwrap();
    let response = f
        .post_page(
            Some(&cookie),
            &[("csrf", &csrf), ("login", DEMO.login), ("password", DEMO.password), ("user_code", right)],
        )
        .await;
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn device_login_needs_kiosk_credentials() {
    let f = fixture();
    let response = f.http.post(f.url("/api/v1/device-login")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let response = f
        .http
        .post(f.url("/api/v1/device-login/token"))
        .bearer_auth("not-a-kiosk")
        .json(&json!({"device_code": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn command_line_adds_and_revokes_a_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::database(dir.path());
    let binary = env!("CARGO_BIN_EXE_pdo-registry");
    let add = |id: &str| {
        std::process::Command::new(binary)
            .args(["kiosk", "add", "--db"])
            .arg(&db)
            .args(["--id", id, "--name", "Терминал в холле (демо)", "--address", KIOSK_ADDRESS])
            .args(["--municipality", "demo-01"])
            .output()
            .unwrap()
    };
    let output = add("cli-kiosk");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let secret = stdout.lines().last().unwrap();
    assert_eq!(secret.len(), 32, "{stdout}");
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()), "{stdout}");
    assert!(!add("cli-kiosk").status.success(), "an id is given once");

    let registry = EmbeddedRegistry::start(&db, false).unwrap();
    let http = reqwest::Client::new();
    let heartbeat = |authorization: String| {
        http.post(format!("{}/api/v1/kiosk/heartbeat", registry.base_url()))
            .header("Authorization", authorization)
            .json(&heartbeat_body())
            .send()
    };
    assert_eq!(heartbeat(kiosk_auth("cli-kiosk", secret)).await.unwrap().status(), 204);
    assert_eq!(heartbeat(kiosk_auth("cli-kiosk", &secret.to_uppercase())).await.unwrap().status(), 401);

    let revoke = std::process::Command::new(binary)
        .args(["kiosk", "revoke", "--db"])
        .arg(&db)
        .args(["--id", "cli-kiosk"])
        .output()
        .unwrap();
    assert!(revoke.status.success(), "{}", String::from_utf8_lossy(&revoke.stderr));
    assert_eq!(heartbeat(kiosk_auth("cli-kiosk", secret)).await.unwrap().status(), 401, "revoked while serving");
    let unknown = std::process::Command::new(binary)
        .args(["kiosk", "revoke", "--db"])
        .arg(&db)
        .args(["--id", "no-such-kiosk"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
}
