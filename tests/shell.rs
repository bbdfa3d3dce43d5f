//! The kiosk shell in the iced_test simulator: labels, language switch, focus order, touch target sizes.

mod support;

use iced::widget::Id;
use iced_test::core::widget::operation::focusable;
use iced_test::selector::id;
use pdo_core::domain::Lang;
use pdo_kiosk::app::Message;
use pdo_kiosk::screen::sign_in::{self, LOGIN_ID, PASSWORD_ID, SUBMIT_ID};
use pdo_kiosk::theme::{MIN_TARGET_MM, Metrics};
use support::*;

#[test]
fn sign_in_screen_shows_the_labels_parents_look_for() {
    let t = app();
    let mut ui = simulator(&t.app);
    for label in ["Вход в личный кабинет", "Логин", "Пароль", "Войти", "Русский", "English"]
    {
        assert!(ui.find(label).is_ok(), "{label:?} is not on the sign-in screen");
    }
    assert!(ui.find("ДЕМО").is_err(), "a kiosk on a real registry must not say it is a demo");
}

#[test]
fn demo_kiosk_shows_the_demo_mark_and_the_invented_account() {
    let t = app_with("http://127.0.0.1:9", Some(("demo.login".into(), "demo-pass".into())));
    let mut ui = simulator(&t.app);
    assert!(ui.find("ДЕМО").is_ok());
    assert!(ui.find("Демонстрационный вход: логин demo.login, пароль demo-pass").is_ok());
}

#[test]
fn language_switch_changes_every_label_and_back() {
    let mut t = app();
    let mut ui = simulator(&t.app);
    ui.click("English").expect("the English switch is on screen");
    let messages: Vec<_> = ui.into_messages().collect();
    assert!(matches!(messages.as_slice(), [Message::Language(Lang::En)]), "{messages:?}");
    for m in messages {
        let _ = t.app.update(m);
    }
    let mut ui = simulator(&t.app);
    for label in ["Sign in to your personal account", "Login", "Password", "Sign in"] {
        assert!(ui.find(label).is_ok(), "{label:?} missing after switching to English");
    }
    assert!(ui.find("Войти").is_err());
    ui.click("Русский").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert!(simulator(&t.app).find("Войти").is_ok());
}

#[test]
fn typing_and_enter_submit_from_the_password_field() {
    let mut t = app();
    let mut ui = simulator(&t.app);
    ui.click(id(LOGIN_ID)).unwrap();
    let _ = ui.typewrite("test.login");
    ui.click(id(PASSWORD_ID)).unwrap();
    let _ = ui.typewrite("secret");
    let _ = ui.tap_key(iced::keyboard::key::Named::Enter);
    let messages: Vec<_> = ui.into_messages().collect();
    assert!(matches!(messages.last(), Some(Message::SignIn(sign_in::Message::Submit))), "{messages:?}");
    for m in messages {
        let _ = t.app.update(m);
    }
    // While the registry is asked, the form is locked and says so.
    let mut ui = simulator(&t.app);
    assert!(ui.find("Проверяем логин и пароль…").is_ok());
}

#[test]
fn focus_starts_in_login_and_tab_moves_to_password_then_the_button() {
    let t = app();
    let mut ui = Headless::new(&t.app);
    // What App::boot does:
    ui.run(focusable::focus::<()>(Id::new(LOGIN_ID)));
    assert_eq!(ui.focused(), Some(Id::new(LOGIN_ID)));
    // What the Tab key maps to (App::subscription -> Message::FocusNext -> focus_next):
    ui.run(focusable::focus_next::<()>());
    assert_eq!(ui.focused(), Some(Id::new(PASSWORD_ID)));
    ui.run(focusable::focus_previous::<()>());
    assert_eq!(ui.focused(), Some(Id::new(LOGIN_ID)));
}

#[test]
fn sign_in_button_is_a_full_touch_target() {
    let t = app();
    let mut ui = simulator(&t.app);
    let button = ui.find(id(SUBMIT_ID)).unwrap();
    let metrics = Metrics::new(SCREEN, (476.0, 268.0));
    let height_mm = metrics.mm(button.bounds().height);
    assert!(height_mm >= MIN_TARGET_MM, "«Войти» is {height_mm:.1} mm tall");
    let field = ui.find(id(LOGIN_ID)).unwrap();
    assert!(metrics.mm(field.bounds().height) >= MIN_TARGET_MM * 0.9, "login field {:?}", field.bounds());
}
