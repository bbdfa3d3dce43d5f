//! `POST /api/v1/sessions` and `DELETE /api/v1/sessions/current`.

use super::error::ApiError;
use super::extract::{BearerToken, CallerLang, OptionalKiosk, StrictJson};
use super::openapi::Language;
use crate::Registry;
use crate::accounts::SignInError;
use crate::hashing::Class;
use crate::signin::{self, PasswordCheck};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pdo_core::api::{ErrorBody, SessionResponse, SignInRequest};

#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    operation_id = "create_session",
    tag = "sessions",
    params(Language),
    request_body = SignInRequest,
    security((), ("kiosk" = [])),
    responses(
        (status = 201, description = "Signed in. `expires_at` is the session's absolute end: 8 hours, or 60 minutes \
            when opened with the kiosk's credentials (such a session also ends when the kiosk is revoked); a session \
            idle for 30 minutes ends sooner", body = SessionResponse),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`invalid_credentials` (the same answer for an unknown login, and for a login \
            over 64 characters, refused before any check); `unauthorized` for wrong kiosk credentials",
            body = ErrorBody),
        (status = 429, description = "`too_many_attempts` (the login, or the kiosk id after wrong secrets)",
            body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds until the next attempt is considered"))),
        (status = 503, description = "`busy`: password checks are saturated (a sign-in with valid kiosk credentials is \
            checked on the kiosks' own share); nothing was counted", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait before retrying"))),
    ),
)]
pub async fn create(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    OptionalKiosk(kiosk): OptionalKiosk,
    StrictJson(request): StrictJson<SignInRequest>,
) -> Result<Response, ApiError> {
    // A kiosk that proved its credentials brings a parent standing at it: their password check takes the kiosks'
    // share of the password threads (see `hashing`).
    let class = if kiosk.is_some() { Class::Credential } else { Class::Applicant };
    let checked = signin::check_password_as(&registry, request.login, request.password, class)
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    let account = match checked {
        PasswordCheck::Account(account) => account,
        PasswordCheck::Busy => return Err(ApiError::busy(lang)),
        PasswordCheck::Refused(SignInError::InvalidCredentials) => {
            return Err(ApiError::code("invalid_credentials", lang));
        }
        PasswordCheck::Refused(SignInError::TooManyAttempts(secs)) => {
            return Err(ApiError { retry_after: Some(secs), ..ApiError::code("too_many_attempts", lang) });
        }
    };
    let now = registry.clock.now();
    let kiosk_id = kiosk.map(|k| k.id);
    let session = registry
        .store(move |s| s.open_session(&account, kiosk_id.as_deref(), now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    tracing::info!(account = %session.account.id, "signed in");
    Ok((StatusCode::CREATED, axum::Json(session)).into_response())
}

#[utoipa::path(
    delete,
    path = "/api/v1/sessions/current",
    operation_id = "delete_current_session",
    tag = "sessions",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out: the token is dead at once"),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn delete_current(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, ApiError> {
    let ended = registry.store(move |s| s.end_session(&token)).await.map_err(|e| ApiError::from_store(e, lang))?;
    if ended { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::code("unauthorized", lang)) }
}
