//! The kiosk's registry client against the real registry service over loopback HTTP: the whole online path the
//! screens will drive, retries with the same idempotency key, refusals as typed errors, and the kiosk's own calls.

use pdo_core::api::*;
use pdo_core::domain::{DocumentKind, Lang};
use pdo_kiosk::config;
use pdo_kiosk::registry::{ClientError, KioskCredentials, RegistryClient, new_key};
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::storage::Storage;
use std::time::Duration;

struct Fixture {
    registry: EmbeddedRegistry,
    client: RegistryClient,
    dir: tempfile::TempDir,
}

const KIOSK_SECRET: &str = "clienttestsecretoftheinventedkio";

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite3");
    let registry = EmbeddedRegistry::start(&db, true).unwrap();
    let storage = Storage::open(&db).unwrap();
    let info = KioskInfo {
        id: "client-test-kiosk".into(),
        name: "Терминал для проверки клиента (демо)".into(),
        address: "г. Примерный, ул. Тестовая, д. 1".into(),
        municipality: "demo-01".into(),
    };
    storage.add_kiosk(&info, &pdo_registry::accounts::hash_password(KIOSK_SECRET), chrono::Utc::now()).unwrap();
    let client = RegistryClient::new(config::registry_url(&registry.base_url()).unwrap())
        .with_kiosk(Some(KioskCredentials { id: info.id, secret: KIOSK_SECRET.into() }));
    Fixture { registry, client, dir }
}

