//! The session's lifetime: a few minutes before the registry ends a session opened at this kiosk, the password is
//! asked again over the screen the person is on (`screen::renewal`); at the end it is wiped like any session.

use super::{App, Message};
use crate::screen::ViewContext;
use crate::screen::renewal::{self, Renewal};
use crate::session::RENEW_BEFORE;
use iced::time::Instant;
use iced::widget::{center, column, container, operation};
use iced::{Element, Task};

impl App {
    /// On every tick of the idle clock: open the dialog when the end is near, end the session when it has come.
    pub(super) fn check_lifetime(&mut self, now: Instant) -> Option<Task<Message>> {
        let ends_at = self.session.as_ref()?.ends_at;
        if now >= ends_at {
            tracing::info!("session lifetime over");
            return Some(Task::batch([self.end_assisting(), self.end_session()]));
        }
        if now + RENEW_BEFORE >= ends_at && self.renewal.is_none() {
            tracing::info!("session renewal asked");
            self.renewal = Some((Renewal::new(), self.editing.take()));
            return Some(self.focus_field(renewal::PASSWORD_ID));
        }
        None
    }

    pub(super) fn renewal_message(&mut self, message: renewal::Message) -> Task<Message> {
        self.touch();
        let (Some((dialog, _)), Some(session)) = (self.renewal.as_mut(), self.session.as_ref()) else {
            return Task::none();
        };
        let asking = renewal::Asking {
            client: &self.env.client,
            login: &session.account.login,
            account_id: &session.account.id,
            lang: self.i18n.lang(),
        };
        match dialog.update(message, asking, &self.i18n) {
            renewal::Action::None => Task::none(),
            renewal::Action::Run(task) => task.map(Message::Renewal),
            renewal::Action::SignOut => self.end_session(),
            renewal::Action::Renewed(renewed) => {
                let Some(session) = self.session.as_mut() else { return Task::none() };
                tracing::info!(account = %renewed.account.id, "session renewed");
                let old = session.renew(renewed.token, renewed.expires_at);
                let editing = self.renewal.take().and_then(|(_, editing)| editing);
                self.editing = editing.clone();
                let refocus = editing.map_or_else(Task::none, operation::focus);
                Task::batch([self.revoke_unused(old), refocus])
            }
        }
    }

    /// The dialog over the screen, with the on-screen keyboard under it for the password.
    pub(super) fn renewal_view<'a>(&'a self, ctx: ViewContext<'a>) -> Option<Element<'a, Message>> {
        let (dialog, _) = self.renewal.as_ref()?;
        let left = self
            .session
            .as_ref()
            .map_or(0, |s| s.ends_at.saturating_duration_since(Instant::now()).as_secs().div_ceil(60));
        let dialog = center(dialog.view(ctx, left).map(Message::Renewal))
            .style(|_| container::Style { background: Some(crate::theme::SCRIM.into()), ..Default::default() });
        // The keyboard on the page's own background: the screen beneath must not show between its keys.
        let keyboard =
            container(self.keyboard.view(ctx, &self.edited_value(), Message::Key)).style(|theme: &iced::Theme| {
                container::Style { background: Some(theme.palette().background.into()), ..Default::default() }
            });
        Some(column![dialog, keyboard].into())
    }

    /// The password field of the dialog, while it is open.
    pub(super) fn renewal_field(&self) -> Option<(String, fn(String) -> renewal::Message)> {
        self.renewal.as_ref().map(|(dialog, _)| dialog.field())
    }
}
