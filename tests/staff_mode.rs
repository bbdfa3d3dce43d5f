//! Staff mode in the simulator: the hidden corner and the PIN pad (wrong PIN, the lockout's countdown, leaving by
//! itself back to the applicant's screen), the panel's states (printer out of paper, no camera, registry down, a
//! queued application), and assisted mode with its banner and audit entries. The app's own tasks run (`settle`):
//! the gate, the store and the audit log are the real ones. Every person and number here is invented.

mod support;

use iced::time::{Duration, Instant};
use pdo_kiosk::app::{App, Env, Message, Screen};
use pdo_kiosk::config::{self, Config};
use pdo_kiosk::print::ipp::PrinterState;
use pdo_kiosk::registry::RegistryClient;
use pdo_kiosk::screen::{print, sign_in, staff, welcome};
use pdo_kiosk::staff::{Pin, StaffAction};
use pdo_kiosk::store::Store;
use pdo_kiosk::sync::{Connectivity, Link, SyncWorker, invented};
use support::*;

const PIN: &str = "2580";
const KIOSK: &str = "k-test-library-7";
/// Nothing listens here: the printer check and the test page fail fast, as with a printer switched off.
const NO_PRINTER: &str = "ipp://127.0.0.1:9/ipp/print";

struct Kiosk {
    app: App,
    store: Store,
    _dir: tempfile::TempDir,
}

fn kiosk(pin: Option<&str>) -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
    // A synthetic camera with no pictures: the kiosk has no camera.
    let no_camera = dir.path().join("camera-images");
    std::fs::create_dir(&no_camera).unwrap();
    let config = Config {
        kiosk_id: Some(KIOSK.into()),
        staff_pin_hash: pin.map(|p| Pin::parse(p).unwrap().hash()),
        camera: format!("synthetic:{}", no_camera.display()),
        printer: Some(NO_PRINTER.into()),
        ..Config::default()
    };
    let client = RegistryClient::new(config::registry_url("http://127.0.0.1:9").unwrap());
    // The worker is never started: the panel only needs it to exist (and to be woken).
    let sync = Some(SyncWorker::new(store.clone(), client.clone(), Default::default()));
    let operator = pdo_core::api::Operator {
        name: "Тестовый оператор реестра (вымышленный)".into(),
        address: "г. Примерный, ул. Вымышленная, д. 1".into(),
    };
    let env = Env {
        config,
        client,
        store: store.clone(),
        demo_hint: None,
        operator,
        startup_report: None,
        sync,
        demo_mail: None,
        drafts: None,
        speaker: std::sync::Arc::new(pdo_kiosk::speech::Silent),
    };
    let mut app = App::new(env);
    let _ = app.update(Message::Resized(SCREEN));
    Kiosk { app, store, _dir: dir }
}

fn staff_message(message: staff::Message) -> Message {
    Message::Staff(message)
}

/// An applicant has started typing their login on the sign-in screen.
async fn applicant_typing(app: &mut App) {
    send(app, Message::Welcome(welcome::Message::Start)).await;
    send(app, Message::SignIn(sign_in::Message::LoginChanged("vymyslova.snezhana".into()))).await;
}

async fn hold_corner(app: &mut App) {
    send(app, staff_message(staff::Message::CornerPressed)).await;
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(3)))).await;
}

async fn type_pin(app: &mut App, pin: &str) {
    for digit in pin.chars() {
        press(app, &digit.to_string()).await;
    }
    press(app, "Войти").await;
}

async fn enter_staff_mode(app: &mut App) {
    hold_corner(app).await;
    type_pin(app, PIN).await;
    assert!(shows(app, "Выйти из режима сотрудника"), "the panel opens with the right PIN");
}

