//! One way to the registry, two implementations. The application's steps send what the person gave through `Way`:
//! online, a request to the registry; offline, the shared rules here and the sealed outbox at the end. Both answer
//! with the same screen messages, so the steps and the root's sequencing are the same code whichever serves.
//!
//! Which way serves is decided here and only here: the online way, until the person takes the offline one (offered
//! from the registry link's watch, on the sign-in screen or midway with «Продолжить без связи»); it stays for the
//! rest of the session. What differs beyond the requests is said by the way too: whether the steps left behind are
//! kept for «Назад» (offline, where nothing was sent yet), and what the letter after the application brings.

mod offline;
mod online;

use super::{App, Message, Screen};
use crate::screen::{applicant, application, capture, certificate, child_form, children, document};
use crate::session::Draft;
use iced::Task;
use pdo_core::api::{
    ApplicantRequest, ApplicationRequest, CertificateGroup, CertificateRequest, ChildRequest, DocumentRequest,
    Institution,
};
use zeroize::Zeroizing;

/// Public reference data kept while online for the offline way and the notice (never applicant data).
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub groups: Vec<CertificateGroup>,
    pub institutions: Vec<Institution>,
    /// The registry's operator, from the kiosk config kept.
    pub operator: Option<pdo_core::api::Operator>,
}

/// What step 4 is on a way: the account's children to choose from, or a child to enter.
pub(super) enum ChildrenStep {
    List(Task<children::Message>),
    Enter,
}

/// The offline way taken in this session, with the steps behind the current one as they were left.
#[derive(Debug, Default)]
pub(super) struct OfflineWay {
    behind: Vec<Screen>,
}

// Made for one request and dropped: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(super) enum Way {
    Online(online::Online),
    Offline(offline::Offline),
}

impl Way {
    pub fn children(&self) -> ChildrenStep {
        match self {
            Way::Online(way) => way.children(),
            Way::Offline(way) => way.children(),
        }
    }

    pub fn save_applicant(&self, request: ApplicantRequest) -> Task<applicant::Message> {
        match self {
            Way::Online(way) => way.save_applicant(request),
            Way::Offline(way) => way.save_applicant(request),
        }
    }

    pub fn save_child(&self, draft: &Draft, request: ChildRequest) -> Task<child_form::Message> {
        match self {
            Way::Online(way) => way.save_child(draft.child_key.clone(), request),
            Way::Offline(way) => way.save_child(request),
        }
    }

    /// The document of the draft's child; one already sent in this draft is corrected rather than added again.
    pub fn save_document(&self, draft: &Draft, request: DocumentRequest) -> Task<document::Message> {
        let Some(child) = &draft.child else { return Task::none() };
        match self {
            Way::Online(way) => {
                let existing = draft.document.as_ref().map(|d| d.id.clone());
                way.save_document(draft.document_key.clone(), child.id.clone(), existing, request)
            }
            Way::Offline(way) => way.save_document(child, request),
        }
    }

    pub fn upload_scan(&self, draft: &Draft, jpeg: Zeroizing<Vec<u8>>) -> Task<capture::Message> {
        let (Some(child), Some(document)) = (&draft.child, &draft.document) else { return Task::none() };
        match self {
            Way::Online(way) => way.upload_scan(child.id.clone(), document.id.clone(), jpeg),
            Way::Offline(way) => way.upload_scan(),
        }
    }

    pub fn submit(&self, draft: &Draft, email: String, municipality: Option<String>) -> Task<application::Message> {
        let Some(child) = &draft.child else { return Task::none() };
        match self {
            Way::Online(way) => {
                let request = ApplicationRequest { child_id: child.id.clone(), email, municipality };
                way.submit(draft.application_key.clone(), request)
            }
            Way::Offline(way) => way.submit(draft, email),
        }
    }

    pub fn groups(&self) -> Task<certificate::Message> {
        match self {
            Way::Online(way) => way.groups(),
            Way::Offline(way) => way.groups(),
        }
    }

