//! Applications, the e-mail step and certificates.

use super::error::ApiError;
use super::extract::{Caller, CallerLang, IdempotentJson, InFlight, StrictJson};
use super::openapi::{Idempotency, Language};
use super::stored_response;
use crate::Registry;
use crate::mail::{self, certificate_mail, confirmation_mail};
use crate::storage::NewApplication;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use pdo_core::api::{
    Application, ApplicationRequest, CertificateRequest, EmailChangeRequest, EmailCodeRequest, ErrorBody,
};
use pdo_core::validation::validate_email;

fn too_many(wait: i64, lang: pdo_core::domain::Lang) -> ApiError {
    ApiError { retry_after: Some(wait), ..ApiError::code("too_many_requests", lang) }
}

#[utoipa::path(
    post,
    path = "/api/v1/applications",
    operation_id = "create_application",
    tag = "applications",
    params(Idempotency, Language),
    security(("bearer" = [])),
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "Created with status `awaiting_email_confirmation`; the confirmation letter is \
                                      queued (or replayed)", body = Application,
            headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "`bad_request` | `idempotency_key_required`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`child_not_found`", body = ErrorBody),
        (status = 409, description = "`application_exists` (with its `id`) | `request_in_flight`", body = ErrorBody),
        (status = 422, description = "`validation` | `applicant_required` | `scan_required` | `idempotency_key_reuse`",
            body = ErrorBody),
    ),
)]
pub async fn create(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    request: IdempotentJson<ApplicationRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang).await?;
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

#[utoipa::path(
    get,
    path = "/api/v1/applications",
    operation_id = "list_applications",
    tag = "applications",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account's applications, each with its `next_action`", body = [Application]),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn list(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
) -> Result<Json<Vec<Application>>, ApiError> {
    let id = caller.0.id;
    Ok(Json(registry.store(move |s| s.applications(&id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    operation_id = "get_application",
    tag = "applications",
    params(("id" = String, Path, description = "The application's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", body = Application),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found`", body = ErrorBody),
    ),
)]
pub async fn get(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Application>, ApiError> {
    let account = caller.0.id;
    Ok(Json(registry.store(move |s| s.application(&account, &id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/email-confirmation",
    operation_id = "confirm_email_code",
    tag = "applications",
    params(("id" = String, Path, description = "The application's id"), Language),
    security(("bearer" = [])),
    request_body = EmailCodeRequest,
    responses(
        (status = 200, description = "The address is confirmed", body = Application),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_code` | `code_voided` (5 wrong codes, or expired)", body = ErrorBody),
    ),
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/email-confirmation/resend",
    operation_id = "resend_email_confirmation",
    tag = "applications",
    params(("id" = String, Path, description = "The application's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new letter with a new code and link is queued"),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found`", body = ErrorBody),
        (status = 429, description = "`too_many_requests` (once a minute, 5 times a day)",
            body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ),
)]
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

#[utoipa::path(
    put,
    path = "/api/v1/applications/{id}/email",
    tag = "applications",
    params(("id" = String, Path, description = "The application's id"), Language),
    security(("bearer" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 200, description = "The address is changed and a new code sent", body = Application),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found`", body = ErrorBody),
        (status = 409, description = "`certificate_already_issued`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody),
        (status = 429, description = "`too_many_requests`",
            body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ),
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/certificate",
    tag = "applications",
    params(("id" = String, Path, description = "The application's id"), Idempotency, Language),
    security(("bearer" = [])),
    request_body = CertificateRequest,
    responses(
        (status = 201, description = "Issued: status `certificate_issued`, a `registry_record` and `institutions` \
                                      (or replayed)", body = Application,
            headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "`bad_request` | `idempotency_key_required`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found` | `group_not_found` | `document_not_found`",
            body = ErrorBody),
        (status = 409, description = "`email_not_confirmed` | `certificate_already_issued` | `request_in_flight`",
            body = ErrorBody),
        (status = 422, description = "`idempotency_key_reuse`", body = ErrorBody),
    ),
)]
pub async fn issue_certificate(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(id): Path<String>,
    request: IdempotentJson<CertificateRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang).await?;
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
#[utoipa::path(
    get,
    path = "/confirm/{token}",
    operation_id = "confirmation_link_page",
    tag = "pages",
    params(("token" = String, Path, description = "The token from the confirmation letter")),
    responses(
        (status = 200, description = "HTML page: the address is confirmed", body = String, content_type = "text/html"),
        (status = 404, description = "HTML page: the link is used or expired", body = String,
            content_type = "text/html"),
    ),
)]
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
