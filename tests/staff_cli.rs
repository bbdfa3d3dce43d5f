//! `pdo-kiosk staff …` as a technician runs it: no display, the PIN from standard input, figures as CSV.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn staff(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"))
        .arg("--config")
        .arg(data.join("kiosk.toml"))
        .arg("--data-dir")
        .arg(data)
        .arg("staff")
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn set_pin_writes_only_the_hash_into_the_config_and_keeps_the_rest() {
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("kiosk.toml");
    std::fs::write(&config, "# Терминал в МФЦ (пример)\nkiosk_id = \"k-mfc-2\"\n").unwrap();
    let set = staff(data.path(), &["set-pin"], "480216\n480216\n");
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with("# Терминал в МФЦ (пример)\nkiosk_id = \"k-mfc-2\"\n"), "{text}");
    assert!(text.contains("staff_pin_hash = \"$argon2id$") && !text.contains("480216"), "{text}");
    let hash = pdo_kiosk::config::Config::load(&config).unwrap().staff_pin_hash.unwrap();
    assert!(pdo_kiosk::staff::Pin::parse("480216").unwrap().matches(&hash));

    let mismatch = staff(data.path(), &["set-pin"], "480216\n480217\n");
    assert!(!mismatch.status.success());
    assert!(String::from_utf8_lossy(&mismatch.stderr).contains("differ"));
    assert_eq!(pdo_kiosk::config::Config::load(&config).unwrap().staff_pin_hash.as_deref(), Some(hash.as_str()));
    let letters = staff(data.path(), &["set-pin"], "12ab\n12ab\n");
    assert!(String::from_utf8_lossy(&letters.stderr).contains("4 to 8 digits"));

    let shown = Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"))
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data.path())
        .arg("config")
        .output()
        .unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(shown.contains("staff_pin_hash = \"********\"") && !shown.contains("argon2"), "{shown}");
}

#[tokio::test]
async fn counters_come_out_as_csv_and_the_export_is_audited() {
    let data = tempfile::tempdir().unwrap();
    {
        let store = pdo_kiosk::store::Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
        store.count("sessions_started").await.unwrap();
        store.count_abandoned("capture").await.unwrap();
        store.record_step_time("capture", std::time::Duration::from_secs(42)).await.unwrap();
    }
    let out = staff(data.path(), &["counters", "--csv", "--days", "7"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("day,figure,step,value\n"));
    assert!(
        csv.contains("total,sessions_started,,1\n") && csv.contains("total,median_seconds,capture,42.0\n"),
        "{csv}"
    );
    let store = pdo_kiosk::store::Store::open(&data.path().join("kiosk.sqlite3")).unwrap();
    let log = store.audit_log(5).await.unwrap();
    assert_eq!(log.first().map(|e| e.action), Some(pdo_kiosk::staff::StaffAction::ExportCounters));

    let check = staff(data.path(), &["privacy-check"], "");
    assert!(check.status.success(), "nothing personal here: {}", String::from_utf8_lossy(&check.stdout));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["clean"], true);
}
