//! The online/offline seam at the kiosk: the registry goes away at each point of an application (up to «Получение
//! сертификата» with the e-mail confirmed), the person finishes it the offline way, then the registry comes back
//! and the kiosk's queue is drained into it. At every
//! point the registry ends with one child and one application for the parent, one claim letter and no rejection;
//! the claim page issues the certificate; nothing typed is left in the kiosk's data dir. Letters go to a real SMTP
//! server on loopback, the queue drains through the real sync worker over HTTP.

mod support;

use pdo_core::letters::{CLAIM_SUBJECT, REJECTED_SUBJECT};
use pdo_kiosk::app::{App, Message, Screen};
use pdo_kiosk::registry::{KioskCredentials, RegistryClient};
use pdo_kiosk::screen::{application, confirm};
use pdo_kiosk::sync::{SyncSettings, SyncWorker};
use pdo_registry::demo::{ACCOUNTS, KIOSK_ID, KIOSK_SECRET};
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::mail::MailSink;
use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

/// Where the registry link drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DropAt {
    BeforeSignIn,
    AfterApplicantDetails,
    AfterChild,
    AfterDocumentAndScan,
    AfterApplicationCreated,
    DuringEmailStep,
    /// The e-mail confirmed online, on «Получение сертификата».
    AfterEmailConfirmed,
}

const CHILD: [&str; 6] =
    ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, ул. Вымышленная, д. 7"];
const DOCUMENT: [&str; 4] = ["IV-ЛО", "123456", "05.05.2016", "Отдел ЗАГС г. Примерного"];
const EMAIL: &str = "roditel.seam@mail.ru";
const WAIT: Duration = Duration::from_secs(20);

