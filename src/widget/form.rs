//! A form of text fields on short pages, each page small enough to fit above the on-screen keyboard: values, field
//! errors next to their fields, page navigation, and the checks run when the person presses «Далее». Screens with
//! forms (the applicant, the child) hold one and say what their fields are and how they are checked.

use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::ViewContext;
use crate::widget::controls::{big_button, field_row, input, plain_button};
use crate::widget::field_kind::FieldKind;
use crate::widget::typing::main_action;
use iced::widget::{Column, column, container, row, text};
use iced::{Element, Fill};
use pdo_core::api::FieldErrorBody;
use pdo_core::domain::Lang;
use pdo_core::validation::FieldErrors;
use std::collections::BTreeMap;

/// One field: its API path (also its widget id), its label and format-hint message ids, and what it takes (the
/// on-screen keyboard shows the keys for it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub path: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub kind: FieldKind,
}

/// What turns a field's new text into the screen's message (for the on-screen keyboard).
pub type OnInput<M> = Box<dyn Fn(String) -> M>;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Changed(usize, String),
    /// Enter in the field `index`: the next field of the page, or from the page's last one what «Далее» does (the
    /// same as the on-screen keyboard's «Далее ›»).
    Entered(usize),
    Next,
    Previous,
}

/// What a screen made of one paged form asks of the root; `Save` carries the request its fields make.
// Returned once per message and matched at once; a request is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum FormAction<T> {
    None,
    Focus(&'static str),
    /// Every field passed the checks: save this.
    Save(T),
    /// Back from the first page.
    Leave,
}

