//! Request extractors with the contract's rules: strict JSON (unknown fields are a 400), the caller's language,
//! and the bearer token.

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use pdo_core::api::codes;
use pdo_core::domain::Lang;
use serde::de::DeserializeOwned;

/// The language of messages, from `Accept-Language` (Russian unless English is preferred).
#[derive(Debug, Clone, Copy)]
pub struct CallerLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for CallerLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(CallerLang(Lang::from_accept_language(header)))
    }
}

/// A JSON body that must parse into `T` exactly.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", lang)
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, lang)
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(StrictJson)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, lang))
    }
}

/// The raw token of `Authorization: Bearer <token>`.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| BearerToken(t.trim().to_string()))
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, lang_of(&parts.headers)))
    }
}

fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
}
