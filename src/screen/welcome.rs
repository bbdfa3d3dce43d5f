//! The first screen: what the kiosk does, and who will process the data and why, before anything is entered.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::big_button;
use iced::widget::{column, container, row, text};
use iced::{Border, Element, Fill, Length};
use pdo_core::api::Operator;

/// The version of the notice text below; recorded each time it is shown. Change it whenever the wording changes.
pub const NOTICE_VERSION: &str = "2026-11-25";

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Start,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The person read the notice and starts; `notice_version` is what they were shown.
    Start { notice_version: &'static str },
}

#[derive(Debug)]
pub struct Welcome {
    operator: Operator,
    /// The registry is out of reach: the person learns before starting that applying still works.
    offline: bool,
}

impl Welcome {
    pub fn new(operator: Operator, offline: bool) -> Self {
        Self { operator, offline }
    }

    pub fn set_offline(&mut self, offline: bool) {
        self.offline = offline;
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Start => Action::Start { notice_version: NOTICE_VERSION },
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let steps = column(
            ["welcome-step-sign-in", "welcome-step-document", "welcome-step-email", "welcome-step-print"]
                .into_iter()
                .map(|id| text(format!("•  {}", i18n.tr(id))).size(ctx.metrics.text).into()),
        )
        .spacing(ctx.metrics.text * 0.3);
        let operator = format!("{}, {}", self.operator.name, self.operator.address);
        let notice = container(
            column![
                text(i18n.tr("notice-title")).size(ctx.metrics.text).font(FONT_BOLD_FACE),
                text(i18n.tr_with("notice-operator", [("operator", operator.as_str().into())])).size(ctx.metrics.small),
                text(i18n.tr("notice-purpose")).size(ctx.metrics.small),
                text(i18n.tr("notice-kiosk-keeps-nothing")).size(ctx.metrics.small),
                text(i18n.tr_with("notice-version", [("version", NOTICE_VERSION.into())]))
                    .size(ctx.metrics.small * 0.85)
                    .style(theme::tone(theme::Tone::Muted)),
            ]
            .spacing(ctx.metrics.text * 0.3),
        )
        .padding(ctx.metrics.text * 0.8)
        .style(|t| container::Style {
            border: Border { color: theme::Palette::of(t).muted, width: 1.0, radius: 8.0.into() },
            ..container::Style::default()
        });
        let about = column![
            text(i18n.tr("welcome-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr("welcome-intro")).size(ctx.metrics.text),
            steps,
        ]
        .spacing(ctx.metrics.spacing);
        let start = big_button(ctx, i18n.tr("welcome-start"), Some(Message::Start));
        let mut side = column![notice].spacing(ctx.metrics.spacing);
        if self.offline {
            side = side.push(text(i18n.tr("welcome-offline")).size(ctx.metrics.text));
        }
        let side = side.push(start);
        let body: Element<'_, Message> = if ctx.metrics.landscape {
            row![about.width(Length::FillPortion(3)), side.width(Length::FillPortion(2))]
                .spacing(ctx.metrics.spacing * 2.0)
                .into()
        } else {
            column![about, side].spacing(ctx.metrics.spacing).into()
        };
        container(body).max_width(ctx.metrics.text * 64.0).center_x(Fill).into()
    }
}
