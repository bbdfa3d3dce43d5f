//! The session's end at the kiosk, against the real registry: a few minutes before the registry ends the session the
//! password is asked again over the screen the person is on; a right password carries on with everything typed kept
//! (and the old session revoked), a wrong one says so, and a session nobody renews is wiped at its end.

mod support;

use iced::time::Instant;
use pdo_kiosk::app::{App, Message};
use pdo_kiosk::config::Config;
use pdo_kiosk::screen::{renewal, welcome};
use pdo_kiosk::widget::keyboard::Key;
use pdo_registry::Clock;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use support::*;

/// A registry whose clock the test moves on, and an app signed in to it, on «Данные заявителя» with a surname typed.
async fn signed_in_and_typing(dir: &std::path::Path) -> (EmbeddedRegistry, Arc<AtomicI64>, TestApp) {
    let ahead = Arc::new(AtomicI64::new(0));
    let clock = {
        let ahead = ahead.clone();
        Clock::from_fn(move || chrono::Utc::now() + chrono::Duration::seconds(ahead.load(Ordering::SeqCst)))
    };
    let registry = EmbeddedRegistry::start_with_clock(&dir.join("registry.sqlite3"), true, clock).unwrap();
    // The idle clock must not be what ends these sessions.
    let config = Config { idle_timeout_secs: 30 * 24 * 3600, ..Config::default() };
    let mut t = app_configured(&registry.base_url(), None, config);
    send(&mut t.app, Message::Welcome(welcome::Message::Start)).await;
    sign_in_with(&mut t.app, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    press(&mut t.app, "Подать заявку на сертификат").await;
    send(&mut t.app, applicant_field(0, "Невыдуманная-Проверочная".into())).await;
    assert!(shows(&t.app, "Невыдуманная-Проверочная"));
    (registry, ahead, t)
}

fn sessions_in(dir: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("registry.sqlite3")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0)).unwrap()
}

fn ends_at(app: &App) -> Instant {
    app.session_ends_at().expect("signed in")
}

#[tokio::test]
async fn the_password_asked_again_before_the_end_keeps_everything_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (_registry, ahead, mut t) = signed_in_and_typing(dir.path()).await;
    let first_end = ends_at(&t.app);

    // Well before the end nothing is asked.
    send(&mut t.app, Message::Tick(first_end - Duration::from_secs(10 * 60))).await;
    assert!(!shows(&t.app, "Вход скоро закончится"));

    // Four minutes before it, the dialog opens over the form.
    let near_end = first_end - Duration::from_secs(4 * 60);
    send(&mut t.app, Message::Tick(near_end)).await;
    assert!(shows(&t.app, "Вход скоро закончится"), "the dialog opens five minutes before the end");
    assert!(shows(&t.app, "Выйти") && shows(&t.app, "Продолжить"));

    // The on-screen keyboard types into the dialog's password field, not into the form beneath.
    send(&mut t.app, Message::Key(Key::Char('x'))).await;
    send(&mut t.app, Message::Renewal(renewal::Message::Submit)).await;
    assert!(shows(&t.app, "Пароль не подошёл. Проверьте язык клавиатуры и попробуйте ещё раз."));
    assert!(shows(&t.app, "Вход скоро закончится"), "a wrong password keeps the dialog");

    // The registry's time moves on to where the kiosk's tick is; the right password renews the session there.
    ahead.store((near_end - Instant::now()).as_secs() as i64, Ordering::SeqCst);
    assert_eq!(sessions_in(dir.path()), 1);
    send(&mut t.app, Message::Renewal(renewal::Message::PasswordChanged(ACCOUNTS[0].password.into()))).await;
    send(&mut t.app, Message::Enter).await;
    assert!(!shows(&t.app, "Вход скоро закончится"), "the dialog closes");
    assert!(shows(&t.app, "Данные заявителя") && shows(&t.app, "Невыдуманная-Проверочная"), "everything typed stays");
    assert!(ends_at(&t.app) > first_end + Duration::from_secs(30 * 60), "the new session ends later");
    assert_eq!(sessions_in(dir.path()), 1, "the old session is revoked at the registry");

    // The old end passes without a word.
    send(&mut t.app, Message::Tick(first_end + Duration::from_secs(60))).await;
    assert!(t.app.is_signed_in() && shows(&t.app, "Невыдуманная-Проверочная"));
}

