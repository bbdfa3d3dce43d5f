//! The e-mail step: a letter «Заявка на сертификат ПДО. Подтверждение электронной почты» is on its way. The person
//! types the 6-digit code from it here, or follows its link on their phone (the root polls the registry and moves on
//! by itself). A second letter after a minute, a way to fix a mistyped address, and "ask the staff" when nothing comes.

use super::ViewContext;
use crate::i18n::I18n;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use crate::widget::form::OnInput;
use iced::time::{Duration, Instant};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill};
use pdo_core::validation::validate_email;

pub const CODE_ID: &str = "confirm.code";
pub const NEW_EMAIL_ID: &str = "confirm.email";
/// The registry sends a second letter at most once a minute.
pub const RESEND_AFTER: Duration = Duration::from_secs(60);
/// After this long without the letter, the screen suggests asking the staff.
pub const ASK_STAFF_AFTER: Duration = Duration::from_secs(180);

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Code(String),
    Confirm,
    Resend,
    ChangeEmail,
    NewEmail(String),
    SaveEmail,
    CancelChange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    Confirm(String),
    Resend,
    ChangeEmail(String),
}

#[derive(Debug)]
pub struct Confirm {
    email: String,
    code: String,
    error: Option<String>,
    note: Option<String>,
    /// The new address being typed, while the person fixes a typo.
    changing: Option<String>,
    resend_at: Instant,
    started: Instant,
    busy: bool,
    /// Demo only: the code from the letter the demo registry saved as a file.
    demo_code: Option<String>,
}

impl Confirm {
    pub fn new(email: String, now: Instant) -> Self {
        Self {
            email,
            code: String::new(),
            error: None,
            note: None,
            changing: None,
            resend_at: now + RESEND_AFTER,
            started: now,
            busy: false,
            demo_code: None,
        }
    }

