//! Applications, the e-mail step, certificates and the reference data they point at.

use super::{Applicant, Child, Document};
use crate::domain::AccountKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Taken offline at a kiosk; waits for the applicant to follow the claim link and sign in.
    AwaitingClaim,
    AwaitingEmailConfirmation,
    EmailConfirmed,
    CertificateIssued,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingClaim => "awaiting_claim",
            Self::AwaitingEmailConfirmation => "awaiting_email_confirmation",
            Self::EmailConfirmed => "email_confirmed",
            Self::CertificateIssued => "certificate_issued",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::AwaitingClaim, Self::AwaitingEmailConfirmation, Self::EmailConfirmed, Self::CertificateIssued]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    ConfirmEmail,
    GetCertificate,
    PrintForms,
    None,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationSource {
    Online,
    KioskOffline,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Institution {
    pub id: String,
    pub name: String,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateGroup {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Municipality {
    pub code: String,
    pub name: String,
}

/// Who processes the personal data: named in the consent form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operator {
    pub name: String,
    pub address: String,
}

/// Everything the printed forms need, in one object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    pub id: String,
    pub number: String,
    pub status: ApplicationStatus,
    pub next_action: NextAction,
    pub child: Child,
    pub applicant: Applicant,
    pub applicant_kind: AccountKind,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_confirmed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_group: Option<CertificateGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_record: Option<String>,
    pub institutions: Vec<Institution>,
    pub operator: Operator,
    pub created_at: DateTime<Utc>,
    pub source: ApplicationSource,
}

/// Body of `POST /api/v1/applications`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    pub child_id: String,
    pub email: String,
    /// Extension: the municipality whose institutions the forms list (the kiosk sends its own); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailCodeRequest {
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailChangeRequest {
    pub email: String,
}

/// Body of `POST /api/v1/applications/{id}/certificate`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CertificateRequest {
    pub group_id: String,
    pub document_id: String,
}