struct Office {
    t: TestApp,
    smtp: SmtpSink,
    registry: Option<EmbeddedRegistry>,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Office {
    /// A kiosk that has been online (its config and the reference data kept), on the sign-in screen.
    async fn open() -> Office {
        let smtp = SmtpSink::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite3");
        let registry = start_registry(&db, &smtp);
        let mut t = app_at_sign_in(&registry.base_url(), None);
        let client = kiosk_client(&registry);
        t.store.save_kiosk_config(&client.kiosk_config().await.unwrap()).await.unwrap();
        let startup = t.app.startup_tasks();
        settle(&mut t.app, startup).await;
        Office { t, smtp, registry: Some(registry), db, _dir: dir }
    }

    fn link_drops(&mut self) {
        drop(self.registry.take());
    }

    /// The registry is back (on another port): the queue drains into it.
    async fn registry_returns_and_the_queue_drains(&mut self) -> EmbeddedRegistry {
        let registry = start_registry(&self.db, &self.smtp);
        let worker = SyncWorker::new(self.t.store.clone(), kiosk_client(&registry), SyncSettings::default());
        let pass = worker.drain_until_empty(Instant::now() + WAIT).await.unwrap();
        assert_eq!(self.t.store.queue_status().await.unwrap().count, 0, "the queue drained: {pass:?}");
        registry
    }
}

fn start_registry(db: &std::path::Path, smtp: &SmtpSink) -> EmbeddedRegistry {
    EmbeddedRegistry::start_with(db, true, MailSink::Smtp { host: "127.0.0.1".into(), port: smtp.port }).unwrap()
}

fn kiosk_client(registry: &EmbeddedRegistry) -> RegistryClient {
    let kiosk = KioskCredentials { id: KIOSK_ID.into(), secret: KIOSK_SECRET.into() };
    RegistryClient::new(pdo_kiosk::config::registry_url(&registry.base_url()).unwrap()).with_kiosk(Some(kiosk))
}

/// Presses `label` while the registry is away: the screen keeps what was typed and offers the offline way, which
/// is taken; the banner says so on the step that follows.
async fn fails_and_goes_offline(app: &mut App, label: &str) {
    press(app, label).await;
    assert!(
        shows(app, "Связь с реестром пропала. Всё введённое сохранено; заявление можно закончить без связи."),
        "after {label}: {:?}",
        app.screen()
    );
    press(app, "Продолжить без связи").await;
    assert!(shows(app, "Нет связи с реестром — заявление сохранится на терминале и отправится само."));
    for stale in [
        "Нет связи с сервером. Попробуйте ещё раз через минуту или обратитесь к сотруднику.",
        "Нет связи с сервером. Всё введённое сохранено на экране — попробуйте ещё раз через минуту или обратитесь к \
         сотруднику.",
    ] {
        assert!(!shows(app, stale), "the failed online attempt's message stays after {label}");
    }
}

async fn child(app: &mut App) {
    fill(app, child_field, &CHILD).await;
    press(app, "Далее").await;
}

async fn document(app: &mut App) {
    fill(app, document_field, &DOCUMENT).await;
    press(app, "Далее").await;
}

/// Walks the application, dropping the link at `at` and finishing offline; returns the number on the forms.
async fn apply(office: &mut Office, at: DropAt) -> String {
    if at == DropAt::BeforeSignIn {
        office.link_drops();
    }
    let app = &mut office.t.app;
    sign_in_with(app, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    if at == DropAt::BeforeSignIn {
        press(app, "Подать заявление без связи").await;
        assert!(shows(app, "Нет связи с реестром — заявление сохранится на терминале и отправится само."));
        fill(app, applicant_field, &PARENT).await;
        for label in ["Далее", "Далее", "Сохранить"] {
            press(app, label).await;
        }
        child(app).await;
        press(app, "Далее").await;
    } else {
        press(app, "Подать заявку на сертификат").await;
        fill(app, applicant_field, &PARENT).await;
        for label in ["Далее", "Далее", "Сохранить", "Добавить ребёнка"] {
            press(app, label).await;
        }
        if at == DropAt::AfterApplicantDetails {
            office.link_drops();
            let app = &mut office.t.app;
            child(app).await;
            fails_and_goes_offline(app, "Далее").await;
            press(app, "Далее").await;
        } else {
            child(app).await;
            press(app, "Далее").await;
        }
    }
    assert!(matches!(office.t.app.screen(), Screen::Document { .. }), "{:?}", office.t.app.screen());
    if at == DropAt::AfterChild {
        office.link_drops();
        let app = &mut office.t.app;
        document(app).await;
        fails_and_goes_offline(app, "Далее").await;
        press(app, "Далее").await;
    } else {
        let app = &mut office.t.app;
        document(app).await;
        press(app, "Далее").await;
    }
    let app = &mut office.t.app;
    send(app, Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan()))).await;
    press(app, "Подходит").await;
    assert!(matches!(app.screen(), Screen::Application(_)), "{:?}", app.screen());
    send(app, Message::Application(application::Message::Changed(EMAIL.into()))).await;
    press(app, "Готово").await;
    if at == DropAt::AfterDocumentAndScan {
        office.link_drops();
        fails_and_goes_offline(&mut office.t.app, "Отправить заявку").await;
    }
    if at >= DropAt::AfterApplicationCreated {
        press(&mut office.t.app, "Отправить заявку").await;
        assert!(matches!(office.t.app.screen(), Screen::Confirm(_)), "{:?}", office.t.app.screen());
        if at == DropAt::AfterEmailConfirmed {
            let (_, letter, _) = office.smtp.first_with_subject(pdo_core::letters::CONFIRMATION_SUBJECT, WAIT).await;
            let after = letter.split("код подтверждения:").nth(1).expect("a code in the letter");
            let code: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
            send(&mut office.t.app, Message::Confirm(confirm::Message::Code(code))).await;
            press(&mut office.t.app, "Подтвердить").await;
            assert!(matches!(office.t.app.screen(), Screen::Certificate(_)), "{:?}", office.t.app.screen());
            office.link_drops();
            fails_and_goes_offline(&mut office.t.app, "Получить сертификат").await;
            return forms_number(office).await;
        }
        if at == DropAt::DuringEmailStep {
            // A wrong code first, answered by the registry; then the link drops.
            send(&mut office.t.app, Message::Confirm(confirm::Message::Code("000000".into()))).await;
            press(&mut office.t.app, "Подтвердить").await;
            assert!(matches!(office.t.app.screen(), Screen::Confirm(_)));
        }
        office.link_drops();
        send(&mut office.t.app, Message::Confirm(confirm::Message::Code("123456".into()))).await;
        fails_and_goes_offline(&mut office.t.app, "Подтвердить").await;
        let app = &office.t.app;
        assert!(
            shows(
                app,
                "На этот адрес придёт письмо со ссылкой: откройте её и войдите в личный кабинет — сертификат выдадут сразу."
            ),
            "no code is promised on the offline way"
        );
    }
    let app = &mut office.t.app;
    press(app, "Отправить заявку").await;
    assert!(shows(app, "Дети в возрасте от 5 до 18 лет"), "{:?}", app.screen());
    forms_number(office).await
}

