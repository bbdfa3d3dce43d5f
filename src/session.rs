//! The applicant's session: everything they entered lives here and is dropped as a whole on sign-out or timeout.

use crate::registry::new_key;
use pdo_core::api::{Account, Applicant, Application, Child, Document};

#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub account: Account,
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
    pub fn new(token: String, account: Account) -> Self {
        Self { token, account, applicant: None, email: None, applications: Vec::new(), draft: Draft::default() }
    }

    /// Keeps the newest state of an application (added, or replacing the one with its id).
    pub fn remember(&mut self, application: &Application) {
        match self.applications.iter_mut().find(|a| a.id == application.id) {
            Some(known) => *known = application.clone(),
            None => self.applications.push(application.clone()),
        }
    }
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
    fn each_draft_has_its_own_keys() {
        let (a, b) = (Draft::default(), Draft::default());
        assert_ne!(a.child_key, b.child_key);
        let keys = [&a.child_key, &a.document_key, &a.application_key, &a.certificate_key];
        assert!(keys.iter().all(|k| k.len() == 32), "{keys:?}");
        assert_ne!(a.application_key, a.certificate_key);
    }
}
