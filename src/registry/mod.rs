//! The kiosk's HTTP client for the registry contract (docs/registry-api.md).

use pdo_core::api::{ErrorBody, SessionResponse, SignInRequest, codes};
use pdo_core::domain::Lang;
use reqwest::StatusCode;
use std::time::Duration;
use url::Url;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("the registry cannot be reached")]
    Unreachable,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("the session has ended")]
    Unauthorized,
    #[error("registry answered {status} {code}")]
    Server { status: u16, code: String },
}

#[derive(Debug, Clone)]
pub struct RegistryClient {
    base: Url,
    http: reqwest::Client,
}

impl RegistryClient {
    pub fn new(base: Url) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("pdo-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a client with only timeouts set always builds");
        Self { base, http }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("API paths are constant and valid")
    }

    pub async fn sign_in(&self, login: String, password: String, lang: Lang) -> Result<SessionResponse, ClientError> {
        let response = self
            .http
            .post(self.url("/api/v1/sessions"))
            .header(reqwest::header::ACCEPT_LANGUAGE, lang.as_str())
            .json(&SignInRequest { login, password })
            .send()
            .await
            .map_err(|_| ClientError::Unreachable)?;
        match response.status() {
            StatusCode::CREATED => response.json().await.map_err(|_| ClientError::Unreachable),
            _ => Err(error_from(response).await),
        }
    }

    pub async fn sign_out(&self, token: String) -> Result<(), ClientError> {
        let response = self
            .http
            .delete(self.url("/api/v1/sessions/current"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|_| ClientError::Unreachable)?;
        match response.status() {
            StatusCode::NO_CONTENT => Ok(()),
            _ => Err(error_from(response).await),
        }
    }
}

async fn error_from(response: reqwest::Response) -> ClientError {
    let status = response.status();
    let retry_after_secs = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let code = response.json::<ErrorBody>().await.map(|b| b.error.code).unwrap_or_default();
    match (status, code.as_str()) {
        (StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS) => ClientError::InvalidCredentials,
        (StatusCode::UNAUTHORIZED, _) => ClientError::Unauthorized,
        (StatusCode::TOO_MANY_REQUESTS, _) => ClientError::TooManyAttempts { retry_after_secs },
        _ => ClientError::Server { status: status.as_u16(), code },
    }
}
