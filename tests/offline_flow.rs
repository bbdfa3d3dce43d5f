//! Applying while the registry cannot be reached: the kiosk had its config (keys, number block) and the reference
//! data while online; then the registry goes away. A sign-in fails as unreachable, the offline way is offered, the
//! whole application is entered and checked locally, sealed into the outbox with a number from the block, and the
//! forms screen shows that number. The kiosk's data dir holds none of what was typed.

mod support;

use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::registry::{KioskCredentials, RegistryClient};
use pdo_kiosk::screen::application;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

/// A kiosk that has been online: it holds its config (keys, number block) and the reference data. The registry is
/// handed back so the test decides when it goes away.
async fn kiosk_that_was_online() -> (TestApp, EmbeddedRegistry, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let url = registry.base_url();
    let mut t = app_at_sign_in(&url, None);
    let kiosk =
        KioskCredentials { id: pdo_registry::demo::KIOSK_ID.into(), secret: pdo_registry::demo::KIOSK_SECRET.into() };
    let client = RegistryClient::new(pdo_kiosk::config::registry_url(&url).unwrap()).with_kiosk(Some(kiosk));
    t.store.save_kiosk_config(&client.kiosk_config().await.unwrap()).await.unwrap();
    let startup = t.app.startup_tasks();
    settle(&mut t.app, startup).await;
    (t, registry, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_registry_gone_an_application_is_sealed_into_the_queue_and_its_forms_are_shown() {
    let (mut t, registry, _dir) = kiosk_that_was_online().await;
    drop(registry);

    let app = &mut t.app;
    sign_in_with(app, "demo.roditel", "kuzbass-2026").await;
    assert!(shows(app, "Нет связи с сервером. Попробуйте ещё раз через минуту или обратитесь к сотруднику."));
    press(app, "Подать заявление без связи").await;
    assert!(shows(app, "Данные заявителя"));
    fill(app, applicant_field, &PARENT).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;

    // The child, checked here: a wrong СНИЛС is still answered next to its field.
    let child = ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 00", "г. Примерный, д. 7"];
    fill(app, child_field, &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.error("child.snils").is_some()));
    send(app, child_field(4, "112-233-445 95".into())).await;
    press(app, "Далее").await;

    let doc = ["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"];
    fill(app, document_field, &doc).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    press(app, "Подходит").await;

    // «Назад» from the e-mail returns to the photo as it was taken, and forward again.
    press(app, "‹ Назад").await;
    assert!(matches!(app.screen(), Screen::Capture(c) if c.scan().is_some()), "the photo is still there");
    press(app, "Подходит").await;
    send(app, Message::Application(application::Message::Changed("roditel.test@mail.ru".into()))).await;
    press(app, "Готово").await;
    press(app, "Отправить заявку").await;

    // The certificate group comes from the reference data kept while online.
    assert!(shows(app, "Дети в возрасте от 5 до 18 лет"), "{:?}", app.screen());
    press(app, "Получить сертификат").await;
    let Screen::Print(forms) = app.screen() else { panic!("the forms screen: {:?}", app.screen()) };
    let number = forms.number().to_owned();
    let status = t.store.queue_status().await.unwrap();
    assert_eq!(status.count, 1, "one sealed application waits in the outbox");
    let block = t.store.kiosk_config().await.unwrap().unwrap().number_block;
    assert!(number >= block.from && number <= block.to, "{number} is from the kiosk's block {block:?}");
    assert!(shows(
        &t.app,
        &format!(
            "Заявление № {number} сохранено и будет отправлено в реестр, как только появится связь. Номер сертификата придёт на вашу почту: откройте ссылку из письма."
        )
    ));

    // Nothing typed is readable in the kiosk's files (WAL included).
    assert_nothing_on_disk(&t.dir, &["Зарубин", "Алевтина", "112-233-445 95", "345678", "roditel.test@mail.ru"]);

    // Signing out drops the offline draft with the rest.
    send(&mut t.app, Message::Back).await;
    assert!(!t.app.is_signed_in() && matches!(t.app.screen(), Screen::Welcome(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_lost_midway_leaves_the_application_to_be_finished_offline_from_the_same_screen() {
    let (mut t, registry, _dir) = kiosk_that_was_online().await;

    // Online: signed in, details saved, the child added.
    let app = &mut t.app;
    sign_in_with(app, "demo.roditel", "kuzbass-2026").await;
    press(app, "Подать заявку на сертификат").await;
    fill(app, applicant_field, &PARENT).await;
    for label in ["Далее", "Далее", "Сохранить", "Добавить ребёнка"] {
        press(app, label).await;
    }
    let child = ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, д. 7"];
    fill(app, child_field, &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Document { .. }));

    // The registry goes away as the document is sent: the typed document stays and the offline way is offered.
    drop(registry);
    let doc = ["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"];
    fill(app, document_field, &doc).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Document { .. }), "held on the document with what was typed");
    assert!(shows(app, "Связь с реестром пропала. Всё введённое сохранено; заявление можно закончить без связи."));
    press(app, "Продолжить без связи").await;
    press(app, "Далее").await;
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    press(app, "Подходит").await;
    send(app, Message::Application(application::Message::Changed("roditel.test@mail.ru".into()))).await;
    press(app, "Готово").await;
    press(app, "Отправить заявку").await;
    press(app, "Получить сертификат").await;
    assert!(matches!(app.screen(), Screen::Print(_)), "{:?}", app.screen());
    assert_eq!(t.store.queue_status().await.unwrap().count, 1, "the application waits in the outbox, sealed");
}

const WELCOME_OFFLINE: &str = "Сейчас нет связи с реестром. Заявление всё равно можно подать: терминал сохранит его в \
                               зашифрованном виде и отправит, как только связь появится.";

/// A parent at the first screen learns before starting that the registry is out of reach and that applying still
/// works; the sentence comes and goes with the link as the sync worker reports it, with no tap, and a person who
/// goes back to the first screen meanwhile finds it there too.
#[tokio::test]
async fn the_first_screen_says_when_the_registry_is_out_of_reach() {
    use pdo_kiosk::sync::{Connectivity, Link};
    let mut t = app_with("http://127.0.0.1:9", None);
    let app = &mut t.app;
    let link = |link: Link| Message::Link(Connectivity { link, ..Connectivity::default() });
    assert!(shows(app, "Начать") && !shows(app, WELCOME_OFFLINE), "no health check has finished yet");
    send(app, link(Link::Offline)).await;
    assert!(shows(app, WELCOME_OFFLINE));
    press(app, "Начать").await;
    assert!(shows(app, "Подать заявление без связи"), "the sign-in screen offers the offline way");
    press(app, "‹ Назад").await;
    assert!(shows(app, "Начать") && shows(app, WELCOME_OFFLINE), "the first screen again, still saying so");
    send(app, link(Link::Online)).await;
    assert!(shows(app, "Начать") && !shows(app, WELCOME_OFFLINE), "the link is back");
}
