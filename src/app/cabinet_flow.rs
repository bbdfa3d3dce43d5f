//! After sign-in: the cabinet and its applications, and «Данные заявителя» opened with what the registry holds.

use super::{App, Message, Screen};
use crate::screen::{Registry, applicant, cabinet};
use iced::Task;
use pdo_core::api::Applicant;

impl App {
    /// Opens the cabinet for the signed-in account; the screen asks the registry for its applications.
    pub(super) fn open_cabinet(&mut self) -> Task<Message> {
        let Some(session) = &self.session else { return Task::none() };
        let (screen, load) = cabinet::Cabinet::new(session.account.full_name.clone(), &self.client(), &session.token);
        self.screen = Screen::Cabinet(screen);
        load.map(Message::Cabinet)
    }

    pub(super) fn cabinet_message(&mut self, message: cabinet::Message) -> Task<Message> {
        let (client, token) = self.registry_parts();
        let Screen::Cabinet(screen) = &mut self.screen else { return Task::none() };
        let registry = Registry { client, token, i18n: &self.i18n, unreachable: &mut self.unreachable };
        match screen.update(message, &registry) {
            cabinet::Action::None => Task::none(),
            cabinet::Action::Run(task) => task.map(Message::Cabinet),
            cabinet::Action::Listed(list) => {
                if let Some(session) = &mut self.session {
                    session.applications = list;
                }
                Task::none()
            }
            cabinet::Action::SignOut | cabinet::Action::SessionEnded => self.end_session(),
            cabinet::Action::Open(application) => {
                self.draft.next_child();
                self.continue_application(application)
            }
            cabinet::Action::Apply(existing) => {
                self.draft.applicant.clone_from(&existing);
                self.open_applicant(existing, None)
            }
            cabinet::Action::ApplyBlank(problem) => self.open_applicant(None, Some(problem)),
        }
    }

    /// «Данные заявителя», pre-filled with `existing`; `problem` says why it is not.
    fn open_applicant(&mut self, existing: Option<Applicant>, problem: Option<String>) -> Task<Message> {
        let Some(session) = &self.session else { return Task::none() };
        let kind = session.account.kind;
        let form = applicant::Applicant::new(existing.as_ref(), kind).with_account_name(&session.account.full_name);
        let first = form.paged().first_field();
        self.screen = Screen::Applicant { form, problem };
        self.focus_field(first)
    }

    /// Back from the child step: the applicant's details as last saved, without asking the registry again.
    pub(super) fn reopen_applicant(&mut self) -> Task<Message> {
        let Some(session) = &self.session else { return Task::none() };
        let form = applicant::Applicant::new(self.draft.applicant.as_ref(), session.account.kind)
            .with_account_name(&session.account.full_name);
        let first = form.paged().first_field();
        self.screen = Screen::Applicant { form, problem: None };
        self.focus_field(first)
    }
}
