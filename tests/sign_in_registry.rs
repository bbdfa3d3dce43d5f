//! The kiosk's registry client against the real registry service over loopback HTTP, and what the sign-in screen
//! then tells the person, for each outcome.

mod support;

use iced_test::selector::Candidate;
use pdo_core::domain::Lang;
use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::config;
use pdo_kiosk::registry::{ClientError, RegistryClient};
use pdo_kiosk::screen::qr_sign_in;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

fn registry() -> (EmbeddedRegistry, RegistryClient, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let client = RegistryClient::new(config::registry_url(&registry.base_url()).unwrap());
    (registry, client, dir)
}

#[tokio::test]
async fn right_password_opens_the_cabinet_with_the_account_name() {
    let (registry, client, _dir) = registry();
    let demo = &ACCOUNTS[0];
    let result = client.sign_in(demo.login.into(), demo.password.into(), Lang::Ru).await;
    assert!(result.is_ok(), "{result:?}");
    let mut t = app_at_sign_in(&registry.base_url(), None);
    submitted(&mut t);
    let _ = t.app.update(Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(result)));
    assert!(t.app.is_signed_in());
    assert!(matches!(t.app.screen(), Screen::Cabinet(_)));
    let mut ui = simulator(&t.app);
    assert!(ui.find(format!("Здравствуйте, {}!", demo.full_name).as_str()).is_ok());

    // Signing out wipes the session and returns to an empty sign-in screen.
    ui.click("Выйти").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert!(!t.app.is_signed_in());
    assert!(simulator(&t.app).find("Начать").is_ok(), "the next person starts from the first screen");
}

#[tokio::test]
async fn each_refusal_gets_its_own_plain_message() {
    let (registry, client, _dir) = registry();
    let wrong = client.sign_in(ACCOUNTS[0].login.into(), "wrong".into(), Lang::Ru).await;
    assert_eq!(wrong, Err(ClientError::InvalidCredentials));
    for _ in 0..4 {
        let _ = client.sign_in(ACCOUNTS[0].login.into(), "wrong".into(), Lang::Ru).await;
    }
    let throttled = client.sign_in(ACCOUNTS[0].login.into(), ACCOUNTS[0].password.into(), Lang::Ru).await;
    assert!(matches!(throttled, Err(ClientError::TooManyAttempts { retry_after_secs }) if retry_after_secs <= 30));
    let nobody_listens = RegistryClient::new(config::registry_url("http://127.0.0.1:9").unwrap());
    let unreachable = nobody_listens.sign_in("x".into(), "y".into(), Lang::Ru).await;
    assert_eq!(unreachable, Err(ClientError::Unreachable));

    // A kiosk whose own secret the registry refuses (revoked, or mistyped in kiosk.toml): no parent gets in here.
    let refused_kiosk = RegistryClient::new(config::registry_url(&registry.base_url()).unwrap()).with_kiosk(Some(
        pdo_kiosk::registry::KioskCredentials {
            id: pdo_registry::demo::KIOSK_ID.into(),
            secret: "not-its-secret".into(),
        },
    ));
    let kiosk_refused = refused_kiosk.sign_in(ACCOUNTS[1].login.into(), ACCOUNTS[1].password.into(), Lang::Ru).await;
    assert_eq!(kiosk_refused.as_ref().map(|_| ()), Err(&ClientError::Unauthorized));

    for (result, expected) in [
        (kiosk_refused, "Реестр сейчас не принимает этот терминал, поэтому войти здесь нельзя."),
        (wrong, "Логин или пароль не подошли"),
        (throttled, "Слишком много неудачных попыток. Попробуйте снова через 1 мин."),
        (unreachable, "Нет связи с сервером"),
    ] {
        let mut t = app_at_sign_in(&registry.base_url(), None);
        submitted(&mut t);
        let _ = t.app.update(Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(result)));
        assert!(!t.app.is_signed_in());
        let mut ui = simulator(&t.app);
        let shown = ui.find(move |candidate: Candidate<'_>| match candidate {
            Candidate::Text { content, .. } if content.starts_with(expected) => Some(content.to_string()),
            _ => None,
        });
        assert!(shown.is_ok(), "{expected:?} not shown");
    }
}

