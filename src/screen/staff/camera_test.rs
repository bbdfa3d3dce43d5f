//! The panel's camera test: the live picture with the detected document outlined (the capture screen's pipeline,
//! run by the root) and the hint an applicant would read; once a document lies still it is captured and its
//! flattened picture shown, which proves the whole chain works. Nothing is kept.

use crate::camera::Hint;
use crate::screen::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use iced::widget::{center, column, container, image, text};
use iced::{Color, Element, Fill, Length};

#[derive(Debug, Default)]
pub struct CameraTest {
    live: Option<image::Handle>,
    hint: Option<Hint>,
    scanned: Option<image::Handle>,
    /// Bumped by "again": a new run of the camera (a new subscription).
    pub run: u32,
}

/// The capture screen's words for a hint (the same sentences the applicant reads).
fn hint_message(hint: Hint) -> &'static str {
    match hint {
        Hint::Starting => "capture-starting",
        Hint::PlaceDocument => "capture-place",
        Hint::MoveCloser => "capture-closer",
        Hint::HoldStill => "capture-still",
        Hint::Glare => "capture-glare",
        Hint::CutOff => "capture-cut-off",
        Hint::Capturing => "capture-capturing",
        Hint::NoCamera => "capture-no-camera",
    }
}

impl CameraTest {
    pub fn frame(&mut self, preview: Option<image::Handle>, hint: Hint) {
        if self.scanned.is_none() {
            self.live = preview.or(self.live.take());
            self.hint = Some(hint);
        }
    }

    pub fn scanned(&mut self, picture: image::Handle) {
        self.scanned = Some(picture);
    }

    /// Whether the camera should be running (not after a capture, until "again").
    pub fn is_live(&self) -> bool {
        self.scanned.is_none()
    }

    pub fn again(&mut self) {
        *self = Self { run: self.run.wrapping_add(1), ..Self::default() };
    }

    pub fn view<'a, M: 'a>(&self, ctx: ViewContext<'_>) -> Element<'a, M> {
        let i18n = ctx.i18n;
        let (words, picture) = match (&self.scanned, &self.live) {
            (Some(scan), _) => ((i18n.tr("staff-camera-test-captured"), false), Some(scan.clone())),
            (None, live) => {
                let hint = self.hint.unwrap_or(Hint::Starting);
                let trouble = matches!(hint, Hint::NoCamera | Hint::Glare | Hint::CutOff);
                ((i18n.tr(hint_message(hint)), trouble), live.clone())
            }
        };
        let picture: Element<'a, M> = match picture {
            Some(handle) => image(handle).width(Fill).height(Fill).into(),
            None => center(text(i18n.tr("capture-no-picture")).size(ctx.metrics.text).color(Color::WHITE)).into(),
        };
        column![
            text(i18n.tr("staff-camera-test-title")).size(ctx.metrics.text * 1.2).font(FONT_BOLD_FACE),
            text(words.0).size(ctx.metrics.text).style(theme::tone(if words.1 {
                theme::Tone::Danger
            } else {
                theme::Tone::Accent
            })),
            container(picture)
                .width(Fill)
                .height(Length::Fill)
                .style(|_| container::Style { background: Some(Color::BLACK.into()), ..container::Style::default() }),
        ]
        .spacing(ctx.metrics.text * 0.4)
        .into()
    }
}
