//! Claim links over real HTTP with a real SMTP sink and the registry's clock moved forward: a link works for 30 days
//! (the letter says until when) and then neither opens nor claims, and the child nobody claimed stops holding its
//! SNILS; a link joins the application only to the account under the applicant's full name (case, spaces and ё/е
//! aside), copying applicant details only into an account that has none.

mod support;

use chrono::Utc;
use pdo_core::api::KioskConfig;
use pdo_core::domain::{AccountKind, REGION_UTC_OFFSET};
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::storage::Storage;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use support::offline::*;
use support::*;

const WAIT: Duration = Duration::from_secs(10);
const SNILS: &str = "123-456-789 64";

/// Sends an offline application naming no account; returns the claim letter's body.
async fn offline_application(api: &Api, sink: &SmtpSink, submission: &str) -> String {
    add_kiosk(api);
    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let config: KioskConfig = serde_json::from_value(config).unwrap();
    let mut p = payload(&config.number_block.from, submission, SNILS);
    p.login = None;
    let (status, _, receipt) = api.submit(submission, &config.public_keys[0].key_id, seal(&config, &p)).await;
    assert_eq!((status, receipt["status"].as_str()), (202, Some("awaiting_claim")), "{receipt}");
    sink.letter(1, WAIT).await.1
}

fn child() -> Value {
    json!({"last_name": "Зарубин", "first_name": "Тихон", "birth_date": "2016-09-02", "snils": SNILS,
           "address": "г. Примерный, ул. Вымышленная, д. 7"})
}

#[tokio::test]
async fn a_claim_link_expires_after_30_days_and_the_unclaimed_child_frees_its_snils() {
    let days = Arc::new(AtomicI64::new(0));
    let sink = SmtpSink::start().await;
    let mut api = Api::start_with_moving_clock(sink.port, days.clone());
    let letter = offline_application(&api, &sink, "sub-expiring").await;
    let until = (Utc::now() + chrono::Duration::days(30)).with_timezone(&REGION_UTC_OFFSET).format("%d.%m.%Y");
    assert!(letter.contains(&format!("Ссылка действует до {until} ")), "the letter says until when: {letter}");
    let link = link_in(&letter, "/claim/");

    // While the link lives, the child it waits for holds its SNILS.
    api.sign_in(ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    let (status, body) = api.send("POST", "/api/v1/children", Some(child()), Some("c-1")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("child_already_registered")));

    days.store(29, Ordering::SeqCst);
    let page = api.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200, "day 29: the link still opens");
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();

    days.store(31, Ordering::SeqCst);
    let expired = api.http.get(&link).send().await.unwrap();
    assert_eq!(expired.status(), 410);
    assert!(expired.text().await.unwrap().contains("Срок действия ссылки истёк"));
    // The form opened on day 29 and sent on day 31 claims nothing either.
    let form = [("csrf", csrf.as_str()), ("login", ACCOUNTS[0].login), ("password", ACCOUNTS[0].password)];
    let late = api.http.post(&link).header("Cookie", cookie).form(&form).send().await.unwrap();
    assert_eq!(late.status(), 410);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    assert_eq!(list, json!([]), "nothing joined after the expiry");

    // Any account may now register the child: a new child, nothing of the submission's is carried over.
    api.sign_in(ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    let (status, created) = api.send("POST", "/api/v1/children", Some(child()), Some("c-2")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["documents"], json!([]), "not the waiting child with its document: {created}");
    let (status, receipt) = api.kiosk_get("/api/v1/kiosk/submissions/sub-expiring").await;
    assert_eq!(status, 200);
    assert_eq!((receipt["status"].as_str(), receipt["reason"].as_str()), (Some("rejected"), Some("claim_expired")));
}

#[tokio::test]
async fn only_the_applicant_s_own_account_claims_whatever_the_case_spaces_or_yo() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let letter = offline_application(&api, &sink, "sub-name").await;
    let link = link_in(&letter, "/claim/");

    let (status, html) = claim(&api, &link, ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("Заявление подано на другого человека"), "{html}");
    assert!(html.contains("ссылка по-прежнему действует"), "{html}");
    api.sign_in(ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    assert_eq!(list, json!([]), "nothing joined the other account");
    let (status, _) = api.send("GET", "/api/v1/applicant", None, None).await;
    assert_eq!(status, 404, "no applicant details copied into it");

    // The applicant's own account, its name written in another case, with ё and extra spaces.
    let storage = Storage::open(&api.db).unwrap();
    let name = "  ЗАРУБИНА  алевтина   Тимофеёвна ";
    storage.create_account("zarubina.a", "invented-password-5", AccountKind::Parent, name).unwrap();
    let (status, html) = claim(&api, &link, "zarubina.a", "invented-password-5").await;
    assert_eq!(status, 200, "the link stayed valid: {html}");
    api.sign_in("zarubina.a", "invented-password-5").await;
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    assert_eq!(list[0]["status"], "certificate_issued", "{list}");
    let (status, applicant) = api.send("GET", "/api/v1/applicant", None, None).await;
    assert_eq!((status, applicant["last_name"].as_str()), (200, Some("Зарубина")), "copied into an empty account");
}