#[tokio::test]
async fn an_answer_nobody_waits_for_any_more_signs_nobody_in() {
    let (registry, client, _dir) = registry();
    let demo = &ACCOUNTS[0];
    let late = client.sign_in(demo.login.into(), demo.password.into(), Lang::Ru).await;
    let token = late.as_ref().unwrap().token.clone();
    // The form was left (or a new person stands at a fresh one): the answer must not open anyone's cabinet.
    let mut t = app_at_sign_in(&registry.base_url(), None);
    let task = t.app.update(Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(late)));
    assert!(!t.app.is_signed_in());
    settle(&mut t.app, task).await;
    assert_eq!(client.applications(&token).await, Err(ClientError::Unauthorized), "the stray session was revoked");
}

#[tokio::test]
async fn the_phone_sign_in_idles_out_and_a_late_approval_opens_nobodys_cabinet() {
    let (registry, client, _dir) = registry();
    let mut t = app_at_sign_in(&registry.base_url(), None);
    send(&mut t.app, Message::SignIn(pdo_kiosk::screen::sign_in::Message::UseQr)).await;
    assert!(matches!(t.app.screen(), Screen::QrSignIn(_)));
    // The person walked away from the QR code: the screen idles out like any other.
    send(&mut t.app, Message::Tick(iced::time::Instant::now() + std::time::Duration::from_secs(3600))).await;
    assert!(matches!(t.app.screen(), Screen::Welcome(_)), "{:?}", t.app.screen());

    // Their phone approves afterwards: the answer to the abandoned sign-in is dropped and its session revoked.
    let demo = &ACCOUNTS[0];
    let approved = client.sign_in(demo.login.into(), demo.password.into(), Lang::Ru).await.unwrap();
    let token = approved.token.clone();
    let late = pdo_kiosk::registry::DevicePoll::Approved(approved);
    send(&mut t.app, Message::Of(0, Box::new(Message::QrSignIn(qr_sign_in::Message::Polled(Ok(late)))))).await;
    assert!(!t.app.is_signed_in() && matches!(t.app.screen(), Screen::Welcome(_)));
    assert_eq!(client.applications(&token).await, Err(ClientError::Unauthorized), "the session was revoked");
}

/// A registry that answers every request `503` with `Retry-After` (as one does under a flood of sign-ins).
async fn busy_registry() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ = stream.read(&mut buffer).await;
                let body = r#"{"error":{"code":"busy","message":"busy"}}"#;
                let answer = format!(
                    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_busy_registry_is_busy_not_offline() {
    let url = busy_registry().await;
    let client = RegistryClient::new(config::registry_url(&url).unwrap());
    let refused = client.sign_in("demo.roditel".into(), "kuzbass-2026".into(), Lang::Ru).await;
    assert_eq!(refused, Err(ClientError::Busy { retry_after_secs: 30 }));
    assert!(refused.unwrap_err().is_transient());

    let mut t = app_at_sign_in(&url, None);
    sign_in_with(&mut t.app, "demo.roditel", "kuzbass-2026").await;
    assert!(shows(&t.app, "Реестр сейчас занят, попробуйте через минуту. Всё введённое сохранено на экране."));
    assert!(!shows(&t.app, "Подать заявление без связи"), "busy is not offline: no offline way offered");
    assert!(!t.app.is_signed_in());
}

/// Enter from a physical keyboard that no field takes (the focus was lost when the offline notice came and went) and
/// the digit shortcuts hand their message on inside an update: the answer to what they start must still arrive.
/// It once came back tagged twice and was dropped, leaving «Проверяем логин и пароль…» on the screen for ever.
#[tokio::test]
async fn enter_pressed_outside_the_fields_signs_in_and_the_answer_arrives() {
    let (registry, _client, _dir) = registry();
    let mut t = app_at_sign_in(&registry.base_url(), None);
    let demo = &ACCOUNTS[0];
    send(&mut t.app, Message::SignIn(pdo_kiosk::screen::sign_in::Message::LoginChanged(demo.login.into()))).await;
    send(&mut t.app, Message::SignIn(pdo_kiosk::screen::sign_in::Message::PasswordChanged(demo.password.into()))).await;
    send(&mut t.app, Message::Enter).await;
    assert!(t.app.is_signed_in(), "still on {:?}", t.app.screen());
    assert!(matches!(t.app.screen(), Screen::Cabinet(_)));
    // And from the cabinet, Enter («Подать заявку на сертификат») loads the applicant's details into the form.
    send(&mut t.app, Message::Enter).await;
    assert!(matches!(t.app.screen(), Screen::Applicant { .. }), "{:?}", t.app.screen());
}
