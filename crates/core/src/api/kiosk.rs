//! What a kiosk itself exchanges with the registry: its configuration, heartbeats, sealed offline submissions.

use super::{ApplicantRequest, ChildRequest, DocumentRequest};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskInfo {
    pub id: String,
    pub name: String,
    pub address: String,
    pub municipality: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    pub key_id: String,
    /// X25519 public key, standard base64.
    pub public_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NumberBlock {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskConfig {
    pub kiosk: KioskInfo,
    pub public_keys: Vec<PublicKey>,
    pub number_block: NumberBlock,
    /// Who processes the data (an extension): the kiosk names this operator in its notice and on the consent of an
    /// application taken offline, the same one the registry's forms name.
    #[serde(default)]
    pub operator: Option<super::Operator>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueState {
    pub count: u64,
    #[serde(default)]
    pub oldest_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    pub version: String,
    pub queue: QueueState,
    pub printer: String,
    pub camera: String,
}

/// The JSON inside a sealed box: one application taken while the registry could not be reached. No password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfflinePayload {
    pub kiosk_id: String,
    pub submission_id: String,
    pub application_number: String,
    pub captured_at: DateTime<Utc>,
    #[serde(default)]
    pub login: Option<String>,
    pub applicant: ApplicantRequest,
    pub child: ChildRequest,
    pub document: DocumentRequest,
    pub scan_jpeg_base64: String,
    pub email: String,
    pub group_id: String,
}

/// The payload lives in memory only while it is sealed (kiosk) or checked (registry); its scan, the largest piece of
/// personal data in it, and the address are overwritten when it goes, like the JSON it is sealed from.
impl Drop for OfflinePayload {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.scan_jpeg_base64.zeroize();
        self.email.zeroize();
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Received,
    AwaitingClaim,
    CertificateIssued,
    Rejected,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionReceipt {
    pub submission_id: String,
    pub application_number: String,
    pub status: SubmissionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/v1/device-login`: a sign-in the applicant approves on their own phone (RFC 8628). The kiosk shows
/// `verification_uri_complete` as a QR code and `user_code` in letters, then polls with `device_code`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceLoginStart {
    pub device_code: String,
    /// Eight letters shown as `XXXX-XXXX`.
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    /// Seconds until the codes expire.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    pub interval: u64,
}

/// What a kiosk's poll of `POST /api/v1/device-login/token` finds (the registry's answer, and the client's reading
/// of it).
#[derive(Debug, Clone, PartialEq)]
pub enum DevicePoll {
    /// `400 authorization_pending`.
    Pending,
    /// `400 slow_down`.
    SlowDown,
    /// `400 expired_token`: expired, unknown, another kiosk's, or already used.
    Expired,
    /// `400 access_denied`.
    Denied,
    /// `200`: the session opened for the approving account, handed out once.
    Approved(super::SessionResponse),
}

/// `POST /api/v1/device-login/token`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceTokenRequest {
    pub device_code: String,
}
