//! The applicant's session: everything they entered lives here and is dropped as a whole on sign-out or timeout.

pub mod resume;

pub use resume::{Drafts, ResumeCode, ResumeError};

use crate::registry::new_key;
use chrono::{DateTime, Utc};
use iced::time::{Duration, Instant};
use pdo_core::api::{Account, Applicant, Application, Child, Document};

/// How long before the registry ends a session the password is asked again.
pub const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub account: Account,
    /// When the registry ends this session, on this kiosk's monotonic clock (from `expires_at` as received).
    pub ends_at: Instant,
    /// The applicant's own details once loaded or saved; the forms and a child's own application start from them.
    pub applicant: Option<Applicant>,
    /// The e-mail used last in this session, offered again for a second child.
    pub email: Option<String>,
    /// The account's applications as last seen (the cabinet's list, and every one shown since), so the child
    /// cards say where each child stands.
    pub applications: Vec<Application>,
    pub draft: Draft,
}

impl Session {
    pub fn new(token: String, account: Account, expires_at: DateTime<Utc>) -> Self {
        let ends_at = ends_at(expires_at, Utc::now(), Instant::now());
        Self {
            token,
            account,
            ends_at,
            applicant: None,
            email: None,
            applications: Vec::new(),
            draft: Draft::default(),
        }
    }

    /// A renewed session: the new token and lifetime, everything entered kept.
    pub fn renew(&mut self, token: String, expires_at: DateTime<Utc>) -> String {
        self.ends_at = ends_at(expires_at, Utc::now(), Instant::now());
        std::mem::replace(&mut self.token, token)
    }

    /// Keeps the newest state of an application (added, or replacing the one with its id).
    pub fn remember(&mut self, application: &Application) {
        match self.applications.iter_mut().find(|a| a.id == application.id) {
            Some(known) => *known = application.clone(),
            None => self.applications.push(application.clone()),
        }
    }
}

/// The registry's expiry on the monotonic clock, so a change of the wall clock while a person is at the kiosk neither
/// ends their session early nor keeps it past its end. A lifetime beyond a day is taken as a day (a wrong clock).
fn ends_at(expires_at: DateTime<Utc>, now: DateTime<Utc>, instant_now: Instant) -> Instant {
    let left = (expires_at - now).to_std().unwrap_or(Duration::ZERO).min(Duration::from_secs(24 * 3600));
    instant_now + left
}

/// One application in the making: the child, the document, the application once created. The idempotency keys are
/// chosen when the draft starts and kept for every retry, so a repeated request after a network hiccup is the same
/// request and never creates a second child, document, application or certificate.
#[derive(Debug)]
pub struct Draft {
    pub child: Option<Child>,
    pub document: Option<Document>,
    pub application: Option<Application>,
    /// The scan as sent, kept in memory (zeroed when dropped) in case the rest must go the offline way.
    pub scan: Option<zeroize::Zeroizing<Vec<u8>>>,
    pub child_key: String,
    pub document_key: String,
    pub application_key: String,
    pub certificate_key: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            child: None,
            document: None,
            application: None,
            scan: None,
            child_key: new_key(),
            document_key: new_key(),
            application_key: new_key(),
            certificate_key: new_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifetime_is_counted_on_the_monotonic_clock() {
        let (now, instant) = (Utc::now(), Instant::now());
        assert_eq!(ends_at(now + chrono::Duration::minutes(60), now, instant), instant + Duration::from_secs(3600));
        assert_eq!(ends_at(now - chrono::Duration::minutes(1), now, instant), instant, "already over");
        assert_eq!(ends_at(now + chrono::Duration::days(30), now, instant), instant + Duration::from_secs(86_400));
    }

    #[test]
    fn each_draft_has_its_own_keys() {
        let (a, b) = (Draft::default(), Draft::default());
        assert_ne!(a.child_key, b.child_key);
        let keys = [&a.child_key, &a.document_key, &a.application_key, &a.certificate_key];
        assert!(keys.iter().all(|k| k.len() == 32), "{keys:?}");
        assert_ne!(a.application_key, a.certificate_key);
    }
}
