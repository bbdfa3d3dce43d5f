//! Bad input over real HTTP: every kind is answered with the contract's error, and nothing is stored half.

mod support;

use pdo_registry::demo::ACCOUNTS;
use serde_json::{Value, json};
use support::*;

fn child(snils: &str) -> Value {
    json!({"last_name": "Зарубин", "first_name": "Тихон", "birth_date": "2016-09-02", "snils": snils,
           "address": "г. Примерный, ул. Вымышленная, д. 7"})
}

async fn signed_in() -> (SmtpSink, Api) {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    (sink, api)
}

async fn raw(api: &Api, method: &str, path: &str, content_type: &str, body: &'static [u8]) -> (u16, Value) {
    let response = api
        .http
        .request(method.parse().unwrap(), api.url(path))
        .bearer_auth(api.token.as_ref().unwrap())
        .header("Content-Type", content_type)
        .header("Idempotency-Key", "raw-1")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn malformed_bodies_unknown_fields_and_wrong_types_are_refused_and_store_nothing() {
    let (_sink, api) = signed_in().await;
    for (method, path) in [("POST", "/api/v1/children"), ("PUT", "/api/v1/applicant"), ("POST", "/api/v1/applications")]
    {
        let (status, body) = raw(&api, method, path, "application/json", b"{\"last_name\": ").await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_request")), "{method} {path}");
        let (status, _) = raw(&api, method, path, "application/json", b"[1, 2, 3]").await;
        assert_eq!(status, 400, "{method} {path} with an array");
    }
    let mut typo = child("112-233-445 95");
    typo["snils_number"] = json!("x");
    let (status, body) = api.send("POST", "/api/v1/children", Some(typo), Some("k1")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_request")), "unknown fields never pass");
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children, json!([]));
}

#[tokio::test]
async fn invalid_fields_are_named_with_messages_in_the_callers_language() {
    let (_sink, api) = signed_in().await;
    let bad = json!({"last_name": "Smith", "first_name": "Тихон", "birth_date": "2030-01-01", "snils": "112-233-445 96",
                     "address": "x".repeat(301)});
    let response = api
        .http
        .post(api.url("/api/v1/children"))
        .bearer_auth(api.token.as_ref().unwrap())
        .header("Idempotency-Key", "bad-1")
        .header("Accept-Language", "en")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields = &body["error"]["fields"];
    assert_eq!(fields["child.last_name"]["code"], "not_cyrillic");
    assert_eq!(fields["child.birth_date"]["code"], "date_in_future");
    assert_eq!(fields["child.snils"]["code"], "invalid_checksum");
    assert_eq!(fields["child.address"]["code"], "too_long");
    assert!(
        fields["child.snils"]["message"].as_str().unwrap().is_ascii(),
        "English message: {}",
        fields["child.snils"]
    );
    let (_, created) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("ok-1")).await;
    let docs = format!("/api/v1/children/{}/documents", created["id"].as_str().unwrap());
    let document = json!({"kind": "passport", "series": "IV-ЛО", "number": "12345", "issued_on": "2010-01-01",
                          "issued_by": "Отдел ЗАГС"});
    let (status, body) = api.send("POST", &docs, Some(document), Some("doc-bad")).await;
    assert_eq!(status, 422);
    let fields = &body["error"]["fields"];
    assert_eq!(fields["document.kind"]["code"], "document_not_allowed_for_age", "a 10-year-old has no passport");
    assert_eq!(fields["document.series"]["code"], "invalid_format");
    assert_eq!(fields["document.issued_on"]["code"], "date_before_birth");
    let (_, child) =
        api.send("GET", &format!("/api/v1/children/{}", created["id"].as_str().unwrap()), None, None).await;
    assert_eq!(child["documents"], json!([]), "a refused document stores nothing");
}

