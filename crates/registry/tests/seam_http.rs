//! The online/offline seam over real HTTP: an application whose registry link dropped midway. What was created
//! online (the child; the child with its application) is joined by the sealed offline part that names the same
//! account, and the claim issues the certificate: one child, one application, one claim letter, no rejection. The
//! reverse (the offline part first, then the same account adds the child online) and a child that really is
//! another account's are here too.

mod support;

use chrono::Utc;
use pdo_core::api::KioskConfig;
use pdo_core::domain::AccountKind;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::storage::{StaffInfo, Storage};
use serde_json::Value;
use std::time::Duration;
use support::offline::*;
use support::online::*;
use support::*;

const WAIT: Duration = Duration::from_secs(10);
const STAFF_SECRET: &str = "inventedstaffsecretforseamtests01";

/// A registry with the offline kiosk and a region-wide member of staff, and the kiosk's config.
async fn registry() -> (SmtpSink, Api, KioskConfig) {
    let sink = SmtpSink::start().await;
    let api = Api::start(sink.port);
    add_kiosk(&api);
    let storage = Storage::open(&api.db).unwrap();
    let staff = StaffInfo {
        id: "metodist-seam".into(),
        name: "Методист (демо)".into(),
        institution_id: None,
        region_wide: true,
    };
    storage.add_staff(&staff, &pdo_registry::accounts::hash_password(STAFF_SECRET), Utc::now()).unwrap();
    let (status, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    assert_eq!(status, 200, "{config}");
    (sink, api, serde_json::from_value(config).unwrap())
}

/// Sends the offline part with the number the kiosk printed; returns that number.
async fn send_offline(api: &Api, config: &KioskConfig, login: Option<&str>, n: u64) -> String {
    let number = (config.number_block.from.parse::<u64>().unwrap() + n).to_string();
    let submission = format!("seam-{n}");
    let mut p = payload(&number, &submission, SNILS);
    p.login = login.map(Into::into);
    let (status, _, receipt) = api.submit(&submission, &config.public_keys[0].key_id, seal(config, &p)).await;
    assert_eq!((status, receipt["status"].as_str()), (202, Some("awaiting_claim")), "{receipt}");
    number
}

/// Staff look the printed number up: the same application.
async fn staff_look_up(api: &Api, number: &str) -> Value {
    let response = api
        .http
        .get(api.url(&format!("/api/v1/applications/by-number/{number}")))
        .header("Authorization", format!("Staff metodist-seam:{STAFF_SECRET}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "staff find number {number}");
    response.json().await.unwrap()
}

/// After the claim: the account has one child and one application, issued; returns that application.
async fn one_child_one_issued_application(api: &mut Api) -> Value {
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children.as_array().unwrap().len(), 1, "one child: {children}");
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "one application: {list:?}");
    let app = list[0].clone();
    assert_eq!(app["status"], "certificate_issued", "{app}");
    assert!(app["registry_record"].as_str().is_some_and(|r| r.starts_with("42") && r.len() == 10), "{app}");
    assert_eq!(app["certificate_group"]["id"], "5-18");
    assert!(app["document"]["has_scan"].as_bool().unwrap(), "{app}");
    app
}

#[tokio::test]
async fn a_child_created_online_is_joined_by_the_offline_part_and_issued_on_claim() {
    let (sink, mut api, config) = registry().await;
    let child = online_until(&mut api, Online::Child).await;

    let printed = send_offline(&api, &config, Some(ACCOUNTS[0].login), 0).await;
    let (subject, body, to) = sink.letter(1, WAIT).await;
    assert_eq!(subject, "Заявление на сертификат ПДО принято терминалом");
    assert_eq!(to, "offline.parent@example.org");
    assert!(body.contains(&printed), "the letter names the number on the printed forms");
    let (status, html) = claim(&api, &link_in(&body, "/claim/"), ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Сертификат выдан"));

    let app = one_child_one_issued_application(&mut api).await;
    assert_eq!(app["child"]["id"], child["id"], "the child created online");
    let (_, applicant) = api.send("GET", "/api/v1/applicant", None, None).await;
    assert_eq!(
        applicant["address"], "г. Примерный, ул. Вымышленная, д. 7, кв. 3",
        "the account's own details are kept, not replaced by the submission's"
    );
    assert_eq!(app["number"], printed, "no online application existed: the kiosk's number is the application's");
    assert_eq!(staff_look_up(&api, &printed).await["id"], app["id"]);
    let (subject, _, _) = sink.letter(2, WAIT).await;
    assert_eq!(subject, "Сертификат дополнительного образования выдан");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 2, "one claim letter, one certificate letter, no rejection");
}

#[tokio::test]
async fn an_application_created_online_is_completed_by_the_offline_part_under_both_numbers() {
    let (sink, mut api, config) = registry().await;
    let online = online_until(&mut api, Online::Application).await;
    assert_eq!(online["status"], "awaiting_email_confirmation");
    let (_, confirmation, _) = sink.letter(1, WAIT).await;

    let printed = send_offline(&api, &config, Some(ACCOUNTS[0].login), 1).await;
    let (subject, body, _) = sink.letter(2, WAIT).await;
    assert_eq!(subject, "Заявление на сертификат ПДО принято терминалом");
    let (status, html) = claim(&api, &link_in(&body, "/claim/"), ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert_eq!(status, 200, "{html}");

    let app = one_child_one_issued_application(&mut api).await;
    assert_eq!(app["id"], online["id"], "the application created online, completed");
    assert_eq!(app["email"], "offline.parent@example.org", "the address the claim letter reached");
    for number in [online["number"].as_str().unwrap(), printed.as_str()] {
        assert_eq!(staff_look_up(&api, number).await["id"], online["id"], "number {number}");
    }
    // The letter sent before the link dropped still works.
    let confirmed = api.http.get(link_in(&confirmation, "/confirm/")).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    let (subject, _, _) = sink.letter(3, WAIT).await;
    assert_eq!(subject, "Сертификат дополнительного образования выдан");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 3, "no rejection letter");
}

#[tokio::test]
async fn the_account_named_offline_adding_the_child_online_joins_the_waiting_child() {
    let (sink, mut api, config) = registry().await;
    let printed = send_offline(&api, &config, Some(ACCOUNTS[0].login), 2).await;
    let (_, body, _) = sink.letter(1, WAIT).await;

    // The same parent, online, adds the same child: the waiting child and its application join the account.
    let child = online_until(&mut api, Online::Child).await;
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        (list[0]["number"].as_str(), list[0]["child"]["id"].clone()),
        (Some(printed.as_str()), child["id"].clone())
    );
    assert_eq!(list[0]["status"], "awaiting_claim");

    let (status, html) = claim(&api, &link_in(&body, "/claim/"), ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert_eq!(status, 200, "{html}");
    let app = one_child_one_issued_application(&mut api).await;
    assert_eq!(app["number"], printed);
}

#[tokio::test]
async fn without_a_login_the_account_that_claims_decides_and_another_account_changes_nothing() {
    let (sink, mut api, config) = registry().await;
    online_until(&mut api, Online::Child).await;
    // Offline from the very start (no sign-in): the payload names nobody.
    send_offline(&api, &config, None, 3).await;
    let (_, body, _) = sink.letter(1, WAIT).await;
    let link = link_in(&body, "/claim/");

    // Someone else's account (another name): refused before anything about the child is said.
    let (status, html) = claim(&api, &link, ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("не совпадают с данными заявителя"), "{html}");
    assert!(!html.contains("другом личном кабинете"), "{html}");
    // An account under the applicant's very name, but not the one holding the child.
    let storage = Storage::open(&api.db).unwrap();
    storage.create_account("tezka", "invented-password-4", AccountKind::Parent, ACCOUNTS[0].full_name).unwrap();
    let (status, html) = claim(&api, &link, "tezka", "invented-password-4").await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("Этот ребёнок записан в другом личном кабинете"), "{html}");
    for (login, password) in [(ACCOUNTS[1].login, ACCOUNTS[1].password), ("tezka", "invented-password-4")] {
        api.sign_in(login, password).await;
        let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
        assert_eq!(list, Value::Array(vec![]), "nothing joined {login}");
        let (status, _) = api.send("GET", "/api/v1/applicant", None, None).await;
        assert_eq!(status, 404, "no applicant details were copied into {login}");
    }

    let (status, html) = claim(&api, &link, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert_eq!(status, 200, "the link stayed valid: {html}");
    one_child_one_issued_application(&mut api).await;
}

#[tokio::test]
async fn a_second_offline_part_for_the_same_child_and_account_joins_the_first() {
    let (sink, mut api, config) = registry().await;
    let first = send_offline(&api, &config, Some(ACCOUNTS[0].login), 4).await;
    let second = send_offline(&api, &config, Some(ACCOUNTS[0].login), 5).await;
    let letters = sink.letters(2, WAIT).await;
    assert!(letters.iter().all(|(subject, _, _)| subject == "Заявление на сертификат ПДО принято терминалом"));
    let (status, html) = claim(&api, &link_in(&letters[1].1, "/claim/"), ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert_eq!(status, 200, "{html}");
    let app = one_child_one_issued_application(&mut api).await;
    for number in [&first, &second] {
        assert_eq!(staff_look_up(&api, number).await["id"], app["id"]);
    }
}
