//! Two `pdo-registry serve` processes on one PostgreSQL database, as a region runs them behind a reverse proxy,
//! sent the racing requests of the contract at once: the same idempotency key to both, twenty creates, number
//! blocks for two kiosks, and a mail outbox both workers drain. Whatever process answers, the records come out as
//! one process would have made them, and each letter is sent once.

mod support;

use chrono::Utc;
use pdo_core::api::KioskInfo;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::scratch_postgres::ScratchPostgres;
use pdo_registry::sql::Value;
use pdo_registry::storage::Storage;
use serde_json::{Value as Json, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use support::SmtpSink;
use support::served::Served;

/// Starts `serve --demo` on `db`, sending mail to the sink.
fn serve(db: &str, smtp_port: u16) -> Served {
    let smtp = format!("127.0.0.1:{smtp_port}");
    Served::start(&[
        "--demo",
        "--db",
        db,
        "--smtp",
        &smtp,
        "--smtp-tls",
        "none",
        "--public-url",
        "http://127.0.0.1:8080",
    ])
}

struct Region {
    a: Served,
    b: Served,
    db: PathBuf,
    sink: SmtpSink,
    http: reqwest::Client,
}

async fn region() -> Region {
    let db = ScratchPostgres::shared().unwrap().create_database().unwrap();
    let sink = SmtpSink::start().await;
    // Both started at once on an empty database: one migrates, the other waits on the advisory lock.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| serve(&db, sink.port));
        let b = s.spawn(|| serve(&db, sink.port));
        (a.join().unwrap(), b.join().unwrap())
    });
    Region { a, b, db: db.into(), sink, http: reqwest::Client::new() }
}

impl Region {
    async fn sign_in(&self, on: &Served) -> String {
        let account = &ACCOUNTS[0];
        let body = json!({"login": account.login, "password": account.password});
        let response = self.http.post(format!("{}/api/v1/sessions", on.base)).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 201);
        response.json::<Json>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    async fn post(&self, on: &Served, token: &str, path: &str, body: &Json, key: &str) -> (u16, Json) {
        let response = self
            .http
            .post(format!("{}{path}", on.base))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Json::Null))
    }

    async fn children(&self, on: &Served, token: &str) -> Vec<Json> {
        let response = self.http.get(format!("{}/api/v1/children", on.base)).bearer_auth(token).send().await.unwrap();
        response.json::<Json>().await.unwrap().as_array().unwrap().clone()
    }
}

/// An invented child with a valid SNILS made from `n`.
fn child(n: u32) -> Json {
    let digits: Vec<u8> = format!("{:09}", 200_000_000 + n).bytes().map(|b| b - b'0').collect();
    let checksum = pdo_core::validation::snils_checksum(&digits.clone().try_into().unwrap());
    let d: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    let snils = format!("{}-{}-{} {checksum:02}", &d[0..3], &d[3..6], &d[6..9]);
    // Names take Russian letters only: the number spelled with one letter per digit.
    let letters: String =
        format!("{n}").bytes().map(|b| "абвгдежзик".chars().nth(usize::from(b - b'0')).unwrap()).collect();
    json!({"last_name": format!("Вымыслов-{letters}"), "first_name": "Тихон", "birth_date": "2015-05-05",
           "snils": snils, "address": "г. Примерный, ул. Придуманная, д. 1"})
}

#[tokio::test]
async fn one_key_sent_to_both_processes_at_once_makes_one_child() {
    let region = region().await;
    let token = region.sign_in(&region.a).await;
    for round in 0..10 {
        let body = child(round);
        let key = format!("same-key-{round}");
        let path = "/api/v1/children";
        let (first, second) = tokio::join!(
            region.post(&region.a, &token, path, &body, &key),
            region.post(&region.b, &token, path, &body, &key)
        );
        let created: Vec<&Json> = [&first, &second].into_iter().filter(|(s, _)| *s == 201).map(|(_, b)| b).collect();
        assert!(!created.is_empty(), "round {round}: neither created: {first:?} {second:?}");
        // The other one is the same answer replayed, or refused while the first is still being answered.
        for (status, body) in [&first, &second] {
            assert!(
                *status == 201 || (*status == 409 && body["error"]["code"] == "request_in_flight"),
                "round {round}: {status} {body}"
            );
        }
        assert!(created.windows(2).all(|w| w[0]["id"] == w[1]["id"]), "round {round}: two children: {created:?}");
    }
    assert_eq!(region.children(&region.b, &token).await.len(), 10, "one child per key, read from either process");
}

