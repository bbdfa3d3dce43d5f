//! The applicant's session with the registry (its token, account and lifetime) and the unfinished application
//! (`Draft`), both dropped as a whole on sign-out or timeout.

pub mod draft;
pub mod resume;

pub use draft::{Draft, ResumeDraft, Step};
pub use resume::{Drafts, ResumeCode, ResumeError};

use chrono::{DateTime, Utc};
use iced::time::{Duration, Instant};
use pdo_core::api::{Account, Application};

/// How long before the registry ends a session the password is asked again.
pub const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub account: Account,
    /// When the registry ends this session, on this kiosk's monotonic clock (from `expires_at` as received).
    pub ends_at: Instant,
    /// The account's applications as last seen (the cabinet's list, and every one shown since), so the child
    /// cards say where each child stands.
    pub applications: Vec<Application>,
}

impl Session {
    pub fn new(token: String, account: Account, expires_at: DateTime<Utc>) -> Self {
        let ends_at = ends_at(expires_at, Utc::now(), Instant::now());
        Self { token, account, ends_at, applications: Vec::new() }
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
}