/// The confirmation code from the newest letter the embedded registry wrote to its mail folder.
async fn code_from_mail(dir: &std::path::Path) -> String {
    for _ in 0..100 {
        if let Ok(entries) = std::fs::read_dir(dir.join("mail")) {
            let mut files: Vec<_> =
                entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
            files.sort();
            if let Some(last) = files.last() {
                let raw = std::fs::read(last).unwrap();
                let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
                let body = message.body_text(0).unwrap().to_string();
                let code = body.split_whitespace().find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()));
                return code.unwrap().to_string();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no letter was written");
}

fn applicant() -> ApplicantRequest {
    ApplicantRequest {
        last_name: "Зарубина".into(),
        first_name: "Алевтина".into(),
        patronymic: Some("Тимофеевна".into()),
        birth_date: "14.03.1988".into(),
        passport: DocumentRequest {
            kind: DocumentKind::Passport,
            series: "32 12".into(),
            number: "345678".into(),
            issued_on: "01.04.2008".into(),
            issued_by: "Отделом УФМС по Примерной области".into(),
            division_code: Some("420007".into()),
        },
        address: "г. Примерный, ул. Вымышленная, д. 7".into(),
        phone: "8 900 765-43-21".into(),
    }
}

#[tokio::test]
async fn the_online_path_through_the_client_ends_with_a_certificate() {
    let f = fixture();
    let c = &f.client;
    let session = c.sign_in(ACCOUNTS[0].login.into(), ACCOUNTS[0].password.into(), Lang::Ru).await.unwrap();
    let token = session.token.as_str();
    assert_eq!(c.applicant(token).await.unwrap(), None);
    let saved = c.put_applicant(token, &applicant()).await.unwrap();
    assert_eq!(saved.passport.division_code, "420-007");

    let child = ChildRequest {
        last_name: "Зарубин".into(),
        first_name: "Тихон".into(),
        patronymic: None,
        birth_date: "02.09.2016".into(),
        snils: "11223344595".into(),
        address: "г. Примерный, ул. Вымышленная, д. 7".into(),
    };
    let key = new_key();
    let created = c.create_child(token, &key, &child).await.unwrap();
    let retried = c.create_child(token, &key, &child).await.unwrap();
    assert_eq!(created, retried, "a retry with the same key is the same child");
    assert_eq!(c.children(token).await.unwrap().len(), 1);

    let mut bad = child.clone();
    bad.snils = "112-233-445 96".into();
    match c.create_child(token, &new_key(), &bad).await {
        Err(ClientError::Validation(fields)) => assert_eq!(fields["child.snils"].code, "invalid_checksum"),
        other => panic!("expected a validation error, got {other:?}"),
    }

    let document = DocumentRequest {
        kind: DocumentKind::BirthCertificate,
        series: "iv-ло".into(),
        number: "654321".into(),
        issued_on: "20.09.2016".into(),
        issued_by: "Отдел ЗАГС г. Примерного".into(),
        division_code: None,
    };
    let doc = c.add_document(token, &new_key(), &created.id, &document).await.unwrap();
    assert_eq!(doc.series, "IV-ЛО");
    let request = ApplicationRequest {
        child_id: created.id.clone(),
        email: "client.test@example.org".into(),
        municipality: None,
    };
    match c.create_application(token, &new_key(), &request).await {
        Err(ClientError::Refused { code, .. }) => assert_eq!(code, "scan_required"),
        other => panic!("expected scan_required, got {other:?}"),
    }
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize(50_000, 7);
    c.put_scan(token, &created.id, &doc.id, jpeg).await.unwrap();
    let application = c.create_application(token, &new_key(), &request).await.unwrap();
    assert_eq!(application.next_action, NextAction::ConfirmEmail);
    match c.resend_email(token, &application.id).await {
        Err(ClientError::TooManyRequests { retry_after_secs }) => assert!(retry_after_secs <= 60),
        other => panic!("expected a wait, got {other:?}"),
    }
    let code = code_from_mail(f.dir.path()).await;
    let confirmed = c.confirm_email(token, &application.id, &code).await.unwrap();
    assert_eq!(confirmed.next_action, NextAction::GetCertificate);
    let groups = c.certificate_groups().await.unwrap();
    let issued = c
        .issue_certificate(
            token,
            &new_key(),
            &application.id,
            &CertificateRequest { group_id: groups[0].id.clone(), document_id: doc.id },
        )
        .await
        .unwrap();
    assert_eq!(issued.status, ApplicationStatus::CertificateIssued);
    assert!(issued.registry_record.unwrap().starts_with("42"));
    assert_eq!(c.applications(token).await.unwrap()[0].next_action, NextAction::PrintForms);
    c.sign_out(session.token.clone()).await.unwrap();
    assert_eq!(c.applications(token).await, Err(ClientError::Unauthorized));
}

#[tokio::test]
async fn the_kiosk_calls_and_a_sealed_submission_through_the_client() {
    let f = fixture();
    let c = &f.client;
    assert!(c.healthy(Duration::from_secs(2)).await);
    let config = c.kiosk_config().await.unwrap();
    c.heartbeat(&Heartbeat {
        version: "0.1.0".into(),
        queue: QueueState { count: 0, oldest_at: None },
        printer: "ok".into(),
        camera: "none".into(),
    })
    .await
    .unwrap();
    let sealed = pdo_core::sealed::seal(&config.public_keys[0].public_key, b"{not a payload").unwrap();
    let receipt = c.submit_sealed("client-sub-1", &config.public_keys[0].key_id, sealed).await.unwrap();
    assert_eq!((receipt.status, receipt.reason.as_deref()), (SubmissionStatus::Rejected, Some("malformed_payload")));
    assert_eq!(c.submission("client-sub-1").await.unwrap().status, SubmissionStatus::Rejected);
    let nobody = RegistryClient::new(config::registry_url("http://127.0.0.1:9").unwrap());
    assert!(!nobody.healthy(Duration::from_millis(500)).await);
    assert_eq!(nobody.kiosk_config().await, Err(ClientError::Unauthorized), "no credentials, no kiosk call");
    drop(f.registry);
}

#[tokio::test]
async fn the_demo_registry_knows_the_demo_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let client =
        RegistryClient::new(config::registry_url(&registry.base_url()).unwrap()).with_kiosk(Some(KioskCredentials {
            id: pdo_registry::demo::KIOSK_ID.into(),
            secret: pdo_registry::demo::KIOSK_SECRET.into(),
        }));
    let config = client.kiosk_config().await.unwrap();
    assert_eq!(config.kiosk.id, pdo_registry::demo::KIOSK_ID);
    assert!(!config.public_keys.is_empty());
    let start = client.start_device_login().await.unwrap();
    assert_eq!((start.user_code.len(), start.user_code.find('-')), (9, Some(4)), "shown as XXXX-XXXX");
    assert!(start.verification_uri_complete.starts_with(&registry.base_url()));
    // Seeding twice (every demo start) keeps one kiosk with the same secret.
    drop(registry);
    let again = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let client =
        RegistryClient::new(config::registry_url(&again.base_url()).unwrap()).with_kiosk(Some(KioskCredentials {
            id: pdo_registry::demo::KIOSK_ID.into(),
            secret: pdo_registry::demo::KIOSK_SECRET.into(),
        }));
    assert!(client.kiosk_config().await.is_ok());
}
