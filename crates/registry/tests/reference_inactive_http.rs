//! Reference data retired by an import while the registry serves: no longer offered, still read by the application
//! that points at it. Real HTTP, a real SMTP sink, the real binary on the served SQLite file.

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::online::*;
use support::*;

/// An application for the demo parent, confirmed by the code from the letter and issued in the demo group "5-18".
async fn issued_application(api: &mut Api, sink: &SmtpSink) -> Value {
    let application = online_until(api, Online::Application).await;
    let document_id = application["child"]["documents"][0]["id"].as_str().unwrap().to_string();
    let id = application["id"].as_str().unwrap();
    let (_, body, _) = sink.letter(1, Duration::from_secs(10)).await;
    let code = body.split_whitespace().find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit())).unwrap();
    let confirm = format!("/api/v1/applications/{id}/email-confirmation");
    assert_eq!(api.send("POST", &confirm, Some(json!({"code": code})), None).await.0, 200);
    let cert = json!({"group_id": "5-18", "document_id": document_id});
    let (status, issued) =
        api.send("POST", &format!("/api/v1/applications/{id}/certificate"), Some(cert), Some("i")).await;
    assert_eq!(status, 201, "{issued}");
    issued
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_retired_group_and_institution_are_not_offered_but_the_application_still_reads_them() {
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let issued = issued_application(&mut api, &sink).await;
    let before: Vec<String> = ids(&issued["institutions"]).iter().map(|s| s.to_string()).collect();
    assert!(before.contains(&"inst-1".to_string()), "{before:?}");

    // The demo's files with group 5-18 replaced and inst-1 gone, imported into the database being served.
    let files = tempfile::tempdir().unwrap();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/demo");
    for name in ["municipalities.csv", "operator.csv"] {
        std::fs::copy(demo.join(name), files.path().join(name)).unwrap();
    }
    std::fs::write(files.path().join("groups.csv"), "id,title\n6-18,Дети от 6 до 18 лет (выдумано)\n").unwrap();
    let institutions = std::fs::read_to_string(demo.join("institutions.csv")).unwrap();
    let without_inst1: String =
        institutions.lines().filter(|l| !l.starts_with("inst-1,")).map(|l| format!("{l}\n")).collect();
    std::fs::write(files.path().join("institutions.csv"), without_inst1).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["reference", "import", "--db"])
        .arg(&api.db)
        .arg("--dir")
        .arg(files.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("groups.csv: 1 added, 0 changed, 0 kept, 1 made inactive\n  inactive: 5-18\n"), "{report}");
    assert!(report.contains("  inactive: inst-1\n"), "{report}");

    let (_, groups) = api.send("GET", "/api/v1/certificate-groups", None, None).await;
    assert_eq!(ids(&groups), ["6-18"]);
    let (_, offered) = api.send("GET", "/api/v1/institutions", None, None).await;
    assert!(!ids(&offered).contains(&"inst-1"), "{offered}");

    let (status, read) =
        api.send("GET", &format!("/api/v1/applications/{}", issued["id"].as_str().unwrap()), None, None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["certificate_group"], json!({"id": "5-18", "title": "Дети в возрасте от 5 до 18 лет"}));
    assert_eq!(read["registry_record"], issued["registry_record"]);
    let after: Vec<String> = ids(&read["institutions"]).iter().map(|s| s.to_string()).collect();
    let expected: Vec<String> = before.into_iter().filter(|i| i != "inst-1").collect();
    assert_eq!(after, expected, "where to activate: the active institutions only");
}
