//! Request extractors with the contract's rules: strict JSON (unknown fields are a 400), the caller's language,
//! the bearer token and the account behind it, and idempotency keys.

use super::error::ApiError;
use crate::Registry;
use crate::storage::IdemKey;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use pdo_core::api::Account;
use pdo_core::domain::Lang;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The language of messages, from `Accept-Language` (Russian unless English is preferred).
#[derive(Debug, Clone, Copy)]
pub struct CallerLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for CallerLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CallerLang(lang_of(&parts.headers)))
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S, lang: Lang) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::code("payload_too_large", lang)
        } else {
            ApiError::code("bad_request", lang)
        }
    })
}

fn parse<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|_| ApiError::code("bad_request", lang))
}

/// A JSON body that must parse into `T` exactly.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let bytes = body_bytes(req, state, lang).await?;
        Ok(StrictJson(parse(&bytes, lang)?))
    }
}

/// A strict JSON body of a creating request, with its required `Idempotency-Key` and the body's hash.
pub struct IdempotentJson<T> {
    pub value: T,
    pub key: String,
    pub body_hash: Vec<u8>,
    pub path: String,
}

impl<T> IdempotentJson<T> {
    /// The key scoped to the caller, method and path, as the contract asks.
    pub fn scoped(&self, scope: String) -> IdemKey {
        IdemKey {
            scope,
            method: "POST",
            path: self.path.clone(),
            key: self.key.clone(),
            body_hash: self.body_hash.clone(),
        }
    }
}

pub fn idempotency_key(headers: &HeaderMap, lang: Lang) -> Result<String, ApiError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    let printable = key.bytes().all(|b| (0x20..0x7f).contains(&b));
    if key.is_empty() || key.len() > 255 || !printable {
        return Err(ApiError::code("idempotency_key_required", lang));
    }
    Ok(key.to_string())
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for IdempotentJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        let key = idempotency_key(req.headers(), lang)?;
        let path = req.uri().path().to_string();
        let bytes = body_bytes(req, state, lang).await?;
        let value = parse(&bytes, lang)?;
        Ok(IdempotentJson { value, key, body_hash: Sha256::digest(&bytes).to_vec(), path })
    }
}

/// The raw token of `Authorization: Bearer <token>`.
pub struct BearerToken(pub String);

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        bearer(&parts.headers).map(BearerToken).ok_or_else(|| ApiError::code("unauthorized", lang_of(&parts.headers)))
    }
}

/// The signed-in account behind the bearer token (refreshing its idle timer); `401 unauthorized` otherwise.
pub struct Caller(pub Account);

impl Caller {
    pub fn scope(&self) -> String {
        format!("account:{}", self.0.id)
    }
}

impl FromRequestParts<Registry> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, registry: &Registry) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let token = bearer(&parts.headers).ok_or_else(|| ApiError::code("unauthorized", lang))?;
        let now = registry.clock.now();
        let account = registry
            .store(move |s| s.authenticate(&token, now))
            .await
            .map_err(|e| ApiError::from_store(e, lang))?
            .ok_or_else(|| ApiError::code("unauthorized", lang))?;
        Ok(Caller(account))
    }
}

/// Marks a scoped idempotency key as being answered; a second request with it meanwhile gets `409`.
pub struct InFlight {
    registry: Registry,
    id: String,
}

impl InFlight {
    pub fn enter(registry: &Registry, key: &IdemKey, lang: Lang) -> Result<Self, ApiError> {
        let id = format!("{}\u{0}{}\u{0}{}\u{0}{}", key.scope, key.method, key.path, key.key);
        let mut set = registry.in_flight.lock().map_err(|_| ApiError::code("internal", lang))?;
        if !set.insert(id.clone()) {
            return Err(ApiError::code("request_in_flight", lang));
        }
        Ok(Self { registry: registry.clone(), id })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut set) = self.registry.in_flight.lock() {
            set.remove(&self.id);
        }
    }
}
