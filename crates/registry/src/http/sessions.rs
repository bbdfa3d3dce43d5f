//! `POST /api/v1/sessions` and `DELETE /api/v1/sessions/current`.

use super::error::ApiError;
use super::extract::{BearerToken, CallerLang, StrictJson};
use crate::{Registry, accounts};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pdo_core::api::{SignInRequest, codes};

pub async fn create(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    StrictJson(request): StrictJson<SignInRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let outcome = registry
        .db
        .call(move |conn| accounts::sign_in(conn, &request.login, &request.password, now))
        .await
        .map_err(|e| ApiError::internal(lang, e))?;
    match outcome {
        Ok(session) => {
            tracing::info!(account = %session.account.id, "signed in");
            Ok((StatusCode::CREATED, axum::Json(session)).into_response())
        }
        Err(accounts::SignInError::InvalidCredentials) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS, lang))
        }
        Err(accounts::SignInError::TooManyAttempts(secs)) => Err(ApiError {
            retry_after: Some(secs),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_ATTEMPTS, lang)
        }),
    }
}

pub async fn delete_current(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, ApiError> {
    let ended = registry
        .db
        .call(move |conn| accounts::end_session(conn, &token))
        .await
        .map_err(|e| ApiError::internal(lang, e))?;
    if ended {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, lang))
    }
}
