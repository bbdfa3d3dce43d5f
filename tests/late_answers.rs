//! Answers that arrive after their session ended. A parent walks away while the kiosk is still sending their child;
//! the kiosk wipes on inactivity and the next person signs in. Whatever the previous session asked for — sign-in,
//! details, child, document, scan, application, code, certificate, print, the offline queue — its answer is dropped
//! when it comes: it never shows the previous person's data and never moves the next person's screen.

mod support;

use iced::Task;
use iced::time::{Duration, Instant};
use pdo_core::api::{Account, SessionResponse};
use pdo_core::domain::AccountKind;
use pdo_kiosk::app::{App, Message, Screen};
use pdo_kiosk::screen::{application, cabinet, certificate, children, confirm, print, welcome};
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use pdo_registry::storage::Storage;
use support::*;

const NEXT_LOGIN: &str = "test.sleduyushchiy";
const NEXT_PASSWORD: &str = "invented-password-2";
const NEXT_PARENT: [&str; 11] = [
    "Кедрова",
    "Ульяна",
    "Марковна",
    "02.02.1990",
    "32 15",
    "112233",
    "15.03.2010",
    "420-011",
    "Отделом УФМС по Примерной области",
    "г. Примерный, ул. Условная, д. 4",
    "8 900 111-22-33",
];
const PREVIOUS_CHILD: [&str; 6] =
    ["Зарубин", "Ярослав", "Святославович", "20.04.2016", "112-233-445 95", "г. Примерный, ул. Вымышленная, д. 7"];
const NEXT_CHILD: [&str; 6] =
    ["Кедров", "Тимур", "Маркович", "11.11.2015", "123-456-789 64", "г. Примерный, ул. Условная, д. 4"];

/// Clicks `label` and starts what follows without letting it finish: the request is in flight.
fn click_and_hold(app: &mut App, label: &str) -> Task<Message> {
    let messages: Vec<Message> = {
        let mut ui = simulator(app);
        ui.click(label).unwrap_or_else(|e| panic!("no {label:?}: {e:?}"));
        ui.into_messages().collect()
    };
    Task::batch(messages.into_iter().map(|m| app.update(m)).collect::<Vec<_>>())
}

/// An answer produced for the first session of the app (lifetime 0) arriving now.
async fn late(app: &mut App, produced: Message) {
    send(app, Message::Of(0, Box::new(produced))).await;
}

/// From the cabinet to the child's form with the child typed, on its last page.
async fn up_to_the_child(app: &mut App, parent: &[&str], child: &[&str]) {
    press(app, "Подать заявку на сертификат").await;
    fill(app, applicant_field, parent).await;
    for label in ["Далее", "Далее", "Сохранить", "Добавить ребёнка"] {
        press(app, label).await;
    }
    fill(app, child_field, child).await;
    press(app, "Далее").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_for_the_person_before_never_reach_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite3");
    let registry = EmbeddedRegistry::start(&db, true).unwrap();
    Storage::open(&db)
        .unwrap()
        .create_account(NEXT_LOGIN, NEXT_PASSWORD, AccountKind::Parent, "Кедрова Ульяна Марковна")
        .unwrap();
    let mut t = app_at_sign_in(&registry.base_url(), None);
    let app = &mut t.app;

    // The first parent sends their child and walks away before the answer is in.
    sign_in_with(app, ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    up_to_the_child(app, &PARENT, &PREVIOUS_CHILD).await;
    let previous_child = click_and_hold(app, "Далее");
    send(app, Message::Tick(Instant::now() + Duration::from_secs(3600))).await;
    assert!(matches!(app.screen(), Screen::Welcome(_)) && !app.is_signed_in(), "wiped on inactivity");

    // The next parent signs in.
    send(app, Message::Welcome(welcome::Message::Start)).await;
    sign_in_with(app, NEXT_LOGIN, NEXT_PASSWORD).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)));

    // The previous person's list, an opened application and a sign-in land on the next person's cabinet.
    let previous = pdo_kiosk::print::demo::parent();
    let shows_previous = |app: &App| {
        [previous.child.first_name.as_str(), previous.number.as_str(), "Ярослав"].iter().any(|text| shows(app, text))
    };
    late(app, Message::Cabinet(cabinet::Message::Loaded(Ok(vec![previous.clone()])))).await;
    late(app, Message::Application(application::Message::Opened(Ok(previous.clone())))).await;
    let account = Account {
        id: "previous".into(),
        kind: AccountKind::Parent,
        full_name: previous.applicant.last_name.clone(),
        login: ACCOUNTS[0].login.into(),
    };
    let session = SessionResponse { token: "previous-token".into(), expires_at: chrono::Utc::now(), account };
    late(app, Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(Ok(session)))).await;
    assert!(matches!(app.screen(), Screen::Cabinet(_)), "{:?}", app.screen());
    assert!(shows(app, "Заявлений пока нет."), "the next person's own (empty) list");
    assert!(!shows_previous(app));

    // The next parent's child is on its way when the previous one's answers come in.
    up_to_the_child(app, &NEXT_PARENT, &NEXT_CHILD).await;
    let next_child = click_and_hold(app, "Далее");
    settle(app, previous_child).await;
    let document = previous.document.clone().unwrap();
    for produced in [
        Message::ChildForm(pdo_kiosk::screen::child_form::Message::Created(Ok(previous.child.clone()))),
        Message::Children(children::Message::Loaded(Ok(vec![previous.child.clone()]))),
        Message::Cabinet(cabinet::Message::ApplicantLoaded(Ok(Some(previous.applicant.clone())))),
        Message::Applicant(pdo_kiosk::screen::applicant::Message::Saved(Ok(previous.applicant.clone()))),
        Message::Document(pdo_kiosk::screen::document::Message::Saved(Ok(document))),
        Message::Capture(pdo_kiosk::screen::capture::Message::Taken(scan())),
        Message::Capture(pdo_kiosk::screen::capture::Message::Uploaded(Ok(()))),
        Message::Application(application::Message::Created(Ok(previous.clone()))),
        Message::Confirm(confirm::Message::Confirmed(Ok(previous.clone()))),
        Message::Confirm(confirm::Message::Polled(Ok(previous.clone()))),
        Message::Certificate(certificate::Message::Issued(Ok(previous.clone()))),
        Message::Print(print::Message::Printed(true)),
        Message::Print(print::Message::PrinterChecked(print::Printer::Unreachable)),
    ] {
        let kind = format!("{produced:?}").chars().take(40).collect::<String>();
        late(app, produced).await;
        assert!(matches!(app.screen(), Screen::ChildForm { .. }), "{kind} moved the screen: {:?}", app.screen());
        assert!(!shows_previous(app), "{kind} showed the previous person's data");
    }

    // The next parent's own answer still lands.
    settle(app, next_child).await;
    assert!(matches!(app.screen(), Screen::Document { .. }), "{:?}", app.screen());
    assert!(shows(app, "Документ ребёнка: Кедров Тимур Маркович"), "the next person's child");
}
