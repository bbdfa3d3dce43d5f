//! The applicant, children, documents and scans.

use super::error::ApiError;
use super::extract::{Caller, CallerLang, IdempotentJson, InFlight, StrictJson, limited_body};
use super::openapi::{Idempotency, Language};
use super::stored_response;
use crate::Registry;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use pdo_core::api::{Applicant, ApplicantRequest, Child, ChildRequest, Document, DocumentRequest, ErrorBody};
use pdo_core::domain::region_today;
use pdo_core::validation::{validate_applicant, validate_child, validate_document};

pub const SCAN_LIMIT: usize = 8 * 1024 * 1024;

#[utoipa::path(
    get,
    path = "/api/v1/applicant",
    tag = "applicant",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The applicant", body = Applicant),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`applicant_not_set`", body = ErrorBody),
    ),
)]
pub async fn get_applicant(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
) -> Result<Json<Applicant>, ApiError> {
    let id = caller.0.id;
    let applicant = registry.store(move |s| s.applicant(&id)).await.map_err(|e| ApiError::from_store(e, lang))?;
    applicant.map(Json).ok_or_else(|| ApiError::code("applicant_not_set", lang))
}

#[utoipa::path(
    put,
    path = "/api/v1/applicant",
    tag = "applicant",
    params(Language),
    security(("bearer" = [])),
    request_body = ApplicantRequest,
    responses(
        (status = 200, description = "The applicant as stored (trimmed, normalised)", body = Applicant),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody),
    ),
)]
pub async fn put_applicant(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    StrictJson(request): StrictJson<ApplicantRequest>,
) -> Result<Json<Applicant>, ApiError> {
    let now = registry.clock.now();
    let applicant =
        validate_applicant(&request, caller.0.kind, region_today(now)).map_err(|f| ApiError::validation(f, lang))?;
    let stored = applicant.clone();
    let id = caller.0.id;
    registry.store(move |s| s.put_applicant(&id, &stored, now)).await.map_err(|e| ApiError::from_store(e, lang))?;
    Ok(Json(applicant))
}

