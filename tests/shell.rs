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
    let t = app_at_sign_in("http://127.0.0.1:9", Some(("demo.login".into(), "demo-pass".into())));
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

#[test]
fn on_screen_keyboard_types_into_the_field_being_edited() {
    let mut t = app();
    let mut ui = simulator(&t.app);
    ui.click("q").expect("the Latin keyboard is shown for the login");
    ui.click("w").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert!(simulator(&t.app).find("qw").is_ok(), "the login field holds what was tapped");

    // The person moves to the password field; taps go there, the login stays as typed.
    let _ = t.app.update(Message::Focused(Some(Id::new(PASSWORD_ID))));
    let _ = t.app.update(Message::Key(pdo_kiosk::widget::keyboard::Key::Char('z')));
    let _ = t.app.update(Message::Key(pdo_kiosk::widget::keyboard::Key::Backspace));
    let _ = t.app.update(Message::Key(pdo_kiosk::widget::keyboard::Key::Char('x')));
    // A tap on a key leaves no widget focused: that must not lose the field.
    let _ = t.app.update(Message::Focused(None));
    let _ = t.app.update(Message::Key(pdo_kiosk::widget::keyboard::Key::Char('y')));
    assert!(simulator(&t.app).find("qw").is_ok(), "the login is untouched");
    // The password is secure (shown as dots): submitting shows the form was complete, so it went to the password.
    let _ = t.app.update(Message::SignIn(sign_in::Message::Submit));
    assert!(simulator(&t.app).find("Проверяем логин и пароль…").is_ok(), "both fields were filled, the form was sent");
}

#[test]
fn keyboard_switches_to_russian_and_back() {
    let mut t = app();
    let mut ui = simulator(&t.app);
    ui.click("АБВ").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    let mut ui = simulator(&t.app);
    assert!(ui.find("й").is_ok() && ui.find("ё").is_ok());
    assert!(ui.find("q").is_err());
    ui.click("ABC").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert!(simulator(&t.app).find("q").is_ok());
}

#[test]
fn every_key_and_button_is_at_least_12_mm() {
    let t = app();
    let mut ui = simulator(&t.app);
    let metrics = Metrics::new(SCREEN, (476.0, 268.0));
    for label in ["q", "p", "АБВ", "Стереть", "Пробел", "@", "Русский", "English"] {
        let target = ui.find(label).unwrap_or_else(|_| panic!("{label} not shown"));
        // The label fills its button's height; the button adds at most its 5 px padding above and below.
        let button_mm = metrics.mm(target.bounds().height + 10.0);
        assert!(button_mm >= MIN_TARGET_MM, "{label} is {button_mm:.1} mm tall");
    }
}

#[test]
fn the_first_screen_names_the_operator_before_anything_is_typed_and_starts() {
    let mut t = app_with("http://127.0.0.1:9", None);
    let mut ui = simulator(&t.app);
    assert!(ui.find("Кто и зачем обрабатывает ваши данные").is_ok());
    let operator = "Ваши данные и данные ребёнка обрабатывает Тестовый оператор реестра (вымышленный), г. Примерный, ул. Вымышленная, д. 1.";
    assert!(ui.find(operator).is_ok(), "the notice names the operator and its address");
    assert!(ui.find("Редакция уведомления: 2026-11-25").is_ok(), "the notice shows its version");
    assert!(ui.find("Логин").is_err(), "nothing to type before the notice");
    ui.click("Начать").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    let mut ui = simulator(&t.app);
    assert!(ui.find("Вход в личный кабинет").is_ok());
    assert!(ui.find("Шаг 1 из 10").is_ok(), "progress is shown");
    ui.click("‹ Назад").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert!(simulator(&t.app).find("Начать").is_ok(), "back returns to the first screen");
    let _ = t.app.update(Message::Enter);
    assert!(simulator(&t.app).find("Вход в личный кабинет").is_ok(), "Enter starts too, for a physical keyboard");
}

#[test]
fn large_text_is_a_switch_on_every_screen_that_the_wipe_turns_off() {
    let mut t = app();
    let normal = t.app.metrics().text;
    let mut ui = simulator(&t.app);
    ui.click("Крупный текст").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert_eq!(t.app.metrics().text, normal * 1.5, "all text at 150 %");
    // Still a full-size switch, and the way back.
    let metrics = t.app.metrics();
    let switch = simulator(&t.app).find("Крупный текст").unwrap().bounds();
    assert!(metrics.mm(switch.height) >= MIN_TARGET_MM, "{switch:?}");
    let _ = t.app.update(Message::Back);
    assert!(matches!(t.app.screen(), pdo_kiosk::app::Screen::Welcome(_)));
    assert_eq!(t.app.metrics().text, normal, "the next person starts with normal text");
}

