//! A physical keyboard works on every screen, not only in text fields: Enter presses the screen's main button,
//! Escape goes back, and the digits 1–9 pick the cards of the page shown (children, certificate groups, applications,
//! the kind of document). Keys a text field takes (typing, Enter to submit it) never reach here.

use super::{App, Message, Screen};
use crate::screen::{
    applicant, application, cabinet, capture, certificate, child_form, confirm, document, issued, print, qr_sign_in,
    resume, sign_in, welcome,
};
use iced::Task;

impl App {
    /// Enter that no widget took.
    pub(super) fn enter(&mut self) -> Task<Message> {
        let message = match &self.screen {
            Screen::Welcome(_) => Message::Welcome(welcome::Message::Start),
            Screen::SignIn(_) => Message::SignIn(sign_in::Message::Submit),
            Screen::QrSignIn(_) => Message::QrSignIn(qr_sign_in::Message::Restart),
            Screen::Cabinet(_) => Message::Cabinet(cabinet::Message::Apply),
            Screen::Applicant { .. } => {
                Message::Applicant(applicant::Message::Form(crate::widget::form::Message::Next))
            }
            Screen::Children(screen) => match screen.primary() {
                Some(message) => Message::Children(message),
                None => return Task::none(),
            },
            Screen::ChildForm { .. } => {
                Message::ChildForm(child_form::Message::Form(crate::widget::form::Message::Next))
            }
            Screen::Document { form, .. } if form.is_choosing() => return Task::none(),
            Screen::Document { .. } => Message::Document(document::Message::Form(crate::widget::form::Message::Next)),
            Screen::Capture(screen) if screen.is_live() => Message::Capture(capture::Message::Shoot),
            Screen::Capture(_) => Message::Capture(capture::Message::Accept),
            Screen::Application(screen) if screen.is_editing() => Message::Application(application::Message::Check),
            Screen::Application(_) => Message::Application(application::Message::Submit),
            Screen::Confirm(screen) if screen.is_changing() => Message::Confirm(confirm::Message::SaveEmail),
            Screen::Confirm(_) => Message::Confirm(confirm::Message::Confirm),
            Screen::Certificate(_) => Message::Certificate(certificate::Message::Issue),
            Screen::Issued(_) => Message::Issued(issued::Message::Print),
            Screen::Print(_) => Message::Print(print::Message::Print),
            Screen::Resume(resume::Resume::Show { .. }) => Message::Resume(resume::Message::Finish),
            Screen::Resume(_) => Message::Resume(resume::Message::Submit),
        };
        self.update_now(message)
    }

    /// A digit key: the `n`-th card (1-based) of the page shown.
    pub(super) fn pick(&mut self, n: usize) -> Task<Message> {
        let message = match &self.screen {
            Screen::Children(screen) => screen.pick(n).map(Message::Children),
            Screen::Certificate(screen) => screen.pick(n).map(Message::Certificate),
            Screen::Cabinet(screen) => screen.pick(n).map(Message::Cabinet),
            Screen::Document { form, .. } => form.pick(n).map(Message::Document),
            // 1 takes the corrected address offered for a likely typo.
            Screen::Application(screen) if n == 1 && screen.suggestion().is_some() => {
                Some(Message::Application(application::Message::UseSuggestion))
            }
            _ => None,
        };
        message.map_or_else(Task::none, |message| self.update_now(message))
    }
}

/// The digit of a key, 1 to 9.
pub(super) fn digit(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ '1'..='9'), None) => c.to_digit(10).map(|d| d as usize),
        _ => None,
    }
}
