//! The one shape of an unfinished application: what the person has given so far, as records, whichever way it goes
//! to the registry (online: the registry's records; offline: the same records checked here, with no registry id
//! yet), and what «Продолжить позже» seals under a resume code.

use crate::registry::new_key;
use pdo_core::api::{Applicant, Application, Child, Document};
use pdo_core::domain::DocumentKind;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// One application in the making. The idempotency keys are chosen when the draft starts and kept for every retry,
/// so a repeated request after a network hiccup is the same request and never creates a second child, document,
/// application or certificate. Dropped as a whole with the session.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The applicant's own details once loaded or saved; the forms and a child's own application start from them.
    pub applicant: Option<Applicant>,
    /// The e-mail used last, offered again (for a second child too).
    pub email: Option<String>,
    pub child: Option<Child>,
    pub document: Option<Document>,
    pub application: Option<Application>,
    /// The scan as taken, in memory only (zeroed when dropped): the offline way seals it; it is never written to a
    /// resume draft (the photo is taken again).
    #[serde(skip)]
    pub scan: Option<Zeroizing<Vec<u8>>>,
    pub child_key: String,
    pub document_key: String,
    pub application_key: String,
    pub certificate_key: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            applicant: None,
            email: None,
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

impl Draft {
    /// The next child's application: the applicant's details and e-mail stay, everything about the child and new
    /// keys start afresh.
    pub fn next_child(&mut self) {
        *self = Draft { applicant: self.applicant.take(), email: self.email.take(), ..Draft::default() };
    }

    /// A copy to seal under a resume code: everything but the scan (the photo is taken again).
    pub fn without_scan(&self) -> Draft {
        Draft {
            applicant: self.applicant.clone(),
            email: self.email.clone(),
            child: self.child.clone(),
            document: self.document.clone(),
            application: self.application.clone(),
            scan: None,
            child_key: self.child_key.clone(),
            document_key: self.document_key.clone(),
            application_key: self.application_key.clone(),
            certificate_key: self.certificate_key.clone(),
        }
    }

    /// The certificate issued or the application queued: nothing of it needs to stay in memory but the record the
    /// forms are printed from.
    pub fn forget_scan(&mut self) {
        self.scan = None;
    }
}

/// The step an unfinished application was left at.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub enum Step {
    Children,
    ChildForm,
    Document(DocumentKind),
    Capture,
    Application,
}

/// What «Продолжить позже» seals under the code (never written in the clear): the draft itself, the step it was left
/// at and what that step's form held.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumeDraft {
    pub step: Step,
    pub values: Vec<String>,
    pub draft: Draft,
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

    #[test]
    fn the_next_child_keeps_the_applicant_and_email_only() {
        let mut draft = Draft {
            email: Some("roditel.test@example.org".into()),
            scan: Some(Zeroizing::new(vec![1, 2, 3])),
            ..Draft::default()
        };
        let old_key = draft.child_key.clone();
        draft.next_child();
        assert_eq!(draft.email.as_deref(), Some("roditel.test@example.org"));
        assert!(draft.scan.is_none() && draft.child.is_none() && draft.application.is_none());
        assert_ne!(draft.child_key, old_key, "a new child gets new keys");
    }

    #[test]
    fn a_sealed_draft_never_carries_the_scan() {
        let draft = Draft { scan: Some(Zeroizing::new(vec![0xFF, 0xD8, 0xFF])), ..Draft::default() };
        let snapshot = ResumeDraft { step: Step::Capture, values: Vec::new(), draft };
        let json = serde_json::to_string(&snapshot).unwrap();
        assert!(!json.contains("scan"), "{json}");
        let back: ResumeDraft = serde_json::from_str(&json).unwrap();
        assert!(back.draft.scan.is_none());
        assert_eq!(back.draft.child_key, snapshot.draft.child_key);
    }
}
