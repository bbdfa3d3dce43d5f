//! The whole application at the kiosk against the embedded registry, whose letters go to a real SMTP server on
//! loopback: sign-in, the applicant's details, the child, the document, its photo, the e-mail (with a typo caught),
//! the code from the letter, the certificate, the issued number and the forms screen. The app's own tasks run
//! (`settle`), so its real registry calls are what is tested; only the camera's scan is handed in.

mod support;

use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::screen::{capture, child_form, confirm, document, sign_in};
use pdo_kiosk::widget::form;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use std::time::Duration;
use support::*;

struct Kiosk {
    t: TestApp,
    smtp: SmtpSink,
    _registry: EmbeddedRegistry,
    _dir: tempfile::TempDir,
}

async fn kiosk() -> Kiosk {
    let smtp = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mail = MailSink::Smtp { host: "127.0.0.1".into(), port: smtp.port };
    let registry = EmbeddedRegistry::start_with(&dir.path().join("registry.sqlite3"), true, mail).unwrap();
    let t = app_at_sign_in(&registry.base_url(), None);
    Kiosk { t, smtp, _registry: registry, _dir: dir }
}

async fn sign_in(k: &mut Kiosk, account: usize) {
    let app = &mut k.t.app;
    send(app, Message::SignIn(sign_in::Message::LoginChanged(ACCOUNTS[account].login.into()))).await;
    send(app, Message::SignIn(sign_in::Message::PasswordChanged(ACCOUNTS[account].password.into()))).await;
    press(app, "Войти").await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)), "signed in");
}

async fn fill(app: &mut pdo_kiosk::app::App, to: fn(usize, String) -> Message, values: &[&str]) {
    for (index, value) in values.iter().enumerate() {
        send(app, to(index, (*value).into())).await;
    }
}

fn applicant_field(index: usize, value: String) -> Message {
    Message::Applicant(form::Message::Changed(index, value))
}

fn child_field(index: usize, value: String) -> Message {
    Message::ChildForm(child_form::Message::Changed(index, value))
}

fn document_field(index: usize, value: String) -> Message {
    Message::Document(document::Message::Form(form::Message::Changed(index, value)))
}

/// The bytes of a JPEG as the camera pipeline hands it over (the registry checks the magic number).
fn scan() -> capture::Scan {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    jpeg.resize(4096, 0x55);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    capture::Scan {
        jpeg: zeroize::Zeroizing::new(jpeg),
        preview: iced::widget::image::Handle::from_rgba(2, 2, vec![200; 16]),
    }
}

async fn parent_details(app: &mut pdo_kiosk::app::App) {
    press(app, "Подать заявку на сертификат").await;
    assert!(shows(app, "Данные заявителя") && shows(app, "Шаг 3 из 10"));
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
    fill(app, applicant_field, &details).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;
    assert!(matches!(app.screen(), Screen::Children(_)), "the child step follows the saved details");
}

