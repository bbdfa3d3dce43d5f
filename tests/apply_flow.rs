//! The whole application at the kiosk against the embedded registry, whose letters go to a real SMTP server on
//! loopback: sign-in, the applicant's details, the child, the document, its photo, the e-mail (with a typo caught),
//! the code from the letter, the certificate, the issued number and the forms screen. The app's own tasks run
//! (`settle`), so its real registry calls are what is tested; only the camera's scan is handed in.

mod print_support;
mod support;

use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::screen::{application, confirm};
use pdo_kiosk::theme::{MIN_TARGET_MM, Metrics};
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
    kiosk_with(pdo_kiosk::config::Config::default()).await
}

async fn kiosk_with(config: pdo_kiosk::config::Config) -> Kiosk {
    let smtp = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mail = MailSink::Smtp { host: "127.0.0.1".into(), port: smtp.port };
    let registry = EmbeddedRegistry::start_with(&dir.path().join("registry.sqlite3"), true, mail).unwrap();
    let mut t = app_configured(&registry.base_url(), None, config);
    send(&mut t.app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    Kiosk { t, smtp, _registry: registry, _dir: dir }
}

async fn sign_in(k: &mut Kiosk, account: usize) {
    let app = &mut k.t.app;
    sign_in_with(app, ACCOUNTS[account].login, ACCOUNTS[account].password).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)), "signed in");
}

async fn parent_details(app: &mut pdo_kiosk::app::App) {
    press(app, "Подать заявку на сертификат").await;
    assert!(shows(app, "Данные заявителя") && shows(app, "Шаг 3 из 10"));
    fill(app, applicant_field, &PARENT).await;
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

/// Every listed button on the screen now is at least 12 mm tall on the configured panel (476 × 268 mm at 1920 × 1080):
/// the label of `big_button`/`plain_button` fills its button's height.
fn assert_targets(app: &pdo_kiosk::app::App, labels: &[&str]) {
    let metrics = Metrics::new(SCREEN, (476.0, 268.0));
    let mut ui = simulator(app);
    for label in labels {
        let found = ui.find(*label).unwrap_or_else(|_| panic!("{label} not shown"));
        let mm = metrics.mm(found.bounds().height);
        assert!(mm >= MIN_TARGET_MM, "{label} is {mm:.1} mm tall");
    }
}

async fn add_child(app: &mut pdo_kiosk::app::App, values: &[&str; 6]) {
    fill(app, child_field, &values[..]).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Document { .. }), "the document step follows the child");
}

async fn provide_document(app: &mut pdo_kiosk::app::App, values: &[&str]) {
    fill(app, document_field, values).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Capture(_)) && shows(app, "Шаг 6 из 10"));
}

async fn photo(app: &mut pdo_kiosk::app::App) {
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    assert_targets(app, &["Переснять", "Подходит"]);
    press(app, "Подходит").await;
    assert!(shows(app, "Подать заявление на получение сертификата") && shows(app, "Шаг 7 из 10"));
}

async fn send_application(app: &mut pdo_kiosk::app::App, email: &str) {
    if matches!(app.screen(), Screen::Application(s) if s.is_editing()) {
        send(app, Message::Application(application::Message::Changed(email.into()))).await;
        press(app, "Готово").await;
    }
    assert_targets(app, &["Изменить", "Отправить заявку"]);
    press(app, "Отправить заявку").await;
}

async fn confirm_with_letter(k: &mut Kiosk, n: usize, email: &str) {
    let code = code_from_letter(&k.smtp, n, email).await;
    send(&mut k.t.app, Message::Confirm(confirm::Message::Code(code))).await;
    press(&mut k.t.app, "Подтвердить").await;
}

