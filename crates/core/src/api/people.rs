//! The applicant, children and their identity documents, as the API carries them. Requests keep dates as strings so
//! a mistyped date is a field error (422) naming the field, not a malformed body (400).

use crate::domain::DocumentKind;
use serde::{Deserialize, Serialize};

/// A document as typed: the body of `POST /children/{id}/documents`, `PUT …/documents/{id}`, and the applicant's
/// passport inside `PUT /applicant`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentRequest {
    pub kind: DocumentKind,
    pub series: String,
    pub number: String,
    pub issued_on: String,
    pub issued_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub series: String,
    pub number: String,
    pub issued_on: chrono::NaiveDate,
    pub issued_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    pub has_scan: bool,
}

/// The applicant's passport as stored with the applicant (it has no scan and no id of its own).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Passport {
    pub kind: DocumentKind,
    pub series: String,
    pub number: String,
    pub issued_on: chrono::NaiveDate,
    pub issued_by: String,
    pub division_code: String,
}

/// Body of `PUT /api/v1/applicant`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicantRequest {
    pub last_name: String,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    pub birth_date: String,
    pub passport: DocumentRequest,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    pub last_name: String,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    pub birth_date: chrono::NaiveDate,
    pub passport: Passport,
    pub address: String,
    pub phone: String,
}

/// Body of `POST /api/v1/children`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChildRequest {
    pub last_name: String,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    pub birth_date: String,
    pub snils: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Child {
    pub id: String,
    pub last_name: String,
    pub first_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    pub birth_date: chrono::NaiveDate,
    pub snils: String,
    pub address: String,
    pub documents: Vec<Document>,
}

impl Child {
    pub fn full_name(&self) -> String {
        crate::domain::full_name(&self.last_name, &self.first_name, self.patronymic.as_deref())
    }
}

impl Applicant {
    pub fn full_name(&self) -> String {
        crate::domain::full_name(&self.last_name, &self.first_name, self.patronymic.as_deref())
    }
}
