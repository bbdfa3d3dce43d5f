//! Step 1, from the root's side: the sign-in screens (password, or the phone's QR code) talk to the registry
//! themselves; the root opens the session they hand over, switches between the two and revokes a session that
//! nobody takes any more.

use super::{App, Message, Screen};
use crate::screen::{qr_sign_in, sign_in};
use iced::Task;

impl App {
    pub(super) fn sign_in_action(&mut self, action: sign_in::Action) -> Task<Message> {
        match action {
            sign_in::Action::None => Task::none(),
            sign_in::Action::Focus(id) => self.focus_field(id),
            sign_in::Action::Qr => self.open_qr(),
            sign_in::Action::Offline => self.open_offline(),
            sign_in::Action::Run(task) => task.map(Message::SignIn),
            sign_in::Action::SignedIn(session) => self.signed_in(session),
            sign_in::Action::Unused(session) => self.revoke_unused(session.token),
        }
    }

    pub(super) fn open_qr(&mut self) -> Task<Message> {
        let (screen, task) = qr_sign_in::QrSignIn::new(&self.client());
        self.screen = Screen::QrSignIn(screen);
        self.editing = None;
        task.map(Message::QrSignIn)
    }

    pub(super) fn qr_action(&mut self, action: qr_sign_in::Action) -> Task<Message> {
        match action {
            qr_sign_in::Action::None => Task::none(),
            qr_sign_in::Action::Run(task) => task.map(Message::QrSignIn),
            qr_sign_in::Action::SignedIn(session) => self.signed_in(session),
            qr_sign_in::Action::Unused(session) => self.revoke_unused(session.token),
            qr_sign_in::Action::UsePassword => {
                let mut screen = sign_in::SignIn::new(self.env.demo_hint.clone());
                screen.set_offline(self.link.link == crate::sync::Link::Offline);
                self.screen = Screen::SignIn(screen);
                self.focus_field(sign_in::LOGIN_ID)
            }
        }
    }

    /// A screen's answer that its screen is no longer there to take (late, or after the person moved on): dropped,
    /// and a registry session it opened is revoked.
    pub(super) fn unclaimed(&self, produced: &Message) -> Task<Message> {
        let session = match produced {
            Message::SignIn(message) => message.opened_session(),
            Message::QrSignIn(message) => message.opened_session(),
            Message::Renewal(crate::screen::renewal::Message::Renewed(Ok(session))) => Some(session),
            _ => None,
        };
        session.map_or_else(Task::none, |session| self.revoke_unused(session.token.clone()))
    }
}

impl App {
    /// The phone sign-in's poll, while the QR code is shown.
    pub(super) fn qr_subscription(&self) -> iced::Subscription<Message> {
        match &self.screen {
            Screen::QrSignIn(screen) => screen.subscription().map(Message::QrSignIn),
            _ => iced::Subscription::none(),
        }
    }
}
