//! The whole first application, and a second child of the same parent, **by taps only**: every character goes in
//! through a key of the on-screen keyboard and every step through a button, as a parent at the kiosk would do it,
//! against the embedded registry with its letters on a real SMTP server. Every tap is counted, and every target
//! tapped is checked to be whole on the screen and at least 12 mm tall, on a landscape and on a portrait panel.
//!
//! The overhead is the taps beyond one per character of the data typed (navigation, «Далее», layout switches,
//! capitals, the one-tap suggestions); the digit pad's dots and dashes cost none, so they count against it. The
//! camera is the one edge handed in: «Сфотографировать» is tapped, and the scan comes as the camera thread sends it.

mod support;

use iced::Size;
use iced_test::selector::{Candidate, Target};
use pdo_kiosk::app::{App, Message, Screen};
use pdo_kiosk::theme::MIN_TARGET_MM;
use pdo_kiosk::widget::keyboard::Layout;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use std::time::Duration;
use support::*;

/// A text widget (a button's or a key's label) whose whole text is `label`; field contents do not count.
fn text_is(label: &str) -> impl FnMut(Candidate<'_>) -> Option<Target> + Send + '_ {
    move |candidate| match candidate {
        Candidate::Text { content, .. } if content == label => Some(Target::from(candidate)),
        _ => None,
    }
}

struct Walk {
    app: App,
    taps: usize,
    typed: usize,
}

impl Walk {
    /// Taps the text `label` (a button's or a key's) where it is on the screen, after checking it is whole and at
    /// least 12 mm tall, and runs what follows.
    async fn tap(&mut self, label: &str) {
        let metrics = self.app.metrics();
        let messages: Vec<Message> = {
            let mut ui = simulator(&self.app);
            let target =
                ui.find(text_is(label)).unwrap_or_else(|_| panic!("no {label:?} to tap on {:?}", self.app.screen()));
            let bounds = target.bounds();
            let visible = target.visible_bounds().unwrap_or_else(|| panic!("{label:?} is off the screen"));
            let whole = visible.height >= bounds.height - 0.5 && visible.width >= bounds.width - 0.5;
            assert!(whole, "{label:?} is not whole on the screen: {visible:?} of {bounds:?}");
            let mm = metrics.mm(bounds.height);
            assert!(mm >= MIN_TARGET_MM, "{label:?} is {mm:.1} mm tall on {:?}", metrics.window);
            ui.click(text_is(label)).unwrap();
            ui.into_messages().collect()
        };
        assert!(!messages.is_empty(), "tapping {label:?} did nothing on {:?}", self.app.screen());
        self.taps += 1;
        for message in messages {
            send(&mut self.app, message).await;
        }
    }

    fn shows_key(&self, label: &str) -> bool {
        simulator(&self.app).find(text_is(label)).is_ok()
    }

    /// Types `value` into the field being edited on the on-screen keyboard, as a person would: the pad's and the
    /// series picker's separators come by themselves, a capital not given by the field takes «Заглавная», a
    /// letter of the other alphabet a layout switch.
    async fn type_in(&mut self, value: &str) {
        self.typed += value.chars().count();
        for c in value.chars() {
            let layout = self.app.keyboard().layout;
            if (layout == Layout::Digits && !c.is_ascii_digit()) || (layout == Layout::Series && c == '-') {
                continue;
            }
            self.type_char(c).await;
        }
    }

    async fn type_char(&mut self, c: char) {
        for _ in 0..3 {
            let shown = c.to_string();
            if c == ' ' {
                return self.tap("Пробел").await;
            }
            if self.shows_key(&shown) {
                return self.tap(&shown).await;
            }
            let lower: String = c.to_lowercase().collect();
            if c.is_uppercase() && self.shows_key(&lower) {
                self.tap("Заглавная").await;
                continue;
            }
            let switch = if c.is_ascii_alphabetic() { "ABC" } else { "АБВ" };
            self.tap(switch).await;
        }
        panic!("no key for {c:?} on {:?}", self.app.keyboard());
    }

    /// The keyboard's «Далее ›»: the next field, or the page's main button from its last field.
    async fn next(&mut self) {
        self.tap("Далее ›").await;
    }

    /// Several fields in a row, «Далее ›» after each.
    async fn fields(&mut self, values: &[&str]) {
        for value in values {
            self.type_in(value).await;
            self.next().await;
        }
    }
}

async fn code_from_letter(smtp: &SmtpSink, n: usize) -> String {
    let (_, body, _) = smtp.letter(n, Duration::from_secs(20)).await;
    let after = body.split("код подтверждения:").nth(1).unwrap_or_else(|| panic!("no code in the letter: {body}"));
    after.trim_start().chars().take_while(char::is_ascii_digit).collect()
}

/// Photo, e-mail, code and certificate: the part of an application after its document.
async fn photo_to_certificate(w: &mut Walk, smtp: &SmtpSink, letters: &mut usize) {
    assert!(matches!(w.app.screen(), Screen::Capture(_)), "{:?}", w.app.screen());
    w.tap("Сфотографировать").await;
    send(&mut w.app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    w.tap("Подходит").await;
    if matches!(w.app.screen(), Screen::Application(s) if s.is_editing()) {
        w.type_in("roditel.test@example.org").await;
        w.next().await;
    }
    w.tap("Отправить заявку").await;
    if matches!(w.app.screen(), Screen::Confirm(_)) {
        *letters += 1;
        let code = code_from_letter(smtp, *letters).await;
        w.type_in(&code).await;
        w.next().await;
    }
    assert!(matches!(w.app.screen(), Screen::Certificate(_)), "{:?}", w.app.screen());
    w.tap("Получить сертификат").await;
    assert!(matches!(w.app.screen(), Screen::Issued(_)), "{:?}", w.app.screen());
}

/// (taps, characters typed) of the first application and of the second child.
async fn walk(size: Size) -> ((usize, usize), (usize, usize)) {
    let smtp = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mail = MailSink::Smtp { host: "127.0.0.1".into(), port: smtp.port };
    let registry = EmbeddedRegistry::start_with(&dir.path().join("registry.sqlite3"), true, mail).unwrap();
    let (screen_width_mm, screen_height_mm) = panel_mm(size);
    let config = pdo_kiosk::config::Config { screen_width_mm, screen_height_mm, ..Default::default() };
    let mut t = app_configured(&registry.base_url(), None, config);
    let _ = t.app.update(Message::Resized(size));
    let mut w = Walk { app: t.app, taps: 0, typed: 0 };
    let mut letters = 0;

    w.tap("Начать").await;
    w.type_in(ACCOUNTS[0].login).await;
    w.next().await;
    w.type_in(ACCOUNTS[0].password).await;
    w.tap("Войти").await;
    assert!(matches!(w.app.screen(), Screen::Cabinet(_)), "signed in: {:?}", w.app.screen());

    // The name comes from the account: typing starts at the date of birth.
    w.tap("Подать заявку на сертификат").await;
    assert!(matches!(w.app.screen(), Screen::Applicant { form, .. } if form.paged().values()[0] == "Зарубина"));
    // The invented parent's details the account does not know (its name it does).
    w.fields(&PARENT[3..]).await;
    assert!(matches!(w.app.screen(), Screen::Children(_)), "details saved: {:?}", w.app.screen());

    // A daughter: her surname and address as her mother's, a tap each.
    w.tap("Добавить ребёнка").await;
    w.tap("Фамилия как у заявителя").await;
    w.next().await;
    w.fields(&["Василиса", "Святославовна", "20.04.2016", "112-233-445 95"]).await;
    w.tap("Адрес как у заявителя").await;
    w.tap("Далее").await;
    assert!(matches!(w.app.screen(), Screen::Document { .. }), "{:?}", w.app.screen());
    w.fields(&["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"]).await;
    photo_to_certificate(&mut w, &smtp, &mut letters).await;
    let first = (w.taps, w.typed);

    // A son, in the same visit: the e-mail is known and confirmed already.
    w.tap("Сертификат для другого ребёнка").await;
    w.tap("Добавить ребёнка").await;
    w.tap("Фамилия как у заявителя").await;
    w.tap("Стереть").await;
    w.next().await;
    w.fields(&["Ярослав", "Святославович", "21.06.2013", "214-365-879 68"]).await;
    w.tap("Адрес как у заявителя").await;
    w.tap("Далее").await;
    w.fields(&["II-ЛО", "654321", "02.07.2013", "Отдел ЗАГС г. Примерного"]).await;
    photo_to_certificate(&mut w, &smtp, &mut letters).await;
    let second = (w.taps - first.0, w.typed - first.1);

    // Both children are in the registry under the one account.
    let Screen::Issued(issued) = w.app.screen() else { unreachable!() };
    assert!(issued.application().registry_record.is_some());
    (first, second)
}

fn report(orientation: &str, (first, second): ((usize, usize), (usize, usize))) {
    let overhead = |(taps, typed): (usize, usize)| taps as i64 - typed as i64;
    println!(
        "{orientation}: first application {} taps for {} characters (overhead {}); second child {} taps for {} \
         characters (overhead {})",
        first.0,
        first.1,
        overhead(first),
        second.0,
        second.1,
        overhead(second)
    );
    assert!(overhead(first) <= 60, "{orientation}: first application overhead {}", overhead(first));
    assert!(overhead(second) <= 25, "{orientation}: second child overhead {}", overhead(second));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_applies_by_taps_only_on_a_landscape_panel() {
    report("landscape 1920×1080", walk(SCREEN).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_applies_by_taps_only_on_a_portrait_panel() {
    report("portrait 1080×1920", walk(PORTRAIT).await);
}
