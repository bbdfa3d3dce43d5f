//! The applicant's whole online path over real HTTP, against a real SQLite file and a real SMTP sink: applicant
//! details, child, document, scan, application, the confirmation letter and code, the certificate and its letter,
//! with the contract's errors on the way.

mod support;

use pdo_registry::demo::ACCOUNTS;
use serde_json::{Value, json};
use std::time::Duration;
use support::*;

fn applicant() -> Value {
    json!({
        "last_name": "Зарубина", "first_name": "Алевтина", "patronymic": "Тимофеевна",
        "birth_date": "1988-03-14",
        "passport": {"kind": "passport", "series": "32 12", "number": "345678", "issued_on": "2008-04-01",
                     "issued_by": "Отделом УФМС по Примерной области", "division_code": "420-007"},
        "address": "г. Примерный, ул. Вымышленная, д. 7, кв. 3",
        "phone": "+7 (900) 765-43-21"
    })
}

fn child(snils: &str) -> Value {
    json!({"last_name": "Зарубин", "first_name": "Тихон", "birth_date": "2016-09-02", "snils": snils,
           "address": "г. Примерный, ул. Вымышленная, д. 7, кв. 3"})
}

fn certificate() -> Value {
    json!({"kind": "birth_certificate", "series": "IV-ЛО", "number": "654321", "issued_on": "2016-09-20",
           "issued_by": "Отдел ЗАГС г. Примерного"})
}

/// Saves the applicant's details and adds a child with a scanned birth certificate: everything an application
/// needs. Returns the child.
async fn child_ready_to_apply(api: &Api) -> Value {
    let (status, _) = api.send("PUT", "/api/v1/applicant", Some(applicant()), None).await;
    assert_eq!(status, 200);
    let (_, c) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("c")).await;
    let docs = format!("/api/v1/children/{}/documents", c["id"].as_str().unwrap());
    let (_, doc) = api.send("POST", &docs, Some(certificate()), Some("d")).await;
    let scan = format!("{docs}/{}/scan", doc["id"].as_str().unwrap());
    assert_eq!(api.upload(&scan, "image/jpeg", fake_jpeg(1000)).await, 204);
    c
}

/// Pulls the 6-digit code and the link out of a confirmation letter.
fn code_and_link(body: &str) -> (String, String) {
    let code = body.split_whitespace().find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit())).unwrap();
    let link = body.split_whitespace().find(|w| w.contains("/confirm/")).unwrap();
    (code.to_string(), link.to_string())
}

