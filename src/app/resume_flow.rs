//! «Продолжить позже» and taking it up again: what the applicant had reached (the step, what the current form held,
//! the child and document already sent, the idempotency keys) is sealed as a resume draft under a short code; after
//! the same account signs in again and types the code, the flow opens at that step with everything in place.

use super::{App, Message, Screen};
use crate::screen::{child_form, resume};
use crate::session::ResumeError;
use iced::Task;
use pdo_core::api::Child;
use pdo_core::domain::{DocumentKind, allowed_documents, full_name, region_today};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
enum Step {
    Children,
    ChildForm,
    Document(DocumentKind),
    Capture,
    Application,
}

/// Why a code did not open the draft.
#[derive(Debug, Clone, PartialEq)]
pub enum ResumeProblem {
    Wrong {
        tries_left: u32,
    },
    BadCode,
    Gone,
    /// The registry could not be asked for the children: the draft is kept (sealed again) for another try.
    Unreachable,
}

/// What is sealed under the code (never written in the clear).
#[derive(Debug, Serialize, Deserialize)]
pub struct ResumeDraft {
    step: Step,
    values: Vec<String>,
    child_id: Option<String>,
    document_id: Option<String>,
    email: Option<String>,
    keys: [String; 4],
}

impl App {
    /// Whether «Продолжить позже» is offered here: an online session between the child and the e-mail.
    pub(super) fn can_resume_later(&self) -> bool {
        self.env.drafts.is_some()
            && self.session.is_some()
            && !self.is_offline()
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
        let d = &session.draft;
        let draft = ResumeDraft {
            step,
            values,
            child_id: d.child.as_ref().map(|c| c.id.clone()),
            document_id: d.document.as_ref().map(|doc| doc.id.clone()),
            email: session.email.clone(),
            keys: [d.child_key.clone(), d.document_key.clone(), d.application_key.clone(), d.certificate_key.clone()],
        };
        let account = session.account.id.clone();
        self.stop_camera();
        Task::perform(
            async move {
                let code = drafts.save_json(&account, &draft, chrono::Utc::now()).await.map_err(|e| e.to_string())?;
                Ok(code.display().to_string())
            },
            Message::ResumeSaved,
        )
    }

    pub(super) fn resume_saved(&mut self, result: Result<String, String>) -> Task<Message> {
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
            Message::ResumeWaiting,
        )
    }

    pub(super) fn resume_waiting(&mut self, waiting: bool) -> Task<Message> {
        if waiting && matches!(self.screen, Screen::Cabinet(_)) {
            self.screen = Screen::Resume(resume::Resume::enter());
            return self.focus_field(resume::CODE_ID);
        }
        Task::none()
    }

    pub(super) fn resume_action(&mut self, action: resume::Action) -> Task<Message> {
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
                    |result| Message::ResumeRestored(result.map(|(d, c)| (std::sync::Arc::new(d), c))),
                )
            }
        }
    }

    pub(super) fn resume_restored(
        &mut self,
        result: Result<(std::sync::Arc<ResumeDraft>, Vec<Child>), ResumeProblem>,
    ) -> Task<Message> {
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
        let Some(session) = &mut self.session else { return Task::none() };
        let child = draft.child_id.as_ref().and_then(|id| children.iter().find(|c| &c.id == id)).cloned();
        let document =
            draft.document_id.as_ref().and_then(|id| child.as_ref()?.documents.iter().find(|d| &d.id == id)).cloned();
        let [child_key, document_key, application_key, certificate_key] = draft.keys.clone();
        session.draft = crate::session::Draft {
            child: child.clone(),
            document: document.clone(),
            application: None,
            scan: None,
            child_key,
            document_key,
            application_key,
            certificate_key,
        };
        session.email.clone_from(&draft.email);
        let today = region_today(chrono::Utc::now());
        match (draft.step, child, document) {
            (Step::ChildForm, _, _) => {
                let form = child_form::ChildForm::with_values(draft.values.clone());
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
                form.restore(kind, draft.values.clone());
                let first = form.first_field();
                self.screen = Screen::Document { form, problem: None };
                first.map_or_else(Task::none, |first| self.focus_field(first))
            }
            (Step::Capture, Some(_), Some(document)) => self.open_capture(&document),
            (Step::Application, Some(_), Some(_)) => {
                // The address typed but not sent yet comes back too.
                if let (Some(session), Some(typed)) = (&mut self.session, draft.values.first())
                    && !typed.trim().is_empty()
                {
                    session.email = Some(typed.clone());
                }
                self.open_application()
            }
            // The child step, or a step whose child or document is gone from the registry: choose again.
            _ => self.open_children(),
        }
    }
}
