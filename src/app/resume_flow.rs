//! «Продолжить позже» and taking it up again: what the applicant had reached (the step, what the current form held,
//! the child and document already sent, the idempotency keys) is sealed as a resume draft under a short code; after
//! the same account signs in again and types the code, the flow opens at that step with everything in place.

use super::{App, Message, Screen};
use crate::screen::child_form;
use crate::screen::resume::{self, ResumeProblem};
use crate::session::{ResumeDraft, ResumeError, Step};
use iced::Task;
use pdo_core::api::Child;
use pdo_core::domain::{allowed_documents, full_name, region_today};
use std::sync::Arc;

impl App {
    /// Whether «Продолжить позже» is offered here: an online session between the child and the e-mail.
    pub(super) fn can_resume_later(&self) -> bool {
        self.env.drafts.is_some()
            && self.session.is_some()
            && self.way_can_wait()
            && matches!(
                self.screen,
                Screen::Children(_)
                    | Screen::ChildForm { .. }
                    | Screen::Document { .. }
                    | Screen::Capture(_)
                    | Screen::Application(_)
            )
    }

    pub(super) fn resume_later(&mut self) -> Task<Message> {
        let (Some(drafts), Some(session)) = (self.env.drafts.clone(), &self.session) else { return Task::none() };
        let (step, values) = match &self.screen {
            Screen::Children(_) => (Step::Children, Vec::new()),
            Screen::ChildForm { form, .. } => (Step::ChildForm, form.values().to_vec()),
            Screen::Document { form, .. } => (Step::Document(form.kind()), form.values().to_vec()),
            Screen::Capture(_) => (Step::Capture, Vec::new()),
            Screen::Application(step) => (Step::Application, vec![step.email().to_owned()]),
            _ => return Task::none(),
        };
        let account = session.account.id.clone();
        let draft = ResumeDraft { step, values, draft: self.draft.without_scan() };
        self.stop_camera();
        Task::perform(
            async move {
                let code = drafts.save_json(&account, &draft, chrono::Utc::now()).await.map_err(|e| e.to_string())?;
                Ok(code.display().to_string())
            },
            |saved| Message::Resume(resume::Message::Saved(saved)),
        )
    }

    fn resume_saved(&mut self, result: Result<String, String>) -> Task<Message> {
        // Signed out or wiped meanwhile: the draft waits under its code, but the code is shown to nobody.
        if self.session.is_none() {
            return Task::none();
        }
        match result {
            Ok(code) => {
                tracing::info!("unfinished application kept under a resume code");
                self.screen = Screen::Resume(resume::Resume::show(code, self.env.config.resume_draft_hours));
                self.editing = None;
                self.count("resume_codes_given")
            }
            Err(err) => {
                tracing::warn!(error = %err, "resume draft not saved");
                let text = self.i18n.tr("resume-not-saved");
                match &mut self.screen {
                    Screen::ChildForm { problem, .. } | Screen::Document { problem, .. } => *problem = Some(text),
                    Screen::Capture(screen) => screen.failed(text),
                    Screen::Application(screen) => screen.failed(text, false),
                    _ => {}
                }
                Task::none()
            }
        }
    }

    /// After sign-in: is an unfinished application waiting for this account?
    pub(super) fn check_waiting_draft(&self) -> Task<Message> {
        let (Some(drafts), Some(session)) = (self.env.drafts.clone(), &self.session) else { return Task::none() };
        let account = session.account.id.clone();
        Task::perform(
            async move { drafts.waiting_for(&account, chrono::Utc::now()).await.unwrap_or(false) },
            |waiting| Message::Resume(resume::Message::Waiting(waiting)),
        )
    }

    fn resume_waiting(&mut self, waiting: bool) -> Task<Message> {
        if waiting && matches!(self.screen, Screen::Cabinet(_)) {
            self.screen = Screen::Resume(resume::Resume::enter());
            return self.focus_field(resume::CODE_ID);
        }
        Task::none()
    }

    /// The resume screen's taps, and the answers about resume drafts (which may come on another screen).
    pub(super) fn resume_message(&mut self, message: resume::Message) -> Task<Message> {
        match message {
            resume::Message::Saved(result) => self.resume_saved(result),
            resume::Message::Waiting(waiting) => self.resume_waiting(waiting),
            resume::Message::Restored(result) => self.resume_restored(result),
            tap => {
                self.touch();
                let Screen::Resume(screen) = &mut self.screen else { return Task::none() };
                let action = screen.update(tap);
                self.resume_action(action)
            }
        }
    }

