//! `pdo-kiosk scan-image`: the pipeline on still photos, as staff run it, one JSON object each.

use pdo_vision::testimg::{Scene, scene};
use std::path::Path;
use std::process::{Command, Output};

fn scan_image(input: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"))
        .args(["scan-image", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the kiosk binary runs")
}

fn photo(dir: &Path, name: &str, which: Scene) -> std::path::PathBuf {
    let (frame, _) = scene(which, 1280, 720, 11);
    let jpeg = pdo_vision::encode_jpeg(&frame, 95).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, &*jpeg).unwrap();
    path
}

#[test]
fn a_good_photo_gives_an_accepted_upright_scan_and_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = photo(dir.path(), "card.jpg", Scene::Upright);
    let out = dir.path().join("scan.jpg");
    let result = scan_image(&input, &out);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let stdout = String::from_utf8(result.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["found"], true);
    assert_eq!(report["accepted"], true);
    assert_eq!(report["reason"], "ok");
    assert_eq!(report["corners"].as_array().map(Vec::len), Some(4));
    assert!(report["ms"].as_f64().is_some_and(|ms| ms > 0.0));
    let scan = std::fs::read(&out).unwrap();
    assert!(scan.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG was written");
}

#[test]
fn blur_and_no_document_are_reasons_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    for (which, reason) in [(Scene::Blurred, "blur"), (Scene::NoDocument, "no_document"), (Scene::Glare, "glare")] {
        let input = photo(dir.path(), "photo.jpg", which);
        let out = dir.path().join(format!("{reason}.jpg"));
        let result = scan_image(&input, &out);
        assert!(result.status.success(), "exit code 0 even when not accepted");
        let report: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
        assert_eq!((report["reason"].as_str(), report["accepted"].as_bool()), (Some(reason), Some(false)));
    }
}

#[test]
fn an_unreadable_file_is_a_clear_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("not-a-photo.jpg");
    std::fs::write(&input, b"hello").unwrap();
    let result = scan_image(&input, &dir.path().join("out.jpg"));
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("not-a-photo.jpg"), "{stderr}");
}
