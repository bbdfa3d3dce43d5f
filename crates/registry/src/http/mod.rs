//! The HTTP surface of the registry.

mod applications;
mod claim_page;
pub mod device;
pub mod device_page;
pub mod error;
pub mod extract;
mod kiosk;
pub mod openapi;
pub mod page;
mod people;
mod reference;
mod sessions;
mod staff;
mod submissions;

use crate::Registry;
use crate::storage::Stored;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::{Extension, Router};
use utoipa::OpenApi as _;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub const JSON_BODY_LIMIT: usize = 64 * 1024;

pub fn router(registry: Registry) -> Router {
    let (router, document) = api();
    let document = serde_json::to_vec(&document).expect("the OpenAPI document serialises");
    router
        .layer(Extension(openapi::Document(document.into())))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .with_state(registry)
}

/// The OpenAPI document of the service, as `GET /openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// Every route of the service with its documented operation. Each handler is registered by `routes!` from its
/// `#[utoipa::path]` annotation: the router serves exactly the methods and paths the document names, and nothing
/// else. One `routes!` per path; pages get their security headers as a layer of their own routes.
fn api() -> (Router<Registry>, utoipa::openapi::OpenApi) {
    let page_headers = || axum::middleware::map_response(page::security_headers);
    let (router, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(sessions::create))
        .routes(routes!(sessions::delete_current))
        .routes(routes!(device::start))
        .routes(routes!(device::token))
        .routes(routes!(people::get_applicant, people::put_applicant))
        .routes(routes!(people::list_children, people::create_child))
        .routes(routes!(people::get_child))
        .routes(routes!(people::add_document))
        .routes(routes!(people::update_document))
        .routes(routes!(people::put_scan))
        .routes(routes!(reference::certificate_groups))
        .routes(routes!(reference::municipalities))
        .routes(routes!(reference::institutions))
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(applications::get))
        .routes(routes!(applications::confirm_code))
        .routes(routes!(applications::resend))
        .routes(routes!(applications::change_email))
        .routes(routes!(applications::issue_certificate))
        .routes(routes!(staff::application_by_number))
        .routes(routes!(kiosk::heartbeat))
        .routes(routes!(submissions::config))
        .routes(routes!(submissions::submit))
        .routes(routes!(submissions::status))
        .routes(routes!(applications::confirm_link).layer(page_headers()))
        .routes(routes!(claim_page::show, claim_page::submit).layer(page_headers()))
        .routes(routes!(device_page::show, device_page::submit).layer(page_headers()))
        .split_for_parts();
    openapi::complete(&mut document);
    (router, document)
}

/// `GET /healthz`
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health",
    tag = "operations",
    responses((status = 200, description = "The service is up",
        body = String, content_type = "text/plain", example = "ok")),
)]
pub async fn health() -> &'static str {
    "ok"
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
