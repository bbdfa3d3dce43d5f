//! Applications, the e-mail step and certificates.

use super::error::ApiError;
use super::extract::{Caller, CallerLang, IdempotentJson, InFlight, StrictJson};
use super::stored_response;
use crate::Registry;
use crate::mail::{self, certificate_mail, confirmation_mail};
use crate::storage::NewApplication;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use pdo_core::api::{Application, ApplicationRequest, CertificateRequest, EmailChangeRequest, EmailCodeRequest};
use pdo_core::validation::validate_email;

fn too_many(wait: i64, lang: pdo_core::domain::Lang) -> ApiError {
    ApiError { retry_after: Some(wait), ..ApiError::code("too_many_requests", lang) }
}

pub async fn create(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    request: IdempotentJson<ApplicationRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang)?;
    let email = validate_email(&request.value.email).map_err(|f| ApiError::validation(f, lang))?;
    let child_id = request.value.child_id.clone();
    let municipality = request.value.municipality.clone();
    let public_url = registry.public_url.clone();
    let stored = registry
        .store(move |s| {
            let secrets = mail::new_secrets();
            let new = NewApplication {
                account: &caller.0,
                child_id: &child_id,
                email: &email,
                municipality: municipality.as_deref(),
            };
            s.create_application(&new, &secrets, &|app| confirmation_mail(app, &public_url, &secrets), &idem, now)
        })
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    if !stored.replayed {
        registry.mail_wakeup.notify_one();
        tracing::info!("application created");
    }
    Ok(stored_response(stored))
}

pub async fn list(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
) -> Result<Json<Vec<Application>>, ApiError> {
    let id = caller.0.id;
    Ok(Json(registry.store(move |s| s.applications(&id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

pub async fn get(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Application>, ApiError> {
    let account = caller.0.id;
    Ok(Json(registry.store(move |s| s.application(&account, &id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

pub async fn confirm_code(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
    StrictJson(request): StrictJson<EmailCodeRequest>,
) -> Result<Json<Application>, ApiError> {
    let now = registry.clock.now();
    let account = caller.0.id;
    let outcome = registry
        .store(move |s| s.confirm_by_code(&account, &id, &request.code, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    outcome.map(Json).map_err(|code| ApiError::code(code, lang))
}

pub async fn resend(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = registry.clock.now();
    let account = caller.0.id;
    let public_url = registry.public_url.clone();
    registry
        .store(move |s| {
            let secrets = mail::new_secrets();
            s.resend_confirmation(&account, &id, &secrets, &|app| confirmation_mail(app, &public_url, &secrets), now)
        })
        .await
        .map_err(|e| ApiError::from_store(e, lang))?
        .map_err(|wait| too_many(wait, lang))?;
    registry.mail_wakeup.notify_one();
    Ok(StatusCode::ACCEPTED)
}

pub async fn change_email(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
    StrictJson(request): StrictJson<EmailChangeRequest>,
) -> Result<Json<Application>, ApiError> {
    let now = registry.clock.now();
    let email = validate_email(&request.email).map_err(|f| ApiError::validation(f, lang))?;
    let account = caller.0.id;
    let public_url = registry.public_url.clone();
    let updated = registry
        .store(move |s| {
            let secrets = mail::new_secrets();
            s.change_email(&account, &id, &email, &secrets, &|app| confirmation_mail(app, &public_url, &secrets), now)
        })
        .await
        .map_err(|e| ApiError::from_store(e, lang))?
        .map_err(|wait| too_many(wait, lang))?;
    registry.mail_wakeup.notify_one();
    Ok(Json(updated))
}

pub async fn issue_certificate(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
    request: IdempotentJson<CertificateRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang)?;
    let account = caller.0.id;
    let body = request.value;
    let stored = registry
        .store(move |s| s.issue_certificate(&account, &id, &body, &certificate_mail, &idem, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    if !stored.replayed {
        registry.mail_wakeup.notify_one();
        tracing::info!("certificate issued");
    }
    Ok(stored_response(stored))
}

/// `GET /confirm/{token}`: the link in the e-mail, opened on any phone or computer.
pub async fn confirm_link(State(registry): State<Registry>, Path(token): Path<String>) -> Response {
    let now = registry.clock.now();
    let outcome = registry.store(move |s| s.confirm_by_link(&token, now)).await;
    let (status, title, text) = match outcome {
        Ok(Some(number)) => (
            StatusCode::OK,
            "Адрес подтверждён",
            format!(
                "Спасибо! Адрес электронной почты подтверждён для заявления № {}. Вернитесь к терминалу или в личный \
                 кабинет и нажмите «Получить сертификат».",
                super::page::escape(&number)
            ),
        ),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "Ссылка не действует",
            "Эта ссылка устарела или уже была использована. Запросите новое письмо на терминале или в личном кабинете."
                .to_string(),
        ),
        Err(err) => {
            tracing::error!(error = %err, "confirmation link failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Ошибка",
                "Не получилось подтвердить адрес. Попробуйте позже.".to_string(),
            )
        }
    };
    super::page::render(status, title, &format!("<h1>{}</h1><p>{text}</p>", super::page::escape(title)), None)
}
