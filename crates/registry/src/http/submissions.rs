//! Kiosk configuration and applications taken offline: `GET /api/v1/kiosk/config`,
//! `POST /api/v1/kiosk/submissions`, `GET /api/v1/kiosk/submissions/{id}`.

use super::error::ApiError;
use super::extract::{CallerLang, InFlight, Kiosk, idempotency_key, limited_body};
use super::openapi::{Language, SealedBox, SealedSubmission};
use super::stored_response;
use crate::Registry;
use crate::mail::{claim_mail, rejected_mail};
use crate::steps::claims::CLAIM_LIFETIME;
use crate::steps::offline::SubmissionMail;
use crate::storage::IdemKey;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pdo_core::api::{ErrorBody, KioskConfig, SubmissionReceipt};

pub const SUBMISSION_LIMIT: usize = 12 * 1024 * 1024;

#[utoipa::path(
    get,
    path = "/api/v1/kiosk/config",
    operation_id = "kiosk_config",
    tag = "kiosk",
    params(Language),
    security(("kiosk" = [])),
    responses(
        (status = 200, description = "The kiosk, the registry's sealing keys and a block of application numbers",
            body = KioskConfig),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn config(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    kiosk: Kiosk,
) -> Result<Json<KioskConfig>, ApiError> {
    let now = registry.clock.now();
    let info = kiosk.0;
    Ok(Json(registry.store(move |s| s.kiosk_config(&info, now)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    post,
    path = "/api/v1/kiosk/submissions",
    operation_id = "submit_offline_application",
    tag = "kiosk",
    params(SealedSubmission, Language),
    security(("kiosk" = [])),
    request_body(content = SealedBox, content_type = "application/octet-stream",
        description = "A sealed box of the JSON `OfflinePayload`, at most 12 MiB"),
    responses(
        (status = 202, description = "Received (status `awaiting_claim`) or `rejected` with a `reason`; the same \
                                      submission id always replays the first answer", body = SubmissionReceipt,
            headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "`idempotency_key_required` | `bad_request` (no `Sealed-Key-Id`)",
            body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 409, description = "`request_in_flight`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 422, description = "`unsealable`: the kiosk keeps the box for staff", body = ErrorBody),
    ),
)]
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
    let _in_flight = InFlight::enter(&registry, &idem, lang).await?;
    let sealed = limited_body(&headers, body, SUBMISSION_LIMIT, lang).await?;
    let now = registry.clock.now();
    let public_url = registry.public_url.clone();
    let kiosk_id = kiosk.0.id.clone();
    let stored = registry
        .store(move |s| {
            let token = crate::accounts::random_token();
            let mail = SubmissionMail {
                claim_token: &token,
                accepted: &|app| claim_mail(app, &public_url, &token, now + CLAIM_LIFETIME),
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

#[utoipa::path(
    get,
    path = "/api/v1/kiosk/submissions/{submission_id}",
    operation_id = "offline_submission_status",
    tag = "kiosk",
    params(("submission_id" = String, Path, description = "The payload's `submission_id`"), Language),
    security(("kiosk" = [])),
    responses(
        (status = 200, description = "Where the submission stands (no personal data)", body = SubmissionReceipt),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`submission_not_found`", body = ErrorBody),
    ),
)]
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
