//! Staff of institutions that activate certificates, over real HTTP against a real SQLite file: credentials made by
//! the command line, the look-up of an application by its printed number, and everything that is not staff.

mod support;

use pdo_core::api::KioskInfo;
use pdo_registry::sqlite::SqliteStorage;
use pdo_registry::storage::Storage;
use serde_json::Value;
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
    let db = api.dir.path().join("registry.sqlite3");

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
    assert!(!staff_cli(&db, &["add", "--id", "bad id", "--name", "Х"]).status.success());
    let no_institution = staff_cli(&db, &["add", "--id", "metodist-3", "--name", "Методист без учреждения"]);
    assert!(no_institution.status.success(), "{}", String::from_utf8_lossy(&no_institution.stderr));

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
    let storage = SqliteStorage::open(&db).unwrap();
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
