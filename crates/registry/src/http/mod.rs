//! The HTTP surface of the registry.

pub mod error;
pub mod extract;
mod sessions;

use crate::Registry;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};

pub const JSON_BODY_LIMIT: usize = 64 * 1024;

pub fn router(registry: Registry) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/sessions", post(sessions::create))
        .route("/api/v1/sessions/current", delete(sessions::delete_current))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .with_state(registry)
}
