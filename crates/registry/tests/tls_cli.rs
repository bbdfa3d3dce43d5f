//! `pdo-registry serve --tls-cert --tls-key`, the real binary serving HTTPS with a certificate made here: a client
//! that trusts the certificate gets answers, plain HTTP on the same port gets none, a client that opens a connection
//! and never finishes its handshake holds up nobody, and a key that does not match the certificate stops the start
//! with a clear message.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Served {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn write_pair(dir: &std::path::Path, cert: &rcgen::Certificate, key: &rcgen::KeyPair) {
    std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
}

fn serve(dir: tempfile::TempDir) -> Result<Served, String> {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}"), "--db"])
        .arg(dir.path().join("registry.sqlite3"))
        .args(["--public-url", &format!("https://127.0.0.1:{port}"), "--tls-cert"])
        .arg(dir.path().join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("key.pem"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let Ok(line) = line else { break };
        log.push_str(&line);
        log.push('\n');
        if line.contains("registry listening") {
            return Ok(Served { child, port, _dir: dir });
        }
    }
    let _ = child.wait();
    Err(log)
}

#[tokio::test]
async fn serves_https_to_a_client_that_trusts_the_certificate_and_nothing_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    write_pair(dir.path(), &made.cert, &made.key_pair);
    let served = serve(dir).unwrap_or_else(|log| panic!("serve did not start: {log}"));
    let url = format!("https://127.0.0.1:{}/healthz", served.port);

    // A client that opened a connection and never sends a handshake is left waiting on its own.
    let _stalled = tokio::net::TcpStream::connect(("127.0.0.1", served.port)).await.unwrap();

    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_der(made.cert.der()).unwrap())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let answer = trusting.get(&url).send().await.expect("an HTTPS answer");
    assert_eq!(answer.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5), "the stalled connection held the service up");
    let openapi: serde_json::Value = trusting
        .get(format!("https://127.0.0.1:{}/openapi.json", served.port))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["paths"]["/api/v1/sessions"].is_object(), "the whole API is behind TLS");

    // Nobody else's certificate authority vouches for it, and plain HTTP gets no answer.
    let public_roots = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    assert!(public_roots.get(&url).send().await.is_err(), "a self-signed certificate must not be trusted by default");
    let plain = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let in_clear = plain.get(format!("http://127.0.0.1:{}/healthz", served.port)).send().await;
    assert!(in_clear.is_err() || in_clear.unwrap().status() != 200, "plain HTTP must not be served");
}

#[test]
fn a_key_that_does_not_match_the_certificate_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let other = rcgen::KeyPair::generate().unwrap();
    write_pair(dir.path(), &made.cert, &other);
    let log = match serve(dir) {
        Ok(_) => panic!("serve started with a key that is not the certificate's"),
        Err(log) => log,
    };
    assert!(log.contains("the private key does not match the certificate"), "{log}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
    std::fs::write(dir.path().join("key.pem"), other.serialize_pem()).unwrap();
    let log = serve(dir).err().expect("no certificate, no start");
    assert!(log.contains("cert.pem holds no certificate") || log.contains("is not a PEM certificate chain"), "{log}");
}
