//! The kiosk and a registry served over HTTPS by `pdo_registry::serve_over` (a certificate made here, self-signed):
//! with `registry_pins` the kiosk reaches exactly the registry whose key it pinned, and nothing else; sessions opened
//! at a kiosk with credentials are tied to it (60 minutes, not 8 hours).

use chrono::Utc;
use pdo_kiosk::config;
use pdo_kiosk::registry::pins::Pin;
use pdo_kiosk::registry::{ClientError, KioskCredentials, RegistryClient};
use pdo_registry::embedded::EmbeddedRegistry;
use std::time::Duration;

struct Made {
    cert_pem: String,
    key_pem: String,
    pin: Pin,
}

/// A self-signed certificate for the loopback registry, with its key pin.
fn certificate() -> Made {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let pin = Pin::of_certificate(made.cert.der()).expect("rcgen makes parseable certificates");
    Made { cert_pem: made.cert.pem(), key_pem: made.key_pair.serialize_pem(), pin }
}

fn registry_with(made: &Made, dir: &std::path::Path) -> EmbeddedRegistry {
    std::fs::write(dir.join("cert.pem"), &made.cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), &made.key_pem).unwrap();
    let tls = pdo_registry::tls::server_config(&dir.join("cert.pem"), &dir.join("key.pem")).unwrap();
    EmbeddedRegistry::start_tls(&dir.join("registry.sqlite3"), true, tls).unwrap()
}

fn demo_kiosk() -> Option<KioskCredentials> {
    Some(KioskCredentials { id: pdo_registry::demo::KIOSK_ID.into(), secret: pdo_registry::demo::KIOSK_SECRET.into() })
}

fn client(registry: &EmbeddedRegistry, pins: Vec<Pin>) -> RegistryClient {
    assert!(registry.base_url().starts_with("https://"), "{}", registry.base_url());
    RegistryClient::new(config::registry_url(&registry.base_url()).unwrap()).with_pins(pins).with_kiosk(demo_kiosk())
}

#[tokio::test]
async fn the_kiosk_reaches_the_registry_whose_key_it_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let made = certificate();
    let registry = registry_with(&made, dir.path());
    let client = client(&registry, vec![made.pin.clone()]);

    client.probe(Duration::from_secs(5)).await.expect("the pinned registry answers its health check");
    let config = client.kiosk_config().await.expect("the kiosk's own endpoints work over the pinned connection");
    assert_eq!(config.kiosk.id, pdo_registry::demo::KIOSK_ID);
    let demo = &pdo_registry::demo::ACCOUNTS[0];
    let session = client.sign_in(demo.login.into(), demo.password.into(), pdo_core::domain::Lang::Ru).await.unwrap();
    assert_eq!(session.account.login, demo.login);
}

#[tokio::test]
async fn a_registry_with_another_key_is_not_reached() {
    let dir = tempfile::tempdir().unwrap();
    let (served, other) = (certificate(), certificate());
    assert_ne!(served.pin, other.pin);
    let registry = registry_with(&served, dir.path());

    let pinned_elsewhere = client(&registry, vec![other.pin.clone()]);
    assert_eq!(pinned_elsewhere.probe(Duration::from_secs(5)).await, Err(ClientError::Unreachable));
    let demo = &pdo_registry::demo::ACCOUNTS[0];
    let refused = pinned_elsewhere.sign_in(demo.login.into(), demo.password.into(), pdo_core::domain::Lang::Ru).await;
    assert_eq!(refused.map(|_| ()), Err(ClientError::Unreachable), "no password may travel to an unpinned key");

    // Without pins the public authorities decide, and none of them signed this certificate.
    let unpinned = client(&registry, Vec::new());
    assert_eq!(unpinned.probe(Duration::from_secs(5)).await, Err(ClientError::Unreachable));

    // A second pin lets a kiosk follow the registry to its next key: either key is accepted.
    let rolling_over = client(&registry, vec![other.pin, served.pin]);
    rolling_over.probe(Duration::from_secs(5)).await.expect("one of the two pins is the registry's key");
}

#[test]
fn the_pin_is_what_openssl_prints_for_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let made = certificate();
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, &made.cert_pem).unwrap();
    // The command docs/deploy.md gives municipal IT for making a pin.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl x509 -in '{}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary \
             | base64",
            cert.display()
        ))
        .output()
        .expect("sh and openssl must be installed: run scripts/install-deps.sh test");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(format!("sha256/{}", printed.trim()), made.pin.to_string());
    assert_eq!(printed.trim().parse::<Pin>().unwrap(), made.pin);
}

#[tokio::test]
async fn a_session_opened_at_a_kiosk_lasts_an_hour_and_one_opened_elsewhere_eight() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let url = config::registry_url(&registry.base_url()).unwrap();
    let demo = &pdo_registry::demo::ACCOUNTS[0];
    let at_kiosk = RegistryClient::new(url.clone()).with_kiosk(demo_kiosk());
    let session = at_kiosk.sign_in(demo.login.into(), demo.password.into(), pdo_core::domain::Lang::Ru).await.unwrap();
    let lasts = session.expires_at - Utc::now();
    assert!(lasts <= chrono::Duration::minutes(60) && lasts > chrono::Duration::minutes(55), "{lasts}");

    let elsewhere = RegistryClient::new(url);
    let session = elsewhere.sign_in(demo.login.into(), demo.password.into(), pdo_core::domain::Lang::Ru).await.unwrap();
    assert!(session.expires_at - Utc::now() > chrono::Duration::hours(7), "{}", session.expires_at);
}
