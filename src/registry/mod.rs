//! The kiosk's HTTP client for the registry contract (docs/registry-api.md): typed requests and answers, one error
//! type the screens can explain, idempotency keys chosen by the caller so a retry after a network hiccup is the
//! same request.

mod applicant;
mod device;
mod kiosk;
pub mod pins;

use pdo_core::api::{ErrorBody, FieldErrorBody, SessionResponse, SignInRequest, codes};
use pdo_core::domain::Lang;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::time::Duration;
use url::Url;

pub use device::DevicePoll;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("the registry cannot be reached")]
    Unreachable,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("too many requests; retry after {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// `503`: the registry is there but too busy (a flood of sign-ins, say). Not "offline": nothing goes the offline
    /// way for it, the person is asked to try again in a minute.
    #[error("the registry is busy; retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("the session has ended")]
    Unauthorized,
    /// `422 validation`: each field's code and message (in the language asked for).
    #[error("some fields are invalid")]
    Validation(BTreeMap<String, FieldErrorBody>),
    /// Any other refusal the contract names (`application_exists`, `scan_required`, …), with the id it is about.
    #[error("registry refused: {status} {code}")]
    Refused { status: u16, code: String, message: String, id: Option<String> },
    #[error("registry answered {status} {code}")]
    Server { status: u16, code: String },
}

impl ClientError {
    /// Whether a retry later may succeed (network, server trouble), as opposed to a refusal to show the person.
    pub fn is_transient(&self) -> bool {
        matches!(self, ClientError::Unreachable | ClientError::Server { .. } | ClientError::Busy { .. })
    }

    pub fn code(&self) -> &str {
        match self {
            ClientError::Refused { code, .. } | ClientError::Server { code, .. } => code,
            ClientError::Validation(_) => codes::VALIDATION,
            ClientError::InvalidCredentials => codes::INVALID_CREDENTIALS,
            ClientError::TooManyAttempts { .. } => codes::TOO_MANY_ATTEMPTS,
            ClientError::TooManyRequests { .. } => "too_many_requests",
            ClientError::Busy { .. } => "busy",
            ClientError::Unauthorized => codes::UNAUTHORIZED,
            ClientError::Unreachable => "unreachable",
        }
    }
}

/// `Authorization: Kiosk <id>:<secret>` for the kiosk's own endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct KioskCredentials {
    pub id: String,
    pub secret: String,
}

#[derive(Debug, Clone)]
pub struct RegistryClient {
    base: Url,
    http: reqwest::Client,
    kiosk: Option<KioskCredentials>,
    lang: Lang,
}