#[utoipa::path(
    get,
    path = "/api/v1/children",
    tag = "children",
    params(Language),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The children linked to the account", body = [Child]),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ),
)]
pub async fn list_children(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
) -> Result<Json<Vec<Child>>, ApiError> {
    let id = caller.0.id;
    Ok(Json(registry.store(move |s| s.children(&id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    get,
    path = "/api/v1/children/{id}",
    tag = "children",
    params(("id" = String, Path, description = "The child's id"), Language),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The child (extension)", body = Child),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`child_not_found`", body = ErrorBody),
    ),
)]
pub async fn get_child(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(child_id): Path<String>,
) -> Result<Json<Child>, ApiError> {
    let id = caller.0.id;
    Ok(Json(registry.store(move |s| s.child(&id, &child_id)).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    post,
    path = "/api/v1/children",
    tag = "children",
    params(Idempotency, Language),
    security(("bearer" = [])),
    request_body = ChildRequest,
    responses(
        (status = 201, description = "Created (or replayed)", body = Child,
            headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "`bad_request` | `idempotency_key_required`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 409, description = "`child_already_registered` (same SNILS under another account) | `child_exists` \
                                      | `request_in_flight`", body = ErrorBody),
        (status = 422, description = "`validation` | `idempotency_key_reuse`", body = ErrorBody),
    ),
)]
pub async fn create_child(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    request: IdempotentJson<ChildRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang).await?;
    let child = validate_child(&request.value, region_today(now)).map_err(|f| ApiError::validation(f, lang))?;
    let id = caller.0.id;
    let stored = registry
        .store(move |s| s.create_child(&id, &child, &idem, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    Ok(stored_response(stored))
}

#[utoipa::path(
    post,
    path = "/api/v1/children/{id}/documents",
    tag = "children",
    params(("id" = String, Path, description = "The child's id"), Idempotency, Language),
    security(("bearer" = [])),
    request_body = DocumentRequest,
    responses(
        (status = 201, description = "Created (or replayed)", body = Document,
            headers(("Idempotent-Replayed" = String, description = "`true` on a replay"))),
        (status = 400, description = "`bad_request` | `idempotency_key_required`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`child_not_found`", body = ErrorBody),
        (status = 409, description = "`request_in_flight`", body = ErrorBody),
        (status = 422, description = "`validation` | `idempotency_key_reuse`", body = ErrorBody),
    ),
)]
pub async fn add_document(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path(child_id): Path<String>,
    request: IdempotentJson<DocumentRequest>,
) -> Result<Response, ApiError> {
    let now = registry.clock.now();
    let idem = request.scoped(caller.scope());
    let _in_flight = InFlight::enter(&registry, &idem, lang).await?;
    let (id, cid) = (caller.0.id.clone(), child_id.clone());
    let child = registry.store(move |s| s.child(&id, &cid)).await.map_err(|e| ApiError::from_store(e, lang))?;
    let document = validate_document(&request.value, child.birth_date, region_today(now))
        .map_err(|f| ApiError::validation(f, lang))?;
    let id = caller.0.id;
    let stored = registry
        .store(move |s| s.add_document(&id, &child_id, &document, &idem, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    Ok(stored_response(stored))
}

#[utoipa::path(
    put,
    path = "/api/v1/children/{id}/documents/{document_id}",
    tag = "children",
    params(
        ("id" = String, Path, description = "The child's id"),
        ("document_id" = String, Path, description = "The document's id"),
        Language,
    ),
    security(("bearer" = [])),
    request_body = DocumentRequest,
    responses(
        (status = 200, description = "The document as stored", body = Document),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`child_not_found` | `document_not_found`", body = ErrorBody),
        (status = 422, description = "`validation`", body = ErrorBody),
    ),
)]
pub async fn update_document(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path((child_id, document_id)): Path<(String, String)>,
    StrictJson(request): StrictJson<DocumentRequest>,
) -> Result<Json<Document>, ApiError> {
    let now = registry.clock.now();
    let (id, cid) = (caller.0.id.clone(), child_id.clone());
    let child = registry.store(move |s| s.child(&id, &cid)).await.map_err(|e| ApiError::from_store(e, lang))?;
    let document =
        validate_document(&request, child.birth_date, region_today(now)).map_err(|f| ApiError::validation(f, lang))?;
    let id = caller.0.id;
    let updated = registry
        .store(move |s| s.update_document(&id, &child_id, &document_id, &document, now))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    Ok(Json(updated))
}

/// What the bytes really are, by their magic number; the declared type must agree.
pub fn scan_media_type(declared: &str, bytes: &[u8]) -> Option<&'static str> {
    let declared = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match declared.as_str() {
        "image/jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => Some("image/jpeg"),
        "application/pdf" if bytes.starts_with(b"%PDF-") => Some("application/pdf"),
        _ => None,
    }
}

#[utoipa::path(
    put,
    path = "/api/v1/children/{id}/documents/{document_id}/scan",
    tag = "children",
    params(
        ("id" = String, Path, description = "The child's id"),
        ("document_id" = String, Path, description = "The document's id"),
        Language,
    ),
    security(("bearer" = [])),
    request_body(description = "The scan, at most 8 MiB; the bytes must really be JPEG or PDF (magic number)",
        content(("image/jpeg"), ("application/pdf"))),
    responses(
        (status = 204, description = "Stored; the document now has `has_scan: true`"),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`child_not_found` | `document_not_found`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub async fn put_scan(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    caller: Caller,
    Path((child_id, document_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let bytes = limited_body(&headers, body, SCAN_LIMIT, lang).await?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = scan_media_type(declared, &bytes).ok_or_else(|| ApiError::code("unsupported_media_type", lang))?;
    let id = caller.0.id;
    registry
        .store(move |s| s.put_scan(&id, &child_id, &document_id, &bytes, media_type))
        .await
        .map_err(|e| ApiError::from_store(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::scan_media_type;

    #[test]
    fn scans_must_be_what_they_say() {
        assert_eq!(scan_media_type("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(scan_media_type("application/pdf", b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(scan_media_type("image/jpeg", b"%PDF-1.7"), None);
        assert_eq!(scan_media_type("image/png", b"\x89PNG\r\n"), None);
        assert_eq!(scan_media_type("image/jpeg", b"GIF89a"), None);
    }
}