    fn resume_action(&mut self, action: resume::Action) -> Task<Message> {
        match action {
            resume::Action::None => Task::none(),
            resume::Action::Focus(id) => self.focus_field(id),
            resume::Action::StartOver => self.open_cabinet(),
            resume::Action::Finish => self.end_session(),
            resume::Action::Restore(code) => {
                let (Some(drafts), Some(session)) = (self.env.drafts.clone(), &self.session) else {
                    return Task::none();
                };
                let (account, client, token) = (session.account.id.clone(), self.client(), session.token.clone());
                Task::perform(
                    async move {
                        let draft: ResumeDraft =
                            drafts.restore_json(&account, &code, chrono::Utc::now()).await.map_err(|e| match e {
                                ResumeError::WrongCode { tries_left } => ResumeProblem::Wrong { tries_left },
                                ResumeError::BadCode => ResumeProblem::BadCode,
                                _ => ResumeProblem::Gone,
                            })?;
                        match client.children(&token).await {
                            Ok(children) => Ok((draft, children)),
                            Err(_) => {
                                // Opening used the draft up: seal it again under the same code, so nothing is lost.
                                let _ = drafts.save_json_with_code(&account, &draft, &code, chrono::Utc::now()).await;
                                Err(ResumeProblem::Unreachable)
                            }
                        }
                    },
                    |result| Message::Resume(resume::Message::Restored(result.map(|(d, c)| (Arc::new(d), c)))),
                )
            }
        }
    }

    fn resume_restored(&mut self, result: Result<(Arc<ResumeDraft>, Vec<Child>), ResumeProblem>) -> Task<Message> {
        let (draft, children) = match result {
            Ok(found) => found,
            Err(problem) => {
                let message = match problem {
                    ResumeProblem::Wrong { tries_left } => {
                        self.i18n.tr_with("resume-wrong", [("tries", tries_left.into())])
                    }
                    ResumeProblem::BadCode => self.i18n.tr("resume-bad-code"),
                    ResumeProblem::Gone => self.i18n.tr("resume-deleted"),
                    ResumeProblem::Unreachable => self.i18n.tr("problem-unreachable"),
                };
                if let Screen::Resume(screen) = &mut self.screen {
                    screen.refused(message);
                }
                return Task::none();
            }
        };
        tracing::info!("unfinished application taken up again");
        if self.session.is_none() {
            return Task::none();
        }
        // The message is not copied on its way here, so the draft has one owner.
        let Some(snapshot) = Arc::into_inner(draft) else { return Task::none() };
        let (step, values, mut draft) = (snapshot.step, snapshot.values, snapshot.draft);
        // The child and document as the registry has them now; one that is gone there is chosen again.
        let child = draft.child.as_ref().and_then(|kept| children.iter().find(|c| c.id == kept.id)).cloned();
        let document = draft
            .document
            .as_ref()
            .and_then(|kept| child.as_ref()?.documents.iter().find(|d| d.id == kept.id))
            .cloned();
        draft.child.clone_from(&child);
        draft.document.clone_from(&document);
        draft.application = None;
        self.draft = draft;
        let today = region_today(chrono::Utc::now());
        match (step, child, document) {
            (Step::ChildForm, _, _) => {
                let form = child_form::ChildForm::with_values(values);
                let first = form.first_field();
                self.screen = Screen::ChildForm { form, problem: None };
                self.focus_field(first)
            }
            (Step::Document(kind), Some(child), _) => {
                let name = full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
                let mut form = crate::screen::document::Document::new(
                    allowed_documents(child.birth_date, today),
                    name,
                    child.birth_date,
                );
                form.restore(kind, values);
                let first = form.first_field();
                self.screen = Screen::Document { form, problem: None };
                first.map_or_else(Task::none, |first| self.focus_field(first))
            }
            (Step::Capture, Some(_), Some(document)) => self.open_capture(&document),
            (Step::Application, Some(_), Some(_)) => {
                // The address typed but not sent yet comes back too.
                if let Some(typed) = values.first().filter(|typed| !typed.trim().is_empty()) {
                    self.draft.email = Some(typed.clone());
                }
                self.open_application()
            }
            // The child step, or a step whose child or document is gone from the registry: choose again.
            _ => self.open_children(),
        }
    }
}
