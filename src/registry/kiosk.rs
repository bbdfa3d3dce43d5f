//! The kiosk's own calls: its configuration (sealing keys, number block), heartbeats, offline submissions.

use super::{ClientError, RegistryClient, expect_empty, expect_json};
use pdo_core::api::{Heartbeat, KioskConfig, SubmissionReceipt};
use reqwest::{Method, StatusCode};

impl RegistryClient {
    pub async fn kiosk_config(&self) -> Result<KioskConfig, ClientError> {
        expect_json(self.as_kiosk(Method::GET, "/api/v1/kiosk/config")?, StatusCode::OK).await
    }

    pub async fn heartbeat(&self, heartbeat: &Heartbeat) -> Result<(), ClientError> {
        expect_empty(self.as_kiosk(Method::POST, "/api/v1/kiosk/heartbeat")?.json(heartbeat), StatusCode::NO_CONTENT)
            .await
    }

    /// Sends one sealed box; the submission id is its idempotency key, so a resend after a lost answer is harmless.
    pub async fn submit_sealed(
        &self,
        submission_id: &str,
        key_id: &str,
        sealed: Vec<u8>,
    ) -> Result<SubmissionReceipt, ClientError> {
        let request = self
            .as_kiosk(Method::POST, "/api/v1/kiosk/submissions")?
            .header("Idempotency-Key", submission_id)
            .header("Sealed-Key-Id", key_id)
            .header("Content-Type", "application/octet-stream")
            .body(sealed);
        expect_json(request, StatusCode::ACCEPTED).await
    }

    pub async fn submission(&self, submission_id: &str) -> Result<SubmissionReceipt, ClientError> {
        expect_json(self.as_kiosk(Method::GET, &format!("/api/v1/kiosk/submissions/{submission_id}"))?, StatusCode::OK)
            .await
    }
}
