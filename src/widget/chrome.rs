//! The frame around every screen: the service's name, the demo mark, and the language switch, always visible.

use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::ViewContext;
use crate::widget::controls::plain_button;
use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Border, Element, Fill, Length, alignment};
use pdo_core::domain::Lang;

/// Where the person is in the flow and the way back from here.
pub struct Nav<M> {
    /// "Step N of M", when the screen is a step of the application.
    pub step: Option<(u8, u8)>,
    pub back: Option<M>,
    /// «Продолжить позже», where an unfinished application can wait for a resume code.
    pub later: Option<M>,
    /// «Продолжить без связи», when the registry went away in the middle of an application.
    pub offline: Option<M>,
    /// The offline way was taken: every step says so.
    pub offline_way: bool,
    /// «Крупный текст»: whether it is on, and the message that turns it the other way.
    pub large_text: (bool, M),
    /// «Контраст» (the high-contrast theme): the same.
    pub high_contrast: (bool, M),
    /// «Озвучить»: the same, with no message when there is no sound card (the switch then says «Нет звука»).
    pub speech: (bool, Option<M>),
}

pub fn frame<'a, M: Clone + 'a>(
    ctx: ViewContext<'_>,
    demo: bool,
    on_language: impl Fn(Lang) -> M,
    nav: Nav<M>,
    content: Element<'a, M>,
) -> Element<'a, M> {
    let current = ctx.i18n.lang();
    // A landscape panel at normal text size has room for everything on one line; a portrait one, or large text,
    // puts the progress and the switches on lines of their own (on one line they ran into the title).
    let roomy = ctx.metrics.header_on_one_line();
    let switch = |lang: Lang, id: &str| -> Element<'a, M> {
        let label = ctx.i18n.tr(id);
        if current == lang {
            // The active language reads as chosen (filled and bold, so not by colour alone) and does nothing.
            button(
                text(label)
                    .size(ctx.metrics.small)
                    .font(FONT_BOLD_FACE)
                    .height(Fill)
                    .align_y(alignment::Vertical::Center),
            )
            .height(Length::Fixed(ctx.metrics.target))
            .padding([0.0, ctx.metrics.text])
            .style(theme::selected_button)
            .into()
        } else {
            plain_button(ctx, label, Some(on_language(lang)))
        }
    };
    let mut header = row![].spacing(ctx.metrics.spacing).align_y(Alignment::Center);
    if let Some(back) = nav.back {
        header = header.push(plain_button(ctx, format!("‹ {}", ctx.i18n.tr("back")), Some(back)));
    }
    // «Продолжить позже» gets a line under the header, at its right (beside the progress on a portrait panel): in the
    // header it left the service's name too little room, which then ran into the progress.
    let later = nav.later.map(|later| plain_button(ctx, ctx.i18n.tr("resume-later"), Some(later)));
    // The title takes the room left and wraps, so the language switch is never pushed off a narrow (portrait) screen.
    // On the offline way the notice takes the title's place on every step, in smaller type on a calm band, so it
    // costs the form below no height.
    let title_text: Element<'a, M> = if nav.offline_way {
        container(text(ctx.i18n.tr("offline-banner")).size(ctx.metrics.small).font(FONT_BOLD_FACE))
            .padding([0.0, ctx.metrics.small * 0.5])
            .width(Fill)
            .style(|t| container::Style {
                background: Some(theme::Palette::of(t).notice.into()),
                text_color: Some(theme::Palette::of(t).text),
                border: Border { radius: 6.0.into(), ..Border::default() },
                ..container::Style::default()
            })
            .into()
    } else {
        text(ctx.i18n.tr("app-title")).size(ctx.metrics.text).font(FONT_BOLD_FACE).width(Fill).into()
    };
    let mut title = row![title_text].spacing(ctx.metrics.spacing).align_y(Alignment::Center).width(Fill);
    // On a portrait panel the progress gets a line of its own under the header, so the title has room to wrap.
    let mut progress_line = None;
    if let Some((step, total)) = nav.step {
        let progress = ctx.i18n.tr_with("step-of", [("step", step.into()), ("total", total.into())]);
        let progress = text(progress).size(ctx.metrics.text).style(theme::tone(theme::Tone::Accent));
        if roomy {
            title = title.push(progress);
        } else {
            progress_line = Some(progress);
        }
    }
    if demo {
        title = title.push(
            container(text(ctx.i18n.tr("demo-badge")).size(ctx.metrics.text).font(FONT_BOLD_FACE))
                .padding([ctx.metrics.text * 0.2, ctx.metrics.text * 0.6])
                .style(|t| container::Style {
                    background: Some(theme::Palette::of(t).demo.into()),
                    text_color: Some(theme::Palette::of(t).on_demo),
                    border: Border { radius: 6.0.into(), ..Border::default() },
                    ..container::Style::default()
                }),
        );
    }
    // Large text and contrast are switches that stay pressable both ways; each reads as chosen while on (filled
    // and bold, so not by colour alone).
    let toggle = |(on, message): (bool, Option<M>), id: &str| -> Element<'a, M> {
        button(
            text(ctx.i18n.tr(id))
                .size(ctx.metrics.small)
                .font(if on { FONT_BOLD_FACE } else { theme::FONT })
                .height(Fill)
                .align_y(alignment::Vertical::Center),
        )
        .height(Length::Fixed(ctx.metrics.target))
        .padding([0.0, ctx.metrics.text * 0.6])
        .style(if on { theme::selected_button } else { theme::secondary_button })
        .on_press_maybe(message)
        .into()
    };
    let (speaking, speech) = nav.speech;
    let speech_label = if speech.is_some() { "speech" } else { "speech-no-sound" };
    let switches = row![
        toggle((speaking, speech), speech_label),
        toggle((nav.large_text.0, Some(nav.large_text.1)), "large-text"),
        toggle((nav.high_contrast.0, Some(nav.high_contrast.1)), "high-contrast"),
        switch(Lang::Ru, "language-ru"),
        switch(Lang::En, "language-en")
    ]
    .spacing(ctx.metrics.spacing * 0.6);
    // A portrait panel is too narrow for the switches beside the title (with large text they would run off the
    // screen): they get a line of their own under it, wrapping onto a second one rather than leaving the screen.
    header = header.push(title);
    let mut switches_line = None;
    if roomy {
        // A wider gap before the switches keeps the demo badge and the chosen language apart as two things.
        header = header.push(container(switches).padding(iced::Padding::ZERO.left(ctx.metrics.spacing)));
    } else {
        let wrapping =
            switches.wrap().vertical_spacing(ctx.metrics.spacing * 0.6).align_x(alignment::Horizontal::Right);
        switches_line = Some(container(wrapping).width(Fill));
    }
    let mut page = column![container(header).padding([ctx.metrics.text * 0.4, ctx.metrics.text]).width(Fill)];
    if let Some(line) = switches_line {
        page = page.push(container(line).padding([0.0, ctx.metrics.text]));
    }
    if progress_line.is_some() || later.is_some() {
        let mut line = row![].spacing(ctx.metrics.spacing).align_y(Alignment::Center);
        line = match progress_line {
            Some(progress) => line.push(container(progress).width(Fill)),
            None => line.push(iced::widget::Space::new().width(Fill)),
        };
        if let Some(button) = later {
            line = line.push(button);
        }
        page = page.push(container(line).padding([0.0, ctx.metrics.text]));
    }
    if let Some(offline) = nav.offline {
        page = page.push(
            container(
                row![
                    text(ctx.i18n.tr("offline-midway")).size(ctx.metrics.text).width(Fill),
                    plain_button(ctx, ctx.i18n.tr("offline-continue"), Some(offline)),
                ]
                .spacing(ctx.metrics.spacing)
                .align_y(Alignment::Center),
            )
            .padding([0.0, ctx.metrics.text]),
        );
    }
    page.push(container(content).padding(ctx.metrics.text).width(Fill).height(Fill)).into()
}