/// A form's field errors with their messages in `lang`, by path, for [`PagedForm::update`]'s check.
pub fn field_messages<T>(checked: Result<T, FieldErrors>, lang: Lang) -> BTreeMap<String, String> {
    checked.err().unwrap_or_default().into_iter().map(|(path, e)| (path, e.message(lang))).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    None,
    Focus(&'static str),
    /// Every field passed the checks on the last page.
    Complete,
    /// Back from the first page.
    Leave,
}

impl Event {
    /// The screen's action for this event; `request` makes what is saved when the form is complete.
    pub fn into_action<T>(self, request: impl FnOnce() -> T) -> FormAction<T> {
        match self {
            Event::None => FormAction::None,
            Event::Focus(id) => FormAction::Focus(id),
            Event::Leave => FormAction::Leave,
            Event::Complete => FormAction::Save(request()),
        }
    }
}

#[derive(Debug)]
pub struct PagedForm {
    fields: &'static [FieldSpec],
    /// The pages as the screen defines them, and as shown: split further when fewer fields fit (large text).
    base_pages: &'static [&'static [usize]],
    pages: Vec<Vec<usize>>,
    values: Vec<String>,
    page: usize,
    /// Errors by API path, with the message to show.
    errors: BTreeMap<String, String>,
    busy: bool,
    /// Values offered for a field in one tap (the child's address as the applicant's): field, label id, value.
    suggestions: Vec<(usize, &'static str, String)>,
}

impl PagedForm {
    pub fn new(fields: &'static [FieldSpec], pages: &'static [&'static [usize]], values: Vec<String>) -> Self {
        let mut values = values;
        values.resize(fields.len(), String::new());
        Self {
            fields,
            base_pages: pages,
            pages: split(pages, usize::MAX, |_| 1),
            values,
            page: 0,
            errors: BTreeMap::new(),
            busy: false,
            suggestions: Vec::new(),
        }
    }

    /// Offers `value` for the field `index` under a button labelled with the message `label`, shown while the field
    /// holds something else. Nothing is filled in unasked: the child may live elsewhere.
    pub fn suggest(&mut self, index: usize, label: &'static str, value: String) {
        if !value.trim().is_empty() {
            self.suggestions.push((index, label, value));
        }
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn error(&self, path: &str) -> Option<&str> {
        self.errors.get(path).map(String::as_str)
    }

    /// The field the page starts typing in: its first empty one (what is known is filled in already), else its
    /// first.
    pub fn first_field(&self) -> &'static str {
        let page = &self.pages[self.page];
        let index = page.iter().copied().find(|&i| self.values[i].trim().is_empty()).unwrap_or(page[0]);
        self.fields[index].path
    }

    /// The text field with this widget id on the current page: its value and the message that changes it.
    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        if self.busy {
            return None;
        }
        let index =
            self.pages[self.page].iter().copied().find(|&i| *id == iced::widget::Id::new(self.fields[i].path))?;
        Some((self.values[index].clone(), Box::new(move |v| Message::Changed(index, v))))
    }

    /// The field with this widget id: its label and hint (message ids) and what it takes.
    pub fn spec(&self, id: &iced::widget::Id) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| *id == iced::widget::Id::new(f.path))
    }

    /// Every message the form shows under its fields now.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.errors.values().map(String::as_str)
    }

    /// What the field with this widget id takes.
    pub fn kind(&self, id: &iced::widget::Id) -> Option<FieldKind> {
        self.fields.iter().find(|f| *id == iced::widget::Id::new(f.path)).map(|f| f.kind)
    }

    /// The field after this one on the current page, for the keyboard's «Далее ›»; `None` from the page's last one.
    pub fn next_on_page(&self, id: &iced::widget::Id) -> Option<&'static str> {
        let page = &self.pages[self.page];
        let at = page.iter().position(|&i| *id == iced::widget::Id::new(self.fields[i].path))?;
        page.get(at + 1).map(|&i| self.fields[i].path)
    }

    /// `check` returns the errors of the whole form by path, with messages; only this page's fields and earlier
    /// ones hold the person here, since later pages are not filled in yet.
    pub fn update(&mut self, message: Message, check: impl FnOnce(&[String]) -> BTreeMap<String, String>) -> Event {
        match message {
            Message::Changed(index, value) => {
                self.errors.remove(self.fields[index].path);
                self.values[index] = value;
                Event::None
            }
            Message::Entered(index) => {
                let page = &self.pages[self.page];
                match page.iter().position(|&i| i == index).and_then(|at| page.get(at + 1)) {
                    Some(&next) => Event::Focus(self.fields[next].path),
                    None => self.update(Message::Next, check),
                }
            }
            Message::Previous if self.busy => Event::None,
            Message::Previous if self.page == 0 => Event::Leave,
            Message::Previous => {
                self.page -= 1;
                Event::Focus(self.first_field())
            }
            Message::Next if self.busy => Event::None,
            Message::Next => {
                let errors = check(&self.values);
                let shown: Vec<usize> = self.pages[..=self.page].iter().flat_map(|p| p.iter().copied()).collect();
                self.errors = errors
                    .into_iter()
                    .filter(|(path, _)| shown.iter().any(|&i| self.fields[i].path == path.as_str()))
                    .collect();
                if let Some(&first) = shown.iter().find(|&&i| self.errors.contains_key(self.fields[i].path)) {
                    self.page = self.page_of(first);
                    return Event::Focus(self.fields[first].path);
                }
                if self.page + 1 < self.pages.len() {
                    self.page += 1;
                    Event::Focus(self.first_field())
                } else {
                    self.busy = true;
                    Event::Complete
                }
            }
        }
    }

    /// Shows at most `fields_per_page` fields on a page (what fits above the keyboard; a field with a one-tap
    /// suggestion under it counts twice), keeping the person on the page with the field they were at.
    pub fn fit(&mut self, fields_per_page: usize) {
        let weight = |index: usize| 1 + usize::from(self.suggestions.iter().any(|(i, _, _)| *i == index));
        let pages = split(self.base_pages, fields_per_page.max(1), weight);
        if pages != self.pages {
            let at = self.pages[self.page][0];
            self.pages = pages;
            self.page = self.page_of(at);
        }
    }

    fn page_of(&self, index: usize) -> usize {
        self.pages.iter().position(|p| p.contains(&index)).unwrap_or(self.page)
    }

    /// The registry refused what was sent: its field errors go next to the fields, everything typed stays, and the
    /// first field in error gets the focus.
    pub fn refused<T>(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> FormAction<T> {
        self.busy = false;
        self.errors = fields.into_iter().map(|(path, e)| (path, e.message)).collect();
        match self.fields.iter().position(|f| self.errors.contains_key(f.path)) {
            Some(index) => {
                self.page = self.page_of(index);
                FormAction::Focus(self.fields[index].path)
            }
            None => FormAction::None,
        }
    }

    /// Sending failed for another reason (network): the form stays as typed and can be sent again.
    pub fn failed(&mut self) {
        self.busy = false;
    }

    pub fn view(
        &self,
        ctx: ViewContext<'_>,
        title: String,
        next: String,
        problem: Option<String>,
    ) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let fields = Column::with_children(self.pages[self.page].iter().map(|&index| {
            let spec = self.fields[index];
            let mut field = input(ctx, "", &self.values[index]).id(spec.path);
            if !self.busy {
                field = field.on_input(move |v| Message::Changed(index, v)).on_submit(Message::Entered(index));
            }
            let row = field_row(
                ctx,
                i18n.tr(spec.label),
                field,
                spec.hint.map(|h| i18n.tr(h)),
                self.errors.get(spec.path).cloned(),
            );
            let offered = self.suggestions.iter().filter(|(i, _, value)| *i == index && self.values[index] != *value);
            let buttons = offered.map(|(_, label, value)| {
                let fill = (!self.busy).then(|| Message::Changed(index, value.clone()));
                container(plain_button(ctx, i18n.tr(label), fill)).align_right(Fill).into()
            });
            Column::with_children(std::iter::once(row).chain(buttons)).spacing(ctx.metrics.text * 0.3).into()
        }))
        .spacing(ctx.metrics.text * 0.5);
        let page = i18n.tr_with("page-of", [("page", (self.page + 1).into()), ("pages", self.pages.len().into())]);
        let next = if self.page + 1 < self.pages.len() { i18n.tr("next") } else { next };
        let mut body = column![
            // The title wraps when it must; the page counter never does («2 из 2» on two lines reads as two numbers).
            row![
                text(title).size(ctx.metrics.title).font(FONT_BOLD_FACE).width(Fill),
                text(page).size(ctx.metrics.text).wrapping(text::Wrapping::None)
            ]
            .spacing(ctx.metrics.spacing)
            .align_y(iced::Alignment::Center),
            fields,
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 48.0);
        if let Some(problem) = problem {
            body = body.push(text(problem).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)));
        }
        body = body.push(
            row![
                plain_button(ctx, i18n.tr("back"), (!self.busy).then_some(Message::Previous)),
                main_action(big_button(ctx, next, (!self.busy).then_some(Message::Next))),
            ]
            .spacing(ctx.metrics.spacing),
        );
        container(body).center_x(Fill).into()
    }
}

