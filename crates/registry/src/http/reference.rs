//! Reference data: certificate groups, municipalities, institutions.

use super::error::ApiError;
use super::extract::CallerLang;
use super::openapi::Language;
use crate::Registry;
use axum::Json;
use axum::extract::{Query, State};
use pdo_core::api::{CertificateGroup, Institution, Municipality};
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/api/v1/certificate-groups",
    tag = "reference",
    params(Language),
    responses((status = 200, description = "Certificate groups", body = [CertificateGroup])),
)]
pub async fn certificate_groups(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
) -> Result<Json<Vec<CertificateGroup>>, ApiError> {
    Ok(Json(registry.store(|s| s.certificate_groups()).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "reference",
    params(Language),
    responses((status = 200, description = "Municipalities", body = [Municipality])),
)]
pub async fn municipalities(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
) -> Result<Json<Vec<Municipality>>, ApiError> {
    Ok(Json(registry.store(|s| s.municipalities()).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InstitutionQuery {
    /// A municipality's code: only its institutions; all when absent.
    municipality: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions",
    tag = "reference",
    params(InstitutionQuery, Language),
    responses(
        (status = 200, description = "Institutions that activate certificates", body = [Institution]),
        (status = 400, description = "`bad_request` (malformed query)"),
    ),
)]
pub async fn institutions(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
    Query(query): Query<InstitutionQuery>,
) -> Result<Json<Vec<Institution>>, ApiError> {
    let municipality = query.municipality;
    Ok(Json(
        registry
            .store(move |s| s.institutions(municipality.as_deref()))
            .await
            .map_err(|e| ApiError::from_store(e, lang))?,
    ))
}
