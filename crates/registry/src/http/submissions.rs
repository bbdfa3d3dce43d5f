//! Kiosk configuration and applications taken offline: `GET /api/v1/kiosk/config`,
//! `POST /api/v1/kiosk/submissions`, `GET /api/v1/kiosk/submissions/{id}`.

use super::error::ApiError;
use super::extract::{CallerLang, InFlight, Kiosk, idempotency_key, limited_body};
use super::stored_response;
use crate::Registry;
use crate::mail::{claim_mail, rejected_mail};
use crate::sqlite::offline::SubmissionMail;
use crate::storage::IdemKey;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pdo_core::api::{KioskConfig, SubmissionReceipt};

pub const SUBMISSION_LIMIT: usize = 12 * 1024 * 1024;

pub async fn config(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
) -> Result<Json<KioskConfig>, ApiError> {
    let now = registry.clock.now();
    let info = kiosk.0;
    Ok(Json(registry.store(move |s| s.kiosk_config(&info, now)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

pub async fn submit(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let submission_id = idempotency_key(&headers, lang)?;
    let key_id = headers
        .get("sealed-key-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| ApiError::code("bad_request", lang))?;
    let idem = IdemKey {
        scope: kiosk.scope(),
        method: "POST",
        path: "/api/v1/kiosk/submissions".into(),
        key: submission_id.clone(),
        body_hash: vec![],
    };
    let _in_flight = InFlight::enter(&registry, &idem, lang)?;
    let sealed = limited_body(&headers, body, SUBMISSION_LIMIT, lang).await?;
    let now = registry.clock.now();
    let public_url = registry.public_url.clone();
    let kiosk_id = kiosk.0.id.clone();
    let stored = registry
        .store(move |s| {
            let token = crate::accounts::random_token();
            let mail = SubmissionMail {
                claim_token: &token,
                accepted: &|app| claim_mail(app, &public_url, &token),
                rejected: &rejected_mail,
            };
            s.receive_submission(&kiosk_id, &submission_id, &key_id, &sealed, &mail, now)
        })
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    if !stored.replayed {
        registry.mail_wakeup.notify_one();
        tracing::info!(kiosk = %kiosk.0.id, "offline submission received");
    }
    Ok(stored_response(stored))
}

pub async fn status(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
    Path(submission_id): Path<String>,
) -> Result<Json<SubmissionReceipt>, ApiError> {
    let id = kiosk.0.id;
    Ok(Json(
        registry.store(move |s| s.submission(&id, &submission_id)).await.map_err(|e| ApiError::from_store(e, lang))?,
    ))
}
