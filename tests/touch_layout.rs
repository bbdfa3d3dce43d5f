//! Nothing squeezed by the on-screen keyboard: every form screen in its error state, with the keyboard open, keeps
//! its main button and the field being edited whole, in view and at least 12 mm tall, on a landscape and on a
//! portrait panel. The errors are real ones: the embedded registry refuses a wrong password and a wrong code, and
//! the shared rules refuse empty or malformed fields.

mod support;

use iced::{Rectangle, Size};
use iced_test::selector::{self, Candidate};
use pdo_kiosk::app::{App, Message, Screen};
use pdo_kiosk::screen::{application, confirm};
use pdo_kiosk::theme::MIN_TARGET_MM;
use pdo_kiosk::widget::typing::CONTENT_ID;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

/// The area the screen's content has beside or above the keyboard.
fn content_area(app: &App) -> Rectangle {
    let mut ui = simulator(app);
    ui.find(selector::id(CONTENT_ID)).unwrap_or_else(|_| panic!("no keyboard area on {:?}", app.screen())).bounds()
}

fn assert_whole(app: &App, what: &str, bounds: Rectangle, area: Rectangle) {
    let metrics = app.metrics();
    let mm = metrics.mm(bounds.height);
    assert!(mm >= MIN_TARGET_MM, "{what} is {mm:.1} mm tall ({bounds:?}) on {:?}", metrics.window);
    let inside = bounds.x >= area.x - 0.5
        && bounds.y >= area.y - 0.5
        && bounds.x + bounds.width <= area.x + area.width + 0.5
        && bounds.y + bounds.height <= area.y + area.height + 0.5;
    assert!(inside, "{what} {bounds:?} is not whole in the area {area:?} above the keyboard on {:?}", metrics.window);
}

/// The keyboard is open, and the field being edited, the buttons labelled `buttons` (their labels fill them) and
/// the texts containing `texts` are whole, in view and at least 12 mm tall (texts: in view only).
fn assert_nothing_squeezed(app: &App, buttons: &[&str], texts: &[&str]) {
    let area = content_area(app);
    let field = app.field_being_edited().unwrap_or_else(|| panic!("no field edited on {:?}", app.screen()));
    let mut ui = simulator(app);
    let bounds = ui.find(selector::id(field.clone())).unwrap_or_else(|_| panic!("{field:?} not shown")).bounds();
    assert_whole(app, &format!("the field {field:?}"), bounds, area);
    for label in buttons {
        let bounds = ui.find(*label).unwrap_or_else(|_| panic!("{label} not shown on {:?}", app.screen())).bounds();
        assert_whole(app, label, bounds, area);
    }
    for needle in texts {
        let found = ui
            .find(move |candidate: Candidate<'_>| match candidate {
                Candidate::Text { content, bounds, .. } if content.contains(needle) => Some(bounds),
                _ => None,
            })
            .unwrap_or_else(|_| panic!("no text with {needle:?} on {:?}", app.screen()));
        let visible = found.y >= area.y - 0.5 && found.y + found.height <= area.y + area.height + 0.5;
        assert!(visible, "{needle:?} {found:?} is out of the area {area:?}");
    }
}

async fn every_form_in_its_error_state(size: Size) {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let mut t = app_sized(&registry.base_url(), size);
    let app = &mut t.app;

    // A wrong password: the message, «Войти» and «Войти с телефона» all whole above the keyboard.
    sign_in_with(app, ACCOUNTS[0].login, "not-the-password").await;
    assert!(matches!(app.screen(), Screen::SignIn(_)));
    assert_nothing_squeezed(app, &["Войти", "Войти с телефона"], &["Логин или пароль не подошли"]);
    sign_in_with(app, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)), "signed in");

    // The applicant's details, «Далее» pressed with the first page empty.
    press(app, "Подать заявку на сертификат").await;
    for index in 0..PARENT.len() {
        send(app, applicant_field(index, String::new())).await;
    }
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Applicant { .. }));
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    fill(app, applicant_field, &PARENT).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;

    // The child, «Далее» with nothing typed.
    press(app, "Добавить ребёнка").await;
    press(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { .. }));
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    let child =
        ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, ул. Вымышленная, д. 7"];
    fill(app, child_field, &child).await;
    press(app, "Далее").await;
    press(app, "Далее").await;

    // The birth certificate, «Далее» with nothing typed.
    assert!(matches!(app.screen(), Screen::Document { .. }), "{:?}", app.screen());
    press(app, "Далее").await;
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    fill(app, document_field, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    press(app, "Подходит").await;

    // The e-mail, written wrong.
    send(app, Message::Application(application::Message::Changed("roditel.test@".into()))).await;
    press(app, "Готово").await;
    assert!(matches!(app.screen(), Screen::Application(s) if s.is_editing()));
    assert_nothing_squeezed(app, &["Готово"], &[]);
    send(app, Message::Application(application::Message::Changed("roditel.test@example.org".into()))).await;
    press(app, "Готово").await;
    press(app, "Отправить заявку").await;

    // The code from the letter, typed wrong.
    assert!(matches!(app.screen(), Screen::Confirm(_)), "{:?}", app.screen());
    send(app, Message::Confirm(confirm::Message::Code("000001".into()))).await;
    press(app, "Подтвердить").await;
    assert!(matches!(app.screen(), Screen::Confirm(s) if s.error().is_some()), "a wrong code is refused");
    assert_nothing_squeezed(app, &["Подтвердить", "Исправить адрес"], &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_by_the_keyboard_on_a_landscape_panel() {
    every_form_in_its_error_state(SCREEN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_by_the_keyboard_on_a_portrait_panel() {
    every_form_in_its_error_state(PORTRAIT).await;
}
