//! Sign-in without typing (RFC 8628): the kiosk shows a QR code, the applicant approves on their own phone.

use super::{ClientError, RegistryClient, expect_json, send};
use pdo_core::api::{DeviceLoginStart, DeviceTokenRequest, ErrorBody};
use reqwest::{Method, StatusCode};

pub use pdo_core::api::DevicePoll;

impl RegistryClient {
    pub async fn start_device_login(&self) -> Result<DeviceLoginStart, ClientError> {
        expect_json(self.as_kiosk(Method::POST, "/api/v1/device-login")?, StatusCode::OK).await
    }

    pub async fn poll_device_login(&self, device_code: &str) -> Result<DevicePoll, ClientError> {
        let request = self
            .as_kiosk(Method::POST, "/api/v1/device-login/token")?
            .json(&DeviceTokenRequest { device_code: device_code.into() });
        let response = send(request).await?;
        match response.status() {
            StatusCode::OK => response
                .json()
                .await
                .map(DevicePoll::Approved)
                .map_err(|_| ClientError::Server { status: 200, code: "unreadable_answer".into() }),
            StatusCode::BAD_REQUEST => {
                let code = response.json::<ErrorBody>().await.map(|b| b.error.code).unwrap_or_default();
                Ok(match code.as_str() {
                    "authorization_pending" => DevicePoll::Pending,
                    "slow_down" => DevicePoll::SlowDown,
                    "access_denied" => DevicePoll::Denied,
                    _ => DevicePoll::Expired,
                })
            }
            _ => Err(super::error_from(response).await),
        }
    }
}
