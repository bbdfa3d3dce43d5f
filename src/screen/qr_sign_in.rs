//! Sign-in without typing a password on a public screen: a QR code the applicant scans with their own phone, where
//! the registry's page signs them in and shows which kiosk asks before they approve. The root polls the registry
//! and moves on by itself once the phone approved.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::time::{Duration, Instant};
use iced::widget::{column, container, image, row, text};
use iced::{Alignment, Element, Fill, Length};

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Back to the login and password.
    UsePassword,
    /// A fresh code after the old one expired or was declined.
    Restart,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    UsePassword,
    Restart,
}

#[derive(Debug, Clone)]
pub enum State {
    Starting,
    Showing { qr: image::Handle, user_code: String, address: String, expires_at: Instant },
    Expired,
    Denied,
    Unavailable,
}

#[derive(Debug)]
pub struct QrSignIn {
    state: State,
}

impl Default for QrSignIn {
    fn default() -> Self {
        Self { state: State::Starting }
    }
}

impl QrSignIn {
    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn set(&mut self, state: State) {
        self.state = state;
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::UsePassword => Action::UsePassword,
            Message::Restart if !matches!(self.state, State::Starting) => {
                self.state = State::Starting;
                Action::Restart
            }
            Message::Restart => Action::None,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>, now: Instant) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![text(i18n.tr("qr-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 44.0);
        let trouble = |id: &str| text(i18n.tr(id)).size(ctx.metrics.text).color(theme::DANGER);
        match &self.state {
            State::Starting => page = page.push(text(i18n.tr("qr-starting")).size(ctx.metrics.text)),
            State::Showing { qr, user_code, address, expires_at } => {
                let left = expires_at.saturating_duration_since(now).as_secs().div_ceil(60);
                let steps = column![
                    text(i18n.tr("qr-step-scan")).size(ctx.metrics.text),
                    text(i18n.tr("qr-step-check")).size(ctx.metrics.text),
                    text(i18n.tr_with("qr-step-code", [("code", user_code.as_str().into())])).size(ctx.metrics.text),
                    text(user_code.clone()).size(ctx.metrics.title * 1.4).font(FONT_BOLD_FACE).color(theme::ACCENT),
                    text(i18n.tr_with("qr-no-camera", [("address", address.as_str().into())])).size(ctx.metrics.small),
                    text(i18n.tr_with("qr-expires", [("minutes", left.into())])).size(ctx.metrics.small),
                ]
                .spacing(ctx.metrics.text * 0.5)
                .width(Fill);
                let side = Length::Fixed(ctx.metrics.text * 14.0);
                page = page.push(
                    row![image(qr.clone()).width(side).height(side), steps]
                        .spacing(ctx.metrics.spacing * 2.0)
                        .align_y(Alignment::Center),
                );
            }
            State::Expired => {
                page = page.push(trouble("qr-expired")).push(big_button(
                    ctx,
                    i18n.tr("qr-new-code"),
                    Some(Message::Restart),
                ));
            }
            State::Denied => {
                page = page.push(trouble("qr-denied")).push(big_button(
                    ctx,
                    i18n.tr("qr-new-code"),
                    Some(Message::Restart),
                ));
            }
            State::Unavailable => {
                page = page.push(trouble("qr-unavailable")).push(big_button(
                    ctx,
                    i18n.tr("retry"),
                    Some(Message::Restart),
                ));
            }
        }
        page = page.push(plain_button(ctx, i18n.tr("qr-use-password"), Some(Message::UsePassword)));
        container(page).center_x(Fill).into()
    }
}

/// The QR code of `data` as a picture: black modules on white with the standard quiet zone, `scale` pixels a module.
pub fn qr_image(data: &str, scale: u32) -> Option<image::Handle> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).ok()?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut rgba = vec![255u8; (side * side * 4) as usize];
    for (index, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (index as u32 % modules + quiet, index as u32 / modules + quiet);
        for y in my * scale..(my + 1) * scale {
            let start = ((y * side + mx * scale) * 4) as usize;
            for px in rgba[start..start + (scale * 4) as usize].chunks_exact_mut(4) {
                px[..3].copy_from_slice(&[0, 0, 0]);
            }
        }
    }
    Some(image::Handle::from_rgba(side, side, rgba))
}

/// When a code given now for `expires_in` seconds runs out.
pub fn expiry(now: Instant, expires_in: u64) -> Instant {
    now + Duration::from_secs(expires_in)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_code_only_once_the_old_one_is_over() {
        let mut s = QrSignIn::default();
        assert_eq!(s.update(Message::Restart), Action::None, "already asking for one");
        s.set(State::Expired);
        assert_eq!(s.update(Message::Restart), Action::Restart);
        assert!(matches!(s.state(), State::Starting));
        assert_eq!(s.update(Message::UsePassword), Action::UsePassword);
    }

    #[test]
    fn the_qr_picture_has_a_quiet_zone_and_dark_finder_corners() {
        let handle = qr_image("https://registry.example.org/device?code=ABCD-EFGH", 4).unwrap();
        let iced::advanced::image::Handle::Rgba { width, pixels, .. } = handle else { panic!("rgba") };
        let at = |x: u32, y: u32| pixels[((y * width + x) * 4) as usize];
        assert_eq!(at(0, 0), 255, "quiet zone is white");
        assert_eq!(at(4 * 4, 4 * 4), 0, "the finder pattern's corner is dark");
        assert_eq!(at(4 * 4 + 4, 4 * 4 + 4), 255, "the finder's white ring");
    }
}
