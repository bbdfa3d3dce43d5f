//! «Вход в личный кабинет»: login and password issued by the school or kindergarten. The screen sends them to the
//! registry itself and takes the answer; the root only opens the session it hands over.

use super::ViewContext;
use crate::i18n::I18n;
use crate::registry::{ClientError, RegistryClient};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use crate::widget::form::OnInput;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill, Length, Task};
use pdo_core::api::SessionResponse;

pub const LOGIN_ID: &str = "sign-in-login";
pub const PASSWORD_ID: &str = "sign-in-password";
pub const SUBMIT_ID: &str = "sign-in-submit";

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    LoginChanged(String),
    PasswordChanged(Password),
    Submit,
    /// «Показать» / «Скрыть»: the password in plain letters, to check what was typed on the screen keyboard.
    ShowPassword(bool),
    /// Sign in with the phone instead (the QR code).
    UseQr,
    /// The registry cannot be reached: apply without it (the offline queue).
    Offline,
    /// The registry's answer to the login and password.
    Finished(Result<SessionResponse, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Finished(_))
    }

    /// The registry session an answer opened, if any: one nobody takes any more must be revoked.
    pub fn opened_session(&self) -> Option<&SessionResponse> {
        match self {
            Message::Finished(Ok(session)) => Some(session),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    /// Show the QR code for signing in with the phone.
    Qr,
    /// Take the application offline.
    Offline,
    /// Move the keyboard focus to the widget with this id.
    Focus(&'static str),
    /// The request to the registry; its answer comes back as `Message::Finished`.
    Run(Task<Message>),
    /// The registry let the person in: the root opens the session.
    SignedIn(SessionResponse),
    /// An answer the form no longer waits for (it was left, or it is a fresh one): its session is revoked at once.
    Unused(SessionResponse),
}

/// The password as typed: overwritten when dropped and never printed (`Debug` shows nothing of it), so neither a
/// memory dump's stale heap nor a log line of a message carries it.
#[derive(Clone, Default, PartialEq)]
pub struct Password(zeroize::Zeroizing<String>);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl From<String> for Password {
    fn from(typed: String) -> Self {
        Self(zeroize::Zeroizing::new(typed))
    }
}

impl From<&str> for Password {
    fn from(typed: &str) -> Self {
        Self::from(typed.to_string())
    }
}

/// Why the last attempt did not get in, shown in the person's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    InvalidCredentials,
    Throttled {
        retry_after_secs: u64,
    },
    Unreachable,
    /// The registry answered that it is too busy right now.
    Busy,
    /// The registry refused this kiosk's own credentials (revoked, or a wrong secret in kiosk.toml): nobody can sign
    /// in here until staff fix it, and trying again does not help.
    KioskRefused,
    Server,
}

impl Problem {
    fn of(err: ClientError) -> Self {
        match err {
            ClientError::InvalidCredentials => Problem::InvalidCredentials,
            ClientError::TooManyAttempts { retry_after_secs } | ClientError::TooManyRequests { retry_after_secs } => {
                Problem::Throttled { retry_after_secs }
            }
            ClientError::Unreachable => Problem::Unreachable,
            ClientError::Busy { .. } => Problem::Busy,
            ClientError::Unauthorized => Problem::KioskRefused,
            ClientError::Server { .. } | ClientError::Validation(_) | ClientError::Refused { .. } => Problem::Server,
        }
    }
}

#[derive(Debug, Default)]
pub struct SignIn {
    login: String,
    password: Password,
    login_missing: bool,
    password_missing: bool,
    problem: Option<Problem>,
    busy: bool,
    demo_hint: Option<(String, String)>,
    /// The registry is known to be out of reach: the offline way is offered.
    offline: bool,
    /// The password is shown in plain letters (asked for; hidden again with every new form).
    password_shown: bool,
}

impl SignIn {
    /// `demo_hint` is the invented demo account's login and password, shown only on the demo kiosk.
    pub fn new(demo_hint: Option<(String, String)>) -> Self {
        Self { demo_hint, ..Self::default() }
    }

    /// Whether anything was typed that an inactivity wipe must clear.
    pub fn has_input(&self) -> bool {
        !self.login.is_empty() || !self.password.is_empty()
    }

    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The text field with this id: its value and the message that changes it (for the on-screen keyboard). Both
    /// fields here take Latin letters.
    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        if self.busy {
            None
        } else if *id == iced::widget::Id::new(LOGIN_ID) {
            Some((self.login.clone(), Box::new(Message::LoginChanged)))
        } else if *id == iced::widget::Id::new(PASSWORD_ID) {
            Some((self.password.expose().to_string(), Box::new(|typed: String| Message::PasswordChanged(typed.into()))))
        } else {
            None
        }
    }

    /// `client` (in the person's language) is the registry the login and password go to.
    pub fn update(&mut self, message: Message, client: &RegistryClient) -> Action {
        match message {
            Message::LoginChanged(login) => {
                self.login_missing = false;
                self.login = login;
                Action::None
            }
            Message::PasswordChanged(password) => {
                self.password_missing = false;
                self.password = password;
                Action::None
            }
            Message::ShowPassword(shown) => {
                self.password_shown = shown;
                Action::Focus(PASSWORD_ID)
            }
            Message::Offline if self.offline => Action::Offline,
            Message::Offline => Action::None,
            Message::UseQr if self.busy => Action::None,
            Message::UseQr => Action::Qr,
            Message::Submit if self.busy => Action::None,
            Message::Submit => {
                self.problem = None;
                self.login_missing = self.login.trim().is_empty();
                self.password_missing = self.password.is_empty();
                if self.login_missing {
                    Action::Focus(LOGIN_ID)
                } else if self.password_missing {
                    Action::Focus(PASSWORD_ID)
                } else {
                    self.busy = true;
                    let (login, password) = self.credentials();
                    let client = client.clone();
                    Action::Run(Task::perform(
                        async move { client.sign_in(login, password.expose().to_string(), client.lang()).await },
                        Message::Finished,
                    ))
                }
            }
            // Only the form that asked takes the answer: a late one after «Назад» (or for the person before) is
            // dropped, and its session revoked at once.
            Message::Finished(Ok(session)) if !self.busy => Action::Unused(session),
            Message::Finished(Err(_)) if !self.busy => Action::None,
            Message::Finished(Ok(session)) => {
                tracing::info!(account = %session.account.id, "signed in");
                self.busy = false;
                Action::SignedIn(session)
            }
            Message::Finished(Err(err)) => {
                tracing::info!(error = %err, "sign-in refused");
                self.failed(Problem::of(err))
            }
        }
    }

    /// What is sent: the login without the spaces around it, the password as typed.
    fn credentials(&self) -> (String, Password) {
        (self.login.trim().to_string(), self.password.clone())
    }

    /// Whether the registry is out of reach (from the link's health checks or a failed sign-in).
    pub fn set_offline(&mut self, offline: bool) {
        self.offline = offline;
    }

    /// The registry turned the attempt down. A wrong password is cleared; otherwise everything typed stays, so a
    /// retry after a network hiccup is one press.
    fn failed(&mut self, problem: Problem) -> Action {
        self.busy = false;
        let focus = if problem == Problem::InvalidCredentials {
            self.password.clear();
            Action::Focus(PASSWORD_ID)
        } else {
            Action::None
        };
        self.offline |= problem == Problem::Unreachable;
        self.problem = Some(problem);
        focus
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut login = input(ctx, &i18n.tr("sign-in-login-placeholder"), &self.login).id(LOGIN_ID);
        let mut password = input(ctx, &i18n.tr("sign-in-password-placeholder"), self.password.expose())
            .id(PASSWORD_ID)
            .secure(!self.password_shown);
        if !self.busy {
            login = login.on_input(Message::LoginChanged).on_submit(Message::Submit);
            password = password.on_input(|typed| Message::PasswordChanged(typed.into())).on_submit(Message::Submit);
        }
        let mut form = column![
            text(i18n.tr("sign-in-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr("sign-in-intro")).size(ctx.metrics.text),
            field(
                ctx,
                i18n.tr("sign-in-login"),
                login,
                self.login_missing.then(|| i18n.tr("sign-in-error-login-required"))
            ),
            field(
                ctx,
                i18n.tr("sign-in-password"),
                row![
                    container(password).width(Fill),
                    plain_button(
                        ctx,
                        i18n.tr(if self.password_shown { "sign-in-hide-password" } else { "sign-in-show-password" }),
                        (!self.busy).then_some(Message::ShowPassword(!self.password_shown)),
                    ),
                ]
                .spacing(ctx.metrics.spacing * 0.5)
                .align_y(iced::Alignment::Center),
                self.password_missing.then(|| i18n.tr("sign-in-error-password-required"))
            ),
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 32.0);
        if let Some(problem) = &self.problem {
            form = form.push(
                text(self.problem_text(ctx.i18n, problem))
                    .size(ctx.metrics.text)
                    .style(theme::tone(theme::Tone::Danger)),
            );
        }
        if self.busy {
            form =
                form.push(text(i18n.tr("sign-in-busy")).size(ctx.metrics.text).style(theme::tone(theme::Tone::Muted)));
        }
        let submit = big_button(ctx, i18n.tr("sign-in-submit"), (!self.busy).then_some(Message::Submit));
        let submit = crate::widget::typing::main_action(container(submit).id(SUBMIT_ID));
        // Signing in with the phone needs the registry too: offered only while it can be reached, beside «Войти» so
        // the two stay in view together above the keyboard, whatever the text size; the reason for it follows.
        if self.offline {
            form = form.push(submit);
        } else {
            let phone = plain_button(ctx, i18n.tr("sign-in-qr"), (!self.busy).then_some(Message::UseQr));
            form = form
                .push(row![submit, phone].spacing(ctx.metrics.spacing * 2.0).align_y(iced::Alignment::Center))
                .push(text(i18n.tr("sign-in-or-phone")).size(ctx.metrics.small).style(theme::tone(theme::Tone::Muted)));
        }
        if let Some((login, password)) = &self.demo_hint {
            let hint =
                i18n.tr_with("demo-hint", [("login", login.as_str().into()), ("password", password.as_str().into())]);
            form = form.push(text(hint).size(ctx.metrics.small).style(theme::tone(theme::Tone::Muted)));
        }
        if !self.offline {
            return container(form).center_x(Fill).height(Length::Fill).into();
        }
        let offline = column![
            text(i18n.tr("offline-explained")).size(ctx.metrics.text),
            big_button(ctx, i18n.tr("offline-start"), (!self.busy).then_some(Message::Offline)),
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 24.0);
        // Beside the form on a landscape panel, under it on a portrait one, so neither is pushed off the screen.
        let both: Element<'_, Message> = if ctx.metrics.landscape {
            row![form, offline].spacing(ctx.metrics.spacing * 3.0).into()
        } else {
            column![form, offline].spacing(ctx.metrics.spacing).into()
        };
        container(both).center_x(Fill).height(Length::Fill).into()
    }

    fn problem_text(&self, i18n: &I18n, problem: &Problem) -> String {
        match problem {
            Problem::InvalidCredentials => i18n.tr("sign-in-error-invalid"),
            Problem::Throttled { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                i18n.tr_with("sign-in-error-throttled", [("minutes", minutes.into())])
            }
            Problem::Unreachable => i18n.tr("sign-in-error-unreachable"),
            Problem::Busy => i18n.tr("problem-busy"),
            Problem::KioskRefused => i18n.tr("sign-in-error-kiosk-refused"),
            Problem::Server => i18n.tr("sign-in-error-server"),
        }
    }

    /// What the screen says is wrong or going on (for speech): its own messages, never what was typed.
    pub fn alerts(&self, i18n: &I18n) -> Vec<String> {
        let mut said = Vec::new();
        if self.login_missing {
            said.push(i18n.tr("sign-in-error-login-required"));
        }
        if self.password_missing {
            said.push(i18n.tr("sign-in-error-password-required"));
        }
        if let Some(problem) = &self.problem {
            said.push(self.problem_text(i18n, problem));
        }
        if self.busy {
            said.push(i18n.tr("sign-in-busy"));
        }
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> RegistryClient {
        RegistryClient::new("http://127.0.0.1:9".parse().unwrap())
    }

    #[test]
    fn empty_fields_are_flagged_and_focus_goes_to_the_first_one() {
        let mut screen = SignIn::new(None);
        assert!(matches!(screen.update(Message::Submit, &client()), Action::Focus(LOGIN_ID)));
        assert!(screen.login_missing && screen.password_missing);
        screen.update(Message::LoginChanged("test.login".into()), &client());
        assert!(matches!(screen.update(Message::Submit, &client()), Action::Focus(PASSWORD_ID)));
    }

    #[test]
    fn submit_trims_the_login_and_blocks_a_second_press() {
        let mut screen = SignIn::new(None);
        screen.update(Message::LoginChanged("  test.login ".into()), &client());
        screen.update(Message::PasswordChanged("secret".into()), &client());
        assert!(matches!(screen.update(Message::Submit, &client()), Action::Run(_)));
        assert_eq!(screen.credentials(), ("test.login".into(), "secret".into()));
        assert!(matches!(screen.update(Message::Submit, &client()), Action::None));
    }

    #[test]
    fn the_password_is_never_printed() {
        let mut screen = SignIn::new(None);
        screen.update(Message::PasswordChanged("inv3nted-secret".into()), &client());
        let action = screen.update(Message::LoginChanged("test.login".into()), &client());
        let printed = format!("{screen:?} {:?} {action:?}", Message::PasswordChanged("inv3nted-secret".into()));
        assert!(!printed.contains("inv3nted-secret"), "{printed}");
        screen.update(Message::Submit, &client());
        let submitted = screen.credentials();
        assert!(!format!("{submitted:?}").contains("inv3nted-secret"));
    }

    #[test]
    fn wrong_password_is_cleared_but_network_failure_keeps_everything() {
        let mut screen = SignIn::new(None);
        screen.update(Message::LoginChanged("test.login".into()), &client());
        screen.update(Message::PasswordChanged("secret".into()), &client());
        screen.update(Message::Submit, &client());
        screen.update(Message::Finished(Err(ClientError::Unreachable)), &client());
        assert_eq!((screen.login.as_str(), screen.password.expose()), ("test.login", "secret"));
        screen.update(Message::Submit, &client());
        let refused = screen.update(Message::Finished(Err(ClientError::InvalidCredentials)), &client());
        assert!(matches!(refused, Action::Focus(PASSWORD_ID)));
        assert_eq!((screen.login.as_str(), screen.password.expose()), ("test.login", ""));
    }
}
