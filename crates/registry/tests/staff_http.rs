//! Staff of institutions that activate certificates, over real HTTP against a real SQLite file: credentials made by
//! the command line, the look-up of an application by its printed number within the member's scope, the limit on
//! look-ups and their audit, and everything that is not staff.

mod support;

use pdo_core::api::{KioskConfig, KioskInfo};
use pdo_registry::storage::{StaffInfo, Storage};
use serde_json::Value;
use support::offline::{add_kiosk, payload, seal};
use support::online::*;
use support::*;

const KIOSK_SECRET: &str = "inventedkiosksecretforstafftests2";

fn staff_cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .arg("staff")
        .arg(args[0])
        .arg("--db")
        .arg(db)
        .args(&args[1..])
        .output()
        .unwrap()
}

/// Makes an application for the demo parent the way the kiosk does online; returns it.
async fn an_application(api: &mut Api) -> Value {
    online_until(api, Online::Application).await
}

async fn look_up(api: &Api, number: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = api.http.get(api.url(&format!("/api/v1/applications/by-number/{number}")));
    if let Some(value) = authorization {
        request = request.header("Authorization", value).header("Accept-Language", "en");
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn staff_look_applications_up_by_number_and_nobody_else_does() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let application = an_application(&mut api).await;
    let number = application["number"].as_str().unwrap();
    let db = api.db.clone();

    let added = staff_cli(&db, &["add", "--id", "metodist-1", "--name", "Методист (демо)", "--institution", "inst-1"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let stdout = String::from_utf8(added.stdout).unwrap();
    let secret = stdout.lines().last().unwrap().to_string();
    assert_eq!(secret.len(), 32, "{stdout}");
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()), "{stdout}");
    assert!(
        !staff_cli(&db, &["add", "--id", "metodist-1", "--name", "Другой"]).status.success(),
        "an id is given once"
    );
    // An institution not imported yet is accepted with a warning (staff may be registered before the import).
    let unknown_institution = staff_cli(&db, &["add", "--id", "metodist-2", "--name", "Х", "--institution", "nope"]);
    assert!(unknown_institution.status.success(), "{}", String::from_utf8_lossy(&unknown_institution.stderr));
    let warning = String::from_utf8(unknown_institution.stderr).unwrap();
    assert!(warning.contains("warning: institution \"nope\" is not in the reference data"), "{warning}");
    assert!(!staff_cli(&db, &["add", "--id", "bad id", "--name", "Х", "--region-wide"]).status.success());
    // Seeing every child of the region is never the default: it takes the flag.
    let no_institution = staff_cli(&db, &["add", "--id", "metodist-3", "--name", "Методист без учреждения"]);
    assert!(!no_institution.status.success());
    let refusal = String::from_utf8(no_institution.stderr).unwrap();
    assert!(refusal.contains("give --institution ID, or --region-wide"), "{refusal}");
    let both = ["add", "--id", "metodist-3", "--name", "Х", "--institution", "inst-1", "--region-wide"];
    assert!(!staff_cli(&db, &both).status.success(), "one scope or the other");
    let region_wide = staff_cli(&db, &["add", "--id", "metodist-3", "--name", "Методист округа", "--region-wide"]);
    assert!(region_wide.status.success(), "{}", String::from_utf8_lossy(&region_wide.stderr));

    let staff = format!("Staff metodist-1:{secret}");
    let (status, found) = look_up(&api, number, Some(&staff)).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["id"], application["id"]);
    assert_eq!(found["child"]["snils"], application["child"]["snils"]);
    assert_eq!(found["status"], "awaiting_email_confirmation");
    let (status, body) = look_up(&api, "4200000000", Some(&staff)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("application_not_found")));
    assert_eq!(body["error"]["message"], "Application not found.");

    // Everything that is not a live staff credential is 401 `unauthorized`.
    let storage = Storage::open(&db).unwrap();
    let kiosk = KioskInfo {
        id: "metodist-1".into(),
        name: "Терминал (демо)".into(),
        address: "г. Примерный".into(),
        municipality: "demo-01".into(),
    };
    storage.add_kiosk(&kiosk, &pdo_registry::accounts::hash_password(KIOSK_SECRET), chrono::Utc::now()).unwrap();
    let token = format!("Bearer {}", api.token.clone().unwrap());
    for authorization in [
        None,
        Some(format!("Staff metodist-1:{}", secret.to_uppercase())),
        Some(format!("Staff nobody:{secret}")),
        Some(format!("Kiosk metodist-1:{secret}")),
        Some(format!("Kiosk metodist-1:{KIOSK_SECRET}")),
        Some(format!("Staff metodist-1:{KIOSK_SECRET}")),
        Some(token),
        Some(format!("Staff metodist-1{secret}")),
    ] {
        let (status, body) = look_up(&api, number, authorization.as_deref()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{authorization:?}");
    }

    let revoked = staff_cli(&db, &["revoke", "--id", "metodist-1"]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    assert_eq!(look_up(&api, number, Some(&staff)).await.0, 401, "revoked while serving");
    assert!(!staff_cli(&db, &["revoke", "--id", "no-such-member"]).status.success());
}

const SECRET: &str = "inventedstaffsecretforscopetests1";

/// Adds a member of staff through the storage API with a known secret; returns their `Authorization` value.
fn member(api: &Api, id: &str, institution: Option<&str>) -> String {
    let storage = Storage::open(&api.db).unwrap();
    let info = StaffInfo {
        id: id.into(),
        name: "Методист (демо)".into(),
        institution_id: institution.map(Into::into),
        region_wide: institution.is_none(),
    };
    storage.add_staff(&info, &pdo_registry::accounts::hash_password(SECRET), chrono::Utc::now()).unwrap();
    format!("Staff {id}:{SECRET}")
}

/// An application taken offline at the kiosk of `support::offline` (municipality demo-02: only inst-3 is listed).
async fn an_offline_application(api: &Api) -> String {
    add_kiosk(api);
    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let config: KioskConfig = serde_json::from_value(config).unwrap();
    let number = config.number_block.from.clone();
    let p = payload(&number, "sub-scope", "123-456-789 64");
    let (status, _, receipt) = api.submit("sub-scope", &config.public_keys[0].key_id, seal(&config, &p)).await;
    assert_eq!((status, receipt["status"].as_str()), (202, Some("awaiting_claim")), "{receipt}");
    number
}

#[tokio::test]
async fn staff_see_only_applications_that_list_their_institution() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    // Online without a municipality: every institution is listed. Offline at the demo-02 kiosk: only inst-3.
    let online = an_application(&mut api).await["number"].as_str().unwrap().to_string();
    let offline = an_offline_application(&api).await;
    let first_institution = member(&api, "metodist-inst-1", Some("inst-1"));
    let third_institution = member(&api, "metodist-inst-3", Some("inst-3"));
    let region = member(&api, "metodist-region", None);

    assert_eq!(look_up(&api, &online, Some(&first_institution)).await.0, 200);
    let (status, outside) = look_up(&api, &offline, Some(&first_institution)).await;
    let (_, unknown) = look_up(&api, "4200000000", Some(&first_institution)).await;
    assert_eq!(status, 404, "{outside}");
    assert_eq!(outside, unknown, "outside the scope reads exactly like an unknown number");
    assert_eq!(look_up(&api, &offline, Some(&third_institution)).await.0, 200);
    assert_eq!(look_up(&api, &online, Some(&region)).await.0, 200);
    assert_eq!(look_up(&api, &offline, Some(&region)).await.0, 200);

    // The audit: who, when, which number, what came of it; nothing about the child or the applicant.
    let rows: Vec<[String; 4]> = query(&api.db, "SELECT staff_id, at, number, outcome FROM staff_lookups ORDER BY id")
        .iter()
        .map(|r| [r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap(), r.get(3).unwrap()])
        .collect();
    let summary: Vec<_> =
        rows.iter().map(|[who, _, number, outcome]| (who.as_str(), number.as_str(), outcome.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("metodist-inst-1", online.as_str(), "found"),
            ("metodist-inst-1", offline.as_str(), "out_of_scope"),
            ("metodist-inst-1", "4200000000", "not_found"),
            ("metodist-inst-3", offline.as_str(), "found"),
            ("metodist-region", online.as_str(), "found"),
            ("metodist-region", offline.as_str(), "found"),
        ]
    );
    assert!(rows.iter().all(|[_, at, _, _]| chrono::DateTime::parse_from_rfc3339(at).is_ok()), "{rows:?}");
    let columns = texts(
        &api.db,
        if on_postgres() {
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'staff_lookups' \
             ORDER BY ordinal_position"
        } else {
            "SELECT name FROM pragma_table_info('staff_lookups')"
        },
    );
    assert_eq!(columns, ["id", "staff_id", "at", "number", "outcome"], "no column for personal data");
}

#[tokio::test]
async fn look_ups_are_limited_per_member_of_staff() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let number = an_application(&mut api).await["number"].as_str().unwrap().to_string();
    let busy = member(&api, "metodist-busy", Some("inst-1"));
    let other = member(&api, "metodist-other", Some("inst-1"));
    // Walking through the sequential numbers: ten look-ups a minute, then 429.
    let first: u64 = number.parse().unwrap();
    for n in first..first + 10 {
        let (status, _) = look_up(&api, &n.to_string(), Some(&busy)).await;
        assert!(status == 200 || status == 404, "look-up {n}: {status}");
    }
    let response = api
        .http
        .get(api.url(&format!("/api/v1/applications/by-number/{number}")))
        .header("Authorization", &busy)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let wait: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(look_up(&api, &number, Some(&other)).await.0, 200, "the limit is per member of staff");
}
