//! Steps 3 to 7: the applicant's details, the child (chosen or added), the document, its photo and the application
//! with the e-mail. Each step goes the way that serves (`way`) when the person presses «Далее»; what it answered is
//! kept in the draft, so going back and forward never creates anything twice.

use super::way::ChildrenStep;
use super::{App, Message, Screen};
use crate::screen::children::{self, document_label, usable_document};
use crate::screen::{applicant, application, capture, child_form, document};
use iced::Task;
use pdo_core::api::{ApplicantRequest, ApplicationSource, Child, Document};
use pdo_core::domain::{AccountKind, allowed_documents, full_name, region_today};

fn today() -> chrono::NaiveDate {
    region_today(chrono::Utc::now())
}

impl App {
    /// Who applies: the signed-in account's kind; a parent on the offline way taken before sign-in.
    pub(super) fn account_kind(&self) -> AccountKind {
        self.session.as_ref().map_or(AccountKind::Parent, |s| s.account.kind)
    }

    pub(super) fn applicant_message(&mut self, message: applicant::Message) -> Task<Message> {
        let lang = self.i18n.lang();
        let Screen::Applicant { form, problem } = &mut self.screen else { return Task::none() };
        *problem = None;
        match form.update(message, lang, today()) {
            applicant::Action::None => Task::none(),
            applicant::Action::Focus(id) => self.focus_field(id),
            applicant::Action::Leave => {
                self.step_back(|app| if app.session.is_some() { app.open_cabinet() } else { app.end_session() })
            }
            applicant::Action::Save(request) => self.way().save_applicant(request).map(Message::Applicant),
            applicant::Action::Saved(applicant) => {
                self.draft.applicant = Some(applicant);
                self.advance(Self::open_children)
            }
            applicant::Action::Failed => {
                let text = self.i18n.tr("save-failed");
                if let Screen::Applicant { problem, .. } = &mut self.screen {
                    *problem = Some(text);
                }
                Task::none()
            }
            applicant::Action::SessionEnded => self.end_session(),
        }
    }

    /// Step 4, for a new child: the account's children to choose from, or on the offline way a child to enter.
    pub(super) fn open_children(&mut self) -> Task<Message> {
        self.draft.next_child();
        match self.way().children() {
            ChildrenStep::List(load) => {
                let self_apply = self.account_kind() == AccountKind::Child;
                let applications = self.session.as_ref().map(|s| s.applications.clone()).unwrap_or_default();
                self.screen = Screen::Children(children::Children::new(self_apply, today(), applications));
                self.editing = None;
                load.map(Message::Children)
            }
            ChildrenStep::Enter => self.open_child_form(),
        }
    }

    fn open_child_form(&mut self) -> Task<Message> {
        let own = (self.account_kind() == AccountKind::Child).then_some(self.draft.applicant.as_ref()).flatten();
        let applicant = self.draft.applicant.as_ref().map(ApplicantRequest::from);
        let form = child_form::ChildForm::new(own).with_applicant(applicant.as_ref());
        let first = form.first_field();
        self.screen = Screen::ChildForm { form, problem: None };
        self.focus_field(first)
    }

    pub(super) fn children_message(&mut self, message: children::Message) -> Task<Message> {
        let Screen::Children(screen) = &mut self.screen else { return Task::none() };
        match screen.update(message) {
            children::Action::None => Task::none(),
            children::Action::Reload => match self.way().children() {
                ChildrenStep::List(load) => load.map(Message::Children),
                ChildrenStep::Enter => Task::none(),
            },
            children::Action::SessionEnded => self.end_session(),
            children::Action::Add => self.open_child_form(),
            children::Action::Chosen(child) => self.child_ready(child),
            // A child with an application carries on where it stands (the certificate issued: its number and the
            // forms again), not with a second application.
            children::Action::Open(application) => {
                self.draft.next_child();
                self.continue_application(application)
            }
        }
    }

    /// The child is known (to the registry, or checked here): go on with the document it still needs, or straight to
    /// the application.
    fn child_ready(&mut self, child: Child) -> Task<Message> {
        tracing::info!(child = %child.id, "child chosen");
        let existing = usable_document(&child, today()).cloned();
        self.draft.child = Some(child.clone());
        self.draft.document = existing.clone();
        match existing {
            Some(document) if document.has_scan => self.advance(Self::open_application),
            Some(document) => self.advance(|app| app.open_capture(&document)),
            None => self.advance(|app| app.open_document(&child)),
        }
    }

