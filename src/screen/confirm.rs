//! The e-mail step: a letter «Заявка на сертификат ПДО. Подтверждение электронной почты» is on its way. The person
//! types the 6-digit code from it here, or follows its link on their phone (the screen polls the registry and moves
//! on by itself). A second letter after a minute, a way to fix a mistyped address, and "ask the staff" when nothing
//! comes. The screen sends its requests itself; the root only moves on with the confirmed application.

use super::demo_mail::demo_code;
use super::{Registry, ViewContext};
use crate::registry::ClientError;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use crate::widget::form::OnInput;
use crate::widget::typing::main_action;
use iced::time::{Duration, Instant};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Subscription, Task};
use pdo_core::api::{Application, ApplicationStatus};
use pdo_core::validation::validate_email;
use std::path::PathBuf;

pub const CODE_ID: &str = "confirm.code";
pub const NEW_EMAIL_ID: &str = "confirm.email";
/// The registry sends a second letter at most once a minute.
pub const RESEND_AFTER: Duration = Duration::from_secs(60);
/// After this long without the letter, the screen suggests asking the staff.
pub const ASK_STAFF_AFTER: Duration = Duration::from_secs(180);
/// How often the screen asks the registry whether the letter's link was followed.
pub const POLL_EVERY: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Code(String),
    Confirm,
    Resend,
    ChangeEmail,
    NewEmail(String),
    SaveEmail,
    CancelChange,
    /// Time to ask whether the e-mail link was followed.
    Poll,
    /// The registry's answers: to the code, to «send again», to the new address, to the poll.
    Confirmed(Result<Application, ClientError>),
    Resent(Result<(), ClientError>),
    EmailChanged(Result<Application, ClientError>),
    Polled(Result<Application, ClientError>),
    /// The code from the demo registry's letter (demo only).
    DemoCode(Option<String>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(
            self,
            Message::Confirmed(_)
                | Message::Resent(_)
                | Message::EmailChanged(_)
                | Message::Polled(_)
                | Message::DemoCode(_)
        )
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    Focus(&'static str),
    /// A request to the registry; its answer comes back as this screen's message.
    Run(Task<Message>),
    /// The e-mail is confirmed (the code, or the link): the application carries on at its next step.
    Confirmed(Application),
    /// The address was changed at the registry: the session keeps the new one.
    EmailChanged(Application),
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

/// What the screen has asked the registry and waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Confirm(String),
    Resend,
    ChangeEmail(String),
}

#[derive(Debug)]
pub struct Confirm {
    /// The application whose e-mail is being confirmed (its registry id).
    application: String,
    email: String,
    code: String,
    error: Option<String>,
    note: Option<String>,
    /// The new address being typed, while the person fixes a typo.
    changing: Option<String>,
    resend_at: Instant,
    started: Instant,
    asking: Option<Request>,
    /// Demo only: where the demo registry saves its letters, and the code from the newest one to the address.
    demo_mail: Option<PathBuf>,
    demo_code: Option<String>,
}

impl Confirm {
    /// The e-mail step of `application`; `demo_mail` is where the embedded demo registry writes its letters.
    pub fn new(application: &Application, demo_mail: Option<PathBuf>, now: Instant) -> Self {
        Self {
            application: application.id.clone(),
            email: application.email.clone(),
            code: String::new(),
            error: None,
            note: None,
            changing: None,
            resend_at: now + RESEND_AFTER,
            started: now,
            asking: None,
            demo_mail,
            demo_code: None,
        }
    }

    /// What was sent to the registry and is not answered yet.
    pub fn asking(&self) -> Option<&Request> {
        self.asking.as_ref()
    }

    fn busy(&self) -> bool {
        self.asking.is_some()
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_changing(&self) -> bool {
        self.changing.is_some()
    }

    /// The text field this screen shows now, for the on-screen keyboard.
    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        if self.busy() {
            return None;
        }
        match &self.changing {
            Some(value) if *id == iced::widget::Id::new(NEW_EMAIL_ID) => {
                Some((value.clone(), Box::new(Message::NewEmail)))
            }
            None if *id == iced::widget::Id::new(CODE_ID) => Some((self.code.clone(), Box::new(Message::Code))),
            _ => None,
        }
    }

    pub fn update(&mut self, message: Message, registry: &mut Registry<'_>, now: Instant) -> Action {
        let i18n = registry.i18n;
        match message {
            Message::Poll => return Action::Run(Task::batch([self.poll(registry), self.look_for_demo_code()])),
            Message::Confirmed(result) => return self.confirmed(result, registry),
            Message::Resent(result) => return self.resent(result, registry, now),
            Message::EmailChanged(result) => return self.email_changed(result, registry, now),
            Message::Polled(result) => return self.polled(result),
            Message::DemoCode(code) => {
                if code.is_some() {
                    self.demo_code = code;
                }
                return Action::None;
            }
            _ if self.busy() => return Action::None,
            _ => {}
        }
        match message {
            Message::Code(value) => {
                // Only digits go in; a code pasted with spaces still works.
                self.code = value.chars().filter(char::is_ascii_digit).take(6).collect();
                self.error = None;
                Action::None
            }
            Message::Confirm if self.code.len() == 6 => self.ask(Request::Confirm(self.code.clone()), registry),
            Message::Confirm => {
                self.error = Some(i18n.tr("confirm-code-six-digits"));
                Action::Focus(CODE_ID)
            }
            Message::Resend if now >= self.resend_at => self.ask(Request::Resend, registry),
            Message::Resend => Action::None,
            Message::ChangeEmail => {
                self.changing = Some(self.email.clone());
                self.error = None;
                Action::Focus(NEW_EMAIL_ID)
            }
            Message::NewEmail(value) => {
                self.changing = Some(value);
                self.error = None;
                Action::None
            }
            Message::SaveEmail => {
                let typed = self.changing.clone().unwrap_or_default();
                match validate_email(&typed) {
                    Ok(email) => self.ask(Request::ChangeEmail(email), registry),
                    Err(errors) => {
                        self.error = errors.into_values().next().map(|e| e.message(i18n.lang()));
                        Action::Focus(NEW_EMAIL_ID)
                    }
                }
            }
            Message::CancelChange => {
                self.changing = None;
                self.error = None;
                Action::Focus(CODE_ID)
            }
            Message::Poll
            | Message::Confirmed(_)
            | Message::Resent(_)
            | Message::EmailChanged(_)
            | Message::Polled(_)
            | Message::DemoCode(_) => Action::None,
        }
    }

    /// Sends `request` to the registry; the screen waits for its answer.
    fn ask(&mut self, request: Request, registry: &Registry<'_>) -> Action {
        let (client, token, id) = (registry.client.clone(), registry.token.clone(), self.application.clone());
        self.asking = Some(request.clone());
        Action::Run(match request {
            Request::Confirm(code) => {
                Task::perform(async move { client.confirm_email(&token, &id, &code).await }, Message::Confirmed)
            }
            Request::Resend => Task::perform(async move { client.resend_email(&token, &id).await }, Message::Resent),
            Request::ChangeEmail(email) => {
                Task::perform(async move { client.change_email(&token, &id, &email).await }, Message::EmailChanged)
            }
        })
    }

    /// The registry did not take the code (or could not be asked): the message goes under the field, the code stays.
    fn refused(&mut self, message: String) {
        self.asking = None;
        self.error = Some(message);
    }

    fn confirmed(&mut self, result: Result<Application, ClientError>, registry: &mut Registry<'_>) -> Action {
        match result {
            Ok(application) => {
                tracing::info!(application = %application.id, "e-mail confirmed with the code");
                Action::Confirmed(application)
            }
            Err(ClientError::Unauthorized) => Action::SessionEnded,
            Err(err) => {
                tracing::info!(code = err.code(), "code refused");
                self.refused(registry.problem(&err));
                Action::Focus(CODE_ID)
            }
        }
    }

    /// A second letter went out: the next one only in a minute.
    fn resent(&mut self, result: Result<(), ClientError>, registry: &mut Registry<'_>, now: Instant) -> Action {
        match result {
            Ok(()) => {
                self.asking = None;
                self.note = Some(registry.i18n.tr("confirm-resent"));
                self.resend_at = now + RESEND_AFTER;
            }
            Err(ClientError::Unauthorized) => return Action::SessionEnded,
            Err(err) => self.refused(registry.problem(&err)),
        }
        Action::None
    }

    /// The address was changed and a new letter sent to it; the old code no longer counts.
    fn email_changed(
        &mut self,
        result: Result<Application, ClientError>,
        registry: &mut Registry<'_>,
        now: Instant,
    ) -> Action {
        match result {
            Ok(application) => {
                self.asking = None;
                self.email = application.email.clone();
                self.changing = None;
                self.code.clear();
                self.note = Some(registry.i18n.tr("confirm-resent"));
                self.resend_at = now + RESEND_AFTER;
                Action::EmailChanged(application)
            }
            Err(ClientError::Unauthorized) => Action::SessionEnded,
            Err(err) => {
                self.refused(registry.problem(&err));
                Action::None
            }
        }
    }

    /// Asks the registry whether the letter's link was followed.
    fn poll(&self, registry: &Registry<'_>) -> Task<Message> {
        let (client, token, id) = (registry.client.clone(), registry.token.clone(), self.application.clone());
        Task::perform(async move { client.application(&token, &id).await }, Message::Polled)
    }

    fn polled(&mut self, result: Result<Application, ClientError>) -> Action {
        match result {
            Ok(application)
                if application.status != ApplicationStatus::AwaitingEmailConfirmation
                    && application.id == self.application =>
            {
                tracing::info!(application = %application.id, "e-mail confirmed with the link");
                Action::Confirmed(application)
            }
            Ok(_) => Action::None,
            Err(ClientError::Unauthorized) => Action::SessionEnded,
            Err(err) => {
                tracing::debug!(code = err.code(), "poll failed; next time");
                Action::None
            }
        }
    }

    /// Demo only: the code from the newest letter the demo registry saved for the address.
    fn look_for_demo_code(&self) -> Task<Message> {
        let Some(dir) = self.demo_mail.clone() else { return Task::none() };
        let email = self.email.clone();
        Task::perform(
            async move { tokio::task::spawn_blocking(move || demo_code(&dir, &email)).await.ok().flatten() },
            Message::DemoCode,
        )
    }

    /// The poll, while the screen is shown.
    pub fn subscription(&self) -> Subscription<Message> {
        iced::time::every(POLL_EVERY).map(|_| Message::Poll)
    }

    pub fn view(&self, ctx: ViewContext<'_>, now: Instant) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![text(i18n.tr("confirm-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 42.0);
        if let Some(value) = &self.changing {
            let email = input(ctx, "", value).id(NEW_EMAIL_ID);
            let email =
                if self.busy() { email } else { email.on_input(Message::NewEmail).on_submit(Message::SaveEmail) };
            page = page.push(field(ctx, i18n.tr("confirm-new-email"), email, self.error.clone())).push(
                row![
                    plain_button(ctx, i18n.tr("cancel"), (!self.busy()).then_some(Message::CancelChange)),
                    main_action(big_button(
                        ctx,
                        i18n.tr("confirm-save-email"),
                        (!self.busy()).then_some(Message::SaveEmail)
                    )),
                ]
                .spacing(ctx.metrics.spacing),
            );
            return container(page).center_x(Fill).into();
        }
        page = page
            .push(text(i18n.tr_with("confirm-sent", [("email", self.email.as_str().into())])).size(ctx.metrics.text))
            .push(text(i18n.tr("confirm-subject")).size(ctx.metrics.text).font(FONT_BOLD_FACE))
            .push(text(i18n.tr("confirm-how")).size(ctx.metrics.text));
        let code = input(ctx, "000000", &self.code).id(CODE_ID);
        let code = if self.busy() { code } else { code.on_input(Message::Code).on_submit(Message::Confirm) };
        page = page.push(field(ctx, i18n.tr("confirm-code"), code, self.error.clone()));
        if let Some(note) = &self.note {
            page = page.push(text(note.clone()).size(ctx.metrics.small).style(theme::tone(theme::Tone::Accent)));
        }
        let wait = self.resend_at.saturating_duration_since(now).as_secs();
        let resend = if wait > 0 {
            i18n.tr_with("confirm-resend-in", [("seconds", wait.into())])
        } else {
            i18n.tr("confirm-resend")
        };
        let confirm = big_button(ctx, i18n.tr("confirm-submit"), (!self.busy()).then_some(Message::Confirm));
        page = page.push(main_action(confirm)).push(
            row![
                plain_button(ctx, resend, (!self.busy() && wait == 0).then_some(Message::Resend)),
                plain_button(ctx, i18n.tr("confirm-change-email"), (!self.busy()).then_some(Message::ChangeEmail)),
            ]
            .spacing(ctx.metrics.spacing),
        );
        if let Some(code) = &self.demo_code {
            page = page.push(
                text(i18n.tr_with("confirm-demo-code", [("code", code.as_str().into())]))
                    .size(ctx.metrics.text)
                    .style(theme::tone(theme::Tone::Demo)),
            );
        }
        if now.saturating_duration_since(self.started) >= ASK_STAFF_AFTER {
            page = page.push(
                text(i18n.tr("confirm-ask-staff")).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)),
            );
        }
        container(page).center_x(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::with_registry;

    fn step(email: &str, now: Instant) -> Confirm {
        let mut application = crate::print::demo::parent();
        application.email = email.into();
        Confirm::new(&application, None, now)
    }

    #[test]
    fn only_six_digits_are_sent_and_a_short_code_is_answered_at_the_field() {
        with_registry(|r| {
            let now = Instant::now();
            let mut s = step("roditel.test@mail.ru", now);
            s.update(Message::Code("12 34a5".into()), r, now);
            assert!(matches!(s.update(Message::Confirm, r, now), Action::Focus(CODE_ID)));
            assert!(s.error().is_some());
            s.update(Message::Code("123 4567".into()), r, now);
            assert!(matches!(s.update(Message::Confirm, r, now), Action::Run(_)));
            assert_eq!(s.asking(), Some(&Request::Confirm("123456".into())));
            assert!(matches!(s.update(Message::Resend, r, now + RESEND_AFTER), Action::None), "busy");
            let refused = ClientError::Refused {
                status: 422,
                code: "code_invalid".into(),
                message: "Код не подошёл".into(),
                id: None,
            };
            s.update(Message::Confirmed(Err(refused)), r, now);
            assert_eq!(s.error(), Some("Код не подошёл"));
        });
    }

    #[test]
    fn a_second_letter_only_after_a_minute() {
        with_registry(|r| {
            let now = Instant::now();
            let mut s = step("roditel.test@mail.ru", now);
            assert!(matches!(s.update(Message::Resend, r, now + Duration::from_secs(59)), Action::None));
            assert!(matches!(s.update(Message::Resend, r, now + RESEND_AFTER), Action::Run(_)));
            assert_eq!(s.asking(), Some(&Request::Resend));
            s.update(Message::Resent(Ok(())), r, now + RESEND_AFTER);
            assert!(matches!(s.update(Message::Resend, r, now + RESEND_AFTER), Action::None));
        });
    }

    #[test]
    fn a_mistyped_address_is_fixed_here_and_a_bad_one_is_refused_at_the_field() {
        with_registry(|r| {
            let now = Instant::now();
            let mut s = step("roditel.test@mail.ry", now);
            assert!(matches!(s.update(Message::ChangeEmail, r, now), Action::Focus(NEW_EMAIL_ID)));
            s.update(Message::NewEmail("roditel.test@".into()), r, now);
            assert!(matches!(s.update(Message::SaveEmail, r, now), Action::Focus(NEW_EMAIL_ID)));
            assert!(s.error().is_some() && s.is_changing());
            s.update(Message::NewEmail("roditel.test@mail.ru".into()), r, now);
            assert!(matches!(s.update(Message::SaveEmail, r, now), Action::Run(_)));
            assert_eq!(s.asking(), Some(&Request::ChangeEmail("roditel.test@mail.ru".into())));
            let mut changed = crate::print::demo::parent();
            changed.email = "roditel.test@mail.ru".into();
            assert!(matches!(s.update(Message::EmailChanged(Ok(changed)), r, now), Action::EmailChanged(_)));
            assert_eq!(s.email(), "roditel.test@mail.ru");
            assert!(!s.is_changing());
        });
    }
}
