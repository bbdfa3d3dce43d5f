//! Applying while the registry cannot be reached: the kiosk had its config (keys, number block) and the reference
//! data while online; then the registry goes away. A sign-in fails as unreachable, the offline way is offered, the
//! whole application is entered and checked locally, sealed into the outbox with a number from the block, and the
//! forms screen shows that number. The kiosk's data dir holds none of what was typed.

mod support;

use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::registry::{KioskCredentials, RegistryClient};
use pdo_kiosk::screen::{application, capture, child_form, document, sign_in};
use pdo_kiosk::widget::form;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

fn scan() -> capture::Scan {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    jpeg.extend(std::iter::repeat_n(0x5A, 3000));
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    capture::Scan {
        jpeg: zeroize::Zeroizing::new(jpeg),
        preview: iced::widget::image::Handle::from_rgba(2, 2, vec![200; 16]),
    }
}

async fn fill(app: &mut pdo_kiosk::app::App, to: fn(usize, String) -> Message, values: &[&str]) {
    for (index, value) in values.iter().enumerate() {
        send(app, to(index, (*value).into())).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_registry_gone_an_application_is_sealed_into_the_queue_and_its_forms_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let url = registry.base_url();
    let mut t = app_at_sign_in(&url, None);
    // While online: the kiosk's config and the reference data.
    let kiosk =
        KioskCredentials { id: pdo_registry::demo::KIOSK_ID.into(), secret: pdo_registry::demo::KIOSK_SECRET.into() };
    let client = RegistryClient::new(pdo_kiosk::config::registry_url(&url).unwrap()).with_kiosk(Some(kiosk));
    t.store.save_kiosk_config(&client.kiosk_config().await.unwrap()).await.unwrap();
    let startup = t.app.startup_tasks();
    settle(&mut t.app, startup).await;
    drop(registry);

    let app = &mut t.app;
    send(app, Message::SignIn(sign_in::Message::LoginChanged("demo.roditel".into()))).await;
    send(app, Message::SignIn(sign_in::Message::PasswordChanged("kuzbass-2026".into()))).await;
    press(app, "Войти").await;
    assert!(shows(app, "Нет связи с сервером. Попробуйте ещё раз через минуту или обратитесь к сотруднику."));
    press(app, "Подать заявление без связи").await;
    assert!(shows(app, "Данные заявителя"));
    let details = [
        "Зарубина",
        "Алевтина",
        "Тимофеевна",
        "14.03.1988",
        "32 12",
        "345678",
        "01.04.2008",
        "420-007",
        "Отделом УФМС по Примерной области",
        "г. Примерный, ул. Вымышленная, д. 7",
        "8 900 765-43-21",
    ];
    fill(app, |i, v| Message::Applicant(form::Message::Changed(i, v)), &details).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;

    // The child, checked here: a wrong СНИЛС is still answered next to its field.
    let child = ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 00", "г. Примерный, д. 7"];
    fill(app, |i, v| Message::ChildForm(child_form::Message::Changed(i, v)), &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.error("child.snils").is_some()));
    send(app, Message::ChildForm(child_form::Message::Changed(4, "112-233-445 95".into()))).await;
    press(app, "Далее").await;

    let doc = ["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"];
    fill(app, |i, v| Message::Document(document::Message::Form(form::Message::Changed(i, v))), &doc).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    send(app, Message::ScanTaken(scan())).await;
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
    for secret in ["Зарубин", "Алевтина", "112-233-445 95", "345678", "roditel.test@mail.ru"] {
        for entry in std::fs::read_dir(&t.dir).unwrap().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            let needle = secret.as_bytes();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{secret} found in {:?}", entry.path());
        }
    }

    // Signing out drops the offline draft with the rest.
    send(&mut t.app, Message::Back).await;
    assert!(!t.app.is_signed_in() && matches!(t.app.screen(), Screen::Welcome(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_lost_midway_leaves_the_application_to_be_finished_offline_from_the_same_screen() {
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

    // Online: signed in, details saved, the child added.
    let app = &mut t.app;
    send(app, Message::SignIn(sign_in::Message::LoginChanged("demo.roditel".into()))).await;
    send(app, Message::SignIn(sign_in::Message::PasswordChanged("kuzbass-2026".into()))).await;
    press(app, "Войти").await;
    press(app, "Подать заявку на сертификат").await;
    let details = [
        "Зарубина",
        "Алевтина",
        "Тимофеевна",
        "14.03.1988",
        "32 12",
        "345678",
        "01.04.2008",
        "420-007",
        "Отделом УФМС по Примерной области",
        "г. Примерный, ул. Вымышленная, д. 7",
        "8 900 765-43-21",
    ];
    fill(app, |i, v| Message::Applicant(form::Message::Changed(i, v)), &details).await;
    for label in ["Далее", "Далее", "Сохранить", "Добавить ребёнка"] {
        press(app, label).await;
    }
    let child = ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, д. 7"];
    fill(app, |i, v| Message::ChildForm(child_form::Message::Changed(i, v)), &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Document { .. }));

    // The registry goes away as the document is sent: the typed document stays and the offline way is offered.
    drop(registry);
    let doc = ["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"];
    fill(app, |i, v| Message::Document(document::Message::Form(form::Message::Changed(i, v))), &doc).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Document { .. }), "held on the document with what was typed");
    assert!(shows(app, "Связь с реестром пропала. Всё введённое сохранено; заявление можно закончить без связи."));
    press(app, "Продолжить без связи").await;
    press(app, "Далее").await;
    send(app, Message::ScanTaken(scan())).await;
    press(app, "Подходит").await;
    send(app, Message::Application(application::Message::Changed("roditel.test@mail.ru".into()))).await;
    press(app, "Готово").await;
    press(app, "Отправить заявку").await;
    press(app, "Получить сертификат").await;
    assert!(matches!(app.screen(), Screen::Print(_)), "{:?}", app.screen());
    assert_eq!(t.store.queue_status().await.unwrap().count, 1, "the application waits in the outbox, sealed");
}
