//! Device sign-in after RFC 8628: `POST /api/v1/device-login` (a kiosk asks) and `POST /api/v1/device-login/token`
//! (the kiosk polls). The applicant approves on their phone at `GET /device` (device_page.rs).

use super::error::ApiError;
use super::extract::{CallerLang, Kiosk, StrictJson};
use super::openapi::Language;
use crate::storage::{DevicePoll, NewDeviceLogin};
use crate::{Registry, accounts};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use pdo_core::api::{DeviceLoginStart, DeviceTokenRequest, ErrorBody, SessionResponse};
use rand::Rng;

/// How long a device code and its user code live.
pub const LIFETIME: Duration = Duration::seconds(600);
/// Seconds the kiosk waits between polls.
pub const INTERVAL_SECS: i64 = 5;
/// Consonants only (no vowels, so no words) and no look-alikes such as 0/O or 1/I: RFC 8628 §6.1.
pub const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
pub const USER_CODE_LEN: usize = 8;

/// A fresh user code of `USER_CODE_LEN` letters, each drawn uniformly (no modulo bias) from the OS's generator.
pub fn new_user_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..USER_CODE_LEN).map(|_| USER_CODE_ALPHABET[rng.gen_range(0..USER_CODE_ALPHABET.len())] as char).collect()
}

/// `BCDFGHJK` as people see it: `BCDF-GHJK`.
pub fn display_user_code(code: &str) -> String {
    if code.len() == USER_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// What a person typed, as stored: upper case, without hyphens and spaces, Cyrillic look-alikes (В, С, Н, К, М, Р,
/// Т, Х typed on a Russian keyboard) turned into the Latin letters they look like.
pub fn normalise_user_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '–' | '—'))
        .flat_map(char::to_uppercase)
        .map(pdo_core::domain::latin_look_alike)
        .take(32)
        .collect()
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[utoipa::path(
    post,
    path = "/api/v1/device-login",
    operation_id = "start_device_login",
    tag = "device",
    params(Language),
    security(("kiosk" = [])),
    responses(
        (status = 200, description = "A device code for polling and a user code for the phone",
            body = DeviceLoginStart),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn start(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let device_code = accounts::random_token();
    // Collisions with a live user code are rare (20^8 codes); a few draws make them vanish.
    for _ in 0..8 {
        let login = NewDeviceLogin {
            kiosk_id: kiosk.0.id.clone(),
            device_code_hash: accounts::token_hash(&device_code),
            user_code: new_user_code(),
            expires_at: now + LIFETIME,
            interval_secs: INTERVAL_SECS,
        };
        let user_code = login.user_code.clone();
        let stored = registry
            .store(move |s| s.start_device_login(&login, now))
            .await
            .map_err(|e| ApiError::from_store(e, lang))?;
        if stored {
            tracing::info!(kiosk = %kiosk.0.id, "device sign-in started");
            let shown = display_user_code(&user_code);
            let verification_uri = format!("{}/device", registry.public_url);
            let body = DeviceLoginStart {
                device_code,
                verification_uri_complete: format!("{verification_uri}?user_code={shown}"),
                verification_uri,
                user_code: shown,
                expires_in: LIFETIME.num_seconds() as u64,
                interval: INTERVAL_SECS as u64,
            };
            return Ok(no_store(Json(body).into_response()));
        }
    }
    Err(ApiError::internal(lang, anyhow::anyhow!("no free user code after 8 draws")))
}

#[utoipa::path(
    post,
    path = "/api/v1/device-login/token",
    operation_id = "poll_device_login",
    tag = "device",
    params(Language),
    security(("kiosk" = [])),
    request_body = DeviceTokenRequest,
    responses(
        (status = 200, description = "Approved: the session, as from `POST /api/v1/sessions`", body = SessionResponse),
        (status = 400, description = "`authorization_pending` | `slow_down` | `expired_token` | `access_denied` | \
                                      `bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn token(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
    StrictJson(request): StrictJson<DeviceTokenRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let hash = accounts::token_hash(&request.device_code);
    let id = kiosk.0.id.clone();
    let poll = registry
        .store(move |s| s.poll_device_login(&id, &hash, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    let code = match poll {
        DevicePoll::Approved(session) => {
            tracing::info!(kiosk = %kiosk.0.id, account = %session.account.id, "signed in on a kiosk by the device flow");
            return Ok(no_store(Json(session).into_response()));
        }
        DevicePoll::Pending => "authorization_pending",
        DevicePoll::SlowDown => "slow_down",
        DevicePoll::Expired => "expired_token",
        DevicePoll::Denied => "access_denied",
    };
    Ok(no_store(ApiError::code(code, lang).into_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_use_the_unambiguous_alphabet_and_show_with_a_hyphen() {
        let code = new_user_code();
        assert_eq!(code.len(), USER_CODE_LEN);
        assert!(code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)), "{code}");
        let shown = display_user_code(&code);
        assert_eq!(shown.len(), 9);
        assert_eq!(&shown[4..5], "-");
        assert_eq!(normalise_user_code(&shown), code);
        assert_ne!(new_user_code(), new_user_code());
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise_user_code(" bcdf - ghjk "), "BCDFGHJK");
        // Cyrillic В, С, К, М, Р, Т, Х, Н typed on a Russian keyboard.
        assert_eq!(normalise_user_code("вскм-ртхн"), "BCKMPTXH");
        assert_eq!(normalise_user_code(&"x".repeat(100)).len(), 32);
    }
}