    pub fn set_demo_code(&mut self, code: String) {
        self.demo_code = Some(code);
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
        if self.busy {
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

    pub fn update(&mut self, message: Message, i18n: &I18n, now: Instant) -> Action {
        if self.busy {
            return Action::None;
        }
        match message {
            Message::Code(value) => {
                // Only digits go in; a code pasted with spaces still works.
                self.code = value.chars().filter(char::is_ascii_digit).take(6).collect();
                self.error = None;
                Action::None
            }
            Message::Confirm if self.code.len() == 6 => {
                self.busy = true;
                Action::Confirm(self.code.clone())
            }
            Message::Confirm => {
                self.error = Some(i18n.tr("confirm-code-six-digits"));
                Action::Focus(CODE_ID)
            }
            Message::Resend if now >= self.resend_at => {
                self.busy = true;
                Action::Resend
            }
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
                    Ok(email) => {
                        self.busy = true;
                        Action::ChangeEmail(email)
                    }
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
        }
    }

    /// The registry did not take the code (or could not be asked): the message goes under the field, the code stays.
    pub fn refused(&mut self, message: String) {
        self.busy = false;
        self.error = Some(message);
    }

    /// A second letter went out: the next one only in a minute.
    pub fn resent(&mut self, note: String, now: Instant) {
        self.busy = false;
        self.note = Some(note);
        self.resend_at = now + RESEND_AFTER;
    }

    /// The address was changed and a new letter sent to it; the old code no longer counts.
    pub fn email_changed(&mut self, email: String, note: String, now: Instant) {
        self.busy = false;
        self.email = email;
        self.changing = None;
        self.code.clear();
        self.note = Some(note);
        self.resend_at = now + RESEND_AFTER;
    }

    pub fn view(&self, ctx: ViewContext<'_>, now: Instant) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![text(i18n.tr("confirm-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 42.0);
        if let Some(value) = &self.changing {
            let email = input(ctx, "", value).id(NEW_EMAIL_ID);
            let email = if self.busy { email } else { email.on_input(Message::NewEmail).on_submit(Message::SaveEmail) };
            page = page.push(field(ctx, i18n.tr("confirm-new-email"), email, self.error.clone())).push(
                row![
                    plain_button(ctx, i18n.tr("cancel"), (!self.busy).then_some(Message::CancelChange)),
                    big_button(ctx, i18n.tr("confirm-save-email"), (!self.busy).then_some(Message::SaveEmail)),
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
        let code = if self.busy { code } else { code.on_input(Message::Code).on_submit(Message::Confirm) };
        page = page.push(field(ctx, i18n.tr("confirm-code"), code, self.error.clone()));
        if let Some(note) = &self.note {
            page = page.push(text(note.clone()).size(ctx.metrics.small).color(theme::ACCENT));
        }
        let wait = self.resend_at.saturating_duration_since(now).as_secs();
        let resend = if wait > 0 {
            i18n.tr_with("confirm-resend-in", [("seconds", wait.into())])
        } else {
            i18n.tr("confirm-resend")
        };
        page = page.push(big_button(ctx, i18n.tr("confirm-submit"), (!self.busy).then_some(Message::Confirm))).push(
            row![
                plain_button(ctx, resend, (!self.busy && wait == 0).then_some(Message::Resend)),
                plain_button(ctx, i18n.tr("confirm-change-email"), (!self.busy).then_some(Message::ChangeEmail)),
            ]
            .spacing(ctx.metrics.spacing),
        );
        if let Some(code) = &self.demo_code {
            page = page.push(
                text(i18n.tr_with("confirm-demo-code", [("code", code.as_str().into())]))
                    .size(ctx.metrics.text)
                    .color(theme::DEMO),
            );
        }
        if now.saturating_duration_since(self.started) >= ASK_STAFF_AFTER {
            page = page.push(text(i18n.tr("confirm-ask-staff")).size(ctx.metrics.text).color(theme::DANGER));
        }
        container(page).center_x(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdo_core::domain::Lang;

    fn ru() -> I18n {
        I18n::new(Lang::Ru)
    }

    #[test]
    fn only_six_digits_are_sent_and_a_short_code_is_answered_at_the_field() {
        let now = Instant::now();
        let mut s = Confirm::new("roditel.test@mail.ru".into(), now);
        s.update(Message::Code("12 34a5".into()), &ru(), now);
        assert_eq!(s.update(Message::Confirm, &ru(), now), Action::Focus(CODE_ID));
        assert!(s.error().is_some());
        s.update(Message::Code("123 4567".into()), &ru(), now);
        assert_eq!(s.update(Message::Confirm, &ru(), now), Action::Confirm("123456".into()));
        assert_eq!(s.update(Message::Resend, &ru(), now + RESEND_AFTER), Action::None, "busy");
        s.refused("Код не подошёл".into());
        assert_eq!(s.error(), Some("Код не подошёл"));
    }

    #[test]
    fn a_second_letter_only_after_a_minute() {
        let now = Instant::now();
        let mut s = Confirm::new("roditel.test@mail.ru".into(), now);
        assert_eq!(s.update(Message::Resend, &ru(), now + Duration::from_secs(59)), Action::None);
        assert_eq!(s.update(Message::Resend, &ru(), now + RESEND_AFTER), Action::Resend);
        s.resent("Отправили ещё раз".into(), now + RESEND_AFTER);
        assert_eq!(s.update(Message::Resend, &ru(), now + RESEND_AFTER), Action::None);
    }

    #[test]
    fn a_mistyped_address_is_fixed_here_and_a_bad_one_is_refused_at_the_field() {
        let now = Instant::now();
        let mut s = Confirm::new("roditel.test@mail.ry".into(), now);
        assert_eq!(s.update(Message::ChangeEmail, &ru(), now), Action::Focus(NEW_EMAIL_ID));
        s.update(Message::NewEmail("roditel.test@".into()), &ru(), now);
        assert_eq!(s.update(Message::SaveEmail, &ru(), now), Action::Focus(NEW_EMAIL_ID));
        assert!(s.error().is_some() && s.is_changing());
        s.update(Message::NewEmail("roditel.test@mail.ru".into()), &ru(), now);
        assert_eq!(s.update(Message::SaveEmail, &ru(), now), Action::ChangeEmail("roditel.test@mail.ru".into()));
        s.email_changed("roditel.test@mail.ru".into(), "Письмо отправлено".into(), now);
        assert_eq!(s.email(), "roditel.test@mail.ru");
        assert!(!s.is_changing());
    }
}
