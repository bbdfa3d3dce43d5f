//! The applicant's own calls: details, children, documents, scans, applications, the e-mail step, the certificate.

use super::{ClientError, RegistryClient, expect_empty, expect_json};
use pdo_core::api::*;
use reqwest::{Method, StatusCode};

impl RegistryClient {
    pub async fn applicant(&self, token: &str) -> Result<Option<Applicant>, ClientError> {
        match expect_json(self.as_applicant(Method::GET, "/api/v1/applicant", token), StatusCode::OK).await {
            Err(ClientError::Refused { code, .. }) if code == "applicant_not_set" => Ok(None),
            other => other.map(Some),
        }
    }

    pub async fn put_applicant(&self, token: &str, applicant: &ApplicantRequest) -> Result<Applicant, ClientError> {
        expect_json(self.as_applicant(Method::PUT, "/api/v1/applicant", token).json(applicant), StatusCode::OK).await
    }

    pub async fn children(&self, token: &str) -> Result<Vec<Child>, ClientError> {
        expect_json(self.as_applicant(Method::GET, "/api/v1/children", token), StatusCode::OK).await
    }

    pub async fn create_child(&self, token: &str, key: &str, child: &ChildRequest) -> Result<Child, ClientError> {
        let request =
            self.as_applicant(Method::POST, "/api/v1/children", token).header("Idempotency-Key", key).json(child);
        expect_json(request, StatusCode::CREATED).await
    }

    pub async fn add_document(
        &self,
        token: &str,
        key: &str,
        child_id: &str,
        document: &DocumentRequest,
    ) -> Result<Document, ClientError> {
        let path = format!("/api/v1/children/{child_id}/documents");
        let request = self.as_applicant(Method::POST, &path, token).header("Idempotency-Key", key).json(document);
        expect_json(request, StatusCode::CREATED).await
    }

    pub async fn update_document(
        &self,
        token: &str,
        child_id: &str,
        document_id: &str,
        document: &DocumentRequest,
    ) -> Result<Document, ClientError> {
        let path = format!("/api/v1/children/{child_id}/documents/{document_id}");
        expect_json(self.as_applicant(Method::PUT, &path, token).json(document), StatusCode::OK).await
    }

    pub async fn put_scan(
        &self,
        token: &str,
        child_id: &str,
        document_id: &str,
        jpeg: Vec<u8>,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/children/{child_id}/documents/{document_id}/scan");
        let request = self.as_applicant(Method::PUT, &path, token).header("Content-Type", "image/jpeg").body(jpeg);
        expect_empty(request, StatusCode::NO_CONTENT).await
    }

    pub async fn certificate_groups(&self) -> Result<Vec<CertificateGroup>, ClientError> {
        expect_json(self.request(Method::GET, "/api/v1/certificate-groups"), StatusCode::OK).await
    }

    pub async fn institutions(&self, municipality: Option<&str>) -> Result<Vec<Institution>, ClientError> {
        let mut request = self.request(Method::GET, "/api/v1/institutions");
        if let Some(code) = municipality {
            request = request.query(&[("municipality", code)]);
        }
        expect_json(request, StatusCode::OK).await
    }

    pub async fn create_application(
        &self,
        token: &str,
        key: &str,
        application: &ApplicationRequest,
    ) -> Result<Application, ClientError> {
        let request = self
            .as_applicant(Method::POST, "/api/v1/applications", token)
            .header("Idempotency-Key", key)
            .json(application);
        expect_json(request, StatusCode::CREATED).await
    }

    pub async fn applications(&self, token: &str) -> Result<Vec<Application>, ClientError> {
        expect_json(self.as_applicant(Method::GET, "/api/v1/applications", token), StatusCode::OK).await
    }

    pub async fn application(&self, token: &str, id: &str) -> Result<Application, ClientError> {
        expect_json(self.as_applicant(Method::GET, &format!("/api/v1/applications/{id}"), token), StatusCode::OK).await
    }

    pub async fn confirm_email(&self, token: &str, id: &str, code: &str) -> Result<Application, ClientError> {
        let path = format!("/api/v1/applications/{id}/email-confirmation");
        let request = self.as_applicant(Method::POST, &path, token).json(&EmailCodeRequest { code: code.into() });
        expect_json(request, StatusCode::OK).await
    }

    pub async fn resend_email(&self, token: &str, id: &str) -> Result<(), ClientError> {
        let path = format!("/api/v1/applications/{id}/email-confirmation/resend");
        expect_empty(self.as_applicant(Method::POST, &path, token), StatusCode::ACCEPTED).await
    }

    pub async fn change_email(&self, token: &str, id: &str, email: &str) -> Result<Application, ClientError> {
        let path = format!("/api/v1/applications/{id}/email");
        let request = self.as_applicant(Method::PUT, &path, token).json(&EmailChangeRequest { email: email.into() });
        expect_json(request, StatusCode::OK).await
    }

    pub async fn issue_certificate(
        &self,
        token: &str,
        key: &str,
        id: &str,
        request: &CertificateRequest,
    ) -> Result<Application, ClientError> {
        let path = format!("/api/v1/applications/{id}/certificate");
        let request = self.as_applicant(Method::POST, &path, token).header("Idempotency-Key", key).json(request);
        expect_json(request, StatusCode::CREATED).await
    }
}
