//! Staff mode's screens: the PIN pad, the panel (health, office figures and the privacy check, the camera test) and
//! the banner shown on the applicant's screens while staff help. The root (`app::staff_flow`) runs the checks and
//! the tasks; these screens only show what they are given and say what was pressed.

pub mod camera_test;
pub mod figures;
pub mod health;
pub mod panel;
pub mod pin_pad;

use super::ViewContext;
use crate::staff::PinCheck;
use crate::theme::{self, FONT_BOLD_FACE, MIN_TARGET_MM};
use iced::time::{Duration, Instant};
use iced::widget::{button, column, container, image, mouse_area, row, space, text};
use iced::{Alignment, Color, Element, Fill, Length};

pub use crate::camera::Hint;

/// Staff screens and the banner wear their own colour, so nobody mistakes them for a step of the application.
pub const STAFF: Color = Color::from_rgb(0.24, 0.18, 0.42);

/// Everything staff mode is told, as `app::Message::Staff`.
#[derive(Debug, Clone)]
pub enum Message {
    /// The hidden corner was pressed or let go (held long enough, it opens the PIN pad).
    CornerPressed,
    CornerReleased,
    /// Staff mode's clock: the long press, the lockout countdown, leaving after a while without a touch.
    Tick(Instant),
    Pin(pin_pad::Message),
    /// The gate's lockout as the pad opens (`None`: a PIN may be tried now).
    Locked(Option<Duration>),
    /// The gate's answer to a PIN; `Err` when it could not be asked (the store).
    PinChecked(Result<PinCheck, String>),
    Panel(panel::Message),
    /// Something the panel shows has been found out.
    Fact(panel::Fact),
    /// The camera test's picture, with what the detection says about it.
    CameraFrame(Option<image::Handle>, Hint),
    /// The camera test found and flattened a document (the picture only; the scan's bytes are dropped at once).
    CameraScanned(image::Handle),
    /// «Вернуть заявителю» on the banner.
    HandBack,
}

/// The frame of every staff screen: who is in charge, one button on the right, the page.
pub fn frame<'a, M: 'a>(ctx: ViewContext<'_>, right: Element<'a, M>, page: Element<'a, M>) -> Element<'a, M> {
    let header = row![
        text(ctx.i18n.tr("staff-title")).size(ctx.metrics.text).font(FONT_BOLD_FACE).color(Color::WHITE),
        space::horizontal(),
        right,
    ]
    .spacing(ctx.metrics.spacing)
    .align_y(Alignment::Center);
    column![
        container(header)
            .padding([ctx.metrics.text * 0.4, ctx.metrics.text])
            .width(Fill)
            .style(|_| { container::Style { background: Some(STAFF.into()), ..container::Style::default() } }),
        container(page).padding(ctx.metrics.text).width(Fill).height(Fill),
    ]
    .into()
}

/// The band over the applicant's screens while staff help: what is going on, and the way to hand the kiosk back.
pub fn assist_banner<'a>(ctx: ViewContext<'_>) -> Element<'a, Message> {
    // Every pixel of height is taken from the applicant's screen (the sign-in form with its keyboard is tight on a
    // 1080p panel), so the band is exactly one 12 mm button tall, not a full `big_button` with padding.
    let twelve_mm = (MIN_TARGET_MM * ctx.metrics.px_per_mm).ceil();
    let hand_back =
        button(text(ctx.i18n.tr("staff-hand-back")).size(ctx.metrics.small).font(FONT_BOLD_FACE).center().height(Fill))
            .height(Length::Fixed(twelve_mm))
            .padding([0.0, ctx.metrics.text])
            .style(theme::secondary_button)
            .on_press(Message::HandBack);
    let band = row![
        text(ctx.i18n.tr("staff-assist-banner")).size(ctx.metrics.small).font(FONT_BOLD_FACE).color(Color::WHITE),
        space::horizontal(),
        hand_back,
    ]
    .spacing(ctx.metrics.spacing)
    .align_y(Alignment::Center);
    container(band)
        .padding([0.0, ctx.metrics.text])
        .width(Fill)
        .style(|_| container::Style { background: Some(STAFF.into()), ..container::Style::default() })
        .into()
}

/// The invisible target in the top-left corner, meant to lie *under* the screen (see `app::staff_flow`): it only
/// hears presses that no control above took, so the back button next to it keeps working.
pub fn corner<'a>(ctx: ViewContext<'_>) -> Element<'a, Message> {
    let side = Length::Fixed(ctx.metrics.target * 2.0);
    let target = mouse_area(space().width(side).height(side))
        .on_press(Message::CornerPressed)
        .on_release(Message::CornerReleased)
        .on_exit(Message::CornerReleased);
    container(target).width(Fill).height(Fill).into()
}
