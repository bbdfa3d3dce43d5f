//! The cabinet and «Данные заявителя» against the real registry: the app's own messages are fed the answers the
//! registry client gives (what the runtime does with the app's Tasks), and the screens are read in the simulator.

mod support;

use pdo_core::domain::Lang;
use pdo_kiosk::app::{Message, Screen};
use pdo_kiosk::config;
use pdo_kiosk::registry::RegistryClient;
use pdo_kiosk::screen::{applicant, cabinet};
use pdo_kiosk::widget::form;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::embedded::EmbeddedRegistry;
use support::*;

fn click(t: &mut TestApp, label: &str) {
    let mut ui = simulator(&t.app);
    ui.click(label).unwrap_or_else(|e| panic!("{label}: {e:?}"));
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = t.app.update(m);
    }
}

#[tokio::test]
async fn a_parent_fills_in_their_details_which_are_saved_and_prefilled_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let registry = EmbeddedRegistry::start(&dir.path().join("registry.sqlite3"), true).unwrap();
    let client = RegistryClient::new(config::registry_url(&registry.base_url()).unwrap());
    let mut t = app_at_sign_in(&registry.base_url(), None);
    let session = client.sign_in(ACCOUNTS[0].login.into(), ACCOUNTS[0].password.into(), Lang::Ru).await;
    let token = session.as_ref().unwrap().token.clone();
    submitted(&mut t);
    let _ = t.app.update(Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(session)));
    assert!(simulator(&t.app).find("Загружаем ваши заявления…").is_ok());
    let _ =
        t.app.update(Message::Cabinet(pdo_kiosk::screen::cabinet::Message::Loaded(client.applications(&token).await)));
    let mut ui = simulator(&t.app);
    for label in
        ["Услуги › Дополнительное образование", "Подать заявку на сертификат", "Заявлений пока нет.", "Шаг 2 из 10"]
    {
        assert!(ui.find(label).is_ok(), "{label} missing in the cabinet");
    }
    drop(ui);

    click(&mut t, "Подать заявку на сертификат");
    let _ = t
        .app
        .update(Message::Cabinet(pdo_kiosk::screen::cabinet::Message::ApplicantLoaded(client.applicant(&token).await)));
    assert!(matches!(t.app.screen(), Screen::Applicant { .. }));
    let mut ui = simulator(&t.app);
    assert!(ui.find("Данные заявителя").is_ok() && ui.find("Шаг 3 из 10").is_ok() && ui.find("1 из 3").is_ok());
    drop(ui);

    let values = [
        "Зарубина",
        "Алевтина",
        "",
        "14.03.1988",
        "32 12",
        "345678",
        "01.04.2008",
        "420007",
        "Отделом УФМС по Примерной области",
        "г. Примерный, ул. Вымышленная, д. 7",
        "8 900 765 43 21",
    ];
    for (index, value) in values.iter().enumerate() {
        let _ = t
            .app
            .update(Message::Applicant(applicant::Message::Form(form::Message::Changed(index, value.to_string()))));
    }
    // A mistake on page one is shown next to its field, and the value stays.
    let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Changed(3, "31.02.1988".into()))));
    let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Next)));
    let mut ui = simulator(&t.app);
    assert!(ui.find("31.02.1988").is_ok(), "the wrong date is still there to fix");
    assert!(ui.find("1 из 3").is_ok(), "held on the page with the mistake");
    assert!(
        ui.find("Такого дня нет в календаре. Проверьте число и месяц.").is_ok(),
        "a date written right but impossible is not answered with how to write a date"
    );
    drop(ui);
    let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Changed(3, "14.03.1988".into()))));
    for _ in 0..3 {
        let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Next)));
    }
    assert!(simulator(&t.app).find("3 из 3").is_ok());
    let Screen::Applicant { form, .. } = t.app.screen() else { panic!("left the form") };
    let saved = client.put_applicant(&token, &form.request()).await;
    assert!(saved.is_ok(), "{saved:?}");
    let _ = t.app.update(Message::Applicant(applicant::Message::Saved(saved)));
    assert!(matches!(t.app.screen(), Screen::Children(_)), "the child step follows");

    // Back from the child step, the form shows what the registry holds, in its normalised spelling.
    let _ = t.app.update(Message::Back);
    let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Next)));
    let mut ui = simulator(&t.app);
    assert!(ui.find("420-007").is_ok(), "the division code comes back as the registry stores it");
    drop(ui);

    // And the same from the registry on a fresh start from the cabinet.
    let _ = t.app.update(Message::Back);
    let _ = t.app.update(Message::Back);
    assert!(matches!(t.app.screen(), Screen::Cabinet(_)));
    let _ = t.app.update(Message::Cabinet(cabinet::Message::Apply));
    let _ = t
        .app
        .update(Message::Cabinet(pdo_kiosk::screen::cabinet::Message::ApplicantLoaded(client.applicant(&token).await)));
    let _ = t.app.update(Message::Applicant(applicant::Message::Form(form::Message::Next)));
    let mut ui = simulator(&t.app);
    assert!(ui.find("420-007").is_ok(), "the division code comes back as the registry stores it");
}

#[test]
fn back_from_the_first_page_of_the_form_returns_to_the_cabinet_without_signing_out() {
    let mut t = app();
    let account = pdo_core::api::Account {
        id: "a1".into(),
        kind: pdo_core::domain::AccountKind::Parent,
        full_name: "Тестова Мария".into(),
        login: "testova.m".into(),
    };
    let session = pdo_core::api::SessionResponse { token: "t".into(), expires_at: chrono::Utc::now(), account };
    submitted(&mut t);
    let _ = t.app.update(Message::SignIn(pdo_kiosk::screen::sign_in::Message::Finished(Ok(session))));
    let _ = t.app.update(Message::Cabinet(pdo_kiosk::screen::cabinet::Message::ApplicantLoaded(Ok(None))));
    click(&mut t, "‹ Назад");
    assert!(matches!(t.app.screen(), Screen::Cabinet(_)));
    assert!(t.app.is_signed_in());
}
