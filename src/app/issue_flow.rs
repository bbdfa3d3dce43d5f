//! Steps 8 to 10: the e-mail confirmation, «Получение сертификата», the issued certificate and the printed forms.
//! An application opened from the cabinet joins here at its next step.

use super::{App, Message, Screen};
use crate::screen::children::usable_document;
use crate::screen::{Registry, certificate, confirm, issued, print};
use iced::Task;
use iced::time::Instant;
use pdo_core::api::{Application, ApplicationStatus};
use pdo_core::domain::{full_name, region_today};

impl App {
    /// Shows the step an application is at: the e-mail, the certificate, or the issued certificate.
    pub(super) fn continue_application(&mut self, application: Application) -> Task<Message> {
        if let Some(session) = &mut self.session {
            session.remember(&application);
        }
        self.draft.child = Some(application.child.clone());
        self.draft.application = Some(application.clone());
        match application.status {
            ApplicationStatus::AwaitingEmailConfirmation => {
                let screen = confirm::Confirm::new(&application, self.env.demo_mail.clone(), Instant::now());
                self.screen = Screen::Confirm(screen);
                self.editing = Some(iced::widget::Id::new(confirm::CODE_ID));
                self.focus_field(confirm::CODE_ID)
            }
            ApplicationStatus::EmailConfirmed => self.open_certificate(&application),
            ApplicationStatus::CertificateIssued => {
                self.screen = Screen::Issued(issued::Issued::new(application));
                self.editing = None;
                Task::none()
            }
            // Queued on the offline way (or taken offline before and not claimed yet): its forms, to print now.
            ApplicationStatus::AwaitingClaim => self.open_print_of(application),
        }
    }

    /// The e-mail step sends its own requests; the registry's part of it is lent for each message.
    pub(super) fn confirm_message(&mut self, message: confirm::Message) -> Task<Message> {
        if self.session.is_none() {
            return Task::none();
        }
        let (client, token) = self.registry_parts();
        let Screen::Confirm(screen) = &mut self.screen else { return Task::none() };
        let mut registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        let action = screen.update(message, &mut registry, Instant::now());
        match action {
            confirm::Action::None => Task::none(),
            confirm::Action::Focus(field) => self.focus_field(field),
            confirm::Action::Run(task) => task.map(Message::Confirm),
            confirm::Action::Confirmed(application) => self.continue_application(application),
            confirm::Action::EmailChanged(application) => {
                self.draft.email = Some(application.email.clone());
                self.draft.application = Some(application);
                self.focus_field(confirm::CODE_ID)
            }
            confirm::Action::SessionEnded => self.end_session(),
        }
    }

    fn open_certificate(&mut self, application: &Application) -> Task<Message> {
        let child = &application.child;
        let today = region_today(chrono::Utc::now());
        let documents: Vec<_> = usable_document(child, today).filter(|d| d.has_scan).into_iter().cloned().collect();
        let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        self.screen = Screen::Certificate(certificate::Certificate::new(name, documents));
        self.editing = None;
        self.way().groups().map(Message::Certificate)
    }

    /// «Получение сертификата» loads its groups and takes its answers itself; the way the request goes is picked here.
    pub(super) fn certificate_message(&mut self, message: certificate::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Certificate(screen) = &mut self.screen else { return Task::none() };
        let mut registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        let action = screen.update(message, &mut registry);
        match action {
            certificate::Action::None => Task::none(),
            certificate::Action::LoadGroups => self.way().groups().map(Message::Certificate),
            certificate::Action::Issue(request) => self.way().issue(&self.draft, request).map(Message::Certificate),
            certificate::Action::Issued(application) => {
                let issued = application.status == ApplicationStatus::CertificateIssued;
                let counted = if issued { self.count("certificates_issued") } else { Task::none() };
                let shown = self.continue_application(application);
                // Issued or sealed: what was typed for it is not needed any more.
                self.forget_steps();
                Task::batch([counted, shown])
            }
            certificate::Action::SessionEnded => self.end_session(),
        }
    }

    pub(super) fn issued_action(&mut self, action: issued::Action) -> Task<Message> {
        match action {
            issued::Action::None => Task::none(),
            issued::Action::Print => self.open_print(),
            issued::Action::AnotherChild => self.open_children(),
            issued::Action::SignOut => self.end_session(),
        }
    }

    fn open_print(&mut self) -> Task<Message> {
        match self.draft.application.clone() {
            Some(application) => self.open_print_of(application),
            None => Task::none(),
        }
    }

    /// Step 10 for `application` (issued, or queued offline): the screen renders its previews and asks the printer.
    pub(super) fn open_print_of(&mut self, application: Application) -> Task<Message> {
        let (screen, task) = print::Print::new(application, self.env.config.printer.clone());
        self.screen = Screen::Print(screen);
        task.map(Message::Print)
    }

    pub(super) fn print_action(&mut self, action: print::Action) -> Task<Message> {
        match action {
            print::Action::None => Task::none(),
            print::Action::Back => match self.draft.application.clone() {
                // Queued offline: nothing more to do with it here.
                Some(application) if application.status == ApplicationStatus::AwaitingClaim => self.end_session(),
                Some(application) => self.continue_application(application),
                None => Task::none(),
            },
            print::Action::AnotherChild => self.open_children(),
            print::Action::SignOut => self.end_session(),
            print::Action::Run(task) => task.map(Message::Print),
            print::Action::Print(task) => Task::batch([self.count("prints"), task.map(Message::Print)]),
        }
    }
}
