//! The online steps of an application as the kiosk takes them, for the invented demo parent and child.

use super::{Api, fake_jpeg};
use pdo_registry::demo::ACCOUNTS;
use serde_json::{Value, json};

/// How far the online steps go before the test takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Online {
    Applicant,
    Child,
    Document,
    Application,
}

/// The child every online helper adds (the offline payload of `support::offline` carries the same SNILS, document
/// series and number).
pub const SNILS: &str = "112-233-445 95";

/// Signs the demo parent in and takes the steps up to `upto`; returns the last thing created (the applicant, the
/// child, the document or the application).
pub async fn online_until(api: &mut Api, upto: Online) -> Value {
    api.sign_in(ACCOUNTS[0].login, ACCOUNTS[0].password).await;
    let applicant = json!({
        "last_name": "Зарубина", "first_name": "Алевтина", "patronymic": "Тимофеевна", "birth_date": "1988-03-14",
        "passport": {"kind": "passport", "series": "32 12", "number": "345678", "issued_on": "2008-04-01",
                     "issued_by": "Отделом УФМС по Примерной области", "division_code": "420-007"},
        "address": "г. Примерный, ул. Вымышленная, д. 7, кв. 3", "phone": "+7 (900) 765-43-21"
    });
    let (status, applicant) = api.send("PUT", "/api/v1/applicant", Some(applicant), None).await;
    assert_eq!(status, 200, "{applicant}");
    if upto == Online::Applicant {
        return applicant;
    }
    let child = json!({"last_name": "Зарубин", "first_name": "Тихон", "birth_date": "2016-09-02",
                       "snils": SNILS, "address": "г. Примерный, ул. Вымышленная, д. 7, кв. 3"});
    let (status, child) = api.send("POST", "/api/v1/children", Some(child), Some("child-1")).await;
    assert_eq!(status, 201, "{child}");
    if upto == Online::Child {
        return child;
    }
    let child_id = child["id"].as_str().unwrap();
    let document = json!({"kind": "birth_certificate", "series": "IV-ЛО", "number": "654321",
                          "issued_on": "2016-09-20", "issued_by": "Отдел ЗАГС г. Примерного"});
    let docs = format!("/api/v1/children/{child_id}/documents");
    let (status, document) = api.send("POST", &docs, Some(document), Some("doc-1")).await;
    assert_eq!(status, 201, "{document}");
    let scan = format!("{docs}/{}/scan", document["id"].as_str().unwrap());
    assert_eq!(api.upload(&scan, "image/jpeg", fake_jpeg(2048)).await, 204);
    if upto == Online::Document {
        return document;
    }
    let request = json!({"child_id": child_id, "email": "zarubina@example.invalid"});
    let (status, application) = api.send("POST", "/api/v1/applications", Some(request), Some("app-1")).await;
    assert_eq!(status, 201, "{application}");
    application
}
