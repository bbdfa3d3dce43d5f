//! One module per step of the flow. Each screen owns its state, its messages and its work: a request it makes is a
//! `Task` of its own messages (`Action::Run`), so the answer comes back to the screen that asked. What only the root
//! can do (move between steps, open or end the session) a screen asks for through its `Action`; no screen touches
//! another screen or reaches into the root — what its work needs is lent to its `update` (`Registry`).

pub mod applicant;
pub mod application;
pub mod cabinet;
pub mod capture;
pub mod certificate;
pub mod child_form;
pub mod children;
pub mod confirm;
mod demo_mail;
pub mod document;
pub mod issued;
pub mod print;
pub mod qr_sign_in;
pub mod renewal;
pub mod resume;
pub mod sign_in;
pub mod staff;
pub mod welcome;

use crate::i18n::I18n;
use crate::registry::{ClientError, RegistryClient};
pub use crate::widget::ViewContext;

/// What a screen's requests to the registry need, lent by the root for one `update`: the client (in the person's
/// language), the session's token, and where to note that the registry could not be reached (the root offers the
/// offline way from then on).
pub struct Registry<'a> {
    pub client: RegistryClient,
    /// Empty when nobody signed in (the offline way from the sign-in screen).
    pub token: String,
    pub i18n: &'a I18n,
    pub unreachable: &'a mut bool,
}

impl Registry<'_> {
    /// A plain sentence for a failed call (see [`problem_text`]); an unreachable registry is noted.
    pub fn problem(&mut self, err: &ClientError) -> String {
        if matches!(err, ClientError::Unreachable) {
            *self.unreachable = true;
        }
        problem_text(self.i18n, err)
    }
}

/// A plain sentence for a failed call: the registry's own message for a refusal (it speaks the person's language),
/// ours for the network or the server.
pub fn problem_text(i18n: &I18n, err: &ClientError) -> String {
    match err {
        ClientError::Refused { message, .. } if !message.is_empty() => message.clone(),
        ClientError::Validation(fields) => {
            fields.values().next().map_or_else(|| i18n.tr("problem-server"), |e| e.message.clone())
        }
        ClientError::TooManyRequests { retry_after_secs } | ClientError::TooManyAttempts { retry_after_secs } => {
            i18n.tr_with("problem-wait", [("seconds", (*retry_after_secs).into())])
        }
        ClientError::Unreachable => i18n.tr("problem-unreachable"),
        ClientError::Busy { .. } => i18n.tr("problem-busy"),
        _ => i18n.tr("problem-server"),
    }
}

/// For the screens' unit tests: runs `check` with a registry nobody listens at (requests are made, never sent).
#[cfg(test)]
pub(crate) fn with_registry(check: impl FnOnce(&mut Registry<'_>)) {
    let (i18n, mut unreachable) = (I18n::new(pdo_core::domain::Lang::Ru), false);
    let client = RegistryClient::new("http://127.0.0.1:9".parse().unwrap());
    check(&mut Registry { client, token: "token".into(), i18n: &i18n, unreachable: &mut unreachable });
}
