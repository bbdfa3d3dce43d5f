//! The first screen: what the kiosk does, and who will process the data and why, before anything is entered.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::big_button;
use iced::widget::{Space, column, container, row, scrollable, text};
use iced::{Alignment, Border, Element, Fill, Length, Padding};
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
        let body: Element<'_, Message> = if ctx.metrics.landscape {
            row![about.width(Length::FillPortion(3)), notice.width(Length::FillPortion(2))]
                .spacing(ctx.metrics.spacing * 2.0)
                .into()
        } else {
            column![about, notice].spacing(ctx.metrics.spacing).into()
        };
        // With large text the page can be taller than the screen (a landscape panel at 1.5×): the text scrolls, and
        // «Начать» with the sentence about the registry stays in view under it, so nobody loses the way in.
        let scrollbar =
            scrollable::Scrollbar::new().width(ctx.metrics.spacing * 0.5).scroller_width(ctx.metrics.spacing * 0.5);
        let body = scrollable(container(body).padding(Padding::ZERO.right(ctx.metrics.spacing)))
            .direction(scrollable::Direction::Vertical(scrollbar))
            .height(Fill);
        let offline: Element<'_, Message> = if self.offline {
            text(i18n.tr("welcome-offline")).size(ctx.metrics.text).into()
        } else {
            Space::new().into()
        };
        let footer: Element<'_, Message> = if ctx.metrics.landscape {
            row![container(offline).width(Length::FillPortion(3)), container(start).width(Length::FillPortion(2))]
                .spacing(ctx.metrics.spacing * 2.0)
                .align_y(Alignment::Center)
                .into()
        } else {
            column![offline, start].spacing(ctx.metrics.spacing).into()
        };
        let page = column![body, footer].spacing(ctx.metrics.spacing).height(Fill);
        container(page).max_width(ctx.metrics.text * 64.0).center_x(Fill).into()
    }
}
