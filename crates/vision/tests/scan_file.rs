//! `scan_file`, the library side of `pdo-kiosk scan-image`: the JSON report, the JPEG it writes, its errors.

use std::path::Path;

use pdo_vision::testimg::{Scene, scene};
use pdo_vision::{Frame, Reason, ScanError, load_frame, scan_file};

fn save_png(frame: &Frame, path: &Path) {
    image::RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec()).unwrap().save(path).unwrap();
}

#[test]
fn report_has_exactly_the_command_fields_and_the_scan_is_written_upright() {
    let dir = tempfile::tempdir().unwrap();
    let (photo, truth) = scene(Scene::Turned(2), 1280, 720, 3);
    let (input, out) = (dir.path().join("photo.png"), dir.path().join("scan.jpg"));
    save_png(&photo, &input);
    let report = scan_file(&input, &out).unwrap();
    assert_eq!(report.reason, Reason::Ok);
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["accepted", "corners", "found", "glare", "ms", "reason", "sharpness"]);
    assert_eq!(json["reason"], "ok");
    assert_eq!(json["accepted"], true);
    assert!(json["ms"].as_f64().unwrap() > 0.0);
    let corners = json["corners"].as_array().unwrap();
    assert_eq!(corners.len(), 4);
    // The card is upside down in the photo: its top-left (reading order) is the photo's lower-right corner.
    let tl = truth.unwrap()[0];
    assert!((corners[0][0].as_f64().unwrap() - tl[0]).abs() < 3.0, "{corners:?} vs {tl:?}");
    assert!((corners[0][1].as_f64().unwrap() - tl[1]).abs() < 3.0, "{corners:?} vs {tl:?}");

    let scan = load_frame(&out).expect("a JPEG scan was written");
    assert!(scan.height() > scan.width(), "portrait card");
    assert_eq!(&std::fs::read(&out).unwrap()[..2], &[0xFF, 0xD8]);
    // Upright: the heading band near the top is much darker than the empty foot.
    let row_mean = |v: f64| {
        let (w, y) = (scan.width() as usize, (v * scan.height() as f64) as usize);
        let row = &scan.rgb()[y * w * 3..(y + 1) * w * 3];
        row.iter().map(|&b| b as f64).sum::<f64>() / row.len() as f64
    };
    let head = (60..=110).step_by(10).map(|p| row_mean(p as f64 / 1000.0)).fold(f64::MAX, f64::min);
    assert!(head + 40.0 < row_mean(0.95), "heading row {head:.0} vs foot {:.0}", row_mean(0.95));
}

#[test]
fn rejected_but_found_still_writes_and_no_document_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("blurred.png");
    save_png(&scene(Scene::Blurred, 1280, 720, 4).0, &input);
    let out = dir.path().join("blurred.jpg");
    let report = scan_file(&input, &out).unwrap();
    assert_eq!((report.found, report.accepted, report.reason), (true, false, Reason::Blur));
    assert!(out.exists());

    let input = dir.path().join("empty.png");
    save_png(&scene(Scene::NoDocument, 1280, 720, 5).0, &input);
    let out = dir.path().join("empty.jpg");
    let report = scan_file(&input, &out).unwrap();
    assert_eq!((report.found, report.reason), (false, Reason::NoDocument));
    assert_eq!(serde_json::to_value(&report).unwrap()["corners"], serde_json::json!([]));
    assert!(!out.exists());
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jpg");
    let err = scan_file(&missing, &dir.path().join("o.jpg")).unwrap_err();
    assert!(matches!(err, ScanError::Read { .. }));
    assert!(err.to_string().contains("missing.jpg"), "{err}");

    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "not a picture").unwrap();
    let err = scan_file(&text, &dir.path().join("o.jpg")).unwrap_err();
    assert!(matches!(err, ScanError::NotAnImage { .. }));
    assert!(err.to_string().contains("notes.jpg") && err.to_string().contains("not a PNG or JPEG"), "{err}");

    let truncated = dir.path().join("cut.png");
    let mut png = Vec::new();
    image::RgbImage::new(40, 30).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    std::fs::write(&truncated, &png[..png.len() / 2]).unwrap();
    let err = scan_file(&truncated, &dir.path().join("o.jpg")).unwrap_err();
    assert!(err.to_string().contains("cut.png"), "{err}");

    let input = dir.path().join("card.png");
    save_png(&scene(Scene::Upright, 1280, 720, 6).0, &input);
    let err = scan_file(&input, &dir.path().join("no/such/dir/scan.jpg")).unwrap_err();
    assert!(matches!(err, ScanError::Write { .. }));
    assert!(err.to_string().contains("scan.jpg"), "{err}");
}
