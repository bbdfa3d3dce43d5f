//! The personal account after sign-in. The services menu and the account's applications come with the applicant
//! flow; until then this screen greets the person and lets them sign out.

use super::ViewContext;
use crate::theme::FONT_BOLD_FACE;
use crate::widget::controls::big_button;
use iced::widget::{column, container, text};
use iced::{Element, Fill};

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    SignOut,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SignOut,
}

#[derive(Debug)]
pub struct Cabinet {
    full_name: String,
}

impl Cabinet {
    pub fn new(full_name: String) -> Self {
        Self { full_name }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::SignOut => Action::SignOut,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let greeting = ctx.i18n.tr_with("cabinet-greeting", [("name", self.full_name.as_str().into())]);
        container(
            column![
                text(greeting).size(ctx.metrics.title).font(FONT_BOLD_FACE),
                text(ctx.i18n.tr("cabinet-signed-in")).size(ctx.metrics.text),
                big_button(ctx, ctx.i18n.tr("sign-out"), Some(Message::SignOut)),
            ]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 32.0),
        )
        .center_x(Fill)
        .into()
    }
}
