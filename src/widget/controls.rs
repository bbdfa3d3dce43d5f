//! Touch-sized controls: every button and input is at least `Metrics::target` tall (12 mm on the real panel).

use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::ViewContext;
use iced::widget::{TextInput, button, column, container, text, text_input};
use iced::{Element, Fill, Length, alignment};

/// A large button; `None` as `on_press` shows it disabled.
pub fn big_button<'a, M: Clone + 'a>(ctx: ViewContext<'_>, label: String, on_press: Option<M>) -> Element<'a, M> {
    button(text(label).size(ctx.metrics.text).font(FONT_BOLD_FACE).height(Fill).align_y(alignment::Vertical::Center))
        .height(Length::Fixed(ctx.metrics.target))
        .padding([0.0, ctx.metrics.text * 1.5])
        .on_press_maybe(on_press)
        .into()
}

/// A smaller secondary button (language switch, "back") that is still a full touch target tall.
pub fn plain_button<'a, M: Clone + 'a>(ctx: ViewContext<'_>, label: String, on_press: Option<M>) -> Element<'a, M> {
    button(text(label).size(ctx.metrics.small).height(Fill).align_y(alignment::Vertical::Center))
        .height(Length::Fixed(ctx.metrics.target))
        .padding([0.0, ctx.metrics.text])
        .style(theme::secondary_button)
        .on_press_maybe(on_press)
        .into()
}

/// A text input sized for touch.
pub fn input<'a, M: Clone + 'a>(ctx: ViewContext<'_>, placeholder: &str, value: &str) -> TextInput<'a, M> {
    let pad = ((ctx.metrics.target - ctx.metrics.text * 1.3) / 2.0).max(8.0);
    text_input(placeholder, value).size(ctx.metrics.text).padding([pad, ctx.metrics.text * 0.6]).width(Fill)
}

/// A label, its input and, when there is one, the error message right under the input.
pub fn field<'a, M: Clone + 'a>(
    ctx: ViewContext<'_>,
    label: String,
    input: impl Into<Element<'a, M>>,
    error: Option<String>,
) -> Element<'a, M> {
    let input = input.into();
    let mut col =
        column![text(label).size(ctx.metrics.text).font(FONT_BOLD_FACE), input].spacing(ctx.metrics.text * 0.3);
    if let Some(message) = error {
        col = col.push(text(message).size(ctx.metrics.text * 0.9).style(theme::tone(theme::Tone::Danger)));
    }
    container(col).width(Fill).into()
}

/// A field with its label on the left and the hint (the format expected) and any error under the input: compact
/// enough that a page of fields fits above the on-screen keyboard.
pub fn field_row<'a, M: Clone + 'a>(
    ctx: ViewContext<'_>,
    label: String,
    input: TextInput<'a, M>,
    hint: Option<String>,
    error: Option<String>,
) -> Element<'a, M> {
    let mut right = column![input].spacing(ctx.metrics.text * 0.15);
    if let Some(message) = error {
        right = right.push(text(message).size(ctx.metrics.small).style(theme::tone(theme::Tone::Danger)));
    } else if let Some(hint) = hint {
        right = right.push(text(hint).size(ctx.metrics.small).style(theme::tone(theme::Tone::Muted)));
    }
    iced::widget::row![
        text(label).size(ctx.metrics.text).font(FONT_BOLD_FACE).width(iced::Length::FillPortion(2)),
        right.width(iced::Length::FillPortion(5)),
    ]
    .spacing(ctx.metrics.spacing)
    .align_y(iced::Alignment::Start)
    .into()
}