#[tokio::test]
async fn an_application_goes_from_applicant_details_to_an_issued_certificate() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;

    let (status, body) = api.send("GET", "/api/v1/applicant", None, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("applicant_not_set")));
    let mut bad = applicant();
    bad["phone"] = json!("12345");
    bad["passport"]["division_code"] = json!("42-07");
    let (status, body) = api.send("PUT", "/api/v1/applicant", Some(bad), None).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["applicant.phone"]["code"], "invalid_format");
    assert_eq!(body["error"]["fields"]["applicant.passport.division_code"]["code"], "invalid_format");
    let (status, body) = api.send("PUT", "/api/v1/applicant", Some(applicant()), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["phone"], "+79007654321");

    // No application before there is a scanned document.
    let (status, body) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("idempotency_key_required")));
    let (status, created) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("child-1")).await;
    assert_eq!(status, 201, "{created}");
    let child_id = created["id"].as_str().unwrap().to_string();
    let (status, headers, replay) =
        api.send_full("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("child-1")).await;
    assert_eq!((status, &replay), (201, &created), "a replay answers exactly as the first time");
    assert_eq!(headers["idempotent-replayed"], "true");
    let (status, body) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("child-1")).await;
    assert_eq!(status, 201, "{body}");
    let mut other = child("112-233-445 95");
    other["first_name"] = json!("Прохор");
    let (status, body) = api.send("POST", "/api/v1/children", Some(other), Some("child-1")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("idempotency_key_reuse")));
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children.as_array().unwrap().len(), 1, "nothing was created twice");

    let docs = format!("/api/v1/children/{child_id}/documents");
    let (status, document) = api.send("POST", &docs, Some(certificate()), Some("doc-1")).await;
    assert_eq!(status, 201, "{document}");
    assert_eq!(document["has_scan"], false);
    let document_id = document["id"].as_str().unwrap().to_string();
    let apply = json!({"child_id": child_id, "email": "test.parent@example.org", "municipality": "demo-01"});
    let (status, body) = api.send("POST", "/api/v1/applications", Some(apply.clone()), Some("app-0")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("scan_required")));

    let scan = format!("{docs}/{document_id}/scan");
    assert_eq!(api.upload(&scan, "image/jpeg", b"\x89PNG\r\n\x1a\nnot a jpeg".to_vec()).await, 415);
    assert_eq!(api.upload(&scan, "image/jpeg", fake_jpeg(200 * 1024)).await, 204);
    let token = api.token.clone().unwrap();
    let oversize = status_for_announced_body(&api.registry.base_url(), &scan, &token, "image/jpeg", 9 << 20).await;
    assert_eq!(oversize, 413, "a scan over 8 MiB is refused");

    let (status, application) = api.send("POST", "/api/v1/applications", Some(apply.clone()), Some("app-1")).await;
    assert_eq!(status, 201, "{application}");
    assert_eq!(application["status"], "awaiting_email_confirmation");
    assert_eq!(application["next_action"], "confirm_email");
    assert_eq!(application["child"]["documents"][0]["has_scan"], true);
    assert_eq!(application["institutions"].as_array().unwrap().len(), 2, "the municipality's two institutions");
    let id = application["id"].as_str().unwrap().to_string();

    let (subject, body, to) = sink.letter(1, Duration::from_secs(10)).await;
    assert_eq!(subject, "Заявка на сертификат ПДО. Подтверждение электронной почты");
    assert_eq!(to, "test.parent@example.org");
    assert!(body.contains(application["number"].as_str().unwrap()), "{body}");
    let (code, link) = code_and_link(&body);
    assert!(link.starts_with(&api.registry.base_url()), "{link}");

    let (status, body) = api
        .send(
            "POST",
            &format!("/api/v1/applications/{id}/certificate"),
            Some(json!({"group_id": "5-18", "document_id": document_id})),
            Some("cert-0"),
        )
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("email_not_confirmed")));
    let (status, headers, body) =
        api.send_full("POST", &format!("/api/v1/applications/{id}/email-confirmation/resend"), None, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_requests")), "resend within a minute");
    assert!(headers.contains_key("retry-after"));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm = format!("/api/v1/applications/{id}/email-confirmation");
    let (status, body) = api.send("POST", &confirm, Some(json!({"code": wrong})), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_code")));
    let (status, confirmed) = api.send("POST", &confirm, Some(json!({"code": code})), None).await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["status"], "email_confirmed");
    assert_eq!(confirmed["next_action"], "get_certificate");

    let cert = json!({"group_id": "5-18", "document_id": document_id});
    let (status, issued) =
        api.send("POST", &format!("/api/v1/applications/{id}/certificate"), Some(cert.clone()), Some("cert-1")).await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["status"], "certificate_issued");
    assert_eq!(issued["certificate_group"]["title"], "Дети в возрасте от 5 до 18 лет");
    let record = issued["registry_record"].as_str().unwrap();
    assert!(record.len() == 10 && record.starts_with("42") && record.bytes().all(|b| b.is_ascii_digit()), "{record}");
    assert!(issued["operator"]["name"].as_str().unwrap().contains("демонстрационный"));
    let (subject, body, _) = sink.letter(2, Duration::from_secs(10)).await;
    assert_eq!(subject, "Сертификат дополнительного образования выдан");
    assert!(body.contains(record), "{body}");

    let (status, body) = api.send("POST", "/api/v1/applications", Some(apply), Some("app-2")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("application_exists")));
    assert_eq!(body["error"]["id"], id.as_str());
    let (_, list) = api.send("GET", "/api/v1/applications", None, None).await;
    assert_eq!(list[0]["next_action"], "print_forms");
}