/// A random idempotency key for one logical action; keep it for every retry of that action.
pub fn new_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl RegistryClient {
    pub fn new(base: Url) -> Self {
        Self { base, http: http_client(Vec::new()), kiosk: None, lang: Lang::Ru }
    }

    /// Trust the registry by its key (`registry_pins` in kiosk.toml) instead of the public certificate authorities;
    /// no pins keeps the authorities.
    pub fn with_pins(mut self, pins: Vec<pins::Pin>) -> Self {
        self.http = http_client(pins);
        self
    }

    /// Whether this client can call the kiosk's own endpoints (config, heartbeats, the queue).
    pub fn has_kiosk(&self) -> bool {
        self.kiosk.is_some()
    }

    pub fn with_kiosk(mut self, credentials: Option<KioskCredentials>) -> Self {
        self.kiosk = credentials;
        self
    }

    /// The language the registry's messages come back in.
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The language the registry's messages come back in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = self.base.join(path).expect("API paths are valid relative URLs");
        self.http.request(method, url).header(reqwest::header::ACCEPT_LANGUAGE, self.lang.as_str())
    }

    fn as_applicant(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    fn as_kiosk(&self, method: Method, path: &str) -> Result<RequestBuilder, ClientError> {
        let kiosk = self.kiosk.as_ref().ok_or(ClientError::Unauthorized)?;
        Ok(self
            .request(method, path)
            .header(reqwest::header::AUTHORIZATION, format!("Kiosk {}:{}", kiosk.id, kiosk.secret)))
    }

    /// Signs an applicant in. A kiosk with credentials sends them too: the registry then ties the session to this
    /// kiosk (ended when the kiosk is revoked, 60 minutes at most) and keeps a share of its hashing for kiosks.
    pub async fn sign_in(&self, login: String, password: String, lang: Lang) -> Result<SessionResponse, ClientError> {
        let request = match self.as_kiosk(Method::POST, "/api/v1/sessions") {
            Ok(request) => request,
            Err(_) => self.request(Method::POST, "/api/v1/sessions"),
        };
        let request =
            request.header(reqwest::header::ACCEPT_LANGUAGE, lang.as_str()).json(&SignInRequest { login, password });
        expect_json(request, StatusCode::CREATED).await
    }

    pub async fn sign_out(&self, token: String) -> Result<(), ClientError> {
        expect_empty(self.as_applicant(Method::DELETE, "/api/v1/sessions/current", &token), StatusCode::NO_CONTENT)
            .await
    }

    /// Whether the registry answers its health check within `timeout`.
    pub async fn healthy(&self, timeout: Duration) -> bool {
        self.probe(timeout).await.is_ok()
    }

    /// The registry's health check with its round-trip time: `Unreachable` when no answer came within `timeout`,
    /// `Server` with the status when it answered anything but `200`.
    pub async fn probe(&self, timeout: Duration) -> Result<Duration, ClientError> {
        let started = std::time::Instant::now();
        let response = self.request(Method::GET, "/healthz").timeout(timeout).send().await;
        match response {
            Ok(r) if r.status() == StatusCode::OK => Ok(started.elapsed()),
            Ok(r) => Err(ClientError::Server { status: r.status().as_u16(), code: "unhealthy".into() }),
            Err(_) => Err(ClientError::Unreachable),
        }
    }
}

fn http_client(pins: Vec<pins::Pin>) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("pdo-kiosk/", env!("CARGO_PKG_VERSION")));
    let builder = if pins.is_empty() { builder } else { builder.use_preconfigured_tls(pins::client_config(pins)) };
    builder.build().expect("a client with timeouts and a rustls configuration always builds")
}

async fn send(request: RequestBuilder) -> Result<reqwest::Response, ClientError> {
    request.send().await.map_err(|_| ClientError::Unreachable)
}

async fn expect_json<T: DeserializeOwned>(request: RequestBuilder, ok: StatusCode) -> Result<T, ClientError> {
    let response = send(request).await?;
    if response.status() == ok {
        response.json().await.map_err(|_| ClientError::Server { status: ok.as_u16(), code: "unreadable_answer".into() })
    } else {
        Err(error_from(response).await)
    }
}

async fn expect_empty(request: RequestBuilder, ok: StatusCode) -> Result<(), ClientError> {
    let response = send(request).await?;
    if response.status() == ok { Ok(()) } else { Err(error_from(response).await) }
}

async fn error_from(response: reqwest::Response) -> ClientError {
    let status = response.status();
    let retry_after_secs = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    // Whatever the body (a proxy in front may answer too), 503 means busy, not gone.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        return ClientError::Busy { retry_after_secs };
    }
    let Ok(body) = response.json::<ErrorBody>().await else {
        return ClientError::Server { status: status.as_u16(), code: String::new() };
    };
    let error = body.error;
    match (status, error.code.as_str()) {
        (StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS) => ClientError::InvalidCredentials,
        (StatusCode::UNAUTHORIZED, _) => ClientError::Unauthorized,
        (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_ATTEMPTS) => ClientError::TooManyAttempts { retry_after_secs },
        (StatusCode::TOO_MANY_REQUESTS, _) => ClientError::TooManyRequests { retry_after_secs },
        (StatusCode::UNPROCESSABLE_ENTITY, codes::VALIDATION) => ClientError::Validation(error.fields),
        (s, _) if s.is_server_error() => ClientError::Server { status: s.as_u16(), code: error.code },
        (s, _) => ClientError::Refused { status: s.as_u16(), code: error.code, message: error.message, id: error.id },
    }
}
