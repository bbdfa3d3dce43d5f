//! Applying while the registry cannot be reached. No password is checked or kept: the person gives their own
//! details, the child, the document, its photo, the e-mail and the certificate group, each checked here with the
//! shared rules. The whole application is then sealed with the registry's public key into the outbox in one
//! transaction, gets its number from the kiosk's block, and the forms are printed at once; the registry number comes
//! by e-mail once the sync worker has delivered it and the applicant has followed the claim link.
//!
//! Each step's screen is kept on a stack as it was left, so «Назад» returns to it with everything typed.

use super::{App, Message, Screen};
use crate::screen::children::document_label;
use crate::screen::{applicant, application, capture, certificate, child_form, document, welcome};
use base64::Engine;
use iced::Task;
use pdo_core::api::{
    ApplicantRequest, Application, ApplicationSource, ApplicationStatus, CertificateGroup, Child, ChildRequest,
    Document, DocumentRequest, Institution, NextAction, OfflinePayload,
};
use pdo_core::domain::{AccountKind, allowed_documents, full_name, region_today};
use pdo_core::validation::{parse_date, validate_applicant, validate_child, validate_document};
use zeroize::Zeroizing;

/// Public reference data kept for offline use (never applicant data).
pub const GROUPS_KEY: &str = "reference.certificate_groups";
pub const INSTITUTIONS_KEY: &str = "reference.institutions";

/// Public data kept while online for the offline way and the notice (never applicant data).
#[derive(Debug, Clone)]
pub struct Reference {
    pub groups: Vec<CertificateGroup>,
    pub institutions: Vec<Institution>,
    /// The registry's operator, from the kiosk config kept.
    pub operator: Option<pdo_core::api::Operator>,
}

/// What the person entered so far, checked; dropped as a whole with the session.
#[derive(Debug, Default)]
pub struct OfflineDraft {
    applicant: Option<ApplicantRequest>,
    child: Option<ChildRequest>,
    document: Option<DocumentRequest>,
    scan: Option<Zeroizing<Vec<u8>>>,
    email: Option<String>,
    /// The screens behind the current one, as they were left.
    behind: Vec<Screen>,
}

fn today() -> chrono::NaiveDate {
    region_today(chrono::Utc::now())
}

impl App {
    pub(super) fn is_offline(&self) -> bool {
        self.offline.is_some()
    }

    /// From the sign-in screen: the offline way starts with the applicant's own details.
    pub(super) fn open_offline(&mut self) -> Task<Message> {
        tracing::info!("offline application started");
        self.offline = Some(OfflineDraft::default());
        self.screen = Screen::Applicant { form: applicant::Applicant::new(None, AccountKind::Parent), problem: None };
        self.focus_field(applicant::FIELDS[0].path)
    }

    /// «Продолжить без связи» is offered when a call of this session failed as unreachable, on the steps where
    /// the application is still being put together.
    pub(super) fn can_continue_offline(&self) -> bool {
        let Some(session) = &self.session else { return false };
        let draft = &session.draft;
        // Once the application exists (the e-mail step, the certificate), the rest needs what was sent for it, the
        // scan included; an application opened from the cabinet on a later visit has no scan here.
        let application_made = draft.child.is_some() && draft.document.is_some() && draft.scan.is_some();
        (self.unreachable || self.link.link == crate::sync::Link::Offline)
            && !self.is_offline()
            && session.applicant.is_some()
            && match self.screen {
                Screen::Children(_)
                | Screen::ChildForm { .. }
                | Screen::Document { .. }
                | Screen::Capture(_)
                | Screen::Application(_) => true,
                Screen::Confirm(_) | Screen::Certificate(_) => application_made,
                _ => false,
            }
    }