#[tokio::test]
async fn the_link_confirms_and_a_confirmed_address_is_not_asked_again() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    api.send("PUT", "/api/v1/applicant", Some(applicant()), None).await;
    let mut ids = vec![];
    for (n, snils) in ["112-233-445 95", "123-456-789 64"].into_iter().enumerate() {
        let mut c = child(snils);
        c["first_name"] = json!(["Тихон", "Агафья"][n]);
        let (_, created) = api.send("POST", "/api/v1/children", Some(c), Some(&format!("c{n}"))).await;
        let child_id = created["id"].as_str().unwrap().to_string();
        let docs = format!("/api/v1/children/{child_id}/documents");
        let (_, doc) = api.send("POST", &docs, Some(certificate()), Some(&format!("d{n}"))).await;
        assert_eq!(
            api.upload(
                &format!("{docs}/{}/scan", doc["id"].as_str().unwrap()),
                "application/pdf",
                b"%PDF-1.4\n%demo".to_vec()
            )
            .await,
            204
        );
        ids.push(child_id);
    }
    let email = "Test.Parent@Example.ORG";
    let (status, first) =
        api.send("POST", "/api/v1/applications", Some(json!({"child_id": ids[0], "email": email})), Some("a0")).await;
    assert_eq!(status, 201);
    assert_eq!(first["email"], "Test.Parent@example.org", "the domain is lower-cased, the local part kept");
    let (_, body, _) = sink.letter(1, Duration::from_secs(10)).await;
    let (_, link) = code_and_link(&body);
    let page = api.http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert!(page.text().await.unwrap().contains("Адрес подтверждён"));
    let again = api.http.get(&link).send().await.unwrap();
    assert_eq!(again.status(), 404, "a link works once");

    let (_, fetched) =
        api.send("GET", &format!("/api/v1/applications/{}", first["id"].as_str().unwrap()), None, None).await;
    assert_eq!(fetched["status"], "email_confirmed");
    let (status, second) =
        api.send("POST", "/api/v1/applications", Some(json!({"child_id": ids[1], "email": email})), Some("a1")).await;
    assert_eq!(status, 201);
    assert_eq!(second["status"], "email_confirmed", "an address confirmed once is not asked again");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.count(), 1, "no second confirmation letter");
    assert_ne!(first["number"], second["number"]);
}

#[tokio::test]
async fn five_wrong_codes_void_the_code() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let c = child_ready_to_apply(&api).await;
    let (_, app) = api
        .send("POST", "/api/v1/applications", Some(json!({"child_id": c["id"], "email": "a@example.org"})), Some("a"))
        .await;
    let (_, body, _) = sink.letter(1, Duration::from_secs(10)).await;
    let (code, _) = code_and_link(&body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm = format!("/api/v1/applications/{}/email-confirmation", app["id"].as_str().unwrap());
    for _ in 0..5 {
        let (_, body) = api.send("POST", &confirm, Some(json!({"code": wrong})), None).await;
        assert_eq!(body["error"]["code"], "invalid_code");
    }
    let (status, body) = api.send("POST", &confirm, Some(json!({"code": code})), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("code_voided")), "even the right code is void now");
}

#[tokio::test]
async fn a_child_of_another_account_cannot_be_registered_twice() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let (status, _) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("k")).await;
    assert_eq!(status, 201);
    api.sign_in(ACCOUNTS[1].login, ACCOUNTS[1].password).await;
    let (status, body) = api.send("POST", "/api/v1/children", Some(child("11223344595")), Some("k")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("child_already_registered")));
    let (status, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!((status, children), (200, json!([])), "another account's child is not visible");
}

#[tokio::test]
async fn mail_queued_while_the_relay_is_down_arrives_when_it_is_back() {
    // A port with nothing listening: the relay is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut api = Api::start(port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let c = child_ready_to_apply(&api).await;
    let (status, _) = api
        .send("POST", "/api/v1/applications", Some(json!({"child_id": c["id"], "email": "a@example.org"})), Some("a"))
        .await;
    assert_eq!(status, 201, "the application does not wait for the mail");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sink = SmtpSink::start_on(port).await;
    let (subject, _, _) = sink.letter(1, Duration::from_secs(20)).await;
    assert_eq!(subject, "Заявка на сертификат ПДО. Подтверждение электронной почты");
}

