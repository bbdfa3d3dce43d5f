//! Offline submissions as a kiosk sends them: a registered kiosk, an invented payload, sealing and sending.

use super::{Api, fake_jpeg};
use base64::Engine;
use chrono::Utc;
use pdo_core::api::{ApplicantRequest, ChildRequest, DocumentRequest, KioskConfig, KioskInfo, OfflinePayload};
use pdo_core::domain::DocumentKind;
use pdo_core::sealed;
use pdo_registry::demo::ACCOUNTS;
use pdo_registry::storage::Storage;
use serde_json::Value;

pub const KIOSK_ID: &str = "offline-kiosk-1";
pub const SECRET: &str = "secretoftheinventedofflinekiosk1";

pub fn add_kiosk(api: &Api) {
    let storage = Storage::open(&api.db).unwrap();
    let info = KioskInfo {
        id: KIOSK_ID.into(),
        name: "Терминал в библиотеке (демо)".into(),
        address: "г. Примерный, ул. Книжная, д. 2".into(),
        municipality: "demo-02".into(),
    };
    storage.add_kiosk(&info, &pdo_registry::accounts::hash_password(SECRET), Utc::now()).unwrap();
}

pub fn payload(number: &str, submission_id: &str, snils: &str) -> OfflinePayload {
    OfflinePayload {
        kiosk_id: KIOSK_ID.into(),
        submission_id: submission_id.into(),
        application_number: number.into(),
        captured_at: Utc::now(),
        login: Some(ACCOUNTS[0].login.into()),
        applicant: ApplicantRequest {
            last_name: "Зарубина".into(),
            first_name: "Алевтина".into(),
            patronymic: Some("Тимофеевна".into()),
            birth_date: "1988-03-14".into(),
            passport: DocumentRequest {
                kind: DocumentKind::Passport,
                series: "3212".into(),
                number: "345678".into(),
                issued_on: "2008-04-01".into(),
                issued_by: "Отделом УФМС по Примерной области".into(),
                division_code: Some("420-007".into()),
            },
            address: "г. Примерный, ул. Вымышленная, д. 7".into(),
            phone: "+79007654321".into(),
        },
        child: ChildRequest {
            last_name: "Зарубин".into(),
            first_name: "Тихон".into(),
            patronymic: None,
            birth_date: "2016-09-02".into(),
            snils: snils.into(),
            address: "г. Примерный, ул. Вымышленная, д. 7".into(),
        },
        document: DocumentRequest {
            kind: DocumentKind::BirthCertificate,
            series: "IV-ЛО".into(),
            number: "654321".into(),
            issued_on: "2016-09-20".into(),
            issued_by: "Отдел ЗАГС г. Примерного".into(),
            division_code: None,
        },
        scan_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(fake_jpeg(200 * 1024)),
        email: "offline.parent@example.org".into(),
        group_id: "5-18".into(),
    }
}

impl Api {
    pub async fn kiosk_get(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .header("Authorization", format!("Kiosk {KIOSK_ID}:{SECRET}"))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn submit(
        &self,
        submission_id: &str,
        key_id: &str,
        sealed: Vec<u8>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let response = self
            .http
            .post(self.url("/api/v1/kiosk/submissions"))
            .header("Authorization", format!("Kiosk {KIOSK_ID}:{SECRET}"))
            .header("Idempotency-Key", submission_id)
            .header("Sealed-Key-Id", key_id)
            .header("Content-Type", "application/octet-stream")
            .body(sealed)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.json().await.unwrap_or(Value::Null))
    }
}

pub fn seal(config: &KioskConfig, payload: &OfflinePayload) -> Vec<u8> {
    sealed::seal(&config.public_keys[0].public_key, &serde_json::to_vec(payload).unwrap()).unwrap()
}

/// Signs in on the claim page from the letter; returns the page's status and text.
pub async fn claim(api: &Api, link: &str, login: &str, password: &str) -> (u16, String) {
    let page = api.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200, "the claim page opens");
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let html = page.text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("csrf", csrf.as_str()), ("login", login), ("password", password)];
    let done = api.http.post(link).header("Cookie", cookie).form(&form).send().await.unwrap();
    let status = done.status().as_u16();
    (status, done.text().await.unwrap())
}

pub fn link_in(body: &str, path: &str) -> String {
    body.split_whitespace().find(|w| w.contains(path)).expect("a link in the letter").to_string()
}
