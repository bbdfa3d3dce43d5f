//! Signing in with the phone: the registry's device flow (RFC 8628). The kiosk asks for a code, shows it as a QR
//! code and polls at the pace the registry sets until the phone approved, declined or the code ran out.

use super::{App, Message, Screen};
use crate::registry::{ClientError, DevicePoll};
use crate::screen::qr_sign_in::{self, QrSignIn, State, expiry, qr_image};
use crate::screen::sign_in;
use iced::time::{Duration, Instant};
use iced::{Subscription, Task};
use pdo_core::api::DeviceLoginStart;

/// The device code being polled and how often the registry lets us ask.
#[derive(Debug, Clone)]
pub struct DeviceLogin {
    pub device_code: String,
    pub interval: Duration,
}

impl App {
    pub(super) fn open_qr(&mut self) -> Task<Message> {
        self.screen = Screen::QrSignIn(QrSignIn::default());
        self.editing = None;
        self.device = None;
        self.start_device_login()
    }

    fn start_device_login(&self) -> Task<Message> {
        let client = self.client();
        Task::perform(async move { client.start_device_login().await }, Message::DeviceStarted)
    }

    pub(super) fn device_started(&mut self, result: Result<DeviceLoginStart, ClientError>) -> Task<Message> {
        let Screen::QrSignIn(screen) = &mut self.screen else { return Task::none() };
        let start = match result {
            Ok(start) => start,
            Err(err) => {
                tracing::warn!(code = err.code(), "device sign-in not started");
                screen.set(State::Unavailable);
                return Task::none();
            }
        };
        let Some(qr) = qr_image(&start.verification_uri_complete, 8) else {
            screen.set(State::Unavailable);
            return Task::none();
        };
        screen.set(State::Showing {
            qr,
            user_code: start.user_code.clone(),
            address: start.verification_uri.clone(),
            expires_at: expiry(Instant::now(), start.expires_in),
        });
        self.device =
            Some(DeviceLogin { device_code: start.device_code, interval: Duration::from_secs(start.interval.max(1)) });
        Task::none()
    }

    pub(super) fn qr_action(&mut self, action: qr_sign_in::Action) -> Task<Message> {
        match action {
            qr_sign_in::Action::None => Task::none(),
            qr_sign_in::Action::Restart => {
                self.device = None;
                self.start_device_login()
            }
            qr_sign_in::Action::UsePassword => {
                self.device = None;
                let mut screen = sign_in::SignIn::new(self.env.demo_hint.clone());
                screen.set_offline(self.link.link == crate::sync::Link::Offline);
                self.screen = Screen::SignIn(screen);
                self.focus_field(sign_in::LOGIN_ID, true)
            }
        }
    }

    pub(super) fn poll_device(&self) -> Task<Message> {
        let Some(device) = &self.device else { return Task::none() };
        let (client, code) = (self.client(), device.device_code.clone());
        Task::perform(async move { client.poll_device_login(&code).await }, Message::DevicePolled)
    }

    pub(super) fn device_polled(&mut self, result: Result<DevicePoll, ClientError>) -> Task<Message> {
        let Screen::QrSignIn(screen) = &mut self.screen else {
            // Approved after the person left the QR code: nobody will use that session.
            return match result {
                Ok(DevicePoll::Approved(session)) => self.revoke_unused(session.token),
                _ => Task::none(),
            };
        };
        match result {
            Ok(DevicePoll::Pending) => Task::none(),
            Ok(DevicePoll::SlowDown) => {
                // RFC 8628 §3.5: add five seconds to the interval.
                if let Some(device) = &mut self.device {
                    device.interval += Duration::from_secs(5);
                }
                Task::none()
            }
            Ok(DevicePoll::Expired) => {
                self.device = None;
                screen.set(State::Expired);
                Task::none()
            }
            Ok(DevicePoll::Denied) => {
                self.device = None;
                screen.set(State::Denied);
                Task::none()
            }
            Ok(DevicePoll::Approved(session)) if self.device.is_none() => self.revoke_unused(session.token),
            Ok(DevicePoll::Approved(session)) => {
                self.device = None;
                tracing::info!(account = %session.account.id, "signed in with the phone");
                self.signed_in(session)
            }
            Err(err) => {
                tracing::debug!(code = err.code(), "device poll failed; next time");
                Task::none()
            }
        }
    }

    pub(super) fn device_subscription(&self) -> Subscription<Message> {
        match (&self.screen, &self.device) {
            (Screen::QrSignIn(_), Some(device)) => iced::time::every(device.interval).map(|_| Message::PollDevice),
            _ => Subscription::none(),
        }
    }
}
