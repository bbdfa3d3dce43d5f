//! «Озвучить»: with speech on, the kiosk says what changed after each update, as one utterance that cuts off the last:
//! the step's title and instruction when a screen opens, the label and format of the field that takes the focus
//! (and whether it is filled, never what it holds: a public room), every message a screen shows (errors, printing),
//! the idle warning with its countdown, and the registry link going or coming back.

use super::{App, Screen};
use crate::screen::{confirm, sign_in};
use crate::speech::screen_words;
use pdo_core::domain::Lang;

/// What speech has said about the kiosk's state, to say only what is new.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Heard {
    lang: Option<Lang>,
    screen: &'static str,
    field: Option<iced::widget::Id>,
    alerts: Vec<String>,
    idle_warning: bool,
    link_down: bool,
    offline_way: bool,
}

impl App {
    /// Whether the switch can be offered: a sound card to hear it on.
    pub(super) fn speech_available(&self) -> bool {
        self.env.speaker.available()
    }

    /// Speech on or off for the rest of the session; turned on, it says where the person is at once.
    pub(super) fn set_speech(&mut self, on: bool) {
        self.speech = on && self.speech_available();
        if self.speech {
            self.say_new(Heard::default());
        } else {
            self.env.speaker.hush();
        }
    }

    /// The state speech would describe, taken before an update (and only while speech is on).
    pub(super) fn heard(&self) -> Option<Heard> {
        self.speech.then(|| Heard {
            lang: Some(self.i18n.lang()),
            screen: self.screen_name(),
            field: self.edited_field().map(|(id, _, _)| id),
            alerts: self.alerts(),
            idle_warning: self.idle_warning,
            link_down: self.link.link == crate::sync::Link::Offline,
            offline_way: self.offline_banner(),
        })
    }

    /// Says what changed since `before`, in one utterance.
    pub(super) fn say_new(&mut self, before: Heard) {
        let Some(now) = self.heard() else { return };
        if now == before {
            return;
        }
        let i18n = &self.i18n;
        let mut words = Vec::new();
        let new_screen = now.screen != before.screen || now.lang != before.lang;
        if new_screen && let Some(screen) = screen_words(i18n, now.screen) {
            words.push(screen);
        }
        if now.offline_way && (!before.offline_way || new_screen) {
            words.push(i18n.tr("offline-banner"));
        }
        if now.link_down != before.link_down {
            words.push(i18n.tr(if now.link_down { "say-link-down" } else { "say-link-up" }));
        }
        if let Some(id) = &now.field
            && (now.field != before.field || new_screen)
            && let Some(field) = self.field_words(id)
        {
            words.push(field);
        }
        words.extend(now.alerts.iter().filter(|alert| !before.alerts.contains(alert)).cloned());
        if now.idle_warning && !before.idle_warning {
            let seconds = self.env.config.idle_grace_secs;
            words.push(format!(
                "{} {}",
                i18n.tr("idle-title"),
                i18n.tr_with("idle-body", [("seconds", seconds.into())])
            ));
        }
        if !words.is_empty() {
            self.env.speaker.say(&words.join(" "), self.i18n.lang());
        }
    }

    /// The screen's module name, as `pdo-kiosk say --screen` knows it.
    fn screen_name(&self) -> &'static str {
        match &self.screen {
            Screen::Welcome(_) => "welcome",
            Screen::SignIn(_) => "sign_in",
            Screen::QrSignIn(_) => "qr_sign_in",
            Screen::Cabinet(_) => "cabinet",
            Screen::Applicant { .. } => "applicant",
            Screen::Children(_) => "children",
            Screen::ChildForm { .. } => "child_form",
            Screen::Document { .. } => "document",
            Screen::Capture(_) => "capture",
            Screen::Application(_) => "application",
            Screen::Confirm(_) => "confirm",
            Screen::Certificate(_) => "certificate",
            Screen::Issued(_) => "issued",
            Screen::Print(_) => "print",
            Screen::Resume(_) => "resume",
        }
    }

    /// Every message the screen shows now about what went wrong or what is going on.
    fn alerts(&self) -> Vec<String> {
        let mut alerts: Vec<String> = match &self.screen {
            _ if let Some((form, problem)) = self.paged_form() => {
                form.errors().chain(problem).map(str::to_owned).collect()
            }
            Screen::SignIn(screen) => screen.alerts(&self.i18n),
            Screen::Capture(screen) => screen.problem().map(str::to_owned).into_iter().collect(),
            Screen::Application(screen) => screen.error().map(str::to_owned).into_iter().collect(),
            Screen::Confirm(screen) => screen.error().map(str::to_owned).into_iter().collect(),
            Screen::Certificate(screen) => screen.problem().map(str::to_owned).into_iter().collect(),
            Screen::Print(screen) => screen.status().map(|id| self.i18n.tr(id)).into_iter().collect(),
            Screen::Resume(screen) => screen.error().map(str::to_owned).into_iter().collect(),
            _ => Vec::new(),
        };
        alerts.retain(|alert| !alert.trim().is_empty());
        alerts
    }

    /// The field's label and format, and whether it holds anything: never its value.
    fn field_words(&self, id: &iced::widget::Id) -> Option<String> {
        let is = |name: &'static str| *id == iced::widget::Id::new(name);
        let (label, hint) = match &self.screen {
            _ if let Some((form, _)) = self.paged_form() => form.spec(id).map(|f| (f.label, f.hint))?,
            Screen::SignIn(_) if is(sign_in::LOGIN_ID) => ("sign-in-login", None),
            Screen::SignIn(_) => ("sign-in-password", None),
            Screen::Application(_) => ("field-email", None),
            Screen::Confirm(_) if is(confirm::CODE_ID) => ("confirm-code", None),
            Screen::Confirm(_) => ("confirm-new-email", None),
            Screen::Resume(_) => ("resume-code", None),
            _ => return None,
        };
        let filled = self.edited_field().is_some_and(|(_, value, _)| !value.trim().is_empty());
        let mut words = vec![self.i18n.tr(label)];
        words.extend(hint.map(|hint| self.i18n.tr(hint)));
        words.push(self.i18n.tr(if filled { "say-field-filled" } else { "say-field-empty" }));
        Some(words.join(". "))
    }
}
