//! The online way: each step is a request to the registry, as the signed-in session.

use super::ChildrenStep;
use crate::registry::RegistryClient;
use crate::screen::{applicant, application, capture, certificate, child_form, children, document};
use iced::Task;
use pdo_core::api::{ApplicantRequest, ApplicationRequest, CertificateRequest, ChildRequest, DocumentRequest};
use zeroize::Zeroizing;

pub(in crate::app) struct Online {
    pub client: RegistryClient,
    /// The session's token; empty before sign-in.
    pub token: String,
}

impl Online {
    pub fn children(&self) -> ChildrenStep {
        let (client, token) = (self.client.clone(), self.token.clone());
        ChildrenStep::List(Task::perform(async move { client.children(&token).await }, children::Message::Loaded))
    }

    pub fn save_applicant(&self, request: ApplicantRequest) -> Task<applicant::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(async move { client.put_applicant(&token, &request).await }, applicant::Message::Saved)
    }

    pub fn save_child(&self, key: String, request: ChildRequest) -> Task<child_form::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(async move { client.create_child(&token, &key, &request).await }, child_form::Message::Created)
    }

    /// A correction of `existing` when one was sent in this draft already, otherwise a new document under `key`.
    pub fn save_document(
        &self,
        key: String,
        child_id: String,
        existing: Option<String>,
        request: DocumentRequest,
    ) -> Task<document::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(
            async move {
                match existing {
                    Some(id) => client.update_document(&token, &child_id, &id, &request).await,
                    None => client.add_document(&token, &key, &child_id, &request).await,
                }
            },
            document::Message::Saved,
        )
    }

    pub fn upload_scan(
        &self,
        child_id: String,
        document_id: String,
        jpeg: Zeroizing<Vec<u8>>,
    ) -> Task<capture::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(
            async move { client.put_scan(&token, &child_id, &document_id, jpeg.to_vec()).await },
            capture::Message::Uploaded,
        )
    }

    pub fn submit(&self, key: String, request: ApplicationRequest) -> Task<application::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(
            async move { client.create_application(&token, &key, &request).await },
            application::Message::Created,
        )
    }

    pub fn groups(&self) -> Task<certificate::Message> {
        let client = self.client.clone();
        Task::perform(async move { client.certificate_groups().await }, certificate::Message::GroupsLoaded)
    }

    pub fn issue(
        &self,
        key: String,
        application_id: String,
        request: CertificateRequest,
    ) -> Task<certificate::Message> {
        let (client, token) = (self.client.clone(), self.token.clone());
        Task::perform(
            async move { client.issue_certificate(&token, &key, &application_id, &request).await },
            certificate::Message::Issued,
        )
    }
}
