//! The contract's error body, with its message in the caller's language.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pdo_core::api::{ErrorBody, ErrorDetail, codes};
use pdo_core::domain::Lang;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub lang: Lang,
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, lang: Lang) -> Self {
        Self { status, code, lang, retry_after: None }
    }

    pub fn internal(lang: Lang, err: anyhow::Error) -> Self {
        // The error chain carries no request data, only what failed inside the service.
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, lang)
    }
}

/// The human text of each code, in Russian and English.
pub fn message(code: &str, lang: Lang) -> &'static str {
    let (ru, en) = match code {
        codes::INVALID_CREDENTIALS => ("Неверный логин или пароль.", "Wrong login or password."),
        codes::TOO_MANY_ATTEMPTS => (
            "Слишком много неудачных попыток входа. Попробуйте позже.",
            "Too many failed sign-in attempts. Please try again later.",
        ),
        codes::UNAUTHORIZED => ("Нужно войти заново.", "Please sign in again."),
        codes::BAD_REQUEST => ("Запрос составлен неверно.", "The request is malformed."),
        codes::NOT_FOUND => ("Не найдено.", "Not found."),
        "payload_too_large" => ("Слишком большой запрос.", "The request is too large."),
        _ => ("Внутренняя ошибка сервиса. Попробуйте позже.", "Internal service error. Please try again later."),
    };
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: message(self.code, self.lang).to_string(),
                fields: Default::default(),
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
