//! How `pdo-registry serve` treats its transport, run as the real binary against a real database file: plain http
//! public URLs and plaintext SMTP off loopback are refused at start with a clear message; without `--smtp` it starts
//! and warns that letters only go to files; and a relay that must speak STARTTLS but does not gets no letter.

mod support;

use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::{MailSink, SmtpTls};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::online::*;
use support::*;

fn serve(dir: &std::path::Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(database(dir))
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The exit status and stderr of a `serve` that must stop by itself within a few seconds (killed otherwise).
fn refused(args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = serve(dir.path(), args);
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("serve {args:?} kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn plaintext_off_loopback_is_refused_at_start() {
    let (ok, stderr) = refused(&["--public-url", "http://registry.example.org"]);
    assert!(!ok);
    assert!(stderr.contains("is plain http:// to \"registry.example.org\", which is not loopback"), "{stderr}");

    let relay = ["--public-url", "https://registry.example.org", "--smtp", "smtp.example.org:25", "--smtp-tls", "none"];
    let (ok, stderr) = refused(&relay);
    assert!(!ok);
    assert!(stderr.contains("--smtp-tls none to \"smtp.example.org\", which is not loopback, is refused"), "{stderr}");
}

#[test]
fn without_smtp_serve_starts_and_warns_that_letters_go_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("letters");
    let mut child = serve(dir.path(), &["--public-url", "http://127.0.0.1:8080", "--mail-dir", mail.to_str().unwrap()]);
    let mut log = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let started = loop {
        let Some(Ok(line)) = lines.next() else { break false };
        log.push_str(&line);
        log.push('\n');
        if line.contains("registry listening") {
            break true;
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(started, "{log}");
    assert!(log.contains("no --smtp: letters are not sent"), "{log}");
    assert!(log.contains(mail.to_str().unwrap()), "the folder is named: {log}");
}

#[tokio::test]
async fn a_relay_that_does_not_offer_starttls_gets_no_letter_in_clear() {
    // The test relay speaks plaintext only (no STARTTLS in its EHLO answer).
    let sink = SmtpSink::start().await;
    let mut api = Api::start(sink.port);
    let db = database(api.dir.path());
    let mail = MailSink::SmtpTls { host: "127.0.0.1".into(), port: sink.port, tls: SmtpTls::StartTls };
    api.registry = EmbeddedRegistry::start_with(&db, true, mail).unwrap();
    let application = online_until(&mut api, Online::Application).await;
    assert_eq!(application["status"], "awaiting_email_confirmation");

    let deadline = Instant::now() + Duration::from_secs(10);
    let (attempts, error): (u32, Option<String>) = loop {
        let rows = query(&db, "SELECT attempts, last_error FROM mail_outbox");
        let row = rows.first().map(|r| (r.get::<_, u32>(0).unwrap(), r.get::<_, Option<String>>(1).unwrap()));
        if let Some((attempts, error)) = row
            && attempts > 0
        {
            break (attempts, error);
        }
        assert!(Instant::now() < deadline, "the letter was never tried");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(attempts >= 1 && error.is_some(), "{error:?}");
    assert_eq!(sink.count(), 0, "nothing went in clear");
}
