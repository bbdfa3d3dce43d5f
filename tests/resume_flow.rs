//! «Продолжить позже»: an applicant leaves in the middle of the document step with a code; the kiosk's files hold
//! nothing of what was typed; after signing in again with the same account and the code, the form is back as it was.
//! Then inactivity wipes the session, and again nothing readable is left on disk.

mod support;

use iced::time::{Duration, Instant};
use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::screen::resume;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

async fn sign_in(app: &mut pdo_kiosk::app::App) {
    sign_in_with(app, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfinished_application_waits_under_its_code_and_comes_back_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let mut t = app_at_sign_in(&registry.base_url(), None);
    let app = &mut t.app;
    sign_in(app).await;
    press(app, "Подать заявку на сертификат").await;
    fill(app, applicant_field, &PARENT).await;
    for label in ["Далее", "Далее", "Сохранить", "Добавить ребёнка"] {
        press(app, label).await;
    }
    let child = ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, д. 7"];
    fill(app, child_field, &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    // Half of the document typed, then the applicant has to go and fetch it.
    fill(app, document_field, &["IV-ЛО", "654987"]).await;
    press(app, "Продолжить позже").await;
    let Screen::Resume(resume::Resume::Show { code, .. }) = app.screen() else {
        panic!("the code: {:?}", app.screen())
    };
    let code = code.clone();
    assert!(shows(app, &code) && shows(app, "Заявление подождёт"));
    press(app, "Код записан, выйти").await;
    assert!(!t.app.is_signed_in());
    assert_nothing_on_disk(&t.dir, &["IV-ЛО", "654987", "Зарубин"]);

    // The same account again: the code is asked for; a wrong one is answered next to the field.
    let app = &mut t.app;
    send(app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    sign_in(app).await;
    assert!(shows(app, "У вас есть незаконченное заявление"), "{:?}", app.screen());
    send(app, Message::Resume(resume::Message::Code("ZZZZ-ZZZZ".into()))).await;
    press(app, "Продолжить").await;
    assert!(shows(app, "Код состоит из 8 букв и цифр, например ABCD-EFGH."), "{:?}", app.screen());
    let wrong: String = code.chars().rev().collect();
    assert_ne!(wrong, code);
    send(app, Message::Resume(resume::Message::Code(wrong))).await;
    press(app, "Продолжить").await;
    assert!(shows(app, "Код не подошёл. Осталось попыток: 4."), "{:?}", app.screen());
    send(app, Message::Resume(resume::Message::Code(code))).await;
    press(app, "Продолжить").await;
    let Screen::Document { form, .. } = app.screen() else { panic!("back at the document: {:?}", app.screen()) };
    assert_eq!(&form.values()[..2], ["IV-ЛО", "654987"], "what was typed is back");
    assert!(shows(app, "Шаг 5 из 10"));

    // Inactivity: the warning, then the wipe; nothing of the applicant is left in memory or on disk.
    let later = Instant::now() + Duration::from_secs(90 + 30 + 5);
    send(app, Message::Tick(later)).await;
    assert!(!t.app.is_signed_in() && matches!(t.app.screen(), Screen::Welcome(_)));
    assert_nothing_on_disk(&t.dir, &["IV-ЛО", "654987", "Зарубин", "Алевтина"]);

    // A code never used again: after its 24 hours the draft is purged, and still nothing readable is left.
    let account = t.store.clone();
    let drafts = pdo_kiosk::session::Drafts::open(account, &t.dir, pdo_kiosk::session::resume::DEFAULT_KEEP).unwrap();
    let day_later = chrono::Utc::now() + chrono::Duration::hours(25);
    let client =
        pdo_kiosk::registry::RegistryClient::new(pdo_kiosk::config::registry_url(&registry.base_url()).unwrap());
    let session = client.sign_in(ACCOUNTS[0].login.into(), ACCOUNTS[0].password.into(), pdo_core::domain::Lang::Ru);
    let account_id = session.await.unwrap().account.id;
    // The restore above used the draft up; leave another one and let it expire.
    let code = drafts.save_json(&account_id, &vec!["IV-ЛО", "654987"], chrono::Utc::now()).await.unwrap();
    assert!(drafts.waiting_for(&account_id, chrono::Utc::now()).await.unwrap());
    assert_eq!(drafts.purge_expired(day_later).await.unwrap(), 1);
    assert!(!drafts.waiting_for(&account_id, chrono::Utc::now()).await.unwrap(), "gone after its time");
    assert!(drafts.restore_json::<Vec<String>>(&account_id, &code.display(), chrono::Utc::now()).await.is_err());
    assert_nothing_on_disk(&t.dir, &["IV-ЛО", "654987", "Зарубин", "Алевтина"]);
}