    pub(super) fn child_form_message(&mut self, message: child_form::Message) -> Task<Message> {
        let lang = self.i18n.lang();
        let Screen::ChildForm { form, problem } = &mut self.screen else { return Task::none() };
        *problem = None;
        match form.update(message, lang, today()) {
            child_form::Action::None => Task::none(),
            child_form::Action::Focus(id) => self.focus_field(id),
            child_form::Action::Leave => self.step_back(Self::open_children),
            child_form::Action::Save(request) => self.way().save_child(&self.draft, request).map(Message::ChildForm),
            child_form::Action::Created(child) => self.child_ready(child),
            child_form::Action::Failed(err) => {
                let text = if err.code() == "child_already_registered" {
                    self.i18n.tr("child-already-registered")
                } else {
                    self.problem_text(Some(&err))
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
            document::Action::Leave => self.step_back(Self::open_children),
            document::Action::Save(request) => self.way().save_document(&self.draft, request).map(Message::Document),
            document::Action::Saved(document) => {
                self.draft.document = Some(document.clone());
                self.advance(|app| app.open_capture(&document))
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
        let mut registry =
            crate::screen::Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &mut registry) {
            capture::Action::None => Task::none(),
            capture::Action::Shoot => self.shoot(),
            capture::Action::Retake => self.start_camera(),
            capture::Action::Accept => {
                let Screen::Capture(screen) = &self.screen else { return Task::none() };
                let Some(jpeg) = screen.scan().map(|scan| scan.jpeg.clone()) else { return Task::none() };
                // Kept in memory in case the rest must go the offline way (which seals it).
                self.draft.scan = Some(jpeg.clone());
                self.way().upload_scan(&self.draft, jpeg).map(Message::Capture)
            }
            capture::Action::Uploaded => {
                if let Some(document) = &mut self.draft.document {
                    document.has_scan = true;
                }
                self.advance(Self::open_application)
            }
            capture::Action::SessionEnded => self.end_session(),
        }
    }

    /// Step 7: «Подать заявление на получение сертификата» with the e-mail.
    pub(super) fn open_application(&mut self) -> Task<Message> {
        self.stop_camera();
        let Some(step) = self.application_step() else { return Task::none() };
        let editing = step.is_editing();
        self.screen = Screen::Application(step);
        if editing { self.focus_field(application::EMAIL_ID) } else { Task::none() }
    }

    /// The e-mail step for the draft's child and document, worded for the letter the way will send.
    pub(super) fn application_step(&self) -> Option<application::Application> {
        let (child, document) = (self.draft.child.as_ref()?, self.draft.document.as_ref()?);
        let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        let label = document_label(self.ctx(), document.kind, &document.series, &document.number);
        let mut step = application::Application::new(name, label, self.draft.email.clone());
        if self.way().letter_brings_claim_link() {
            step.go_offline();
        }
        Some(step)
    }

    pub(super) fn application_message(&mut self, message: application::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Application(screen) = &mut self.screen else { return Task::none() };
        let mut registry =
            crate::screen::Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &mut registry) {
            application::Action::None => Task::none(),
            application::Action::Focus(id) => self.focus_field(id),
            application::Action::Run(task) => task.map(Message::Application),
            application::Action::Back => self.step_back(Self::open_children),
            application::Action::Submit(email) => {
                self.draft.email = Some(email.clone());
                let municipality = self.env.config.municipality.clone();
                self.way().submit(&self.draft, email, municipality).map(Message::Application)
            }
            application::Action::Created(application) => {
                // Counted when the registry has it; the offline way counts its applications as it queues them.
                let submitted = application.source == ApplicationSource::Online;
                let counted = if submitted { self.count("applications_submitted") } else { Task::none() };
                Task::batch([counted, self.advance(|app| app.continue_application(application))])
            }
            application::Action::Opened(application) => self.continue_application(application),
            application::Action::SessionEnded => self.end_session(),
        }
    }
}