async fn audit_words(store: &Store) -> Vec<StaffAction> {
    let log = store.audit_log(50).await.unwrap();
    assert!(log.iter().all(|entry| entry.kiosk_id == KIOSK), "{log:?}");
    log.into_iter().rev().map(|entry| entry.action).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hidden_corner_opens_the_pin_pad_only_when_held_and_leaves_the_back_button_alone() {
    let mut k = kiosk(Some(PIN));
    let app = &mut k.app;
    applicant_typing(app).await;

    // A real press in the corner reaches the hidden target; the back button beside it still only goes back.
    let corner: Vec<Message> = {
        let mut ui = simulator(app);
        ui.point_at(iced::Point::new(6.0, 6.0));
        let _ = ui.simulate(iced_test::simulator::click());
        ui.into_messages().collect()
    };
    assert!(matches!(corner.first(), Some(Message::Staff(staff::Message::CornerPressed))), "{corner:?}");
    let back: Vec<Message> = {
        let mut ui = simulator(app);
        ui.click("‹ Назад").unwrap();
        ui.into_messages().collect()
    };
    assert!(matches!(back.as_slice(), [Message::Back]), "{back:?}");

    // A tap, however long the kiosk then waits, opens nothing; a hold of three seconds does.
    send(app, staff_message(staff::Message::CornerPressed)).await;
    send(app, staff_message(staff::Message::CornerReleased)).await;
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(10)))).await;
    assert!(!app.staff_active() && shows(app, "Вход в личный кабинет"));
    send(app, staff_message(staff::Message::CornerPressed)).await;
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(2)))).await;
    assert!(!app.staff_active(), "two seconds are not enough");
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(3)))).await;
    assert!(shows(app, "Вход для сотрудника") && shows(app, "Введите PIN-код сотрудника (от 4 до 8 цифр)."));
    assert!(!shows(app, "vymyslova.snezhana"), "the applicant's screen is hidden");
    press(app, "Отмена").await;
    assert!(!app.staff_active() && shows(app, "vymyslova.snezhana"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pins_lock_the_pad_with_a_countdown_and_staff_mode_leaves_by_itself() {
    let mut k = kiosk(Some(PIN));
    let app = &mut k.app;
    applicant_typing(app).await;
    hold_corner(app).await;

    type_pin(app, "1111").await;
    assert!(shows(app, "Неверный PIN-код. Попыток до паузы: 2."));
    type_pin(app, "9999").await;
    assert!(shows(app, "Неверный PIN-код. Попыток до паузы: 1."));
    type_pin(app, "0000").await;
    assert!(shows(app, "Слишком много неверных попыток. Повторите через 30 с."));
    // The countdown follows staff mode's clock.
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(12)))).await;
    assert!(shows(app, "Слишком много неверных попыток. Повторите через 18 с."));
    // The lockout is the gate's, kept in the store: closing and opening the pad shows it again at once.
    press(app, "Отмена").await;
    hold_corner(app).await;
    assert!(shows(app, "Слишком много неверных попыток. Повторите через 30 с."), "a fresh pad asks the gate");
    let words = audit_words(&k.store).await;
    assert_eq!(words, [StaffAction::PinRefused; 3], "a refused PIN is logged, never what was typed");

    // Three minutes without a touch: back exactly where the applicant was, what they typed still there. (The
    // last touch was the hold, which `hold_corner` ticked three seconds ahead.)
    let app = &mut k.app;
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(3 + 178)))).await;
    assert!(app.staff_active(), "not yet");
    send(app, staff_message(staff::Message::Tick(Instant::now() + Duration::from_secs(3 + 181)))).await;
    assert!(!app.staff_active());
    assert!(matches!(app.screen(), Screen::SignIn(s) if s.has_input()) && shows(app, "vymyslova.snezhana"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_staff_pin_the_pad_says_staff_mode_is_not_set_up() {
    let mut k = kiosk(None);
    let app = &mut k.app;
    hold_corner(app).await;
    assert!(shows(
        app,
        "Режим сотрудника на этом терминале не настроен: задайте PIN-код командой pdo-kiosk staff set-pin."
    ));
    press(app, "1").await;
    press(app, "Отмена").await;
    assert!(!app.staff_active() && matches!(app.screen(), Screen::Welcome(_)));
}

/// One invented application sealed into the outbox, as the offline path leaves it.
async fn queue_one(store: &Store) {
    let (_, public) = pdo_core::sealed::generate();
    let config = pdo_core::api::KioskConfig {
        kiosk: pdo_core::api::KioskInfo {
            id: KIOSK.into(),
            name: "Терминал (вымышленный)".into(),
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
            municipality: "demo-02".into(),
        },
        public_keys: vec![pdo_core::api::PublicKey { key_id: "k1".into(), public_key: public }],
        operator: None,
        number_block: pdo_core::api::NumberBlock { from: "7000".into(), to: "7099".into() },
    };
    store.save_kiosk_config(&config).await.unwrap();
    let key = store.sealing_key().await.unwrap();
    let number = store.take_number().await.unwrap();
    let id = pdo_kiosk::registry::new_key();
    store.enqueue(&invented::payload(KIOSK, &id, &number, 2048), &key).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_shows_printer_camera_registry_and_queue_in_plain_words() {
    let mut k = kiosk(Some(PIN));
    queue_one(&k.store).await;
    k.store.count("sessions_started").await.unwrap();
    let app = &mut k.app;
    send(
        app,
        Message::Link(Connectivity {
            link: Link::Online,
            latency: Some(Duration::from_millis(42)),
            ..Default::default()
        }),
    )
    .await;
    enter_staff_mode(app).await;

    assert!(shows(app, "на связи, отклик 42 мс"));
    assert!(shows(app, "не найдена"), "no camera");
    assert!(shows(app, "не отвечает"), "the printer's address answers nothing");
    assert!(shows(app, "ждут отправки: 1, самое старое — 0 мин"));
    assert!(shows(app, env!("CARGO_PKG_VERSION")));

    // What the printer check and the sync worker's watch would send.
    send(app, Message::Print(print::Message::PrinterChecked(print::Printer::State(PrinterState::OutOfPaper)))).await;
    assert!(shows(app, "нет бумаги"));
    let down = Connectivity { link: Link::Offline, last_error: Some("unreachable".into()), ..Default::default() };
    send(app, Message::Link(down)).await;
    assert!(shows(app, "нет связи (unreachable); заявления копятся в очереди"));

    press(app, "Отправить очередь сейчас").await;
    assert!(shows(app, "Отправка очереди запущена."));
    press(app, "Тестовая печать").await;
    assert!(!shows(app, "Тестовая страница напечатана."), "nothing listens at the printer's address");
    assert!(!shows(app, "Тестовая страница отправлена на принтер…"), "and the panel has been told so");
    assert!(app.staff_active());

    // The second page: the office's figures and the privacy check, which finds the queued application.
    press(app, "Учёт и конфиденциальность").await;
    assert!(shows(app, "Сеансы") && shows(app, "1 / 1"));
    assert!(shows(app, "На терминале остались данные заявителей:"));
    assert!(shows(app, "неотправленные заявления (зашифрованы для реестра): 1"));

    press(app, "Выйти из режима сотрудника").await;
    assert!(!app.staff_active() && matches!(app.screen(), Screen::Welcome(_)));
    let words = audit_words(&k.store).await;
    assert_eq!(
        words,
        [
            StaffAction::StaffEnter,
            StaffAction::RetrySync,
            StaffAction::TestPrint,
            StaffAction::ViewCounters,
            StaffAction::PrivacyCheck,
            StaffAction::StaffLeave,
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_kiosk_says_no_applicant_data_remains() {
    let mut k = kiosk(Some(PIN));
    let app = &mut k.app;
    enter_staff_mode(app).await;
    press(app, "Учёт и конфиденциальность").await;
    assert!(shows(app, "Данных заявителей на терминале не осталось."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assisted_mode_shows_the_banner_on_the_applicants_screens_and_logs_takeover_and_hand_back() {
    let mut k = kiosk(Some(PIN));
    let app = &mut k.app;
    applicant_typing(app).await;
    enter_staff_mode(app).await;

    press(app, "Помочь заявителю").await;
    assert!(app.staff_assisting());
    assert!(shows(app, "Сотрудник помогает заявителю") && shows(app, "Вернуть заявителю"));
    assert!(shows(app, "Вход в личный кабинет") && shows(app, "vymyslova.snezhana"), "the applicant's own screen");
    // Staff work the applicant's screens as the applicant would; the banner stays on each.
    press(app, "‹ Назад").await;
    assert!(matches!(app.screen(), Screen::Welcome(_)) && shows(app, "Сотрудник помогает заявителю"));
    press(app, "Начать").await;
    assert!(shows(app, "Вход в личный кабинет") && shows(app, "Сотрудник помогает заявителю"));

    press(app, "Вернуть заявителю").await;
    assert!(!app.staff_active() && !shows(app, "Сотрудник помогает заявителю"));
    assert!(shows(app, "Вход в личный кабинет"));
    let words = audit_words(&k.store).await;
    assert_eq!(words, [StaffAction::StaffEnter, StaffAction::Takeover, StaffAction::HandBack]);
    let log = k.store.audit_log(10).await.unwrap();
    let age = chrono::Utc::now() - log[0].at;
    assert!(age >= chrono::Duration::zero() && age < chrono::Duration::seconds(60), "stamped now: {age}");
}
