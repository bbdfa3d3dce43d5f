//! «Продолжить позже»: an applicant who must leave (to fetch a document, say) gets a short code; the unfinished
//! application waits on the kiosk, encrypted with a key made from that code, until the same account signs in again
//! and types it. Two faces: the code to write down, and the code field after the next sign-in.

use super::ViewContext;
use crate::session::ResumeDraft;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, field, input, plain_button};
use crate::widget::form::OnInput;
use crate::widget::typing::main_action;
use iced::widget::{column, container, row, text};
use iced::{Element, Fill};
use pdo_core::api::Child;
use std::sync::Arc;

pub const CODE_ID: &str = "resume.code";

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Code(String),
    Submit,
    /// Leave the waiting application and start a new one.
    StartOver,
    /// Done with the code shown: sign out.
    Finish,
    /// «Продолжить позже» was pressed on a step: the code the draft was sealed under (or why not).
    Saved(Result<String, String>),
    /// After sign-in: whether an unfinished application waits for this account.
    Waiting(bool),
    /// The draft the code opened, with the account's children as the registry has them now (or why not).
    Restored(Result<(Arc<ResumeDraft>, Vec<Child>), ResumeProblem>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Saved(_) | Message::Waiting(_) | Message::Restored(_))
    }
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

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    Restore(String),
    StartOver,
    Finish,
}

#[derive(Debug)]
pub enum Resume {
    /// The code to write down, shown once (the kiosk keeps only the encrypted draft).
    Show { code: String, hours: u64 },
    /// After sign-in: an unfinished application waits for its code.
    Enter { code: String, error: Option<String>, busy: bool },
}

impl Resume {
    pub fn show(code: String, hours: u64) -> Self {
        Self::Show { code, hours }
    }

    pub fn enter() -> Self {
        Self::Enter { code: String::new(), error: None, busy: false }
    }

    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        match self {
            Self::Enter { code, busy: false, .. } if *id == iced::widget::Id::new(CODE_ID) => {
                Some((code.clone(), Box::new(Message::Code)))
            }
            _ => None,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match (self, message) {
            (Self::Show { .. }, Message::Finish) => Action::Finish,
            (Self::Enter { busy: true, .. }, _) => Action::None,
            (Self::Enter { code, error, .. }, Message::Code(value)) => {
                *code = value;
                *error = None;
                Action::None
            }
            (Self::Enter { code, busy, .. }, Message::Submit) if !code.trim().is_empty() => {
                *busy = true;
                Action::Restore(code.clone())
            }
            (Self::Enter { .. }, Message::Submit) => Action::Focus(CODE_ID),
            (Self::Enter { .. }, Message::StartOver) => Action::StartOver,
            _ => Action::None,
        }
    }

    /// The message under the code field, if any.
    pub fn error(&self) -> Option<&str> {
        match self {
            Self::Enter { error, .. } => error.as_deref(),
            Self::Show { .. } => None,
        }
    }

    /// The code did not open the draft: why, under the field; the code stays to be corrected.
    pub fn refused(&mut self, message: String) {
        if let Self::Enter { error, busy, .. } = self {
            *error = Some(message);
            *busy = false;
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let page = match self {
            Self::Show { code, hours } => column![
                text(i18n.tr("resume-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
                text(i18n.tr("resume-write-down")).size(ctx.metrics.text),
                container(
                    text(code.clone())
                        .size(ctx.metrics.title * 2.0)
                        .font(FONT_BOLD_FACE)
                        .style(theme::tone(theme::Tone::Accent))
                )
                .padding(ctx.metrics.text * 0.6)
                .style(container::rounded_box),
                text(i18n.tr_with("resume-how", [("hours", (*hours).into())])).size(ctx.metrics.text),
                big_button(ctx, i18n.tr("resume-finish"), Some(Message::Finish)),
            ],
            Self::Enter { code, error, busy } => {
                let mut input = input(ctx, "XXXX-XXXX", code).id(CODE_ID);
                if !busy {
                    input = input.on_input(Message::Code).on_submit(Message::Submit);
                }
                column![
                    text(i18n.tr("resume-waiting")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
                    text(i18n.tr("resume-enter")).size(ctx.metrics.text),
                    field(ctx, i18n.tr("resume-code"), input, error.clone()),
                    row![
                        plain_button(ctx, i18n.tr("resume-start-over"), (!busy).then_some(Message::StartOver)),
                        main_action(big_button(ctx, i18n.tr("resume-continue"), (!busy).then_some(Message::Submit))),
                    ]
                    .spacing(ctx.metrics.spacing),
                ]
            }
        };
        container(page.spacing(ctx.metrics.spacing).max_width(ctx.metrics.text * 36.0)).center_x(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_code_stays_here_and_a_refusal_keeps_the_code() {
        let mut r = Resume::enter();
        assert_eq!(r.update(Message::Submit), Action::Focus(CODE_ID));
        r.update(Message::Code("ABCD-EFGH".into()));
        assert_eq!(r.update(Message::Submit), Action::Restore("ABCD-EFGH".into()));
        assert_eq!(r.update(Message::StartOver), Action::None, "busy");
        r.refused("Код не подошёл".into());
        assert!(matches!(&r, Resume::Enter { code, error: Some(_), busy: false } if code == "ABCD-EFGH"));
        assert_eq!(r.update(Message::StartOver), Action::StartOver);
    }
}
