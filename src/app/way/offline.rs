//! The offline way: each step is checked here with the shared rules (the registry checks them again when the
//! submission arrives) and kept in the draft as the record the registry would have answered, with no registry id.
//! The last step seals the whole draft with the registry's public key into the outbox, in one transaction, under a
//! number from the kiosk's block; the registry number comes by e-mail once the sync worker has delivered it and the
//! applicant has followed the claim link.

use super::{ChildrenStep, Reference};
use crate::registry::ClientError;
use crate::screen::{applicant, application, capture, certificate, child_form, document};
use crate::session::Draft;
use crate::store::Store;
use base64::Engine;
use iced::Task;
use pdo_core::api::{
    Applicant, ApplicantRequest, Application, ApplicationSource, ApplicationStatus, CertificateRequest, Child,
    ChildRequest, Document, DocumentRequest, NextAction, OfflinePayload, Operator,
};
use pdo_core::domain::{AccountKind, Lang, region_today};
use pdo_core::validation::{FieldErrors, field_bodies, validate_applicant, validate_child, validate_document};

/// What a record made here has instead of a registry id.
pub const NO_ID: &str = "offline";

pub(in crate::app) struct Offline {
    pub store: Store,
    pub sync: Option<crate::sync::SyncWorker>,
    pub reference: Reference,
    pub operator: Operator,
    /// The account signed in to online, if any: the registry joins what was created there instead of doubling it.
    pub login: Option<String>,
    pub lang: Lang,
    /// Said when the application could not be sealed into the queue.
    pub not_queued: String,
}

fn today() -> chrono::NaiveDate {
    region_today(chrono::Utc::now())
}

/// The shared rules' refusals as the registry words them: each field's code and message in the person's language.
fn refused(errors: FieldErrors, lang: Lang) -> ClientError {
    ClientError::Validation(field_bodies(&errors, lang))
}

impl Offline {
    /// Choosing among the registry's children needs the registry: a child is entered instead.
    pub fn children(&self) -> ChildrenStep {
        ChildrenStep::Enter
    }

    pub fn save_applicant(&self, request: ApplicantRequest) -> Task<applicant::Message> {
        let checked = validate_applicant(&request, AccountKind::Parent, today()).map_err(|e| refused(e, self.lang));
        Task::done(applicant::Message::Saved(checked))
    }

    pub fn save_child(&self, request: ChildRequest) -> Task<child_form::Message> {
        let checked = validate_child(&request, today()).map_err(|e| refused(e, self.lang)).map(|child| Child {
            id: NO_ID.into(),
            last_name: child.last_name,
            first_name: child.first_name,
            patronymic: child.patronymic,
            birth_date: child.birth_date,
            snils: child.snils,
            address: child.address,
            documents: Vec::new(),
        });
        Task::done(child_form::Message::Created(checked))
    }

    pub fn save_document(&self, child: &Child, request: DocumentRequest) -> Task<document::Message> {
        let checked =
            validate_document(&request, child.birth_date, today()).map_err(|e| refused(e, self.lang)).map(|valid| {
                Document {
                    id: NO_ID.into(),
                    kind: valid.kind,
                    series: valid.series,
                    number: valid.number,
                    issued_on: valid.issued_on,
                    issued_by: valid.issued_by,
                    division_code: valid.division_code,
                    has_scan: false,
                }
            });
        Task::done(document::Message::Saved(checked))
    }

    /// The scan stays in the draft (in memory) until the application is sealed.
    pub fn upload_scan(&self) -> Task<capture::Message> {
        Task::done(capture::Message::Uploaded(Ok(())))
    }

    /// The application as the forms will print it, still without a number. No code is sent by e-mail on this way:
    /// the claim link in the letter confirms the address later, so the next step is the certificate group.
    pub fn submit(&self, draft: &Draft, email: String) -> Task<application::Message> {
        let made = match (&draft.applicant, &draft.child, &draft.document) {
            (Some(applicant), Some(child), Some(document)) => Ok(self.application(applicant, child, document, email)),
            _ => Err(self.not_queued()),
        };
        Task::done(application::Message::Created(made))
    }