/// The code in the `n`-th letter, after checking its subject and address.
async fn code_from_letter(smtp: &SmtpSink, n: usize, to: &str) -> String {
    let (subject, body, addressee) = smtp.letter(n, Duration::from_secs(20)).await;
    assert_eq!(subject, "Заявка на сертификат ПДО. Подтверждение электронной почты");
    assert_eq!(addressee, to);
    // The code follows the words "код подтверждения:"; the link's token may hold digit runs of its own.
    let after = body.split("код подтверждения:").nth(1).unwrap_or_else(|| panic!("no code in the letter: {body}"));
    let code: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(code.len(), 6, "{body}");
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_applies_for_a_new_child_and_leaves_with_the_registry_number() {
    let mut k = kiosk().await;
    sign_in(&mut k, 0).await;
    let app = &mut k.t.app;
    assert!(shows(app, "Заявлений пока нет."));
    parent_details(app).await;

    // Step 4: no children yet.
    assert!(shows(app, "Для кого сертификат") && shows(app, "Шаг 4 из 10"));
    press(app, "Добавить ребёнка").await;
    fill(app, child_field, &["Зарубин", "Ярослав", "Святославович", "20.04.2016"]).await;
    press(app, "Далее").await;
    // A СНИЛС with a wrong checksum is answered next to the field, and what was typed stays.
    fill(
        app,
        child_field,
        &["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 00", "г. Примерный, ул. Вымышленная, д. 7"],
    )
    .await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.error("child.snils").is_some()));
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.values()[5].contains("Вымышленная")));
    send(app, child_field(4, "112-233-445 95".into())).await;
    press(app, "Далее").await;

    // Step 5: the document, a birth certificate at ten.
    assert!(shows(app, "Предоставить документ: свидетельство о рождении") && shows(app, "Шаг 5 из 10"));
    assert!(shows(app, "римская цифра латиницей, дефис и две русские буквы, например IV-ЛО"));
    fill(app, document_field, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    press(app, "Далее").await;
    press(app, "Далее").await;

    // Step 6: the photo.
    assert!(matches!(app.screen(), Screen::Capture(_)) && shows(app, "Шаг 6 из 10"));
    send(app, Message::ScanTaken(scan())).await;
    press(app, "Подходит").await;

    // Step 7: the e-mail, with a typo in the domain caught before sending.
    assert!(shows(app, "Подать заявление на получение сертификата") && shows(app, "Шаг 7 из 10"));
    send(app, Message::Application(pdo_kiosk::screen::application::Message::Changed("roditel.test@gmail.ru".into())))
        .await;
    press(app, "Готово").await;
    assert!(shows(app, "Возможно, опечатка. Вы имели в виду roditel.test@gmail.com?"));
    press(app, "Да, roditel.test@gmail.com").await;
    press(app, "Отправить заявку").await;

    // Step 8: the letter arrives; a wrong code is answered at the field, the right one moves on.
    assert!(matches!(app.screen(), Screen::Confirm(_)) && shows(app, "Шаг 8 из 10"));
    assert!(shows(app, "«Заявка на сертификат ПДО. Подтверждение электронной почты»"));
    let code = code_from_letter(&k.smtp, 1, "roditel.test@gmail.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    send(app, Message::Confirm(confirm::Message::Code(wrong.into()))).await;
    press(app, "Подтвердить").await;
    assert!(matches!(app.screen(), Screen::Confirm(s) if s.error().is_some()), "a wrong code is refused");
    send(app, Message::Confirm(confirm::Message::Code(code))).await;
    press(app, "Подтвердить").await;

    // Step 9: «Получение сертификата» with the only group and document chosen already.
    assert!(matches!(app.screen(), Screen::Certificate(_)), "{:?}", app.screen());
    assert!(shows(app, "Получение сертификата") && shows(app, "Группа сертификата") && shows(app, "Документ"));
    assert!(shows(app, "Дети в возрасте от 5 до 18 лет"));
    press(app, "Получить сертификат").await;
    let Screen::Issued(issued) = app.screen() else { panic!("the certificate is issued") };
    let record = issued.application().registry_record.clone().expect("a registry record");
    assert!(record.len() == 10 && record.starts_with("42"), "{record}");
    assert!(shows(app, &record) && shows(app, "Где активировать сертификат"));
    assert!(shows(app, "Дом детского творчества «Радуга» (демо)"));

    // Step 10: the forms; this kiosk has no printer, so the numbers to photograph are shown.
    press(app, "Распечатать заявление и согласие").await;
    assert!(shows(app, "Шаг 10 из 10") && shows(app, "У этого терминала нет принтера."));
    assert!(shows(app, &format!("Номер записи в реестре: {record}")));
    let Screen::Print(_) = app.screen() else { panic!("the print screen") };

    // Another child: the first one is listed with its document and photo.
    press(app, "Сертификат для другого ребёнка").await;
    assert!(shows(app, "Зарубин Ярослав Святославович"));
    assert!(shows(app, "Документ: свидетельство о рождении IV-ЛО 123456, фото есть"));
}
