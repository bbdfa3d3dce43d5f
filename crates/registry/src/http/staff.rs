//! For institutions that activate certificates: `GET /api/v1/applications/by-number/{number}` (staff auth) finds
//! the application behind a printed form, online or taken offline at a kiosk.

use super::error::ApiError;
use super::extract::{CallerLang, Staff};
use super::openapi::Language;
use crate::Registry;
use crate::storage::StoreError;
use axum::Json;
use axum::extract::{Path, State};
use pdo_core::api::{Application, ErrorBody};

#[utoipa::path(
    get,
    path = "/api/v1/applications/by-number/{number}",
    tag = "staff",
    params(("number" = String, Path, description = "The application number printed on the forms"), Language),
    security(("staff" = [])),
    responses(
        (status = 200, description = "The application, online or taken offline, in any status", body = Application),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found`", body = ErrorBody),
    ),
)]
pub async fn application_by_number(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<Application>, ApiError> {
    let staff_id = staff.0.id;
    match registry.store(move |s| s.application_by_number(&number)).await {
        Ok(application) => {
            // Who looked at which application, by ids only: the number and the names stay out of the log.
            tracing::info!(staff = %staff_id, application = %application.id, "application looked up by number");
            Ok(Json(application))
        }
        Err(err) => {
            if matches!(err, StoreError::NotFound(_)) {
                tracing::info!(staff = %staff_id, "application look-up by number found nothing");
            }
            Err(ApiError::from_store(err, lang))
        }
    }
}
