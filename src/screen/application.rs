//! «Подать заявление на получение сертификата»: the e-mail the confirmation letter goes to, shown large so a typo is
//! seen, with a suggestion when the mail domain looks mistyped (gmail.ru → gmail.com), «Изменить» and
//! «Отправить заявку». Which way the application goes (the registry, or the offline queue) the root decides; the
//! registry's answer comes back here (`create`), and an application that already existed is opened from here.

use super::{Registry, ViewContext};
use crate::registry::ClientError;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use crate::widget::typing::main_action;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Task};
use pdo_core::api::{self, ApplicationStatus};
use pdo_core::domain::Lang;
use pdo_core::validation::{suggest_email, validate_email};

pub const EMAIL_ID: &str = "application.email";

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Changed(String),
    /// «Изменить»: back to typing the address.
    Edit,
    /// Done typing: check the address and show it large.
    Check,
    UseSuggestion,
    Submit,
    Back,
    /// The registry's answer to «Отправить заявку».
    Created(Result<api::Application, ClientError>),
    /// The application that already existed for the child, opened instead.
    Opened(Result<api::Application, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Created(_) | Message::Opened(_))
    }
}

// Returned once per message and matched at once; the application is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Action {
    None,
    Focus(&'static str),
    /// A request of the screen's own; its answer comes back as this screen's message.
    Run(Task<Message>),
    /// «Отправить заявку» with this address: the root sends it the way that serves (`create` online).
    Submit(String),
    Back,
    /// The application was created: it carries on at its next step (the e-mail, or the certificate).
    Created(api::Application),
    /// The child's existing application, to carry on with instead.
    Opened(api::Application),
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

#[derive(Debug)]
pub struct Application {
    child_name: String,
    document: String,
    email: String,
    editing: bool,
    error: Option<String>,
    suggestion: Option<String>,
    busy: bool,
    /// The application goes the offline way: the letter brings a claim link, not a code.
    claim_letter: bool,
}

impl Application {
    /// `email`: an address the account used before, if any; typing starts at once when there is none.
    pub fn new(child_name: String, document: String, email: Option<String>) -> Self {
        let editing = email.is_none();
        let suggestion = email.as_deref().and_then(suggest_email);
        let email = email.unwrap_or_default();
        Self { child_name, document, email, editing, error: None, suggestion, busy: false, claim_letter: false }
    }

    /// The application is finished without the registry: the letter will bring a link to sign in with, so no code
    /// is promised. Any message of the failed online attempt goes.
    pub fn go_offline(&mut self) {
        self.claim_letter = true;
        self.busy = false;
        self.error = None;
    }

    pub fn is_editing(&self) -> bool {
        self.editing && !self.busy
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }

    pub fn update(&mut self, message: Message, registry: &mut Registry<'_>) -> Action {
        let lang = registry.i18n.lang();
        match message {
            Message::Created(result) => return self.created(result, registry),
            Message::Opened(result) => return self.opened(result, registry),
            _ if self.busy && message != Message::Back => return Action::None,
            _ => {}
        }
        match message {
            Message::Changed(value) => {
                self.email = value;
                self.error = None;
                self.suggestion = None;
                Action::None
            }
            Message::Edit => {
                self.editing = true;
                Action::Focus(EMAIL_ID)
            }
            Message::Check => self.check(lang).map_or(Action::Focus(EMAIL_ID), |_| Action::None),
            Message::UseSuggestion => {
                if let Some(suggested) = self.suggestion.take() {
                    self.email = suggested;
                }
                Action::None
            }
            Message::Submit => match self.check(lang) {
                Some(email) => {
                    self.busy = true;
                    Action::Submit(email)
                }
                None => Action::Focus(EMAIL_ID),
            },
            Message::Back => Action::Back,
            Message::Created(_) | Message::Opened(_) => Action::None,
        }
    }

    fn created(&mut self, result: Result<api::Application, ClientError>, registry: &mut Registry<'_>) -> Action {
        match result {
            Ok(application) => {
                tracing::info!(application = %application.id, "application created");
                Action::Created(application)
            }
            // The child already has an application (started at home, say): carry on with that one.
            Err(ClientError::Refused { code, id: Some(id), .. }) if code == "application_exists" => {
                let (client, token) = (registry.client.clone(), registry.token.clone());
                Action::Run(Task::perform(async move { client.application(&token, &id).await }, Message::Opened))
            }
            Err(ClientError::Validation(fields)) => {
                let err = ClientError::Validation(fields.clone());
                let text = fields.into_values().next().map_or_else(|| registry.problem(&err), |e| e.message);
                self.failed(text, true);
                Action::Focus(EMAIL_ID)
            }
            Err(ClientError::Unauthorized) => Action::SessionEnded,
            Err(err) => {
                tracing::info!(code = err.code(), "application not created");
                self.failed(registry.problem(&err), false);
                Action::None
            }
        }
    }

    fn opened(&mut self, result: Result<api::Application, ClientError>, registry: &mut Registry<'_>) -> Action {
        match result {
            Ok(application) if application.status == ApplicationStatus::AwaitingClaim => {
                // Taken offline and not claimed yet: nothing to carry on with here until the letter's link is followed.
                self.failed(registry.i18n.tr("status-awaiting-claim"), false);
                Action::None
            }
            Ok(application) => Action::Opened(application),
            Err(ClientError::Unauthorized) => Action::SessionEnded,
            Err(err) => {
                tracing::warn!(code = err.code(), "application not opened");
                self.failed(registry.problem(&err), false);
                Action::None
            }
        }
    }

    /// The address in the one spelling the registry stores, or `None` with the message shown under the field.
    fn check(&mut self, lang: Lang) -> Option<String> {
        match validate_email(&self.email) {
            Ok(email) => {
                self.editing = false;
                self.error = None;
                if self.suggestion.is_none() {
                    self.suggestion = suggest_email(&email);
                }
                Some(email)
            }
            Err(errors) => {
                self.editing = true;
                self.error = errors.into_values().next().map(|e| e.message(lang));
                None
            }
        }
    }

    /// The registry refused the address or could not be reached: everything stays, the person can try again.
    pub fn failed(&mut self, message: String, on_field: bool) {
        self.busy = false;
        self.editing |= on_field;
        self.error = Some(message);
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![
            text(i18n.tr("application-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr_with(
                "application-for",
                [("name", self.child_name.as_str().into()), ("document", self.document.as_str().into())]
            ))
            .size(ctx.metrics.text),
            text(i18n.tr(if self.claim_letter { "application-email-why-offline" } else { "application-email-why" }))
                .size(ctx.metrics.text),
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 40.0);
        if self.is_editing() {
            let email = input(ctx, &i18n.tr("application-email-placeholder"), &self.email)
                .id(EMAIL_ID)
                .on_input(Message::Changed)
                .on_submit(Message::Check);
            page = page
                .push(field(ctx, i18n.tr("field-email"), email, self.error.clone()))
                .push(main_action(big_button(ctx, i18n.tr("application-email-done"), Some(Message::Check))));
        } else {
            page = page.push(
                container(text(self.email.clone()).size(ctx.metrics.title * 1.2).font(FONT_BOLD_FACE))
                    .padding(ctx.metrics.text * 0.6)
                    .width(Fill)
                    .style(container::rounded_box),
            );
            if let Some(suggested) = &self.suggestion {
                page = page
                    .push(
                        text(i18n.tr_with("application-email-suggest", [("email", suggested.as_str().into())]))
                            .size(ctx.metrics.text)
                            .style(theme::tone(theme::Tone::Danger)),
                    )
                    .push(plain_button(
                        ctx,
                        i18n.tr_with("application-email-use", [("email", suggested.as_str().into())]),
                        (!self.busy).then_some(Message::UseSuggestion),
                    ));
            }
            if let Some(error) = &self.error {
                page = page.push(text(error.clone()).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)));
            }
            if self.busy {
                page = page.push(text(i18n.tr("application-sending")).size(ctx.metrics.text));
            }
            page = page.push(
                row![
                    plain_button(ctx, i18n.tr("application-email-change"), (!self.busy).then_some(Message::Edit)),
                    big_button(ctx, i18n.tr("application-submit"), (!self.busy).then_some(Message::Submit)),
                ]
                .spacing(ctx.metrics.spacing),
            );
        }
        container(page).center_x(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::with_registry;

    fn step(email: Option<&str>) -> Application {
        Application::new("Тестов Ярослав".into(), "свидетельство IV-ЛО 123456".into(), email.map(Into::into))
    }

    #[test]
    fn a_mistyped_domain_is_offered_corrected_and_the_person_decides() {
        with_registry(|r| {
            let mut s = step(None);
            assert!(s.is_editing());
            s.update(Message::Changed("roditel.test@gmail.ru".into()), r);
            assert!(matches!(s.update(Message::Check, r), Action::None));
            assert!(!s.is_editing());
            assert_eq!(s.suggestion(), Some("roditel.test@gmail.com"));
            s.update(Message::UseSuggestion, r);
            assert!(matches!(s.update(Message::Submit, r), Action::Submit(email) if email == "roditel.test@gmail.com"));
            assert!(matches!(s.update(Message::Edit, r), Action::None), "busy while sending");
        });
    }

    #[test]
    fn a_bad_address_keeps_the_field_open_with_a_message_and_the_text() {
        with_registry(|r| {
            let mut s = step(None);
            s.update(Message::Changed("roditel.test gmail.com".into()), r);
            assert!(matches!(s.update(Message::Submit, r), Action::Focus(EMAIL_ID)));
            assert!(s.is_editing() && s.error().is_some());
            assert_eq!(s.email(), "roditel.test gmail.com");
        });
    }

    #[test]
    fn a_known_address_is_shown_large_and_can_be_changed() {
        with_registry(|r| {
            let mut s = step(Some("roditel.test@mail.ru"));
            assert!(!s.is_editing() && s.suggestion().is_none());
            assert!(matches!(s.update(Message::Edit, r), Action::Focus(EMAIL_ID)));
            s.failed("нет связи".into(), false);
            assert!(s.is_editing());
        });
    }
}
