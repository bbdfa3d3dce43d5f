//! Sign-in without typing a password on a public screen: a QR code the applicant scans with their own phone, where
//! the registry's page signs them in and shows which kiosk asks before they approve. The screen runs the registry's
//! device flow (RFC 8628) itself: it asks for a code, shows it and polls at the pace the registry sets until the
//! phone approved, declined or the code ran out; the root only opens the session it hands over.

use super::ViewContext;
use crate::registry::{ClientError, DevicePoll, RegistryClient};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::time::{Duration, Instant};
use iced::widget::{column, container, image, row, text};
use iced::{Alignment, Element, Fill, Length, Subscription, Task};
use pdo_core::api::{DeviceLoginStart, SessionResponse};

#[derive(Debug, Clone)]
pub enum Message {
    /// Back to the login and password.
    UsePassword,
    /// A fresh code after the old one expired or was declined.
    Restart,
    /// The registry's device code (or why there is none).
    Started(Result<DeviceLoginStart, ClientError>),
    /// Time to ask whether the phone approved.
    Poll,
    Polled(Result<DevicePoll, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Started(_) | Message::Polled(_))
    }

    /// The registry session an answer opened, if any: one nobody takes any more must be revoked.
    pub fn opened_session(&self) -> Option<&SessionResponse> {
        match self {
            Message::Polled(Ok(DevicePoll::Approved(session))) => Some(session),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    UsePassword,
    /// A request to the registry; its answer comes back as this screen's message.
    Run(Task<Message>),
    /// The phone approved: the root opens the session.
    SignedIn(SessionResponse),
    /// An approval nobody waits for any more: its session is revoked at once.
    Unused(SessionResponse),
}

#[derive(Debug, Clone)]
pub enum State {
    Starting,
    Showing { qr: image::Handle, user_code: String, address: String, expires_at: Instant },
    Expired,
    Denied,
    Unavailable,
}

/// The device code being polled and how often the registry lets us ask.
#[derive(Debug, Clone)]
struct DeviceLogin {
    device_code: String,
    interval: Duration,
}

#[derive(Debug)]
pub struct QrSignIn {
    state: State,
    /// The phone sign-in being waited for, while the code is shown.
    device: Option<DeviceLogin>,
}

impl QrSignIn {
    /// The screen asking the registry (`client`, in the person's language) for a code at once.
    pub fn new(client: &RegistryClient) -> (Self, Task<Message>) {
        (Self { state: State::Starting, device: None }, start(client))
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn update(&mut self, message: Message, client: &RegistryClient) -> Action {
        match message {
            Message::UsePassword => {
                self.device = None;
                Action::UsePassword
            }
            Message::Restart if !matches!(self.state, State::Starting) => {
                self.state = State::Starting;
                self.device = None;
                Action::Run(start(client))
            }
            Message::Restart => Action::None,
            Message::Started(result) => {
                self.started(result);
                Action::None
            }
            Message::Poll => match &self.device {
                Some(device) => {
                    let (client, code) = (client.clone(), device.device_code.clone());
                    Action::Run(Task::perform(async move { client.poll_device_login(&code).await }, Message::Polled))
                }
                None => Action::None,
            },
            Message::Polled(result) => self.polled(result),
        }
    }

    fn started(&mut self, result: Result<DeviceLoginStart, ClientError>) {
        let start = match result {
            Ok(start) => start,
            Err(err) => {
                tracing::warn!(code = err.code(), "device sign-in not started");
                self.state = State::Unavailable;
                return;
            }
        };
        let Some(qr) = qr_image(&start.verification_uri_complete, 8) else {
            self.state = State::Unavailable;
            return;
        };
        self.state = State::Showing {
            qr,
            user_code: start.user_code.clone(),
            address: start.verification_uri.clone(),
            expires_at: expiry(Instant::now(), start.expires_in),
        };
        self.device =
            Some(DeviceLogin { device_code: start.device_code, interval: Duration::from_secs(start.interval.max(1)) });
    }

    fn polled(&mut self, result: Result<DevicePoll, ClientError>) -> Action {
        match result {
            Ok(DevicePoll::Pending) => {}
            Ok(DevicePoll::SlowDown) => {
                // RFC 8628 §3.5: add five seconds to the interval.
                if let Some(device) = &mut self.device {
                    device.interval += Duration::from_secs(5);
                }
            }
            Ok(DevicePoll::Expired) => {
                self.device = None;
                self.state = State::Expired;
            }
            Ok(DevicePoll::Denied) => {
                self.device = None;
                self.state = State::Denied;
            }
            Ok(DevicePoll::Approved(session)) if self.device.is_none() => return Action::Unused(session),
            Ok(DevicePoll::Approved(session)) => {
                self.device = None;
                tracing::info!(account = %session.account.id, "signed in with the phone");
                return Action::SignedIn(session);
            }
            Err(err) => tracing::debug!(code = err.code(), "device poll failed; next time"),
        }
        Action::None
    }

    /// The poll at the pace the registry sets, while a code is shown.
    pub fn subscription(&self) -> Subscription<Message> {
        match &self.device {
            Some(device) => iced::time::every(device.interval).map(|_| Message::Poll),
            None => Subscription::none(),
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>, now: Instant) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![text(i18n.tr("qr-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 44.0);
        let trouble = |id: &str| text(i18n.tr(id)).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger));
        match &self.state {
            State::Starting => page = page.push(text(i18n.tr("qr-starting")).size(ctx.metrics.text)),
            State::Showing { qr, user_code, address, expires_at } => {
                let left = expires_at.saturating_duration_since(now).as_secs().div_ceil(60);
                let steps = column![
                    text(i18n.tr("qr-step-scan")).size(ctx.metrics.text),
                    text(i18n.tr("qr-step-check")).size(ctx.metrics.text),
                    text(i18n.tr_with("qr-step-code", [("code", user_code.as_str().into())])).size(ctx.metrics.text),
                    text(user_code.clone())
                        .size(ctx.metrics.title * 1.4)
                        .font(FONT_BOLD_FACE)
                        .style(theme::tone(theme::Tone::Accent)),
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

/// Asks the registry for a device code to show.
fn start(client: &RegistryClient) -> Task<Message> {
    let client = client.clone();
    Task::perform(async move { client.start_device_login().await }, Message::Started)
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
        let client = RegistryClient::new("http://127.0.0.1:9".parse().unwrap());
        let (mut s, _) = QrSignIn::new(&client);
        assert!(matches!(s.update(Message::Restart, &client), Action::None), "already asking for one");
        s.update(Message::Polled(Ok(DevicePoll::Expired)), &client);
        assert!(matches!(s.update(Message::Restart, &client), Action::Run(_)));
        assert!(matches!(s.state(), State::Starting));
        assert!(matches!(s.update(Message::UsePassword, &client), Action::UsePassword));
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
