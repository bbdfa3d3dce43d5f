//! The contract's error body, with its message in the caller's language. Every code the service can answer with is
//! in `CATALOGUE`, so the OpenAPI document lists them all.

use crate::storage::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pdo_core::api::{ErrorBody, ErrorDetail};
use pdo_core::domain::Lang;
use pdo_core::validation::FieldErrors;

/// (code, status, Russian message, English message)
pub const CATALOGUE: &[(&str, u16, &str, &str)] = &[
    ("bad_request", 400, "Запрос составлен неверно.", "The request is malformed."),
    ("idempotency_key_required", 400, "Нужен заголовок Idempotency-Key.", "The Idempotency-Key header is required."),
    (
        "authorization_pending",
        400,
        "Вход ещё не подтверждён на телефоне.",
        "The sign-in has not been approved on the phone yet.",
    ),
    ("slow_down", 400, "Слишком частые запросы: опрашивайте реже.", "Polling too often: wait longer between requests."),
    (
        "expired_token",
        400,
        "Код входа устарел. Начните вход заново.",
        "The sign-in code has expired. Please start again.",
    ),
    ("access_denied", 400, "Вход отклонён на телефоне.", "The sign-in was declined on the phone."),
    ("unauthorized", 401, "Нужно войти заново.", "Please sign in again."),
    ("invalid_credentials", 401, "Неверный логин или пароль.", "Wrong login or password."),
    ("not_found", 404, "Не найдено.", "Not found."),
    ("applicant_not_set", 404, "Данные заявителя ещё не заполнены.", "The applicant's details are not filled in yet."),
    ("child_not_found", 404, "Ребёнок не найден.", "Child not found."),
    ("document_not_found", 404, "Документ не найден.", "Document not found."),
    ("application_not_found", 404, "Заявление не найдено.", "Application not found."),
    ("submission_not_found", 404, "Такая отправка не найдена.", "No such submission."),
    ("group_not_found", 404, "Группа сертификата не найдена.", "Certificate group not found."),
    ("request_in_flight", 409, "Такой же запрос ещё выполняется.", "The same request is still being processed."),
    (
        "child_already_registered",
        409,
        "Этот ребёнок (СНИЛС) уже зарегистрирован в другом личном кабинете.",
        "This child (SNILS) is already registered under another account.",
    ),
    ("child_exists", 409, "Этот ребёнок уже есть в вашем кабинете.", "This child is already in your account."),
    (
        "application_exists",
        409,
        "На этого ребёнка уже есть заявление или сертификат.",
        "This child already has an application or a certificate.",
    ),
    (
        "email_not_confirmed",
        409,
        "Сначала подтвердите адрес электронной почты.",
        "Please confirm the e-mail address first.",
    ),
    (
        "certificate_already_issued",
        409,
        "Сертификат по этому заявлению уже выдан.",
        "The certificate for this application has already been issued.",
    ),
    ("login_taken", 409, "Такой логин уже занят.", "This login is taken."),
    ("payload_too_large", 413, "Слишком большой запрос.", "The request is too large."),
    (
        "unsupported_media_type",
        415,
        "Файл должен быть изображением JPEG или документом PDF.",
        "The file must be a JPEG image or a PDF document.",
    ),
    ("validation", 422, "Проверьте выделенные поля.", "Please check the marked fields."),
    (
        "unsealable",
        422,
        "Запечатанный пакет не открывается ключами реестра.",
        "The sealed box cannot be opened with the registry's keys.",
    ),
    (
        "idempotency_key_reuse",
        422,
        "Этот Idempotency-Key уже использован с другим запросом.",
        "This Idempotency-Key was used with a different request.",
    ),
    ("applicant_required", 422, "Сначала заполните данные заявителя.", "Please fill in the applicant's details first."),
    ("scan_required", 422, "Нужен документ ребёнка со снимком.", "A child's document with a scan is required."),
    (
        "invalid_code",
        422,
        "Код не подошёл. Проверьте цифры в письме.",
        "The code did not match. Check the digits in the e-mail.",
    ),
    (
        "code_voided",
        422,
        "Код больше не действует. Запросите новое письмо.",
        "This code is no longer valid. Please request a new e-mail.",
    ),
    (
        "too_many_attempts",
        429,
        "Слишком много неудачных попыток входа. Попробуйте позже.",
        "Too many failed sign-in attempts. Please try again later.",
    ),
    ("too_many_requests", 429, "Слишком часто. Попробуйте позже.", "Too many requests. Please try again later."),
    (
        "busy",
        503,
        "Сервис перегружен. Повторите через секунду.",
        "The service is overloaded. Please retry in a second.",
    ),
    (
        "internal",
        500,
        "Внутренняя ошибка сервиса. Попробуйте позже.",
        "Internal service error. Please try again later.",
    ),
];

pub fn message(code: &str, lang: Lang) -> &'static str {
    let entry = CATALOGUE.iter().find(|(c, ..)| *c == code).unwrap_or(&CATALOGUE[CATALOGUE.len() - 1]);
    match lang {
        Lang::Ru => entry.2,
        Lang::En => entry.3,
    }
}

fn status_of(code: &str) -> StatusCode {
    let status = CATALOGUE.iter().find(|(c, ..)| *c == code).map_or(500, |e| e.1);
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub lang: Lang,
    pub retry_after: Option<i64>,
    pub fields: FieldErrors,
    /// The id of the thing a conflict is about (`application_exists`, `child_exists`).
    pub id: Option<String>,
}

impl ApiError {
    /// An error whose status is the catalogue's for `code`.
    pub fn code(code: &'static str, lang: Lang) -> Self {
        Self { status: status_of(code), code, lang, retry_after: None, fields: FieldErrors::new(), id: None }
    }

    pub fn new(status: StatusCode, code: &'static str, lang: Lang) -> Self {
        Self { status, ..Self::code(code, lang) }
    }

    /// `503 busy`: the password checks are saturated; `Retry-After` says when to come back.
    pub fn busy(lang: Lang) -> Self {
        Self { retry_after: Some(crate::hashing::BUSY_RETRY_AFTER), ..Self::code("busy", lang) }
    }

    pub fn validation(fields: FieldErrors, lang: Lang) -> Self {
        Self { fields, ..Self::code("validation", lang) }
    }

    pub fn internal(lang: Lang, err: anyhow::Error) -> Self {
        // The error chain carries no request data, only what failed inside the service.
        tracing::error!(error = %err, "internal error");
        Self::code("internal", lang)
    }

    pub fn from_store(err: StoreError, lang: Lang) -> Self {
        match err {
            StoreError::NotFound(code) => Self::code(code, lang),
            StoreError::Conflict { code, id } => Self { id, ..Self::code(code, lang) },
            StoreError::KeyReuse => Self::code("idempotency_key_reuse", lang),
            StoreError::Internal(err) => Self::internal(lang, err),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let fields = pdo_core::validation::field_bodies(&self.fields, self.lang);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: message(self.code, self.lang).to_string(),
                fields,
                id: self.id,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_both_languages_and_a_real_status() {
        for (code, status, ru, en) in CATALOGUE {
            assert!(!ru.is_empty() && !en.is_empty(), "{code}");
            assert!(StatusCode::from_u16(*status).is_ok(), "{code}");
        }
        let mut codes: Vec<_> = CATALOGUE.iter().map(|e| e.0).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len(), "a code is listed twice");
    }
}
