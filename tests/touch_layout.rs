//! Nothing squeezed by the on-screen keyboard: every form screen in its error state, with the keyboard open, keeps
//! its main button and the field being edited whole, in view and at least 12 mm tall, on a landscape and on a
//! portrait panel. The errors are real ones: the embedded registry refuses a wrong password and a wrong code, and
//! the shared rules refuse empty or malformed fields.

mod support;

use iced::{Rectangle, Size};
use iced_test::core::widget::operation;
use iced_test::selector::{self, Candidate, Selector};
use pdo_kiosk::app::{App, Message, Screen};
use pdo_kiosk::screen::{application, confirm, resume};
use pdo_kiosk::theme::{MIN_TARGET_MM, Metrics};
use pdo_kiosk::widget::typing::{self, CONTENT_ID};
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

/// The screen as it is shown once the kiosk has scrolled the field being edited into view with the main button
/// (`typing::reveal`, as after every tap; a tap on a button leaves no field focused, so it is found by its id): the field, the buttons labelled `buttons` (their
/// labels fill them) and the texts containing `texts` are whole on the screen, and the field and the buttons are
/// at least 12 mm tall.
fn assert_nothing_squeezed(app: &App, buttons: &[&str], texts: &[&str]) {
    let field = app.field_being_edited().unwrap_or_else(|| panic!("no field edited on {:?}", app.screen()));
    let mut ui = Headless::new(app);
    if let Some(offset) = ui.run(typing::reveal(Some(field.clone()))) {
        ui.run(operation::scrollable::scroll_to::<()>(CONTENT_ID.into(), offset.into()));
    }
    let found = ui.run(Selector::find(selector::id(field.clone()))).flatten();
    let field = (format!("the field {field:?}"), found.map(|t| (t.bounds(), t.visible_bounds())));
    assert_whole(app, ui, Some(field), buttons, texts);
}

/// The buttons labelled `buttons` and the texts containing `texts` (and `field`, when given) are whole in view as
/// the screen is shown now, and the buttons (and the field) at least 12 mm tall.
fn assert_whole(
    app: &App,
    mut ui: Headless<'_>,
    field: Option<(String, Option<(Rectangle, Option<Rectangle>)>)>,
    buttons: &[&str],
    texts: &[&str],
) {
    let metrics = app.metrics();
    let window = metrics.window;
    let check = |what: String, target: Option<(Rectangle, Option<Rectangle>)>, tall: bool| {
        let (bounds, visible) = target.unwrap_or_else(|| panic!("{what} not shown on {:?}", app.screen()));
        let visible = visible.unwrap_or_else(|| panic!("{what} {bounds:?} is out of view on {window:?}"));
        let whole = visible.height >= bounds.height - 0.5 && visible.width >= bounds.width - 0.5;
        assert!(whole, "{what}: only {visible:?} of {bounds:?} is in view on {window:?}");
        let mm = metrics.mm(bounds.height);
        assert!(!tall || mm >= MIN_TARGET_MM, "{what} is {mm:.1} mm tall on {window:?}");
    };
    if let Some((what, target)) = field {
        check(what, target, true);
    }
    let mut text = |wanted: String, whole_label: bool| {
        let finder = Selector::find(move |candidate: Candidate<'_>| match candidate {
            Candidate::Text { content, bounds, visible_bounds, .. }
                if (whole_label && content == wanted) || (!whole_label && content.contains(wanted.as_str())) =>
            {
                Some((bounds, visible_bounds))
            }
            _ => None,
        });
        ui.run(finder).flatten()
    };
    let found: Vec<_> = buttons.iter().map(|label| (label.to_string(), text(label.to_string(), true))).collect();
    let read: Vec<_> = texts.iter().map(|needle| (needle.to_string(), text(needle.to_string(), false))).collect();
    for (label, target) in found {
        check(label, target, true);
    }
    for (needle, target) in read {
        check(needle, target, false);
    }
}

