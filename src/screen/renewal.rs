//! «Сеанс скоро закончится»: a session opened at the kiosk lasts an hour at most (the registry ends it). A few
//! minutes before, this dialog asks for the password again, over the screen the person is on, so everything they
//! typed stays where it is; the new session takes the old one's place.

use super::ViewContext;
use super::sign_in::Password;
use crate::registry::{ClientError, RegistryClient};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use iced::widget::{column, container, row, text};
use iced::{Element, Task};
use pdo_core::api::SessionResponse;
use pdo_core::domain::Lang;

pub const PASSWORD_ID: &str = "renewal-password";

#[derive(Debug, Clone)]
pub enum Message {
    PasswordChanged(Password),
    Submit,
    SignOut,
    Renewed(Result<SessionResponse, ClientError>),
}

impl Message {
    /// An answer of the registry, which belongs to the session that asked.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Renewed(_))
    }
}

pub enum Action {
    None,
    /// The request to send, whose answer comes back to this dialog.
    Run(Task<Message>),
    /// The new session, for the same account.
    Renewed(SessionResponse),
    SignOut,
}

/// What the dialog needs to ask the registry: who is signed in, and how to reach the registry.
pub struct Asking<'a> {
    pub client: &'a RegistryClient,
    pub login: &'a str,
    pub account_id: &'a str,
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Missing,
    WrongPassword,
    Other(String),
}

#[derive(Debug, Default)]
pub struct Renewal {
    password: Password,
    busy: bool,
    problem: Option<Problem>,
}

impl Renewal {
    pub fn new() -> Self {
        Self::default()
    }

    /// The field the on-screen keyboard types into.
    pub fn field(&self) -> (String, fn(String) -> Message) {
        (self.password.expose().to_string(), |typed| Message::PasswordChanged(typed.into()))
    }

    pub fn update(&mut self, message: Message, asking: Asking<'_>, i18n: &crate::i18n::I18n) -> Action {
        match message {
            Message::PasswordChanged(password) => {
                self.password = password;
                self.problem = None;
                Action::None
            }
            Message::Submit if self.busy => Action::None,
            Message::Submit if self.password.is_empty() => {
                self.problem = Some(Problem::Missing);
                Action::None
            }
            Message::Submit => {
                self.busy = true;
                let (client, login, lang) = (asking.client.clone(), asking.login.to_string(), asking.lang);
                let password = self.password.clone();
                Action::Run(Task::perform(
                    async move { client.sign_in(login, password.expose().to_string(), lang).await },
                    Message::Renewed,
                ))
            }
            Message::SignOut => Action::SignOut,
            Message::Renewed(Ok(session)) if session.account.id == asking.account_id => Action::Renewed(session),
            Message::Renewed(result) => {
                self.busy = false;
                self.password = Password::default();
                self.problem = Some(match result {
                    Err(ClientError::InvalidCredentials) => Problem::WrongPassword,
                    Err(ClientError::TooManyAttempts { retry_after_secs }) => {
                        let minutes = retry_after_secs.div_ceil(60).max(1);
                        Problem::Other(i18n.tr_with("sign-in-error-throttled", [("minutes", minutes.into())]))
                    }
                    Err(ClientError::Unreachable) => Problem::Other(i18n.tr("sign-in-error-unreachable")),
                    Err(ClientError::Busy { .. }) => Problem::Other(i18n.tr("problem-busy")),
                    // Another account's session (cannot happen with the same login) is never taken over.
                    Ok(_) | Err(_) => Problem::Other(i18n.tr("sign-in-error-server")),
                });
                Action::None
            }
        }
    }

    /// `minutes_left` until the registry ends the session.
    pub fn view(&self, ctx: ViewContext<'_>, minutes_left: u64) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut password =
            input(ctx, &i18n.tr("sign-in-password-placeholder"), self.password.expose()).id(PASSWORD_ID).secure(true);
        if !self.busy {
            password = password.on_input(|typed| Message::PasswordChanged(typed.into())).on_submit(Message::Submit);
        }
        let error = self.problem.as_ref().map(|problem| match problem {
            Problem::Missing => i18n.tr("sign-in-error-password-required"),
            Problem::WrongPassword => i18n.tr("renewal-wrong-password"),
            Problem::Other(text) => text.clone(),
        });
        let mut dialog = column![
            text(i18n.tr("renewal-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr_with("renewal-body", [("minutes", minutes_left.into())])).size(ctx.metrics.text),
            field(ctx, i18n.tr("sign-in-password"), password, error),
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 30.0);
        if self.busy {
            dialog = dialog
                .push(text(i18n.tr("sign-in-busy")).size(ctx.metrics.text).style(theme::tone(theme::Tone::Muted)));
        }
        dialog = dialog.push(
            row![
                big_button(ctx, i18n.tr("renewal-continue"), (!self.busy).then_some(Message::Submit)),
                plain_button(ctx, i18n.tr("renewal-sign-out"), Some(Message::SignOut)),
            ]
            .spacing(ctx.metrics.spacing)
            .align_y(iced::Alignment::Center),
        );
        // The field fills the dialog's width, so the box is bounded here, or it would span the screen.
        container(dialog)
            .padding(ctx.metrics.text * 1.5)
            .max_width(ctx.metrics.text * 33.0)
            .style(container::rounded_box)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(client: &RegistryClient) -> Asking<'_> {
        Asking { client, login: "test.login", account_id: "a-1", lang: Lang::Ru }
    }

    #[test]
    fn an_empty_password_is_flagged_and_nothing_is_sent() {
        let client = RegistryClient::new("http://127.0.0.1:9".parse().unwrap());
        let i18n = crate::i18n::I18n::new(Lang::Ru);
        let mut dialog = Renewal::new();
        assert!(matches!(dialog.update(Message::Submit, asking(&client), &i18n), Action::None));
        assert_eq!(dialog.problem, Some(Problem::Missing));
        dialog.update(Message::PasswordChanged("secret".into()), asking(&client), &i18n);
        assert!(matches!(dialog.update(Message::Submit, asking(&client), &i18n), Action::Run(_)));
        assert!(matches!(dialog.update(Message::Submit, asking(&client), &i18n), Action::None), "sent once");
    }

    #[test]
    fn a_wrong_password_clears_the_field_and_says_so() {
        let client = RegistryClient::new("http://127.0.0.1:9".parse().unwrap());
        let i18n = crate::i18n::I18n::new(Lang::Ru);
        let mut dialog = Renewal::new();
        dialog.update(Message::PasswordChanged("wrong".into()), asking(&client), &i18n);
        dialog.update(Message::Submit, asking(&client), &i18n);
        dialog.update(Message::Renewed(Err(ClientError::InvalidCredentials)), asking(&client), &i18n);
        assert_eq!(
            (dialog.problem.clone(), dialog.password.expose(), dialog.busy),
            (Some(Problem::WrongPassword), "", false)
        );
    }
}
