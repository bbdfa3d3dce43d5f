//! The on-screen keyboard's side of the root: which field it types into and what that field takes, the keys'
//! effect, «Далее ›» to the next field, and the layout kept fit for it (form pages, the field kept in view).

use super::{App, Message, Screen};
use crate::screen::{application, confirm, sign_in};
use crate::widget::field_kind::FieldKind;
use crate::widget::keyboard::{self, Keyboard};
use iced::Task;
use iced::widget::operation;

impl App {
    /// The on-screen keyboard's state: the kind of field it serves and the keys it shows.
    pub fn keyboard(&self) -> Keyboard {
        self.keyboard
    }

    /// The field the on-screen keyboard types into, while it is shown.
    pub fn field_being_edited(&self) -> Option<iced::widget::Id> {
        self.keyboard_open().then(|| self.editing.clone()).flatten()
    }

    /// A paged form shows no more fields on a page than fit above (or beside) the keyboard with their messages and
    /// the page's button: with large text on a landscape panel that is fewer than the screen's own pages hold.
    pub(super) fn fit_form_pages(&mut self) {
        let m = self.metrics;
        let keyboard = if m.landscape { 0.0 } else { 5.0 * m.key + m.text * 2.0 };
        let area = m.window.height - m.header_height() - 2.0 * m.text - keyboard;
        let fixed = m.title * 1.3 + m.spacing * 2.0 + m.target;
        let per_field = m.target + m.text * 1.7;
        let fit = (((area - fixed) / per_field).floor() as usize).max(1);
        match &mut self.screen {
            Screen::Applicant { form, .. } => form.paged_mut().fit(fit),
            Screen::ChildForm { form, .. } => form.paged_mut().fit(fit),
            Screen::Document { form, .. } => form.paged_mut().fit(fit),
            _ => {}
        }
    }

    /// Whether the on-screen keyboard is shown under (or beside) the screen: a field of this screen is being edited
    /// and no dialog with its own keyboard is open.
    pub(super) fn keyboard_open(&self) -> bool {
        self.renewal.is_none() && self.edited_field().is_some()
    }

    /// The field being edited, if the current screen has it: its value and the message that changes it.
    pub(super) fn edited_field(&self) -> Option<(iced::widget::Id, String, crate::widget::form::OnInput<Message>)> {
        let id = self.editing.clone()?;
        if let Some((value, on_input)) = self.renewal_field() {
            return Some((id, value, Box::new(move |v| Message::Renewal(on_input(v)))));
        }
        match &self.screen {
            Screen::SignIn(screen) => {
                let (value, on_input) = screen.field(&id)?;
                Some((id, value, Box::new(move |v| Message::SignIn(on_input(v)))))
            }
            Screen::Applicant { form, .. } => {
                let (value, on_input) = form.field(&id)?;
                Some((id, value, Box::new(move |v| Message::Applicant(on_input(v)))))
            }
            Screen::ChildForm { form, .. } => {
                let (value, on_input) = form.field(&id)?;
                Some((id, value, Box::new(move |v| Message::ChildForm(on_input(v)))))
            }
            Screen::Document { form, .. } => {
                let (value, on_input) = form.field(&id)?;
                Some((id, value, Box::new(move |v| Message::Document(on_input(v)))))
            }
            Screen::Application(screen)
                if screen.is_editing() && id == iced::widget::Id::new(application::EMAIL_ID) =>
            {
                let value = screen.email().to_owned();
                Some((id, value, Box::new(|v| Message::Application(application::Message::Changed(v)))))
            }
            Screen::Confirm(screen) => {
                let (value, on_input) = screen.field(&id)?;
                Some((id, value, Box::new(move |v| Message::Confirm(on_input(v)))))
            }
            Screen::Resume(screen) => {
                let (value, on_input) = screen.field(&id)?;
                Some((id, value, Box::new(move |v| Message::Resume(on_input(v)))))
            }
            Screen::Welcome(_)
            | Screen::QrSignIn(_)
            | Screen::Cabinet(_)
            | Screen::Children(_)
            | Screen::Capture(_)
            | Screen::Application(_)
            | Screen::Certificate(_)
            | Screen::Issued(_)
            | Screen::Print(_) => None,
        }
    }

    /// The screen's paged form, if it is one of the three form steps, with the message about its last save.
    pub(super) fn paged_form(&self) -> Option<(&crate::widget::form::PagedForm, Option<&str>)> {
        match &self.screen {
            Screen::Applicant { form, problem } => Some((form.paged(), problem.as_deref())),
            Screen::ChildForm { form, problem } => Some((form.paged(), problem.as_deref())),
            Screen::Document { form, problem } => Some((form.paged(), problem.as_deref())),
            _ => None,
        }
    }

    /// What the fields of the screen take (the paged forms say so field by field).
    pub(super) fn field_kind(&self, id: &iced::widget::Id) -> FieldKind {
        self.paged_form().and_then(|(form, _)| form.kind(id)).unwrap_or_else(|| single_field_kind(id))
    }

    /// The text of the field being edited (empty when none).
    pub(super) fn edited_value(&self) -> String {
        self.edited_field().map(|(_, value, _)| value).unwrap_or_default()
    }

    /// The keyboard's «Далее ›»: the next field of the page, or what Enter does from the last one.
    pub(super) fn next_field(&mut self) -> Task<Message> {
        let Some(id) = self.editing.clone() else { return self.enter() };
        let next = match &self.screen {
            _ if self.renewal.is_some() => None,
            Screen::SignIn(_) if id == iced::widget::Id::new(sign_in::LOGIN_ID) => Some(sign_in::PASSWORD_ID),
            Screen::Applicant { form, .. } => form.paged().next_on_page(&id),
            Screen::ChildForm { form, .. } => form.paged().next_on_page(&id),
            Screen::Document { form, .. } => form.paged().next_on_page(&id),
            _ => None,
        };
        match next {
            Some(next) => self.focus_field(next),
            None if self.renewal.is_some() => self.renewal_message(crate::screen::renewal::Message::Submit),
            None => self.enter(),
        }
    }

    pub(super) fn type_key(&mut self, key: keyboard::Key) -> Task<Message> {
        self.touch();
        if key == keyboard::Key::Next {
            return self.next_field();
        }
        let Some((id, value, on_input)) = self.edited_field() else { return Task::none() };
        let refocus = Task::batch([operation::focus(id.clone()), operation::move_cursor_to_end(id)]);
        match self.keyboard.press(key, &value) {
            Some(new_value) => self.update_now(on_input(new_value)).chain(refocus),
            None => refocus,
        }
    }

    /// Moves the focus (and the on-screen keyboard, with the keys the field takes) to a text field of the screen.
    pub(super) fn focus_field(&mut self, id: &'static str) -> Task<Message> {
        let id = iced::widget::Id::new(id);
        self.keyboard = Keyboard::for_field(self.field_kind(&id));
        self.editing = Some(id.clone());
        operation::focus(id)
    }
}

/// Fields outside the paged forms and what they take: logins, passwords, e-mail addresses and resume codes are
/// Latin; the code from the letter is six digits.
fn single_field_kind(id: &iced::widget::Id) -> FieldKind {
    if *id == iced::widget::Id::new(confirm::CODE_ID) {
        return crate::widget::field_kind::SIX_DIGITS;
    }
    FieldKind::Latin
}
