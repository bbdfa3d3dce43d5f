//! Steps 4 to 7: the child (chosen or added), the document, its photo and the application with the e-mail. Each step
//! is sent to the registry when the person presses «Далее»; what was sent is kept in the session's draft, so going
//! back and forward never creates anything twice.

use super::{App, Message, Screen};
use crate::screen::children::{self, document_label, usable_document};
use crate::screen::{Registry, application, capture, child_form, document};
use iced::Task;
use pdo_core::api::{ApplicantRequest, ApplicationRequest, Child, Document};
use pdo_core::domain::{AccountKind, allowed_documents, full_name, region_today};

fn today() -> chrono::NaiveDate {
    region_today(chrono::Utc::now())
}

impl App {
    /// Step 4: the account's children, which the screen asks of the registry.
    pub(super) fn open_children(&mut self) -> Task<Message> {
        let client = self.client();
        let Some(session) = &mut self.session else { return Task::none() };
        session.draft = Default::default();
        let self_apply = session.account.kind == AccountKind::Child;
        let applications = session.applications.clone();
        let (screen, load) = children::Children::new(self_apply, today(), applications, &client, &session.token);
        self.screen = Screen::Children(screen);
        load.map(Message::Children)
    }

    pub(super) fn children_message(&mut self, message: children::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Children(screen) = &mut self.screen else { return Task::none() };
        let registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &registry) {
            children::Action::None => Task::none(),
            children::Action::Run(task) => task.map(Message::Children),
            children::Action::SessionEnded => self.end_session(),
            children::Action::Add => {
                let Some(session) = &self.session else { return Task::none() };
                let own = (session.account.kind == AccountKind::Child).then_some(session.applicant.as_ref()).flatten();
                let applicant = session.applicant.as_ref().map(ApplicantRequest::from);
                let form = child_form::ChildForm::new(own).with_applicant(applicant.as_ref());
                let first = form.first_field();
                self.screen = Screen::ChildForm { form, problem: None };
                self.focus_field(first)
            }
            children::Action::Chosen(child) => self.child_ready(child),
            // A child with an application carries on where it stands (the certificate issued: its number and the
            // forms again), not with a second application.
            children::Action::Open(application) => {
                if let Some(session) = &mut self.session {
                    session.draft = Default::default();
                }
                self.continue_application(application)
            }
        }
    }

    /// The child is known to the registry: go on with the document it still needs, or straight to the application.
    fn child_ready(&mut self, child: Child) -> Task<Message> {
        let Some(session) = &mut self.session else { return Task::none() };
        tracing::info!(child = %child.id, "child chosen");
        let existing = usable_document(&child, today()).cloned();
        session.draft.child = Some(child.clone());
        session.draft.document = existing.clone();
        match existing {
            Some(document) if document.has_scan => self.open_application(),
            Some(document) => self.open_capture(&document),
            None => self.open_document(&child),
        }
    }

    pub(super) fn child_form_message(&mut self, message: child_form::Message) -> Task<Message> {
        let lang = self.i18n.lang();
        let Screen::ChildForm { form, problem } = &mut self.screen else { return Task::none() };
        *problem = None;
        match form.update(message, lang, today()) {
            child_form::Action::None => Task::none(),
            child_form::Action::Focus(id) => self.focus_field(id),
            child_form::Action::Leave if self.is_offline() => self.offline_back(),
            child_form::Action::Save(request) if self.is_offline() => self.offline_child(request),
            child_form::Action::Leave => self.open_children(),
            child_form::Action::Save(request) => {
                let Some(session) = &self.session else { return Task::none() };
                let (client, token, key) = (self.client(), session.token.clone(), session.draft.child_key.clone());
                child_form::create(client, token, key, request).map(Message::ChildForm)
            }
            child_form::Action::Created(child) => self.child_ready(child),
            child_form::Action::Failed(err) => {
                let text = self.problem_text(Some(&err));
                let text = if err.code() == "child_already_registered" {
                    self.i18n.tr("child-already-registered")
                } else {
                    text
                };
                if let Screen::ChildForm { problem, .. } = &mut self.screen {
                    *problem = Some(text);
                }
                Task::none()
            }
            child_form::Action::SessionEnded => self.end_session(),
        }
    }

    fn open_document(&mut self, child: &Child) -> Task<Message> {
        let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        let form = document::Document::new(allowed_documents(child.birth_date, today()), name, child.birth_date);
        let first = form.first_field();
        self.screen = Screen::Document { form, problem: None };
        match first {
            Some(first) => self.focus_field(first),
            None => {
                self.editing = None;
                Task::none()
            }
        }
    }

    pub(super) fn document_message(&mut self, message: document::Message) -> Task<Message> {
        let lang = self.i18n.lang();
        let Screen::Document { form, problem } = &mut self.screen else { return Task::none() };
        *problem = None;
        match form.update(message, lang, today()) {
            document::Action::None => Task::none(),
            document::Action::Focus(id) => self.focus_field(id),
            document::Action::Leave if self.is_offline() => self.offline_back(),
            document::Action::Save(request) if self.is_offline() => self.offline_document(request),
            document::Action::Leave => self.open_children(),
            document::Action::Save(request) => {
                let Some(session) = &self.session else { return Task::none() };
                let Some(child) = &session.draft.child else { return Task::none() };
                let (client, token, child_id) = (self.client(), session.token.clone(), child.id.clone());
                let key = session.draft.document_key.clone();
                // A document already sent in this draft is corrected rather than added again.
                let existing = session.draft.document.as_ref().map(|d| d.id.clone());
                document::save(client, token, key, child_id, existing, request).map(Message::Document)
            }
            document::Action::Saved(document) => {
                if let Some(session) = &mut self.session {
                    session.draft.document = Some(document.clone());
                }
                self.open_capture(&document)
            }
            document::Action::Failed(err) => {
                let text = self.problem_text(Some(&err));
                if let Screen::Document { problem, .. } = &mut self.screen {
                    *problem = Some(text);
                }
                Task::none()
            }
            document::Action::SessionEnded => self.end_session(),
        }
    }

    pub(super) fn open_capture(&mut self, document: &Document) -> Task<Message> {
        let label = document_label(self.ctx(), document.kind, &document.series, &document.number);
        self.screen = Screen::Capture(capture::Capture::new(label));
        self.editing = None;
        self.start_camera()
    }

    pub(super) fn capture_message(&mut self, message: capture::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Capture(screen) = &mut self.screen else { return Task::none() };
        let mut registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &mut registry) {
            capture::Action::None => Task::none(),
            capture::Action::Shoot => self.shoot(),
            capture::Action::Retake => self.start_camera(),
            capture::Action::Accept if self.is_offline() => self.offline_scan(),
            capture::Action::Accept => {
                let Screen::Capture(screen) = &self.screen else { return Task::none() };
                let Some(scan) = screen.scan() else { return Task::none() };
                let Some(session) = &self.session else { return Task::none() };
                let (Some(child), Some(document)) = (&session.draft.child, &session.draft.document) else {
                    return Task::none();
                };
                let (client, token) = (self.client(), session.token.clone());
                let (child_id, document_id) = (child.id.clone(), document.id.clone());
                let jpeg = scan.jpeg.clone();
                if let Some(session) = &mut self.session {
                    session.draft.scan = Some(jpeg.clone());
                }
                capture::upload(client, token, child_id, document_id, jpeg).map(Message::Capture)
            }
            capture::Action::Uploaded => {
                if let Some(document) = self.session.as_mut().and_then(|s| s.draft.document.as_mut()) {
                    document.has_scan = true;
                }
                self.open_application()
            }
            capture::Action::SessionEnded => self.end_session(),
        }
    }

    /// Step 7: «Подать заявление на получение сертификата» with the e-mail.
    pub(super) fn open_application(&mut self) -> Task<Message> {
        self.stop_camera();
        let ctx = self.ctx();
        let Some(session) = &self.session else { return Task::none() };
        let (Some(child), Some(document)) = (&session.draft.child, &session.draft.document) else {
            return Task::none();
        };
        let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        let label = document_label(ctx, document.kind, &document.series, &document.number);
        let step = application::Application::new(name, label, session.email.clone());
        let editing = step.is_editing();
        self.screen = Screen::Application(step);
        if editing { self.focus_field(application::EMAIL_ID) } else { Task::none() }
    }

    pub(super) fn application_message(&mut self, message: application::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Application(screen) = &mut self.screen else { return Task::none() };
        let mut registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &mut registry) {
            application::Action::None => Task::none(),
            application::Action::Focus(id) => self.focus_field(id),
            application::Action::Run(task) => task.map(Message::Application),
            application::Action::Back if self.is_offline() => self.offline_back(),
            application::Action::Submit(email) if self.is_offline() => self.offline_email(email),
            application::Action::Back => self.open_children(),
            application::Action::Submit(email) => {
                let client = self.client();
                let Some(session) = &mut self.session else { return Task::none() };
                let Some(child) = &session.draft.child else { return Task::none() };
                session.email = Some(email.clone());
                let request = ApplicationRequest {
                    child_id: child.id.clone(),
                    email,
                    municipality: self.env.config.municipality.clone(),
                };
                let (token, key) = (session.token.clone(), session.draft.application_key.clone());
                application::create(client, token, key, request).map(Message::Application)
            }
            application::Action::Created(application) => {
                Task::batch([self.count("applications_submitted"), self.continue_application(application)])
            }
            application::Action::Opened(application) => self.continue_application(application),
            application::Action::SessionEnded => self.end_session(),
        }
    }
}