#[test]
fn the_header_keeps_its_switches_whole_with_large_text_both_ways_up() {
    for (size, name) in [(PORTRAIT, "portrait"), (SCREEN, "landscape")] {
        let mut t = app_sized("http://127.0.0.1:9", size);
        t.app.set_text_scale(1.5);
        let metrics = t.app.metrics();
        let mut ui = simulator(&t.app);
        // A test kiosk has no sound card: the speech switch says so.
        for label in ["‹ Назад", "Нет звука", "Крупный текст", "Контраст", "Русский", "English"]
        {
            let found = ui.find(label).unwrap_or_else(|_| panic!("{label} not shown ({name})"));
            let bounds = found.bounds();
            let visible = found.visible_bounds().unwrap_or_else(|| panic!("{label} out of view ({name}): {bounds:?}"));
            let whole = visible.width >= bounds.width - 0.5 && bounds.x + bounds.width <= size.width;
            assert!(whole, "{label} ({name}): {bounds:?}");
            assert!(metrics.mm(bounds.height) >= MIN_TARGET_MM, "{label} ({name}): {bounds:?}");
        }
        // A picture to look at after the run (written afresh: `matches_image` only writes a missing file).
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("large-text-{name}"));
        let _ = std::fs::remove_file(out.with_file_name(format!("large-text-{name}-tiny-skia.png")));
        let _ = simulator(&t.app).snapshot(&t.app.theme()).unwrap().matches_image(&out);
    }
}

#[test]
fn high_contrast_is_a_switch_on_every_screen_that_the_wipe_turns_off() {
    use pdo_kiosk::theme::{HIGH_CONTRAST, NORMAL, Palette};
    let mut t = app();
    assert_eq!(Palette::of(&t.app.theme()), NORMAL);
    let mut ui = simulator(&t.app);
    ui.click("Контраст").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
    assert_eq!(Palette::of(&t.app.theme()), HIGH_CONTRAST);
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("high-contrast");
    let _ = std::fs::remove_file(out.with_file_name("high-contrast-tiny-skia.png"));
    let _ = simulator(&t.app).snapshot(&t.app.theme()).unwrap().matches_image(&out);
    let _ = t.app.update(Message::Back);
    assert_eq!(Palette::of(&t.app.theme()), NORMAL, "the next person starts with the normal theme");
}

/// The header of a step with everything in it (back, «Продолжить позже», the progress, the demo mark, every switch):
/// no two of its words overlap and each is on the screen, both ways up and with large text. «Продолжить позже» in
/// the header once squeezed the service's name until it ran into «Шаг 4 из 10».
#[test]
fn the_headers_words_never_run_into_each_other() {
    use iced_test::Simulator;
    use pdo_kiosk::i18n::I18n;
    use pdo_kiosk::theme::Metrics;
    use pdo_kiosk::widget::{ViewContext, chrome};
    let i18n = I18n::new(pdo_core::domain::Lang::Ru);
    let words = [
        "‹ Назад",
        "Продолжить позже",
        "Сертификат дополнительного образования",
        "Шаг 4 из 10",
        "ДЕМО",
        "Нет звука",
        "Крупный текст",
        "Контраст",
        "Русский",
        "English",
    ];
    for (size, scale) in [(SCREEN, 1.0), (SCREEN, 1.5), (PORTRAIT, 1.0), (PORTRAIT, 1.5)] {
        let ctx = ViewContext { i18n: &i18n, metrics: Metrics::scaled(size, panel_mm(size), scale) };
        let nav = chrome::Nav {
            step: Some((4, 10)),
            back: Some(()),
            later: Some(()),
            offline: None,
            offline_way: false,
            large_text: (scale > 1.0, ()),
            high_contrast: (false, ()),
            speech: (false, None),
        };
        let frame = chrome::frame(ctx, true, |_| (), nav, iced::widget::text("").into());
        let mut ui = Simulator::with_size(settings(), size, frame);
        let found: Vec<iced::Rectangle> = words
            .iter()
            .map(|word| {
                let bounds = ui.find(*word).unwrap_or_else(|_| panic!("{word} not shown ({size:?} ×{scale})")).bounds();
                assert!(bounds.x >= 0.0 && bounds.x + bounds.width <= size.width, "{word} off the screen: {bounds:?}");
                bounds
            })
            .collect();
        // The service's name gets at least the width of its longest word (narrower, the word spills out over its
        // neighbours, which its own bounds do not show).
        let word = iced::widget::text("дополнительного").size(ctx.metrics.text).font(pdo_kiosk::theme::FONT_BOLD_FACE);
        let word: iced::Element<'_, ()> = word.into();
        let word = Simulator::with_size(settings(), size, word).find("дополнительного").unwrap().bounds();
        assert!(found[2].width >= word.width, "the name is squeezed to {:?} ({size:?} ×{scale})", found[2]);
        for (i, a) in found.iter().enumerate() {
            for (j, b) in found.iter().enumerate().skip(i + 1) {
                assert!(a.intersection(b).is_none(), "{} runs into {} ({size:?} ×{scale})", words[i], words[j]);
            }
        }
    }
}