/// «Получение сертификата» with the only group and document chosen already; returns the registry record.
async fn get_certificate(app: &mut pdo_kiosk::app::App) -> String {
    assert!(matches!(app.screen(), Screen::Certificate(_)), "{:?}", app.screen());
    assert!(shows(app, "Получение сертификата") && shows(app, "Группа сертификата") && shows(app, "Документ"));
    assert!(shows(app, "Дети в возрасте от 5 до 18 лет"));
    assert_targets(app, &["Получить сертификат"]);
    press(app, "Получить сертификат").await;
    let Screen::Issued(issued) = app.screen() else { panic!("the certificate is issued") };
    let record = issued.application().registry_record.clone().expect("a registry record");
    assert!(record.len() == 10 && record.starts_with("42"), "{record}");
    assert!(shows(app, &record) && shows(app, "Где активировать сертификат"));
    record
}

const FIRST_CHILD: [&str; 6] =
    ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, ул. Вымышленная, д. 7"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_applies_for_a_new_child_and_leaves_with_the_registry_number() {
    let mut k = kiosk().await;
    sign_in(&mut k, 0).await;
    let app = &mut k.t.app;
    assert!(shows(app, "Заявлений пока нет."));
    assert_targets(app, &["Подать заявку на сертификат", "Выйти", "‹ Назад", "Русский", "English"]);
    parent_details(app).await;

    // Step 4: no children yet.
    assert!(shows(app, "Для кого сертификат") && shows(app, "Шаг 4 из 10"));
    assert_targets(app, &["Добавить ребёнка"]);
    press(app, "Добавить ребёнка").await;
    fill(app, child_field, &FIRST_CHILD[..4]).await;
    press(app, "Далее").await;
    // A СНИЛС with a wrong checksum is answered next to the field, and what was typed stays.
    let mut wrong = FIRST_CHILD;
    wrong[4] = "112-233-445 00";
    fill(app, child_field, &wrong[..]).await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.error("child.snils").is_some()));
    assert!(matches!(app.screen(), Screen::ChildForm { form, .. } if form.values()[5].contains("Вымышленная")));
    send(app, child_field(4, FIRST_CHILD[4].into())).await;
    press(app, "Далее").await;

    // Step 5: the document, a birth certificate at ten.
    assert!(shows(app, "Предоставить документ: свидетельство о рождении") && shows(app, "Шаг 5 из 10"));
    assert!(shows(app, "римская цифра латиницей, дефис и две русские буквы, например IV-ЛО"));
    provide_document(app, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;

    // Step 6: the photo.
    photo(app).await;

    // Step 7: the e-mail, with a typo in the domain caught before sending.
    send(app, Message::Application(application::Message::Changed("roditel.test@gmail.ru".into()))).await;
    press(app, "Готово").await;
    assert!(shows(app, "Возможно, опечатка. Вы имели в виду roditel.test@gmail.com?"));
    press(app, "Да, roditel.test@gmail.com").await;
    send_application(app, "roditel.test@gmail.com").await;

    // Step 8: the letter arrives; a wrong code is answered at the field, the right one moves on.
    assert!(matches!(app.screen(), Screen::Confirm(_)) && shows(app, "Шаг 8 из 10"));
    assert!(shows(app, "«Заявка на сертификат ПДО. Подтверждение электронной почты»"));
    assert_targets(app, &["Подтвердить", "Исправить адрес"]);
    let code = code_from_letter(&k.smtp, 1, "roditel.test@gmail.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let app = &mut k.t.app;
    send(app, Message::Confirm(confirm::Message::Code(wrong.into()))).await;
    press(app, "Подтвердить").await;
    assert!(matches!(app.screen(), Screen::Confirm(s) if s.error().is_some()), "a wrong code is refused");
    send(app, Message::Confirm(confirm::Message::Code(code))).await;
    press(app, "Подтвердить").await;

    // Step 9: the certificate.
    let record = get_certificate(app).await;
    assert!(shows(app, "Дом детского творчества «Радуга» (демо)"));
    assert!(shows(app, "• ваш паспорт;"), "a parent brings their own passport and the child's document");
    assert_targets(app, &["Распечатать заявление и согласие", "Сертификат для другого ребёнка", "Выйти"]);

    // Step 10: the forms; this kiosk has no printer, so the numbers to photograph are shown.
    press(app, "Распечатать заявление и согласие").await;
    assert!(shows(app, "Шаг 10 из 10") && shows(app, "У этого терминала нет принтера."));
    assert!(shows(app, &format!("Номер записи в реестре: {record}")));
    assert!(matches!(app.screen(), Screen::Print(p) if p.previews() == 3), "a preview of each form");

    // Another child: the first one is listed with where it stands (its certificate, to print again).
    press(app, "Сертификат для другого ребёнка").await;
    assert!(shows(app, "Зарубин Ярослав Святославович"));
    assert!(shows(app, &format!("Сертификат выдан, запись № {record}: можно напечатать документы ещё раз")));

    // Signing out leaves nothing of the applicant on the kiosk: not in memory, not in any file of its data dir.
    send(app, Message::Back).await;
    send(app, Message::Back).await;
    send(app, Message::Back).await;
    assert!(!k.t.app.is_signed_in() && matches!(k.t.app.screen(), Screen::Welcome(_)));
    assert_nothing_on_disk(
        &k.t.dir,
        &["Зарубин", "Алевтина", "112-233-445 95", "345678", "roditel.test@gmail.com", &record],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_child_of_the_same_parent_gets_their_own_number_and_the_e_mail_is_not_asked_again() {
    let mut k = kiosk().await;
    sign_in(&mut k, 0).await;
    let app = &mut k.t.app;
    parent_details(app).await;
    press(app, "Добавить ребёнка").await;
    add_child(app, &FIRST_CHILD).await;
    provide_document(app, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    photo(app).await;
    send_application(app, "roditel.test@mail.ru").await;
    assert!(matches!(app.screen(), Screen::Confirm(_)), "a first address is confirmed");
    confirm_with_letter(&mut k, 1, "roditel.test@mail.ru").await;
    let first = get_certificate(&mut k.t.app).await;

    let app = &mut k.t.app;
    press(app, "Сертификат для другого ребёнка").await;
    press(app, "Добавить ребёнка").await;
    add_child(
        app,
        &["Зарубина", "Есения", "Святославовна", "03.09.2013", "123-456-789 64", "г. Примерный, ул. Вымышленная, д. 7"],
    )
    .await;
    provide_document(app, &["II-ЛО", "654321", "20.09.2013", "Отдел ЗАГС г. Примерного"]).await;
    photo(app).await;
    // The address used a moment ago is offered, shown large, and not typed again.
    assert!(matches!(app.screen(), Screen::Application(s) if !s.is_editing() && s.email() == "roditel.test@mail.ru"));
    send_application(app, "roditel.test@mail.ru").await;
    // "An address once confirmed for the account is not asked again" (the contract): straight to the certificate.
    assert!(matches!(app.screen(), Screen::Certificate(_)), "{:?}", app.screen());
    // The first child's «выдан» letter may arrive any moment (the registry sends it in the background): only
    // confirmation letters count here.
    let confirmations = k.smtp.subjects().iter().filter(|s| *s == pdo_core::letters::CONFIRMATION_SUBJECT).count();
    assert_eq!(confirmations, 1, "no second letter asking to confirm the address");
    let second = get_certificate(&mut k.t.app).await;
    assert_ne!(first, second, "each child has a record of their own");

    // Back in the cabinet both applications are listed with their next step.
    let app = &mut k.t.app;
    send(app, Message::Back).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)));
    assert!(shows(app, "Зарубин Ярослав") && shows(app, "Зарубина Есения"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_of_fifteen_applies_alone_with_their_own_passport() {
    let mut k = kiosk().await;
    sign_in(&mut k, 1).await;
    let app = &mut k.t.app;
    press(app, "Подать заявку на сертификат").await;
    assert!(shows(app, "Ваши данные"), "a child's own account fills in their own details");
    let own = [
        "Зарубин",
        "Еремей",
        "Святославович",
        "02.03.2011",
        "32 25",
        "112233",
        "15.03.2025",
        "420-007",
        "Отделом МВД по Примерному району",
        "г. Примерный, ул. Вымышленная, д. 7",
        "8 900 111-22-33",
    ];
    fill(app, applicant_field, &own).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;
    assert!(shows(app, "Заявление на себя"));
    press(app, "Указать свои данные").await;
    // Names, date of birth and address come from «Ваши данные»; only the СНИЛС is new.
    assert!(
        matches!(app.screen(), Screen::ChildForm { form, .. } if form.values()[0] == "Зарубин" && form.values()[3] == "02.03.2011")
    );
    press(app, "Далее").await;
    send(app, child_field(4, "210-987-654 79".into())).await;
    press(app, "Далее").await;
    // At fifteen (past the 90 days) only the passport is accepted.
    assert!(shows(app, "Предоставить документ: паспорт"), "{:?}", app.screen());
    provide_document(app, &["32 25", "112233", "15.03.2025", "420-007", "Отделом МВД по Примерному району"]).await;
    photo(app).await;
    send_application(app, "eremei.test@yandex.ru").await;
    confirm_with_letter(&mut k, 1, "eremei.test@yandex.ru").await;
    get_certificate(&mut k.t.app).await;
    let app = &mut k.t.app;
    assert!(shows(app, "• свой паспорт;"), "the checklist is the self-application one");
    assert!(!shows(app, "• ваш паспорт;"));
    let Screen::Issued(issued) = app.screen() else { panic!("issued") };
    assert_eq!(issued.application().applicant_kind, pdo_core::domain::AccountKind::Child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forms_are_printed_on_the_kiosk_printer_and_an_empty_tray_is_said_plainly() {
    let printer = tokio::task::spawn_blocking(|| print_support::TestPrinter::start("pdo-kiosk flow")).await.unwrap();
    let config = pdo_kiosk::config::Config { printer: Some(printer.uri()), ..Default::default() };
    let mut k = kiosk_with(config).await;
    sign_in(&mut k, 0).await;
    let app = &mut k.t.app;
    parent_details(app).await;
    press(app, "Добавить ребёнка").await;
    add_child(app, &FIRST_CHILD).await;
    provide_document(app, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    photo(app).await;
    send_application(app, "roditel.test@mail.ru").await;
    confirm_with_letter(&mut k, 1, "roditel.test@mail.ru").await;
    get_certificate(&mut k.t.app).await;
    let app = &mut k.t.app;
    press(app, "Распечатать заявление и согласие").await;
    assert!(shows(app, "Принтер готов к печати."), "{:?}", app.screen());
    assert_targets(app, &["Печать"]);
    press(app, "Печать").await;
    assert!(shows(app, "Готово: заберите листы из принтера, подпишите заявление и согласие."), "{:?}", app.screen());
    let spooled = printer.spooled();
    assert_eq!(spooled.len(), 3, "the application, the consent and the activation sheet: {spooled:?}");
    for file in &spooled {
        assert!(std::fs::read(file).unwrap().starts_with(b"%PDF-"), "{file:?} is a whole PDF");
    }

    // The tray runs out: the screen says so before anything is sent, «Печать» waits, and the numbers are shown.
    printer.set_paper_level(0);
    press(app, "Назад").await;
    press(app, "Распечатать заявление и согласие").await;
    assert!(shows(app, "В принтере закончилась бумага. Попросите сотрудника помочь."), "{:?}", app.screen());
    assert!(shows(
        app,
        "Ничего страшного: любое учреждение из списка распечатает документы для вас. Сфотографируйте номера ниже на телефон."
    ));
    press(app, "Печать").await;
    assert_eq!(printer.spooled().len(), 3, "nothing was sent to a printer without paper");
}
