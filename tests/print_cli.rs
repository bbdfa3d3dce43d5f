//! `pdo-kiosk print-forms` as an operator runs it: no display, files or a printer, one-line errors with exit code 2.

mod print_support;

use pdo_kiosk::print::demo;
use print_support::{TestPrinter, free_port};
use std::path::Path;
use std::process::{Command, Output};

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdo-kiosk"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

#[track_caller]
fn assert_one_line_error(out: &Output, expected: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "exit code; stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("pdo-kiosk: "), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "«{part}» missing from: {stderr}");
    }
}

#[test]
fn writes_the_three_pdfs_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "app.json", &serde_json::to_value(demo::parent()).unwrap());
    let out_dir = dir.path().join("out");
    let out = kiosk(&["print-forms", "--input", &input, "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in ["application.pdf", "consent.pdf", "activation.pdf"] {
        let pdf = std::fs::read(out_dir.join(name)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
        assert!(pdf.len() > 5_000, "{name} is only {} bytes", pdf.len());
    }
}

#[test]
fn an_unreadable_file_is_one_line() {
    let out = kiosk(&["print-forms", "--input", "/nonexistent/app.json", "--out", "/tmp/never"]);
    assert_one_line_error(&out, &["cannot read /nonexistent/app.json", "No such file"]);
}

#[test]
fn bad_json_names_the_field_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut value = serde_json::to_value(demo::parent()).unwrap();
    value["child"]["birth_date"] = "14.05.2016".into();
    let input = write_json(dir.path(), "app.json", &value);
    let out = kiosk(&["print-forms", "--input", &input, "--out", dir.path().to_str().unwrap()]);
    assert_one_line_error(&out, &["is not a valid application", "field `child.birth_date`", "line "]);

    let mut value = serde_json::to_value(demo::parent()).unwrap();
    value.as_object_mut().unwrap().remove("number");
    let input = write_json(dir.path(), "missing.json", &value);
    let out = kiosk(&["print-forms", "--input", &input, "--out", dir.path().to_str().unwrap()]);
    assert_one_line_error(&out, &["missing field `number`"]);

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"id\": \"app-1\",\n  \"number\": \n}").unwrap();
    let out = kiosk(&["print-forms", "--input", broken.to_str().unwrap(), "--out", dir.path().to_str().unwrap()]);
    assert_one_line_error(&out, &["line 4"]);
    assert!(!dir.path().join("application.pdf").exists(), "nothing written after an error");
}

#[test]
fn an_unreachable_printer_is_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "app.json", &serde_json::to_value(demo::parent()).unwrap());
    let uri = format!("ipp://127.0.0.1:{}/ipp/print", free_port());
    let out = kiosk(&["print-forms", "--input", &input, "--printer", &uri]);
    assert_one_line_error(&out, &["Принтер не отвечает", &uri]);

    let out = kiosk(&["print-forms", "--input", &input, "--printer", "http://printer.example/ipp"]);
    assert_one_line_error(&out, &["Принтер настроен неправильно", "not an ipp:// or ipps://"]);
}

#[test]
fn prints_and_writes_when_given_both() {
    let printer = TestPrinter::start("pdo-kiosk cli");
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "app.json", &serde_json::to_value(demo::offline()).unwrap());
    let out_dir = dir.path().join("out");
    let out =
        kiosk(&["print-forms", "--input", &input, "--out", out_dir.to_str().unwrap(), "--printer", &printer.uri()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches("printed ").count(), 3, "{stdout}");
    let spooled = printer.spooled();
    assert_eq!(spooled.len(), 3);
    for (name, path) in ["application.pdf", "consent.pdf", "activation.pdf"].iter().zip(&spooled) {
        assert_eq!(std::fs::read(out_dir.join(name)).unwrap(), std::fs::read(path).unwrap(), "{name}");
    }
}
