//! Invented data and small steps the applicant-flow tests share (every name and number is made up).

use super::{press, send};
use pdo_kiosk::app::{App, Message};
use pdo_kiosk::screen::{capture, child_form, document, sign_in};
use pdo_kiosk::widget::form;

/// «Данные заявителя» of the invented parent, in the form's field order.
pub const PARENT: [&str; 11] = [
    "Зарубина",
    "Алевтина",
    "Тимофеевна",
    "14.03.1988",
    "32 12",
    "345678",
    "01.04.2008",
    "420-007",
    "Отделом УФМС по Примерной области",
    "г. Примерный, ул. Вымышленная, д. 7",
    "8 900 765-43-21",
];

/// Types `values` into the fields of a form, in order.
pub async fn fill(app: &mut App, to: fn(usize, String) -> Message, values: &[&str]) {
    for (index, value) in values.iter().enumerate() {
        send(app, to(index, (*value).into())).await;
    }
}

pub fn applicant_field(index: usize, value: String) -> Message {
    Message::Applicant(pdo_kiosk::screen::applicant::Message::Form(form::Message::Changed(index, value)))
}

pub fn child_field(index: usize, value: String) -> Message {
    Message::ChildForm(child_form::Message::Form(form::Message::Changed(index, value)))
}

pub fn document_field(index: usize, value: String) -> Message {
    Message::Document(document::Message::Form(form::Message::Changed(index, value)))
}

/// Login and password typed, «Войти» pressed, and whatever follows settled.
pub async fn sign_in_with(app: &mut App, login: &str, password: &str) {
    send(app, Message::SignIn(sign_in::Message::LoginChanged(login.into()))).await;
    send(app, Message::SignIn(sign_in::Message::PasswordChanged(password.into()))).await;
    press(app, "Войти").await;
}

/// The bytes of a JPEG as the camera pipeline hands it over (the registry checks the magic number).
pub fn scan() -> capture::Scan {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    jpeg.resize(4096, 0x55);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    capture::Scan {
        jpeg: zeroize::Zeroizing::new(jpeg),
        preview: iced::widget::image::Handle::from_rgba(2, 2, vec![200; 16]),
    }
}

/// No file of the kiosk's data dir (the SQLite file and its WAL included) holds any of `secrets` as bytes.
pub fn assert_nothing_on_disk(dir: &std::path::Path, secrets: &[&str]) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        for secret in secrets {
            let needle = secret.as_bytes();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{secret} found in {:?}", entry.path());
        }
    }
}