    pub fn issue(&self, draft: &Draft, request: CertificateRequest) -> Task<certificate::Message> {
        match self {
            Way::Online(way) => {
                let Some(application) = &draft.application else { return Task::none() };
                way.issue(draft.certificate_key.clone(), application.id.clone(), request)
            }
            Way::Offline(way) => way.issue(draft, request),
        }
    }

    /// The letter after the application brings a link to claim it with (offline), not a code to type here.
    pub fn letter_brings_claim_link(&self) -> bool {
        matches!(self, Way::Offline(_))
    }
}

impl App {
    /// The way that serves now: the one place that picks it.
    pub(super) fn way(&self) -> Way {
        match &self.offline {
            None => {
                let (client, token) = self.registry_parts();
                Way::Online(online::Online { client, token })
            }
            Some(_) => Way::Offline(offline::Offline {
                store: self.env.store.clone(),
                sync: self.env.sync.clone(),
                reference: self.reference.clone(),
                operator: self.operator.clone(),
                login: self.session.as_ref().map(|s| s.account.login.clone()).filter(|l| !l.is_empty()),
                lang: self.i18n.lang(),
                not_queued: self.i18n.tr("offline-not-queued"),
            }),
        }
    }

    /// The offline way from here on, for the rest of the session.
    pub(super) fn take_offline_way(&mut self) {
        if self.offline.is_none() {
            tracing::info!("offline way taken");
            self.offline = Some(OfflineWay::default());
        }
    }

    /// Whether the banner says the application will wait on the kiosk.
    pub(super) fn offline_banner(&self) -> bool {
        self.offline.is_some()
    }

    /// Whether the idle clock must run even before anything was typed: a step of the offline way is open.
    pub(super) fn on_offline_way(&self) -> bool {
        self.offline.is_some()
    }

    /// «Продолжить позже» waits for the same account's next sign-in, where the registry is asked again: online only.
    pub(super) fn way_can_wait(&self) -> bool {
        self.offline.is_none()
    }

    /// «Продолжить без связи» is offered while the online way serves.
    pub(super) fn way_can_switch(&self) -> bool {
        self.offline.is_none()
    }

    /// Moves on from the current step by `open`; the step left is kept for «Назад» on the way that keeps steps.
    pub(super) fn advance(&mut self, open: impl FnOnce(&mut Self) -> Task<Message>) -> Task<Message> {
        let placeholder = self.welcome();
        let left = std::mem::replace(&mut self.screen, placeholder);
        let task = open(self);
        if matches!(self.screen, Screen::Welcome(_)) {
            // Nothing was opened: the step stays.
            self.screen = left;
        } else if let Some(way) = &mut self.offline {
            way.behind.push(left);
        }
        task
    }

    /// «Назад» from a step: the step before, as it was left, where the way keeps them; otherwise `elsewhere`.
    pub(super) fn step_back(&mut self, elsewhere: impl FnOnce(&mut Self) -> Task<Message>) -> Task<Message> {
        let Some(mut screen) = self.offline.as_mut().and_then(|way| way.behind.pop()) else { return elsewhere(self) };
        // The step was left waiting for its answer: it is ready for changes again.
        match &mut screen {
            Screen::Applicant { form, .. } => form.failed(),
            Screen::ChildForm { form, .. } => form.failed(),
            Screen::Document { form, .. } => form.failed(),
            Screen::Capture(capture) => capture.failed(String::new()),
            Screen::Application(step) => step.failed(String::new(), false),
            _ => {}
        }
        self.screen = screen;
        self.editing = None;
        Task::none()
    }

    /// What was typed is sealed or sent now: the steps holding it are dropped.
    pub(super) fn forget_steps(&mut self) {
        if let Some(way) = &mut self.offline {
            way.behind.clear();
        }
        self.draft.forget_scan();
    }
}
