//! Reference data: certificate groups, municipalities, institutions.

use super::error::ApiError;
use super::extract::CallerLang;
use crate::Registry;
use axum::Json;
use axum::extract::{Query, State};
use pdo_core::api::{CertificateGroup, Institution, Municipality};
use serde::Deserialize;

pub async fn certificate_groups(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
) -> Result<Json<Vec<CertificateGroup>>, ApiError> {
    Ok(Json(registry.store(|s| s.certificate_groups()).await.map_err(|e| ApiError::from_store(e, lang))?))
}

pub async fn municipalities(
    State(registry): State<Registry>,
    CallerLang(lang): CallerLang,
) -> Result<Json<Vec<Municipality>>, ApiError> {
    Ok(Json(registry.store(|s| s.municipalities()).await.map_err(|e| ApiError::from_store(e, lang))?))
}

#[derive(Deserialize)]
pub struct InstitutionQuery {
    municipality: Option<String>,
}

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