#[tokio::test]
async fn a_session_nobody_renews_is_wiped_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let (_registry, _ahead, mut t) = signed_in_and_typing(dir.path()).await;
    let end = ends_at(&t.app);
    send(&mut t.app, Message::Tick(end - Duration::from_secs(60))).await;
    assert!(shows(&t.app, "Вход скоро закончится"));
    // Back does not leave the form under the dialog.
    send(&mut t.app, Message::Back).await;
    assert!(shows(&t.app, "Вход скоро закончится") && shows(&t.app, "Невыдуманная-Проверочная"));

    send(&mut t.app, Message::Tick(end)).await;
    assert!(!t.app.is_signed_in());
    assert!(!shows(&t.app, "Невыдуманная-Проверочная") && !shows(&t.app, "Вход скоро закончится"));
    assert!(shows(&t.app, "Начать"), "the first screen again");
}

#[tokio::test]
async fn sign_out_from_the_dialog_wipes_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let (_registry, _ahead, mut t) = signed_in_and_typing(dir.path()).await;
    let near_end = ends_at(&t.app) - Duration::from_secs(120);
    send(&mut t.app, Message::Tick(near_end)).await;
    press(&mut t.app, "Выйти").await;
    assert!(!t.app.is_signed_in() && shows(&t.app, "Начать"));
    assert_eq!(sessions_in(dir.path()), 0, "signing out revokes the session at the registry");
}

#[tokio::test]
#[ignore = "writes a picture for a person to look at: cargo test --test session_renewal -- --ignored"]
async fn picture_of_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let (_registry, _ahead, mut t) = signed_in_and_typing(dir.path()).await;
    let near_end = ends_at(&t.app) - Duration::from_secs(170);
    send(&mut t.app, Message::Tick(near_end)).await;
    send(&mut t.app, Message::Key(Key::Char('x'))).await;
    send(&mut t.app, Message::Renewal(renewal::Message::Submit)).await;
    let out = std::env::var("PICTURE").unwrap_or_else(|_| "/tmp/renewal.png".into());
    let _ = std::fs::remove_file(out.replace(".png", "-tiny-skia.png"));
    simulator(&t.app).snapshot(&iced::Theme::Light).unwrap().matches_image(&out).unwrap();
}

#[tokio::test]
async fn a_renewal_that_answers_after_the_wipe_is_dropped_and_its_session_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let (_registry, _ahead, mut t) = signed_in_and_typing(dir.path()).await;
    let end = ends_at(&t.app);
    send(&mut t.app, Message::Tick(end - Duration::from_secs(60))).await;
    send(&mut t.app, Message::Renewal(renewal::Message::PasswordChanged(ACCOUNTS[0].password.into()))).await;
    // The request leaves, and before its answer is taken in the session ends.
    let in_flight = t.app.update(Message::Renewal(renewal::Message::Submit));
    send(&mut t.app, Message::Tick(end)).await;
    assert!(!t.app.is_signed_in());
    settle(&mut t.app, in_flight).await;
    assert!(!t.app.is_signed_in(), "the late answer opened nothing");
    assert!(shows(&t.app, "Начать") && !shows(&t.app, "Невыдуманная-Проверочная"));
    // Give the revocations a moment to reach the registry.
    for _ in 0..50 {
        if sessions_in(dir.path()) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sessions_in(dir.path()), 0, "both the wiped session and the late renewal are revoked");
}
