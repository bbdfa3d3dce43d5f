//! The HTTP surface of the registry.

mod applications;
mod claim_page;
pub mod device;
pub mod device_page;
pub mod error;
pub mod extract;
mod kiosk;
pub mod page;
mod people;
mod reference;
mod sessions;
mod staff;
mod submissions;

use crate::Registry;
use crate::storage::Stored;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{delete, get, post, put};

pub const JSON_BODY_LIMIT: usize = 64 * 1024;

pub fn router(registry: Registry) -> Router {
    let device_page =
        get(device_page::show).post(device_page::submit).layer(axum::middleware::map_response(page::security_headers));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/sessions", post(sessions::create))
        .route("/api/v1/sessions/current", delete(sessions::delete_current))
        .route("/api/v1/applicant", get(people::get_applicant).put(people::put_applicant))
        .route("/api/v1/children", get(people::list_children).post(people::create_child))
        .route("/api/v1/children/{id}", get(people::get_child))
        .route("/api/v1/children/{id}/documents", post(people::add_document))
        .route("/api/v1/children/{id}/documents/{document_id}", put(people::update_document))
        .route("/api/v1/children/{id}/documents/{document_id}/scan", put(people::put_scan))
        .route("/api/v1/certificate-groups", get(reference::certificate_groups))
        .route("/api/v1/municipalities", get(reference::municipalities))
        .route("/api/v1/institutions", get(reference::institutions))
        .route("/api/v1/applications", get(applications::list).post(applications::create))
        .route("/api/v1/applications/{id}", get(applications::get))
        .route("/api/v1/applications/by-number/{number}", get(staff::application_by_number))
        .route("/api/v1/applications/{id}/email-confirmation", post(applications::confirm_code))
        .route("/api/v1/applications/{id}/email-confirmation/resend", post(applications::resend))
        .route("/api/v1/applications/{id}/email", put(applications::change_email))
        .route("/api/v1/applications/{id}/certificate", post(applications::issue_certificate))
        .route(
            "/confirm/{token}",
            get(applications::confirm_link).layer(axum::middleware::map_response(page::security_headers)),
        )
        .route("/api/v1/kiosk/heartbeat", post(kiosk::heartbeat))
        .route("/api/v1/kiosk/config", get(submissions::config))
        .route("/api/v1/kiosk/submissions", post(submissions::submit))
        .route("/api/v1/kiosk/submissions/{submission_id}", get(submissions::status))
        .route(
            "/claim/{token}",
            get(claim_page::show)
                .post(claim_page::submit)
                .layer(axum::middleware::map_response(page::security_headers)),
        )
        .route("/api/v1/device-login", post(device::start))
        .route("/api/v1/device-login/token", post(device::token))
        .route("/device", device_page)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .with_state(registry)
}

/// The stored answer of a creating request; a replay says so in `Idempotent-Replayed`.
pub fn stored_response(stored: Stored) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK))
        .header(header::CONTENT_TYPE, "application/json");
    if stored.replayed {
        builder = builder.header("Idempotent-Replayed", "true");
    }
    builder.body(Body::from(stored.body)).expect("status and headers are valid")
}
