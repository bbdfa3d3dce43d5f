//! «Озвучить» through the speech trait: with speech on, the kiosk asks for each screen's words when it opens, the
//! label of the field that takes the focus (and whether it is filled), every message a screen shows; and never, on
//! any field, what the person typed. The speaker here records instead of playing (the sound card is the edge that
//! does not exist on a test machine; `tests/say_cli.rs` renders the same words with real espeak-ng).

mod support;

use pdo_core::domain::Lang;
use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::config::Config;
use pdo_kiosk::i18n::I18n;
use pdo_kiosk::screen::{confirm, resume};
use pdo_kiosk::speech::{Speaker, screen_words};
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use std::sync::{Arc, Mutex};
use support::*;

/// Keeps what the kiosk asked to say.
#[derive(Debug, Default)]
struct Recorder {
    said: Mutex<Vec<String>>,
    hushed: Mutex<usize>,
    /// A kiosk without a sound card.
    deaf: bool,
}

impl Speaker for Recorder {
    fn say(&self, words: &str, _lang: Lang) {
        self.said.lock().unwrap().push(words.to_owned());
    }
    fn hush(&self) {
        *self.hushed.lock().unwrap() += 1;
    }
    fn available(&self) -> bool {
        !self.deaf
    }
}

impl Recorder {
    /// What was said since the last call.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.said.lock().unwrap())
    }
}

const CHILD: [&str; 6] =
    ["Зюзикова", "Евлампия", "Архиповна", "20.04.2016", "123-456-789 64", "г. Примерный, ул. Вымышленная, д. 9"];
const BAD_SNILS: &str = "123-456-789 65";
const DOCUMENT: [&str; 4] = ["III-МЮ", "654321", "05.05.2016", "Отдел ЗАГС г. Примерного"];
const EMAIL: &str = "roditel.zvuk@mail.ru";
const WRONG_CODE: &str = "482913";
const NEW_EMAIL: &str = "drugoj.adres@mail.ru";

fn ru(id: &str) -> String {
    I18n::new(Lang::Ru).tr(id)
}

