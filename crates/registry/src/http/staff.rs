//! For institutions that activate certificates: `GET /api/v1/applications/by-number/{number}` (staff auth) finds
//! the application behind a printed form, online or taken offline at a kiosk.

use super::error::ApiError;
use super::extract::{CallerLang, Staff};
use super::openapi::Language;
use crate::Registry;
use crate::storage::StaffLookup;
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
        (status = 200, description = "The application, online or taken offline, in any status, when it lists the \
                                      member's institution (any, for region-wide staff)", body = Application),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`application_not_found` (also outside the member's scope)", body = ErrorBody),
        (status = 429, description = "`too_many_requests` (10 look-ups a minute, 100 an hour per member)",
            body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait"))),
    ),
)]
pub async fn application_by_number(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<Application>, ApiError> {
    let member = staff.0;
    let staff_id = member.id.clone();
    let now = registry.clock.now();
    let lookup = registry.store(move |s| s.staff_look_up(&member, &number, now)).await;
    // Who looked at which application, by ids only: the number and the names stay out of the log (the audit table
    // keeps the number).
    match lookup.map_err(|e| ApiError::from_store(e, lang))? {
        StaffLookup::Found(application) => {
            tracing::info!(staff = %staff_id, application = %application.id, "application looked up by number");
            Ok(Json(*application))
        }
        StaffLookup::NotFound => {
            tracing::info!(staff = %staff_id, "application look-up by number found nothing in scope");
            Err(ApiError::code("application_not_found", lang))
        }
        StaffLookup::TooMany(wait) => {
            tracing::warn!(staff = %staff_id, "staff look-ups over the limit");
            Err(ApiError { retry_after: Some(wait), ..ApiError::code("too_many_requests", lang) })
        }
    }
}
