//! Taking the offline way: from the sign-in screen when the registry cannot be reached, or midway with «Продолжить
//! без связи» when a call of this session failed as unreachable. From then on every step goes the offline way
//! (`way`), with the same screens and the same draft; and the public reference data it needs is kept while online.

use super::way::Reference;
use super::{App, Message, Screen};
use crate::screen::applicant;
use crate::session::Draft;
use iced::Task;
use pdo_core::api::{CertificateGroup, Institution};
use pdo_core::domain::AccountKind;

/// Public reference data kept for offline use (never applicant data).
pub const GROUPS_KEY: &str = "reference.certificate_groups";
pub const INSTITUTIONS_KEY: &str = "reference.institutions";

impl App {
    /// From the sign-in screen: the offline way starts with the applicant's own details.
    pub(super) fn open_offline(&mut self) -> Task<Message> {
        self.take_offline_way();
        self.draft = Draft::default();
        self.screen = Screen::Applicant { form: applicant::Applicant::new(None, AccountKind::Parent), problem: None };
        self.focus_field(applicant::FIELDS[0].path)
    }

    /// «Продолжить без связи» is offered when a call of this session failed as unreachable, on the steps where
    /// the application is still being put together.
    pub(super) fn can_continue_offline(&self) -> bool {
        let draft = &self.draft;
        // Once the application exists (the e-mail step, the certificate), the rest needs what was sent for it, the
        // scan included; an application opened from the cabinet on a later visit has no scan here.
        let application_made = draft.child.is_some() && draft.document.is_some() && draft.scan.is_some();
        (self.unreachable || self.link.link == crate::sync::Link::Offline)
            && self.way_can_switch()
            && self.session.is_some()
            && draft.applicant.is_some()
            && match self.screen {
                Screen::Children(_)
                | Screen::ChildForm { .. }
                | Screen::Document { .. }
                | Screen::Capture(_)
                | Screen::Application(_) => true,
                Screen::Confirm(_) | Screen::Certificate(_) => application_made,
                _ => false,
            }
    }

    /// The registry went away in the middle: the person carries on from the same screen with the same draft, on the
    /// offline way. What was already created online is referenced by the sealed submission (the account's login goes
    /// with it), so the registry joins it rather than creating a second child or application.
    pub(super) fn continue_offline(&mut self) -> Task<Message> {
        if !self.can_continue_offline() {
            return Task::none();
        }
        tracing::info!("application continues offline");
        self.take_offline_way();
        // The capture screen's own photo, if one was taken and not sent yet.
        if let Screen::Capture(screen) = &self.screen
            && let Some(scan) = screen.scan()
        {
            self.draft.scan = Some(scan.jpeg.clone());
        }
        // The message of the online attempt that failed no longer holds: the banner says what happens now.
        match &mut self.screen {
            Screen::Applicant { problem, .. }
            | Screen::ChildForm { problem, .. }
            | Screen::Document { problem, .. } => *problem = None,
            Screen::Capture(capture) => capture.failed(String::new()),
            Screen::Certificate(choice) => choice.failed(String::new()),
            Screen::Application(step) => step.go_offline(),
            _ => {}
        }
        match &self.screen {
            Screen::Children(_) => self.open_children(),
            // A document scanned on an earlier visit: its photo is taken again, to go with the sealed application.
            Screen::Application(_) if self.draft.scan.is_none() => match self.draft.document.clone() {
                Some(document) => self.open_capture(&document),
                None => Task::none(),
            },
            // The code or link of the e-mail step would confirm nothing now: the e-mail step again, saying that the
            // letter will bring a link to sign in with.
            Screen::Confirm(_) => {
                let Some(step) = self.application_step() else { return Task::none() };
                self.screen = Screen::Application(step);
                self.editing = None;
                Task::none()
            }
            // Every other screen goes on as it is; its next «Далее» takes the offline way.
            _ => Task::none(),
        }
    }

    /// While online: keep the certificate groups and the institutions for the kiosk's municipality, so an offline
    /// application can offer the groups and print where to go.
    pub(super) fn refresh_reference(&self) -> Task<Message> {
        let (client, store) = (self.client(), self.env.store.clone());
        let municipality = self.env.config.municipality.clone();
        Task::future(async move {
            if let Ok(groups) = client.certificate_groups().await {
                let _ = store.set_state_json(GROUPS_KEY, &groups).await;
            }
            if let Ok(institutions) = client.institutions(municipality.as_deref()).await {
                let _ = store.set_state_json(INSTITUTIONS_KEY, &institutions).await;
            }
            let groups = store.state_json::<Vec<CertificateGroup>>(GROUPS_KEY).await.ok().flatten();
            let institutions = store.state_json::<Vec<Institution>>(INSTITUTIONS_KEY).await.ok().flatten();
            let operator = store.kiosk_config().await.ok().flatten().and_then(|c| c.operator);
            Message::Reference(Reference {
                groups: groups.unwrap_or_default(),
                institutions: institutions.unwrap_or_default(),
                operator,
            })
        })
    }

    /// The reference data kept: offered offline, and the registry's operator named from now on.
    pub(super) fn reference_kept(&mut self, reference: Reference) -> Task<Message> {
        if let Some(operator) = reference.operator.clone().filter(|o| !o.name.trim().is_empty())
            && operator != self.operator
        {
            if operator != self.env.operator {
                tracing::warn!(code = "operator_mismatch", "the operator in kiosk.toml differs from the registry's");
            }
            self.operator = operator;
            if let Screen::Welcome(_) = self.screen {
                self.screen = self.welcome();
            }
        }
        self.reference = reference;
        Task::none()
    }
}