#[tokio::test]
async fn sql_like_and_long_but_valid_strings_are_stored_verbatim() {
    let (_sink, api) = signed_in().await;
    let address = "ул. Вымышленная'; DROP TABLE children; -- д. 1 \"корп. 2\"";
    let long_name = "Д'".to_string() + &"а".repeat(98);
    let mut c = child("112-233-445 95");
    c["address"] = json!(address);
    c["last_name"] = json!(long_name);
    let (status, created) = api.send("POST", "/api/v1/children", Some(c), Some("sql-1")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["address"], address);
    assert_eq!(created["last_name"].as_str().unwrap().chars().count(), 100);
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children[0]["address"], address, "read back exactly as written");
    let mut too_long = child("123-456-789 64");
    too_long["first_name"] = json!("а".repeat(101));
    let (status, body) = api.send("POST", "/api/v1/children", Some(too_long), Some("long-1")).await;
    assert_eq!((status, body["error"]["fields"]["child.first_name"]["code"].as_str()), (422, Some("too_long")));
}

#[tokio::test]
async fn scans_must_really_be_jpeg_or_pdf() {
    let (_sink, api) = signed_in().await;
    let (_, created) = api.send("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("c")).await;
    let docs = format!("/api/v1/children/{}/documents", created["id"].as_str().unwrap());
    let document = json!({"kind": "birth_certificate", "series": "IV-ЛО", "number": "123456", "issued_on": "2016-10-01",
                          "issued_by": "Отдел ЗАГС"});
    let (_, doc) = api.send("POST", &docs, Some(document), Some("d")).await;
    let scan = format!("{docs}/{}/scan", doc["id"].as_str().unwrap());
    assert_eq!(api.upload(&scan, "image/jpeg", b"GIF89a....".to_vec()).await, 415);
    assert_eq!(api.upload(&scan, "application/pdf", fake_jpeg(100)).await, 415, "the type must match the bytes");
    assert_eq!(api.upload(&scan, "text/plain", b"%PDF-1.4".to_vec()).await, 415);
    assert_eq!(api.upload(&format!("{docs}/no-such-document/scan"), "image/jpeg", fake_jpeg(100)).await, 404);
    let (_, child) =
        api.send("GET", &format!("/api/v1/children/{}", created["id"].as_str().unwrap()), None, None).await;
    assert_eq!(child["documents"][0]["has_scan"], false);
}

#[tokio::test]
async fn a_hundred_concurrent_creates_with_one_key_make_one_child() {
    let (_sink, api) = signed_in().await;
    let api = std::sync::Arc::new(api);
    let mut tasks = vec![];
    for _ in 0..100 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            api.send_full("POST", "/api/v1/children", Some(child("112-233-445 95")), Some("same")).await
        }));
    }
    let mut created = vec![];
    let mut in_flight = 0;
    for task in tasks {
        let (status, _, body) = task.await.unwrap();
        match status {
            201 => created.push(body),
            409 => {
                assert_eq!(body["error"]["code"], "request_in_flight");
                in_flight += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|b| b == &created[0]), "every 201 is the same child");
    assert_eq!(created.len() + in_flight, 100);
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_hundred_concurrent_different_creates_make_a_hundred_children() {
    let (_sink, api) = signed_in().await;
    let api = std::sync::Arc::new(api);
    let mut tasks = vec![];
    for n in 0..100u64 {
        let api = api.clone();
        let digits: Vec<u8> = format!("{:09}", 300_000 + n).bytes().map(|b| b - b'0').collect();
        let check = pdo_core::validation::snils_checksum(&digits.clone().try_into().unwrap());
        let snils = format!("{}{:02}", digits.iter().map(|d| char::from(b'0' + d)).collect::<String>(), check);
        tasks.push(tokio::spawn(async move {
            api.send("POST", "/api/v1/children", Some(child(&snils)), Some(&format!("k{n}"))).await
        }));
    }
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    let (_, children) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!(children.as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn protected_routes_need_a_live_token() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let (status, body) = api.send("GET", "/api/v1/children", None, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
    api.token = Some("0".repeat(64));
    let (status, _) = api.send("GET", "/api/v1/applicant", None, None).await;
    assert_eq!(status, 401);
}