#[tokio::test]
async fn twenty_creates_across_both_processes_make_twenty_children() {
    let region = region().await;
    let token = region.sign_in(&region.b).await;
    let requests = (0..20).map(|n| {
        let on = if n % 2 == 0 { &region.a } else { &region.b };
        let (region, token) = (&region, &token);
        async move { region.post(on, token, "/api/v1/children", &child(100 + n), &format!("create-{n}")).await }
    });
    let answers = futures::future::join_all(requests).await;
    assert!(answers.iter().all(|(status, _)| *status == 201), "{answers:?}");
    let mut ids: Vec<&str> = answers.iter().map(|(_, body)| body["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(region.children(&region.a, &token).await.len(), 20);
}

#[tokio::test]
async fn two_kiosks_asking_both_processes_get_blocks_that_never_overlap() {
    let region = region().await;
    let storage = Storage::open(&region.db).unwrap();
    let secret = "secretofaninventedkioskinaregion";
    for id in ["region-kiosk-1", "region-kiosk-2"] {
        let info = KioskInfo {
            id: id.into(),
            name: "Терминал (выдумано)".into(),
            address: "г. Примерный".into(),
            municipality: "demo-01".into(),
        };
        storage.add_kiosk(&info, &pdo_registry::accounts::hash_password(secret), Utc::now()).unwrap();
    }
    let config = |on: &Served, kiosk: &str| {
        let request = region
            .http
            .get(format!("{}/api/v1/kiosk/config", on.base))
            .header("Authorization", format!("Kiosk {kiosk}:{secret}"));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let config: Json = response.json().await.unwrap();
            let block = &config["number_block"];
            (
                block["from"].as_str().unwrap().parse::<u64>().unwrap(),
                block["to"].as_str().unwrap().parse::<u64>().unwrap(),
            )
        }
    };
    // Each kiosk asks both processes at once, twice over.
    let (k1a, k1b, k2a, k2b) = tokio::join!(
        config(&region.a, "region-kiosk-1"),
        config(&region.b, "region-kiosk-1"),
        config(&region.a, "region-kiosk-2"),
        config(&region.b, "region-kiosk-2"),
    );
    assert_eq!(k1a, k1b, "one kiosk's block is the same from either process");
    assert_eq!(k2a, k2b);
    let ((first1, last1), (first2, last2)) = (k1a, k2a);
    assert!(last1 < first2 || last2 < first1, "blocks overlap: {k1a:?} and {k2a:?}");
}

#[tokio::test]
async fn the_outbox_is_drained_by_both_workers_and_each_letter_goes_once() {
    let region = region().await;
    let storage = Storage::open(&region.db).unwrap();
    let now = Utc::now().to_rfc3339();
    // Forty letters appear at once; both workers poll every two seconds and take what is due.
    storage
        .write(|conn| {
            for n in 0..40 {
                conn.execute(
                    "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at)
                     VALUES (?1, ?2, 'Письмо для проверки (выдумано).', ?3, ?3)",
                    vec![
                        Value::Text(format!("parent{n}@example.invalid")),
                        Value::Text(format!("Письмо {n}")),
                        Value::Text(now.clone()),
                    ],
                )?;
            }
            Ok(())
        })
        .unwrap();
    region.sink.letters(40, Duration::from_secs(30)).await;
    // Two more polling rounds of both workers: a letter taken twice would arrive meanwhile.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut subjects = region.sink.subjects();
    subjects.sort();
    let count = subjects.len();
    subjects.dedup();
    assert_eq!((count, subjects.len()), (40, 40), "each letter exactly once: {subjects:?}");
    let unsent = support::texts(&region.db, "SELECT id::text FROM mail_outbox WHERE sent_at IS NULL");
    assert!(unsent.is_empty(), "{unsent:?}");
}

#[test]
fn a_database_that_does_not_compare_text_byte_by_byte_is_refused_with_what_to_do() {
    let server = ScratchPostgres::shared().unwrap();
    let russian =
        server.create_database_with("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU' LOCALE 'C'").unwrap();
    let err = Storage::open(std::path::Path::new(&russian)).err().expect("refused").to_string();
    assert!(err.contains("LOCALE 'C'") && err.contains("deploy.md"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["backup", "--db", &russian, "--to", "x.sqlite3"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"), "{}", String::from_utf8_lossy(&out.stderr));
}
