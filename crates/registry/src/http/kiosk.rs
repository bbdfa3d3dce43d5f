//! `POST /api/v1/kiosk/heartbeat`: a kiosk says it is alive and how its queue, printer and camera are.

use super::error::ApiError;
use super::extract::{CallerLang, Kiosk, StrictJson};
use super::openapi::Language;
use crate::Registry;
use axum::extract::State;
use axum::http::StatusCode;
use pdo_core::api::{ErrorBody, Heartbeat};
use pdo_core::validation::{FieldError, FieldErrors, FieldFormat, TEXT_MAX_CHARS, nfc};

#[utoipa::path(
    post,
    path = "/api/v1/kiosk/heartbeat",
    tag = "kiosk",
    params(Language),
    security(("kiosk" = [])),
    request_body = Heartbeat,
    responses(
        (status = 204, description = "Kept as the kiosk's last heartbeat"),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody),
    ),
)]
pub async fn heartbeat(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
    StrictJson(heartbeat): StrictJson<Heartbeat>,
) -> Result<StatusCode, ApiError> {
    let heartbeat = normalise(heartbeat).map_err(|fields| ApiError::validation(fields, lang))?;
    let now = registry.clock.now();
    let id = kiosk.0.id.clone();
    registry
        .store(move |s| s.record_heartbeat(&id, &heartbeat, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    tracing::debug!(kiosk = %kiosk.0.id, "heartbeat");
    Ok(StatusCode::NO_CONTENT)
}

/// Trims and NFC-normalises the text fields; each must be one line of at most 300 characters (it may be empty: a
/// kiosk without a printer says so with an empty status or a word of its own).
fn normalise(mut heartbeat: Heartbeat) -> Result<Heartbeat, FieldErrors> {
    let mut errors = FieldErrors::new();
    for (path, value) in
        [("version", &mut heartbeat.version), ("printer", &mut heartbeat.printer), ("camera", &mut heartbeat.camera)]
    {
        *value = nfc(value.trim());
        if value.chars().count() > TEXT_MAX_CHARS {
            errors.insert(path.to_string(), FieldError::TooLong { max: TEXT_MAX_CHARS });
        } else if value.chars().any(char::is_control) {
            errors.insert(path.to_string(), FieldError::InvalidFormat(FieldFormat::SingleLineText));
        }
    }
    if errors.is_empty() { Ok(heartbeat) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdo_core::api::QueueState;

    fn beat(version: &str, printer: &str) -> Heartbeat {
        Heartbeat {
            version: version.into(),
            queue: QueueState { count: 0, oldest_at: None },
            printer: printer.into(),
            camera: "ok".into(),
        }
    }

    #[test]
    fn heartbeat_text_is_trimmed_and_limited() {
        assert_eq!(normalise(beat(" 0.1.0 ", "")).unwrap().version, "0.1.0");
        let errors = normalise(beat(&"9".repeat(301), "jam\npaper")).unwrap_err();
        assert_eq!(errors.get("version"), Some(&FieldError::TooLong { max: 300 }));
        assert_eq!(errors.get("printer"), Some(&FieldError::InvalidFormat(FieldFormat::SingleLineText)));
        assert!(!errors.contains_key("camera"));
    }
}