#[tokio::test]
async fn a_letter_taken_just_before_a_crash_is_sent_when_the_registry_starts_again() {
    let sink = SmtpSink::start().await;
    // A SQLite file: one process serves it, so a lease found at start is its own from before the stop.
    let api = Api::start_on_sqlite(sink.port);
    let Api { registry, db, dir, .. } = api;
    drop(registry);
    let now = chrono::Utc::now();
    let queued = |v: &str| pdo_registry::sql::Value::Text(v.to_string());
    execute(
        &db,
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at, lease_until)
         VALUES (?1, 'Письмо, взятое перед остановкой', 'Текст (выдумано).', ?2, ?2, ?3)",
        vec![
            queued("parent@example.invalid"),
            queued(&now.to_rfc3339()),
            queued(&(now + chrono::Duration::minutes(2)).to_rfc3339()),
        ],
    );
    let mail = pdo_registry::mail::MailSink::Smtp { host: "127.0.0.1".into(), port: sink.port };
    let _again = pdo_registry::embedded::EmbeddedRegistry::start_with(&db, false, mail).unwrap();
    let (subject, _, to) = sink.letter(1, Duration::from_secs(10)).await;
    assert_eq!((subject.as_str(), to.as_str()), ("Письмо, взятое перед остановкой", "parent@example.invalid"));
    drop(dir);
}

/// A parent who taps «Подать заявление» on two kiosks at once (two keys): whichever request wins, the child has
/// one application and every other request is told which one. On PostgreSQL this rests on the unique index of
/// the child's application, the step running at REPEATABLE READ.
#[tokio::test]
async fn applications_for_one_child_sent_at_once_make_one() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let child = child_ready_to_apply(&api).await;
    let apply = json!({"child_id": child["id"], "email": "zarubina@example.invalid"});
    let keys: Vec<String> = (0..8).map(|i| format!("tap-{i}")).collect();
    let requests = keys.iter().map(|key| api.send("POST", "/api/v1/applications", Some(apply.clone()), Some(key)));
    let answers = futures::future::join_all(requests).await;
    let created: Vec<&Value> = answers.iter().filter(|(status, _)| *status == 201).map(|(_, body)| body).collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    let id = created[0]["id"].as_str().unwrap();
    for (status, body) in answers.iter().filter(|(status, _)| *status != 201) {
        assert_eq!((*status, body["error"]["code"].as_str()), (409, Some("application_exists")), "{body}");
        assert_eq!(body["error"]["id"], id);
    }
    assert_eq!(texts(&api.db, "SELECT id FROM applications"), vec![id.to_string()]);
}

#[tokio::test]
async fn a_document_corrected_after_adding_keeps_its_scan_and_shows_the_correction() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let child = child_ready_to_apply(&api).await;
    let child_path = format!("/api/v1/children/{}", child["id"].as_str().unwrap());
    let (_, before) = api.send("GET", &child_path, None, None).await;
    let document = &before["documents"][0];
    let document_path = format!("{child_path}/documents/{}", document["id"].as_str().unwrap());

    let mut corrected = certificate();
    corrected["number"] = json!("654322");
    corrected["issued_by"] = json!("Отдел ЗАГС Примерного района");
    let (status, stored) = api.send("PUT", &document_path, Some(corrected), None).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!((stored["number"].as_str(), stored["series"].as_str()), (Some("654322"), Some("IV-ЛО")));
    assert_eq!(stored["issued_by"], "Отдел ЗАГС Примерного района");
    assert_eq!(stored["issued_on"], "2016-09-20");
    assert_eq!(stored["has_scan"], true, "the scan stays with the corrected document");
    let (_, after) = api.send("GET", &child_path, None, None).await;
    assert_eq!(after["documents"][0], stored);

    let elsewhere = format!("{child_path}/documents/no-such-document");
    let (status, body) = api.send("PUT", &elsewhere, Some(certificate()), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("document_not_found")));
}
