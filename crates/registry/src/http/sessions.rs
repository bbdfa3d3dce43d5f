//! `POST /api/v1/sessions` and `DELETE /api/v1/sessions/current`.

use super::error::ApiError;
use super::extract::{BearerToken, CallerLang, StrictJson};
use super::openapi::Language;
use crate::{Registry, accounts};
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
    responses(
        (status = 201, description = "Signed in", body = SessionResponse),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`invalid_credentials` (the same answer for an unknown login)", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds until the next attempt is considered"))),
    ),
)]
pub async fn create(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    StrictJson(request): StrictJson<SignInRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let outcome = registry
        .store(move |s| s.sign_in(&request.login, &request.password, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    match outcome {
        Ok(session) => {
            tracing::info!(account = %session.account.id, "signed in");
            Ok((StatusCode::CREATED, axum::Json(session)).into_response())
        }
        Err(accounts::SignInError::InvalidCredentials) => Err(ApiError::code("invalid_credentials", lang)),
        Err(accounts::SignInError::TooManyAttempts(secs)) => {
            Err(ApiError { retry_after: Some(secs), ..ApiError::code("too_many_attempts", lang) })
        }
    }
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
