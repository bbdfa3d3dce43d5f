//! The phone page behind a reverse proxy, over real HTTP against a real database file: with `--trusted-proxy`
//! wrong codes are counted per phone (the right-most untrusted `X-Forwarded-For` address), not for everyone behind
//! the proxy; without it the header is ignored; wrong passwords are also limited per device code.

mod support;

use pdo_registry::demo::ACCOUNTS;
use serde_json::Value;
use support::clocked::Clocked;

const KIOSK: &str = "proxy-kiosk-1";
const SECRET: &str = "secretoftheinventedproxykiosk001";

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl Clocked {
    async fn start_login(&self) -> String {
        let response = self
            .http
            .post(self.url("/api/v1/device-login"))
            .header("Authorization", format!("Kiosk {KIOSK}:{SECRET}"))
            .header("X-Forwarded-For", "203.0.113.10")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "kiosk requests are never limited per address");
        let body: Value = response.json().await.unwrap();
        body["user_code"].as_str().unwrap().to_string()
    }

    /// Step one of the phone page as sent through a proxy that forwarded `forwarded_for`.
    async fn phone(&self, forwarded_for: &str, login: &str, password: &str, code: &str) -> u16 {
        let page = self.http.get(self.url("/device")).send().await.unwrap();
        let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = hidden(&page.text().await.unwrap(), "csrf");
        let form = [("csrf", csrf.as_str()), ("login", login), ("password", password), ("user_code", code)];
        let response = self
            .http
            .post(self.url("/device"))
            .header("Cookie", cookie)
            .header("X-Forwarded-For", forwarded_for)
            .form(&form)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    }
}

const WRONG: [&str; 5] = ["BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "FFFF-FFFF", "GGGG-GGGG"];

#[tokio::test]
async fn behind_a_trusted_proxy_one_phone_guessing_does_not_block_the_others() {
    let f = Clocked::start(|r| r.with_trusted_proxies(vec!["127.0.0.1/32".parse().unwrap()]));
    f.add_kiosk(KIOSK, SECRET);
    let code = f.start_login().await;
    let (login, password) = (ACCOUNTS[0].login, ACCOUNTS[0].password);
    for wrong in WRONG {
        assert_eq!(f.phone("203.0.113.10", login, password, wrong).await, 422);
    }
    assert_eq!(f.phone("203.0.113.10", login, password, "HHHH-HHHH").await, 429, "the guessing phone is blocked");
    // A made-up address to the left of the proxy's own entry does not get the guesser out.
    assert_eq!(f.phone("198.51.100.1, 203.0.113.10", login, password, "HHHH-HHHH").await, 429);
    assert_eq!(f.phone("203.0.113.20", login, password, &code).await, 200, "another phone behind the same proxy");
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_address_is_ignored() {
    let f = Clocked::start(|r| r);
    f.add_kiosk(KIOSK, SECRET);
    let code = f.start_login().await;
    let (login, password) = (ACCOUNTS[0].login, ACCOUNTS[0].password);
    for (n, wrong) in WRONG.into_iter().enumerate() {
        assert_eq!(f.phone(&format!("203.0.113.{n}"), login, password, wrong).await, 422);
    }
    assert_eq!(f.phone("203.0.113.99", login, password, &code).await, 429, "a forged header changes nothing");
}

#[tokio::test]
async fn wrong_passwords_against_one_device_code_close_it_whatever_the_address() {
    let f = Clocked::start(|r| r.with_trusted_proxies(vec!["127.0.0.1/32".parse().unwrap()]));
    f.add_kiosk(KIOSK, SECRET);
    let code = f.start_login().await;
    for n in 0..5 {
        // Different logins and addresses each time: neither the login nor the address limit applies.
        let status = f.phone(&format!("203.0.113.{n}"), &format!("someone.{n}"), "guess", &code).await;
        assert_eq!(status, 401);
    }
    let (login, password) = (ACCOUNTS[0].login, ACCOUNTS[0].password);
    assert_eq!(f.phone("203.0.113.50", login, password, &code).await, 429, "the code's request refuses more tries");
    let fresh = f.start_login().await;
    assert_eq!(f.phone("203.0.113.50", login, password, &fresh).await, 200, "a new sign-in at the kiosk works");
}