    /// The registry went away in the middle: what was already sent or typed becomes the offline draft and the person
    /// carries on from the same screen. The offline submission is checked again by the registry when it arrives, so
    /// a child whose online application did get through is not given a second one.
    pub(super) fn continue_offline(&mut self) -> Task<Message> {
        let Some(session) = &self.session else { return Task::none() };
        let Some(applicant) = &session.applicant else { return Task::none() };
        tracing::info!("application continues offline");
        let draft = &session.draft;
        let mut offline = OfflineDraft {
            applicant: Some(ApplicantRequest::from(applicant)),
            child: draft.child.as_ref().map(ChildRequest::from),
            document: draft.document.as_ref().map(DocumentRequest::from),
            scan: draft.scan.clone(),
            email: draft.application.as_ref().map(|a| a.email.clone()).or_else(|| session.email.clone()),
            behind: Vec::new(),
        };
        let email_step = matches!(self.screen, Screen::Confirm(_));
        let on_children = matches!(self.screen, Screen::Children(_));
        // The capture screen's own photo, if one was taken and not sent yet.
        if let Screen::Capture(screen) = &self.screen {
            offline.scan = screen.scan().map(|s| s.jpeg.clone()).or(offline.scan);
        }
        let needs_photo = offline.scan.is_none() && matches!(self.screen, Screen::Application(_));
        let document = offline.document.clone();
        self.offline = Some(offline);
        // The message of the online attempt that failed no longer holds: the banner says what happens now.
        match &mut self.screen {
            Screen::Applicant { problem, .. }
            | Screen::ChildForm { problem, .. }
            | Screen::Document { problem, .. } => *problem = None,
            Screen::Capture(capture) => capture.failed(String::new()),
            Screen::Certificate(choice) => choice.failed(String::new()),
            Screen::Application(step) => step.go_offline(),
            _ => {}
        }
        if on_children {
            // Choosing among the registry's children needs the registry: a child is entered here instead.
            let applicant = self.offline.as_ref().and_then(|d| d.applicant.as_ref());
            let form = child_form::ChildForm::new(None).with_applicant(applicant);
            let first = form.first_field();
            self.screen = Screen::ChildForm { form, problem: None };
            return self.focus_field(first);
        }
        if let (true, Some(document)) = (needs_photo, document) {
            let label = document_label(self.ctx(), document.kind, &document.series, &document.number);
            self.screen = Screen::Capture(capture::Capture::new(label));
            self.editing = None;
            return self.start_camera();
        }
        if email_step && let Some(step) = self.offline_email_step() {
            // The code or link of the e-mail step would confirm nothing now: the e-mail step again, saying that the
            // letter will bring a link to sign in with.
            self.screen = Screen::Application(step);
            self.editing = None;
        }
        // Every other screen goes on as it is; its next «Далее» takes the offline way.
        Task::none()
    }

    /// Another child after printing: the applicant's details and e-mail stay, the child's start afresh.
    pub(super) fn offline_another_child(&mut self) -> Task<Message> {
        let Some(draft) = &mut self.offline else { return Task::none() };
        let kept = OfflineDraft { applicant: draft.applicant.take(), email: draft.email.take(), ..Default::default() };
        *draft = kept;
        self.offline_printed = None;
        let form = child_form::ChildForm::new(None).with_applicant(draft.applicant.as_ref());
        let first = form.first_field();
        self.screen = Screen::ChildForm { form, problem: None };
        self.focus_field(first)
    }

    /// Moves on to `next`, keeping the screen left behind for «Назад».
    fn offline_forward(&mut self, next: Screen) {
        let left = std::mem::replace(&mut self.screen, next);
        if let Some(draft) = &mut self.offline {
            draft.behind.push(left);
        }
    }