    fn application(&self, applicant: &Applicant, child: &Child, document: &Document, email: String) -> Application {
        let document = Document { has_scan: true, ..document.clone() };
        Application {
            id: NO_ID.into(),
            number: String::new(),
            status: ApplicationStatus::EmailConfirmed,
            next_action: NextAction::GetCertificate,
            child: Child { documents: vec![document.clone()], ..child.clone() },
            applicant: applicant.clone(),
            applicant_kind: AccountKind::Parent,
            email,
            email_confirmed_at: None,
            certificate_group: None,
            document: Some(document),
            registry_record: None,
            institutions: self.reference.institutions.clone(),
            operator: self.operator.clone(),
            created_at: chrono::Utc::now(),
            source: ApplicationSource::KioskOffline,
        }
    }

    /// The certificate groups kept while online.
    pub fn groups(&self) -> Task<certificate::Message> {
        let groups = &self.reference.groups;
        let kept = if groups.is_empty() { Err(ClientError::Unreachable) } else { Ok(groups.clone()) };
        Task::done(certificate::Message::GroupsLoaded(kept))
    }

    /// «Получить сертификат»: the draft sealed into the outbox with a number from the block; the answer is the
    /// application as the forms print it, awaiting its claim.
    pub fn issue(&self, draft: &Draft, request: CertificateRequest) -> Task<certificate::Message> {
        let group = self.reference.groups.iter().find(|g| g.id == request.group_id).cloned();
        // From the draft's own records: an application created online before the link dropped has them too.
        let email = draft.application.as_ref().map(|a| a.email.clone()).or_else(|| draft.email.clone());
        let (Some(applicant), Some(child), Some(document), Some(scan), Some(email), Some(group)) =
            (&draft.applicant, &draft.child, &draft.document, &draft.scan, email, group)
        else {
            tracing::warn!("offline application could not be put together");
            return Task::done(certificate::Message::Issued(Err(self.not_queued())));
        };
        let mut payload = OfflinePayload {
            kiosk_id: String::new(),
            submission_id: crate::registry::new_key(),
            application_number: String::new(),
            captured_at: chrono::Utc::now(),
            login: self.login.clone(),
            applicant: ApplicantRequest::from(applicant),
            child: ChildRequest::from(child),
            document: DocumentRequest::from(document),
            scan_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(scan.as_slice()),
            email: email.clone(),
            group_id: group.id.clone(),
        };
        let queued = Application {
            status: ApplicationStatus::AwaitingClaim,
            next_action: NextAction::PrintForms,
            certificate_group: Some(group),
            ..self.application(applicant, child, document, email)
        };
        let (store, worker, not_queued) = (self.store.clone(), self.sync.clone(), self.not_queued());
        Task::perform(
            async move {
                let sealed = async {
                    // The kiosk as its registry knows it (the config kept while online), whichever build this is.
                    let config = store.kiosk_config().await.map_err(|e| e.to_string())?;
                    payload.kiosk_id = config.ok_or_else(|| "no kiosk config kept".to_string())?.kiosk.id;
                    let key = store.sealing_key().await.map_err(|e| e.to_string())?;
                    payload.application_number = store.take_number().await.map_err(|e| e.to_string())?;
                    store.enqueue(&payload, &key).await.map_err(|e| e.to_string())
                };
                if let Err(err) = sealed.await {
                    tracing::warn!(error = %err, "offline application not queued");
                    return Err(not_queued);
                }
                tracing::info!(number = %payload.application_number, "application queued offline");
                // Counted here, not when the answer comes: the application is queued even if nobody sees its forms.
                if let Err(err) = store.count("applications_queued_offline").await {
                    tracing::warn!(error = %err, "counter not recorded");
                }
                if let Some(worker) = worker {
                    worker.wake();
                }
                Ok(Application { number: payload.application_number.clone(), ..queued })
            },
            certificate::Message::Issued,
        )
    }

    fn not_queued(&self) -> ClientError {
        ClientError::Refused { status: 0, code: "not_queued".into(), message: self.not_queued.clone(), id: None }
    }
}
