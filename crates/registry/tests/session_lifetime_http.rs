//! Sessions that end, over real HTTP against a real database file: an absolute lifetime however busy the session,
//! a shorter one at a kiosk, the end of every session opened at a kiosk when it is revoked with
//! `pdo-registry kiosk revoke`, and a login slow-down that decays instead of growing for as long as someone fails.

mod support;

use chrono::{DateTime, Duration, Utc};
use pdo_registry::demo::ACCOUNTS;
use support::clocked::Clocked;

const KIOSK: &str = "lifetime-kiosk-1";
const SECRET: &str = "secretoftheinventedlifetimekiosk";

fn expires_at(session: &serde_json::Value) -> DateTime<Utc> {
    session["expires_at"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_session_ends_after_eight_hours_however_busy() {
    let f = Clocked::start(|r| r);
    let (status, session) = f.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password, None).await;
    assert_eq!(status, 201, "{session}");
    let lifetime = expires_at(&session) - f.now();
    assert!((lifetime - Duration::hours(8)).num_seconds().abs() < 60, "expires_at is the absolute end: {lifetime}");
    let token = session["token"].as_str().unwrap();
    // Used every 20 minutes, it never idles out …
    for _ in 0..23 {
        f.advance(Duration::minutes(20));
        assert_eq!(f.session_status(token).await, 404, "alive: no applicant details yet");
    }
    // … and still ends at eight hours.
    f.advance(Duration::minutes(21));
    assert_eq!(f.session_status(token).await, 401);
}

#[tokio::test]
async fn a_session_opened_at_a_kiosk_lasts_an_hour_and_ends_with_the_kiosk() {
    let f = Clocked::start(|r| r);
    f.add_kiosk(KIOSK, SECRET);
    let (status, body) = f.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password, Some((KIOSK, "wrong"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "wrong kiosk credentials");

    let (status, at_kiosk) = f.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password, Some((KIOSK, SECRET))).await;
    assert_eq!(status, 201, "{at_kiosk}");
    let lifetime = expires_at(&at_kiosk) - f.now();
    assert!((lifetime - Duration::minutes(60)).num_seconds().abs() < 60, "{lifetime}");
    let token = at_kiosk["token"].as_str().unwrap();
    for _ in 0..2 {
        f.advance(Duration::minutes(25));
        assert_eq!(f.session_status(token).await, 404);
    }
    f.advance(Duration::minutes(11));
    assert_eq!(f.session_status(token).await, 401, "an hour at a kiosk at most");

    let (_, at_kiosk) = f.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password, Some((KIOSK, SECRET))).await;
    let (_, elsewhere) = f.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password, None).await;
    let revoke = std::process::Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["kiosk", "revoke", "--db", f.db.to_str().unwrap(), "--id", KIOSK])
        .output()
        .unwrap();
    assert!(revoke.status.success(), "{}", String::from_utf8_lossy(&revoke.stderr));
    assert_eq!(f.session_status(at_kiosk["token"].as_str().unwrap()).await, 401, "revoked with its kiosk");
    assert_eq!(f.session_status(elsewhere["token"].as_str().unwrap()).await, 404, "other sessions live on");
}

#[tokio::test]
async fn a_login_under_attack_is_not_locked_for_good() {
    let f = Clocked::start(|r| r);
    let login = ACCOUNTS[0].login;
    // Someone else tries a wrong password again whenever the block ends, for a long while.
    let mut longest = 0;
    for _ in 0..40 {
        let response = f
            .http
            .post(f.url("/api/v1/sessions"))
            .json(&serde_json::json!({"login": login, "password": "not-the-password"}))
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            401 => {}
            429 => {
                let retry_after: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                longest = longest.max(retry_after);
                f.advance(Duration::seconds(retry_after + 1));
            }
            other => panic!("{other}"),
        }
    }
    assert!(longest <= 8 * 60, "failures older than the window stop counting; a block of {longest} s");
    // The parent waits out at most the current block.
    let (status, body) = f.sign_in(login, ACCOUNTS[0].password, None).await;
    let status = if status == 429 {
        f.advance(Duration::seconds(8 * 60 + 1));
        f.sign_in(login, ACCOUNTS[0].password, None).await.0
    } else {
        assert_eq!(status, 201, "{body}");
        status
    };
    assert_eq!(status, 201);
}
