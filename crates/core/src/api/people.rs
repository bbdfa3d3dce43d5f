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

/// A date as people type it into the forms (and the API accepts): DD.MM.YYYY.
fn typed_date(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A stored record back as the request that would make it: a form pre-filled from the registry, or an application
/// carried on offline with what was already sent.
impl From<&Document> for DocumentRequest {
    fn from(d: &Document) -> Self {
        DocumentRequest {
            kind: d.kind,
            series: d.series.clone(),
            number: d.number.clone(),
            issued_on: typed_date(d.issued_on),
            issued_by: d.issued_by.clone(),
            division_code: d.division_code.clone(),
        }
    }
}

impl From<&Child> for ChildRequest {
    fn from(c: &Child) -> Self {
        ChildRequest {
            last_name: c.last_name.clone(),
            first_name: c.first_name.clone(),
            patronymic: c.patronymic.clone(),
            birth_date: typed_date(c.birth_date),
            snils: c.snils.clone(),
            address: c.address.clone(),
        }
    }
}

impl From<&Applicant> for ApplicantRequest {
    fn from(a: &Applicant) -> Self {
        let p = &a.passport;
        ApplicantRequest {
            last_name: a.last_name.clone(),
            first_name: a.first_name.clone(),
            patronymic: a.patronymic.clone(),
            birth_date: typed_date(a.birth_date),
            passport: DocumentRequest {
                kind: p.kind,
                series: p.series.clone(),
                number: p.number.clone(),
                issued_on: typed_date(p.issued_on),
                issued_by: p.issued_by.clone(),
                division_code: Some(p.division_code.clone()),
            },
            address: a.address.clone(),
            phone: a.phone.clone(),
        }
    }
}