/// No utterance holds any of `typed` (what the person entered).
fn assert_never_spoken(all: &[String], typed: &[&str]) {
    for value in typed.iter().filter(|v| v.trim().len() > 1) {
        for words in all {
            assert!(!words.contains(value), "«{value}» was spoken: {words}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_speaks_its_screens_fields_and_messages_and_never_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let speaker = Arc::new(Recorder::default());
    let config = Config { speech: true, ..Config::default() };
    let mut t = app_speaking(&registry.base_url(), None, config, speaker.clone());
    let app = &mut t.app;
    let mut all = Vec::new();

    // The first screen opens when the session starts: its title and instruction, then the login field.
    send(app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    let said = speaker.take();
    let sign_in = screen_words(&I18n::new(Lang::Ru), "sign_in").unwrap();
    assert!(said.iter().any(|w| w.starts_with(&sign_in)), "{said:?}");
    assert!(said.iter().any(|w| w.contains("Логин") && w.contains("поле пустое")), "{said:?}");
    all.extend(said);

    // A wrong password: the message is said.
    let account = &ACCOUNTS[0];
    sign_in_with(app, account.login, "ne-tot-parol-7").await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.contains(&ru("sign-in-error-invalid"))), "{said:?}");
    all.extend(said);

    sign_in_with(app, account.login, account.password).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)));
    press(app, "Подать заявку на сертификат").await;
    fill(app, applicant_field, &PARENT).await;
    press(app, "Далее").await;
    press(app, "Далее").await;
    press(app, "Сохранить").await;
    press(app, "Добавить ребёнка").await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.starts_with(&ru("child-form-title"))), "the child step is announced: {said:?}");
    all.extend(said);

    // «Продолжить позже», and back with the code typed wrong: the refusal is said, the code never.
    send(app, Message::ResumeLater).await;
    let Screen::Resume(resume::Resume::Show { code, .. }) = app.screen() else { panic!("{:?}", app.screen()) };
    let code = code.clone();
    let wrong: String = code.chars().rev().collect();
    send(app, Message::Resume(resume::Message::Finish)).await;
    send(app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    // The wipe set speech back to the kiosk's default (on here).
    sign_in_with(app, account.login, account.password).await;
    send(app, Message::Resume(resume::Message::Code(wrong.clone()))).await;
    press(app, "Продолжить").await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.contains("Код не подошёл")), "{said:?}");
    all.extend(said);
    send(app, Message::Resume(resume::Message::Code(code.clone()))).await;
    press(app, "Продолжить").await;
    assert!(matches!(app.screen(), Screen::ChildForm { .. }), "{:?}", app.screen());
    all.extend(speaker.take());

    // A SNILS with a wrong checksum: the form's message is said.
    let mut child = CHILD;
    child[4] = BAD_SNILS;
    fill(app, child_field, &child).await;
    press(app, "Далее").await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.contains("СНИЛС")), "the SNILS message is said: {said:?}");
    all.extend(said);
    fill(app, child_field, &CHILD).await;
    for _ in 0..3 {
        if matches!(app.screen(), Screen::ChildForm { .. }) {
            press(app, "Далее").await;
        }
    }
    fill(app, document_field, &DOCUMENT).await;
    // Through the form's pages, however many fit beside the keyboard.
    for _ in 0..3 {
        if matches!(app.screen(), Screen::Document { .. }) {
            press(app, "Далее").await;
        }
    }
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    press(app, "Подходит").await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.starts_with(&ru("application-title"))), "{said:?}");
    all.extend(said);
    send(app, Message::Application(pdo_kiosk::screen::application::Message::Changed(EMAIL.into()))).await;
    let said = speaker.take();
    assert!(said.is_empty(), "typing says nothing: {said:?}");
    press(app, "Готово").await;
    press(app, "Отправить заявку").await;
    assert!(matches!(app.screen(), Screen::Confirm(_)), "{:?}", app.screen());
    all.extend(speaker.take());

    // The code from the letter, typed wrong: the refusal is said, the digits never; then a new address, not said.
    send(app, Message::Confirm(confirm::Message::Code(WRONG_CODE.into()))).await;
    press(app, "Подтвердить").await;
    let said = speaker.take();
    let refusal = match app.screen() {
        Screen::Confirm(screen) => screen.error().expect("a wrong code is refused").to_owned(),
        other => panic!("{other:?}"),
    };
    assert!(said.iter().any(|w| w.contains(&refusal)), "{said:?}");
    all.extend(said);
    send(app, Message::Confirm(confirm::Message::ChangeEmail)).await;
    send(app, Message::Confirm(confirm::Message::NewEmail(NEW_EMAIL.into()))).await;
    let said = speaker.take();
    assert!(said.iter().any(|w| w.contains(&ru("confirm-new-email"))), "the new address field: {said:?}");
    all.extend(said);

    let mut typed: Vec<&str> =
        vec![account.password, "ne-tot-parol-7", EMAIL, BAD_SNILS, WRONG_CODE, NEW_EMAIL, &code, &wrong];
    typed.extend(PARENT);
    typed.extend(CHILD);
    typed.extend(DOCUMENT);
    // The login is the kiosk's own demo hint elsewhere, but never said either.
    typed.push(account.login);
    assert_never_spoken(&all, &typed);

    // Off: the voice stops and nothing more is said; on again: where the person is, at once.
    let hushed = *speaker.hushed.lock().unwrap();
    send(app, Message::Speech(false)).await;
    assert_eq!(*speaker.hushed.lock().unwrap(), hushed + 1);
    send(app, Message::Confirm(confirm::Message::CancelChange)).await;
    press(app, "‹ Назад").await;
    assert!(speaker.take().is_empty(), "speech is off");
    send(app, Message::Speech(true)).await;
    let said = speaker.take();
    assert_eq!(said.len(), 1, "{said:?}");
    drop(registry);
}

#[tokio::test]
async fn speech_is_off_unless_turned_on_and_the_switch_says_when_there_is_no_sound() {
    let speaker = Arc::new(Recorder::default());
    let mut t = app_speaking("http://127.0.0.1:9", None, Config::default(), speaker.clone());
    send(&mut t.app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    assert!(speaker.take().is_empty(), "off by default");
    assert!(shows(&t.app, "Озвучить"));
    press(&mut t.app, "Озвучить").await;
    assert!(!speaker.take().is_empty(), "the switch turns it on");

    let deaf = Arc::new(Recorder { deaf: true, ..Recorder::default() });
    let config = Config { speech: true, ..Config::default() };
    let mut t = app_speaking("http://127.0.0.1:9", None, config, deaf.clone());
    send(&mut t.app, Message::Welcome(pdo_kiosk::screen::welcome::Message::Start)).await;
    assert!(shows(&t.app, "Нет звука") && !shows(&t.app, "Озвучить"));
    send(&mut t.app, Message::Speech(true)).await;
    assert!(deaf.take().is_empty(), "nothing is sent to a kiosk with no sound card");
}