/// «Получить сертификат» on the offline way: the forms screen with the number from the kiosk's block, one row queued.
async fn forms_number(office: &mut Office) -> String {
    let app = &mut office.t.app;
    press(app, "Получить сертификат").await;
    let Screen::Print(forms) = app.screen() else { panic!("the forms screen: {:?}", app.screen()) };
    let number = forms.number().to_owned();
    assert_eq!(office.t.store.queue_status().await.unwrap().count, 1, "one sealed application waits");
    number
}

/// Signs the parent in on the claim page of the letter; returns the page.
async fn claim(link: &str) -> String {
    let http = reqwest::Client::new();
    let page = http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200, "the claim page opens");
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("csrf", csrf.as_str()), ("login", ACCOUNTS[0].login), ("password", ACCOUNTS[0].password)];
    let done = http.post(link).header("Cookie", cookie).form(&form).send().await.unwrap();
    assert_eq!(done.status(), 200);
    done.text().await.unwrap()
}

/// What the parent's account holds, read over the registry's API.
async fn account_holds(registry: &EmbeddedRegistry) -> (Value, Value) {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", registry.base_url());
    let session: Value = http
        .post(url("/api/v1/sessions"))
        .json(&serde_json::json!({"login": ACCOUNTS[0].login, "password": ACCOUNTS[0].password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let get = |path: &'static str| {
        let request = http.get(url(path)).bearer_auth(&token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    (get("/api/v1/children").await, get("/api/v1/applications").await)
}

async fn drop_at(at: DropAt) {
    let mut office = Office::open().await;
    let printed = apply(&mut office, at).await;
    // Leaving the kiosk wipes the session; what was typed is sealed in the queue only.
    send(&mut office.t.app, Message::Back).await;
    let registry = office.registry_returns_and_the_queue_drains().await;

    // An application created online before the drop has its confirmation letter too (sent before the drop, after
    // it, or both when the registry stopped in the middle of sending: mail is at least once); besides it, exactly
    // one letter: the claim.
    let claim_letter = office.smtp.first_with_subject(CLAIM_SUBJECT, WAIT).await;
    let (_, body, to) = claim_letter;
    assert_eq!(to, EMAIL);
    assert!(body.contains(&printed), "the letter names the number on the forms");
    let link = body.split_whitespace().find(|w| w.contains("/claim/")).unwrap().to_string();
    let page = claim(&link).await;
    assert!(page.contains("Сертификат выдан"), "{at:?}: {page}");

    let (children, applications) = account_holds(&registry).await;
    let children: Vec<&Value> =
        children.as_array().unwrap().iter().filter(|c| c["snils"] == "112-233-445 95").collect();
    assert_eq!(children.len(), 1, "{at:?}: one child");
    let applications = applications.as_array().unwrap();
    assert_eq!(applications.len(), 1, "{at:?}: one application: {applications:?}");
    assert_eq!(applications[0]["status"], "certificate_issued", "{at:?}");
    assert_eq!(applications[0]["child"]["id"], children[0]["id"]);

    office.smtp.first_with_subject(pdo_core::letters::CERTIFICATE_SUBJECT, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let letters = office.smtp.letters(office.smtp.count(), WAIT).await;
    let count = |wanted: &str| letters.iter().filter(|(subject, _, _)| subject == wanted).count();
    assert_eq!(count(CLAIM_SUBJECT), 1, "{at:?}: one claim letter");
    assert_eq!(count(pdo_core::letters::CERTIFICATE_SUBJECT), 1, "{at:?}: one certificate letter");
    assert_eq!(count(REJECTED_SUBJECT), 0, "{at:?}: no rejection");
    let confirmations = count(pdo_core::letters::CONFIRMATION_SUBJECT);
    assert_eq!(letters.len(), 2 + confirmations, "{at:?}: no other letter");
    assert_eq!(confirmations > 0, at >= DropAt::AfterApplicationCreated, "{at:?}: a confirmation letter only online");
    assert_nothing_on_disk(&office.t.dir, &["Зарубин", "Алевтина", "112-233-445 95", "345678", EMAIL]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_before_sign_in() {
    drop_at(DropAt::BeforeSignIn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_after_the_applicant_details() {
    drop_at(DropAt::AfterApplicantDetails).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_after_the_child() {
    drop_at(DropAt::AfterChild).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_after_the_document_and_scan() {
    drop_at(DropAt::AfterDocumentAndScan).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_after_the_application_was_created() {
    drop_at(DropAt::AfterApplicationCreated).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_during_the_email_step() {
    drop_at(DropAt::DuringEmailStep).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_drops_after_the_email_was_confirmed() {
    drop_at(DropAt::AfterEmailConfirmed).await;
}