/// The screen's main button: pressed where it is shown, or with Enter (what the keyboard's «Далее ›» does from the
/// last field) when large text has scrolled it below the keyboard.
async fn main_button(app: &mut App, label: &str) {
    if simulator(app).find(label).is_ok_and(|t| t.visible_bounds().is_some()) {
        press(app, label).await;
    } else {
        send(app, Message::Enter).await;
    }
}

/// The rest of a filled-in paged form, page by page (large text splits it into more pages), until the next step.
async fn finish_form(app: &mut App) {
    let form = std::mem::discriminant(app.screen());
    for _ in 0..10 {
        if std::mem::discriminant(app.screen()) != form {
            return;
        }
        send(app, Message::Enter).await;
    }
    panic!("the form never finished: {:?}", app.screen());
}

async fn sign_in(app: &mut App, password: &str) {
    use pdo_kiosk::screen::sign_in::Message as SignIn;
    send(app, Message::SignIn(SignIn::LoginChanged(ACCOUNTS[0].login.into()))).await;
    send(app, Message::SignIn(SignIn::PasswordChanged(password.into()))).await;
    main_button(app, "Войти").await;
}

async fn every_form_in_its_error_state(size: Size, text_scale: f32, high_contrast: bool) {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let mut t = app_sized(&registry.base_url(), size);
    t.app.set_text_scale(text_scale);
    // The switch as the person presses it: kept for the whole session.
    send(&mut t.app, Message::HighContrast(high_contrast)).await;
    let app = &mut t.app;

    // A wrong password: the message, «Войти» and «Войти с телефона» all whole above the keyboard.
    sign_in(app, "not-the-password").await;
    assert!(matches!(app.screen(), Screen::SignIn(_)));
    assert_nothing_squeezed(app, &["Войти", "Войти с телефона"], &["Логин или пароль не подошли"]);
    sign_in(app, ACCOUNTS[0].password).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)), "signed in");

    // The applicant's details, «Далее» pressed with the first page empty.
    press(app, "Подать заявку на сертификат").await;
    for index in 0..PARENT.len() {
        send(app, applicant_field(index, String::new())).await;
    }
    main_button(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::Applicant { .. }));
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    fill(app, applicant_field, &PARENT).await;
    finish_form(app).await;

    // The child, «Далее» with nothing typed.
    press(app, "Добавить ребёнка").await;
    main_button(app, "Далее").await;
    assert!(matches!(app.screen(), Screen::ChildForm { .. }));
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    let child =
        ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, ул. Вымышленная, д. 7"];
    fill(app, child_field, &child).await;
    finish_form(app).await;

    // «Продолжить позже» here, then the same account again and a wrong resume code.
    assert!(matches!(app.screen(), Screen::Document { .. }), "{:?}", app.screen());
    send(app, Message::ResumeLater).await;
    let Screen::Resume(resume::Resume::Show { code, .. }) = app.screen() else { panic!("{:?}", app.screen()) };
    let code = code.clone();
    send(app, Message::Resume(resume::Message::Finish)).await;
    // The wipe set text and theme back: the person coming back turns them on again.
    app.set_text_scale(text_scale);
    send(app, Message::HighContrast(high_contrast)).await;
    send(app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    sign_in(app, ACCOUNTS[0].password).await;
    send(app, Message::Resume(resume::Message::Code(code.chars().rev().collect()))).await;
    main_button(app, "Продолжить").await;
    assert!(matches!(app.screen(), Screen::Resume(_)), "a wrong code is refused: {:?}", app.screen());
    assert_nothing_squeezed(app, &["Продолжить"], &["Код не подошёл"]);
    send(app, Message::Resume(resume::Message::Code(code))).await;
    main_button(app, "Продолжить").await;

    // The birth certificate, «Далее» with nothing typed.
    assert!(matches!(app.screen(), Screen::Document { .. }), "{:?}", app.screen());
    main_button(app, "Далее").await;
    assert_nothing_squeezed(app, &["Далее"], &["Это поле нужно заполнить."]);
    fill(app, document_field, &["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    finish_form(app).await;
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    main_button(app, "Подходит").await;

    // The e-mail, written wrong.
    send(app, Message::Application(application::Message::Changed("roditel.test@".into()))).await;
    main_button(app, "Готово").await;
    assert!(matches!(app.screen(), Screen::Application(s) if s.is_editing()));
    assert_nothing_squeezed(app, &["Готово"], &[]);
    send(app, Message::Application(application::Message::Changed("roditel.test@example.org".into()))).await;
    main_button(app, "Готово").await;
    main_button(app, "Отправить заявку").await;

    // The code from the letter, typed wrong.
    assert!(matches!(app.screen(), Screen::Confirm(_)), "{:?}", app.screen());
    send(app, Message::Confirm(confirm::Message::Code("000001".into()))).await;
    main_button(app, "Подтвердить").await;
    assert!(matches!(app.screen(), Screen::Confirm(s) if s.error().is_some()), "a wrong code is refused");
    // With large text the buttons beside the main one may be below the keyboard, a scroll away.
    let buttons: &[&str] = if text_scale > 1.0 {
        &["Подтвердить"]
    } else {
        &["Подтвердить", "Исправить адрес"]
    };
    assert_nothing_squeezed(app, buttons, &[]);

    // «Исправить адрес» with an address that is not one.
    send(app, Message::Confirm(confirm::Message::ChangeEmail)).await;
    send(app, Message::Confirm(confirm::Message::NewEmail("roditel.test@".into()))).await;
    main_button(app, "Сохранить и отправить письмо").await;
    assert!(matches!(app.screen(), Screen::Confirm(s) if s.error().is_some()), "{:?}", app.screen());
    assert_nothing_squeezed(app, &["Сохранить и отправить письмо"], &[]);
    let palette = pdo_kiosk::theme::Palette::of(&app.theme());
    assert_eq!(palette == pdo_kiosk::theme::HIGH_CONTRAST, high_contrast, "the theme held to the last screen");
    let normal = Metrics::scaled(size, panel_mm(size), 1.0).text;
    assert_eq!(app.metrics().text, normal * text_scale, "the text size held to the last screen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_by_the_keyboard_on_a_landscape_panel() {
    every_form_in_its_error_state(SCREEN, 1.0, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_by_the_keyboard_on_a_portrait_panel() {
    every_form_in_its_error_state(PORTRAIT, 1.0, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_with_large_text_and_high_contrast_on_a_landscape_panel() {
    every_form_in_its_error_state(SCREEN, 1.5, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_squeezed_with_large_text_and_high_contrast_on_a_portrait_panel() {
    every_form_in_its_error_state(PORTRAIT, 1.5, true).await;
}

/// The first screen while the registry is out of reach: the sentence saying so and «Начать» whole in view, and
/// «Начать» at least 12 mm tall, on both panels, with normal and with large text.
#[tokio::test]
async fn the_first_screen_offline_keeps_its_sentence_and_start_whole() {
    use pdo_kiosk::sync::{Connectivity, Link};
    for (size, scale) in [(SCREEN, 1.0), (PORTRAIT, 1.0), (SCREEN, 1.5), (PORTRAIT, 1.5)] {
        let (screen_width_mm, screen_height_mm) = panel_mm(size);
        let config = pdo_kiosk::config::Config { screen_width_mm, screen_height_mm, ..Default::default() };
        let mut t = app_configured("http://127.0.0.1:9", None, config);
        send(&mut t.app, Message::Resized(size)).await;
        t.app.set_text_scale(scale);
        send(&mut t.app, Message::Link(Connectivity { link: Link::Offline, ..Connectivity::default() })).await;
        assert!(matches!(t.app.screen(), Screen::Welcome(_)));
        assert_whole(&t.app, Headless::new(&t.app), None, &["Начать"], &["Сейчас нет связи с реестром"]);
    }
}