/// The screen's pages with none heavier than `fields_per_page` (a page holds at least one field).
fn split(pages: &[&[usize]], fields_per_page: usize, weight: impl Fn(usize) -> usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for page in pages {
        let mut current: Vec<usize> = Vec::new();
        let mut load = 0;
        for &index in *page {
            if !current.is_empty() && load + weight(index) > fields_per_page {
                out.push(std::mem::take(&mut current));
                load = 0;
            }
            current.push(index);
            load += weight(index);
        }
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [FieldSpec; 5] = [
        FieldSpec { path: "a", label: "field-last-name", hint: None, kind: FieldKind::Name },
        FieldSpec { path: "b", label: "field-first-name", hint: None, kind: FieldKind::Name },
        FieldSpec { path: "c", label: "field-patronymic", hint: None, kind: FieldKind::Name },
        FieldSpec { path: "d", label: "field-address", hint: None, kind: FieldKind::Text },
        FieldSpec { path: "e", label: "field-address", hint: None, kind: FieldKind::Text },
    ];

    #[test]
    fn fewer_fields_per_page_keep_the_person_at_their_field() {
        let mut form = PagedForm::new(&FIELDS, &[&[0, 1, 2, 3], &[4]], Vec::new());
        form.update(Message::Next, |_| BTreeMap::new());
        assert_eq!(form.first_field(), "e");
        form.fit(2);
        assert_eq!((form.page(), form.pages.len()), (2, 3), "pages [0,1] [2,3] [4], still on e's");
        form.fit(usize::MAX);
        assert_eq!((form.page(), form.pages.len()), (1, 2));
        assert_eq!(form.next_on_page(&iced::widget::Id::new("e")), None);
        form.fit(3);
        form.update(Message::Previous, |_| BTreeMap::new());
        assert_eq!(form.next_on_page(&iced::widget::Id::new("d")), None, "d ends the page [3]");
    }

    #[test]
    fn enter_goes_to_the_next_field_of_the_page_and_from_its_last_one_on() {
        let mut form = PagedForm::new(&FIELDS, &[&[0, 1, 2], &[3, 4]], Vec::new());
        assert_eq!(form.update(Message::Entered(0), |_| BTreeMap::new()), Event::Focus("b"));
        // The patronymic is optional: Enter still stops at it rather than skipping to an empty required field.
        assert_eq!(form.update(Message::Entered(1), |_| BTreeMap::new()), Event::Focus("c"));
        assert_eq!(form.update(Message::Entered(2), |_| BTreeMap::new()), Event::Focus("d"), "the next page");
        assert_eq!(form.page(), 1);
        let refused = |_: &[String]| BTreeMap::from([("e".to_string(), "Это поле нужно заполнить.".to_string())]);
        assert_eq!(form.update(Message::Entered(4), refused), Event::Focus("e"), "the last field checks the page");
        assert_eq!(form.update(Message::Entered(4), |_| BTreeMap::new()), Event::Complete);
    }
}