    /// «Назад» in the offline flow: the previous step as it was left; from the first, the sign-in screen.
    pub(super) fn offline_back(&mut self) -> Task<Message> {
        let previous = self.offline.as_mut().and_then(|d| d.behind.pop());
        match previous {
            Some(mut screen) => {
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
            // Taken offline from the sign-in screen, the first step's «Назад» leaves; taken midway, it stays.
            None if self.session.is_none() => self.end_session(),
            None => Task::none(),
        }
    }

    pub(super) fn offline_applicant(&mut self, request: ApplicantRequest) -> Task<Message> {
        let Some(draft) = &mut self.offline else { return Task::none() };
        let form = child_form::ChildForm::new(None).with_applicant(Some(&request));
        draft.applicant = Some(request);
        let first = form.first_field();
        self.offline_forward(Screen::ChildForm { form, problem: None });
        self.focus_field(first)
    }

    pub(super) fn offline_child(&mut self, request: ChildRequest) -> Task<Message> {
        let Ok(birth) = parse_date(&request.birth_date) else { return Task::none() };
        let name = full_name(&request.last_name, &request.first_name, request.patronymic.as_deref());
        let Some(draft) = &mut self.offline else { return Task::none() };
        draft.child = Some(request);
        let form = document::Document::new(allowed_documents(birth, today()), name, birth);
        let first = form.first_field();
        self.offline_forward(Screen::Document { form, problem: None });
        match first {
            Some(first) => self.focus_field(first),
            None => Task::none(),
        }
    }

    pub(super) fn offline_document(&mut self, request: DocumentRequest) -> Task<Message> {
        let label = document_label(self.ctx(), request.kind, &request.series, &request.number);
        let Some(draft) = &mut self.offline else { return Task::none() };
        draft.document = Some(request);
        self.offline_forward(Screen::Capture(capture::Capture::new(label)));
        self.editing = None;
        self.start_camera()
    }

    pub(super) fn offline_scan(&mut self) -> Task<Message> {
        let Screen::Capture(screen) = &self.screen else { return Task::none() };
        let Some(scan) = screen.scan().map(|s| s.jpeg.clone()) else { return Task::none() };
        self.stop_camera();
        let Some(draft) = &mut self.offline else { return Task::none() };
        draft.scan = Some(scan);
        let Some(step) = self.offline_email_step() else { return Task::none() };
        let editing = step.is_editing();
        self.offline_forward(Screen::Application(step));
        if editing { self.focus_field(application::EMAIL_ID) } else { Task::none() }
    }

    /// «Подать заявление на получение сертификата» on the offline way, with the address given so far.
    fn offline_email_step(&self) -> Option<application::Application> {
        let draft = self.offline.as_ref()?;
        let (child, document) = (draft.child.as_ref()?, draft.document.as_ref()?);
        let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        let label = document_label(self.ctx(), document.kind, &document.series, &document.number);
        let mut step = application::Application::new(name, label, draft.email.clone());
        step.go_offline();
        Some(step)
    }

    /// The e-mail is given: the certificate group, from the reference data kept while online.
    pub(super) fn offline_email(&mut self, email: String) -> Task<Message> {
        let Some(draft) = &mut self.offline else { return Task::none() };
        draft.email = Some(email);
        let Some(document) = self.offline_document_record() else {
            tracing::warn!("offline document could not be read back");
            let text = self.i18n.tr("offline-not-queued");
            if let Screen::Application(screen) = &mut self.screen {
                screen.failed(text, false);
            }
            return Task::none();
        };
        let name = self
            .offline
            .as_ref()
            .and_then(|d| d.child.as_ref())
            .map(|c| full_name(&c.last_name, &c.first_name, c.patronymic.as_deref()));
        let mut choice = certificate::Certificate::new(name.unwrap_or_default(), vec![document]);
        // The same groups the offline application is put together with (kept while online).
        choice.loaded(if self.offline_groups.is_empty() {
            certificate::Groups::Unavailable
        } else {
            certificate::Groups::Loaded(self.offline_groups.clone())
        });
        self.offline_forward(Screen::Certificate(choice));
        self.editing = None;
        Task::none()
    }

    /// The document as the forms show it (it has no registry id yet).
    fn offline_document_record(&self) -> Option<Document> {
        let draft = self.offline.as_ref()?;
        let (child, request) = (draft.child.as_ref()?, draft.document.as_ref()?);
        let birth = parse_date(&child.birth_date).ok()?;
        let valid = validate_document(request, birth, today()).ok()?;
        Some(Document {
            id: "offline".into(),
            kind: valid.kind,
            series: valid.series,
            number: valid.number,
            issued_on: valid.issued_on,
            issued_by: valid.issued_by,
            division_code: valid.division_code,
            has_scan: true,
        })
    }

    /// «Получить сертификат» offline: seal the application into the outbox with a number from the block.
    pub(super) fn offline_submit(&mut self, group_id: String) -> Task<Message> {
        let Some(application) = self.offline_application(&group_id) else {
            tracing::warn!("offline application could not be put together");
            let text = self.i18n.tr("offline-not-queued");
            if let Screen::Certificate(screen) = &mut self.screen {
                screen.failed(text);
            }
            return Task::none();
        };
        let Some(draft) = &self.offline else { return Task::none() };
        let (Some(applicant), Some(child), Some(document), Some(scan), Some(email)) =
            (&draft.applicant, &draft.child, &draft.document, &draft.scan, &draft.email)
        else {
            return Task::none();
        };
        // The account signed in to online, if any: the registry joins what was created there instead of doubling it.
        let login = self.session.as_ref().map(|s| s.account.login.clone()).filter(|l| !l.is_empty());
        let mut payload = OfflinePayload {
            kiosk_id: String::new(),
            submission_id: crate::registry::new_key(),
            application_number: String::new(),
            captured_at: chrono::Utc::now(),
            login,
            applicant: applicant.clone(),
            child: child.clone(),
            document: document.clone(),
            scan_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(scan.as_slice()),
            email: email.clone(),
            group_id,
        };
        let (store, worker) = (self.env.store.clone(), self.env.sync.clone());
        Task::perform(
            async move {
                // The kiosk as its registry knows it (the config kept while online), whichever build this is.
                let config = store.kiosk_config().await.map_err(|e| e.to_string())?;
                payload.kiosk_id = config.ok_or_else(|| "no kiosk config kept".to_string())?.kiosk.id;
                let key = store.sealing_key().await.map_err(|e| e.to_string())?;
                payload.application_number = store.take_number().await.map_err(|e| e.to_string())?;
                store.enqueue(&payload, &key).await.map_err(|e| e.to_string())?;
                // Counted here, not when the answer comes: the application is queued even if nobody sees its forms.
                if let Err(err) = store.count("applications_queued_offline").await {
                    tracing::warn!(error = %err, "counter not recorded");
                }
                if let Some(worker) = worker {
                    worker.wake();
                }
                Ok(Application { number: payload.application_number.clone(), ..application })
            },
            Message::OfflineQueued,
        )
    }

    pub(super) fn offline_queued(&mut self, result: Result<Application, String>) -> Task<Message> {
        // Wiped meanwhile (inactivity, sign-out): the application is queued, but its forms are not shown to anyone.
        if self.offline.is_none() {
            return Task::none();
        }
        match result {
            Ok(application) => {
                tracing::info!(number = %application.number, "application queued offline");
                if let Some(draft) = &mut self.offline {
                    // What was typed is sealed in the queue now; the screens holding it are dropped.
                    draft.behind.clear();
                    draft.scan = None;
                }
                self.offline_printed = Some(application.clone());
                self.open_print_of(application)
            }
            Err(err) => {
                tracing::warn!(error = %err, "offline application not queued");
                if let Screen::Certificate(screen) = &mut self.screen {
                    screen.failed(self.i18n.tr("offline-not-queued"));
                }
                Task::none()
            }
        }
    }

    /// The application as the forms print it: built from what was entered, with the number still to come.
    fn offline_application(&self, group_id: &str) -> Option<Application> {
        let draft = self.offline.as_ref()?;
        let (applicant, child, email) = (draft.applicant.as_ref()?, draft.child.as_ref()?, draft.email.clone()?);
        let applicant = validate_applicant(applicant, AccountKind::Parent, today()).ok()?;
        let child = validate_child(child, today()).ok()?;
        let document = self.offline_document_record()?;
        let (groups, institutions) = (self.offline_groups.clone(), self.offline_institutions.clone());
        let group = groups.into_iter().find(|g| g.id == group_id)?;
        Some(Application {
            id: "offline".into(),
            number: String::new(),
            status: ApplicationStatus::AwaitingClaim,
            next_action: NextAction::None,
            child: Child {
                id: "offline".into(),
                last_name: child.last_name,
                first_name: child.first_name,
                patronymic: child.patronymic,
                birth_date: child.birth_date,
                snils: child.snils,
                address: child.address,
                documents: vec![document.clone()],
            },
            applicant,
            applicant_kind: AccountKind::Parent,
            email,
            email_confirmed_at: None,
            certificate_group: Some(group),
            document: Some(document),
            registry_record: None,
            institutions,
            operator: self.operator.clone(),
            created_at: chrono::Utc::now(),
            source: ApplicationSource::KioskOffline,
        })
    }

    /// While online: keep the certificate groups and the institutions for the kiosk's municipality, so an offline
    /// application can offer the groups and print where to go.
    pub(super) fn refresh_reference(&self) -> Task<Message> {
        let (client, store) = (self.client(), self.env.store.clone());
        let municipality = self.env.config.municipality.clone();
        Task::future(async move {
            if let Ok(groups) = client.certificate_groups().await {
                let _ = store.set_state_json(GROUPS_KEY, &groups).await;
            }
            if let Ok(institutions) = client.institutions(municipality.as_deref()).await {
                let _ = store.set_state_json(INSTITUTIONS_KEY, &institutions).await;
            }
            let groups = store.state_json::<Vec<CertificateGroup>>(GROUPS_KEY).await.ok().flatten();
            let institutions = store.state_json::<Vec<Institution>>(INSTITUTIONS_KEY).await.ok().flatten();
            let operator = store.kiosk_config().await.ok().flatten().and_then(|c| c.operator);
            Message::Reference(Reference {
                groups: groups.unwrap_or_default(),
                institutions: institutions.unwrap_or_default(),
                operator,
            })
        })
    }

    /// The reference data kept: offered offline, and the registry's operator named from now on.
    pub(super) fn reference_kept(&mut self, reference: Reference) -> Task<Message> {
        self.offline_groups = reference.groups;
        self.offline_institutions = reference.institutions;
        if let Some(operator) = reference.operator.filter(|o| !o.name.trim().is_empty())
            && operator != self.operator
        {
            if operator != self.env.operator {
                tracing::warn!(code = "operator_mismatch", "the operator in kiosk.toml differs from the registry's");
            }
            self.operator = operator;
            if let Screen::Welcome(_) = self.screen {
                self.screen = Screen::Welcome(welcome::Welcome::new(self.operator.clone()));
            }
        }
        Task::none()
    }
}
