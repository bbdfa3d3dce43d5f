//! Adding a child: names, date of birth, СНИЛС and address, checked as the registry will check them. A child applying
//! for themself finds their names, date of birth and address already filled in from «Ваши данные». Which way the
//! child goes (the registry, or the offline draft) the root decides; the registry's answer comes back here (`create`).

use super::ViewContext;
use crate::registry::ClientError;
use crate::widget::field_kind::{self as kinds, FieldKind};
use crate::widget::form::OnInput;
use crate::widget::form::{self, FieldSpec, PagedForm};
use iced::Element;
use pdo_core::api::{Applicant, ApplicantRequest, Child, ChildRequest, FieldErrorBody};
use pdo_core::domain::Lang;
use pdo_core::validation::validate_child;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Form(form::Message),
    /// The registry's answer to «Далее» on the last page.
    Created(Result<Child, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Created(_))
    }
}

const fn spec(path: &'static str, label: &'static str, hint: Option<&'static str>, kind: FieldKind) -> FieldSpec {
    FieldSpec { path, label, hint, kind }
}

pub const FIELDS: [FieldSpec; 6] = [
    spec("child.last_name", "field-last-name", None, FieldKind::Name),
    spec("child.first_name", "field-first-name", None, FieldKind::Name),
    spec("child.patronymic", "field-patronymic", Some("hint-patronymic"), FieldKind::Name),
    spec("child.birth_date", "field-birth-date", Some("hint-child-birth-date"), kinds::DATE),
    spec("child.snils", "field-snils", Some("hint-snils"), kinds::SNILS),
    spec("child.address", "field-address", None, FieldKind::Text),
];

const PAGES: &[&[usize]] = &[&[0, 1, 2, 3], &[4, 5]];

// Returned once per message and matched at once; the child is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    /// Every field passed the checks: the root sends this the way that serves (`create` online).
    Save(ChildRequest),
    /// Back from the first page.
    Leave,
    /// The registry has the child: the document it still needs is next.
    Created(Child),
    /// The registry could not take it: the root says why on the step's problem line.
    Failed(ClientError),
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

impl From<form::FormAction<ChildRequest>> for Action {
    fn from(action: form::FormAction<ChildRequest>) -> Self {
        match action {
            form::FormAction::None => Action::None,
            form::FormAction::Focus(id) => Action::Focus(id),
            form::FormAction::Save(request) => Action::Save(request),
            form::FormAction::Leave => Action::Leave,
        }
    }
}

#[derive(Debug)]
pub struct ChildForm {
    form: PagedForm,
    self_apply: bool,
}

impl ChildForm {
    /// An empty form, or for a child applying for themself one filled in from their own details.
    pub fn new(self_details: Option<&Applicant>) -> Self {
        let values = self_details.map(ApplicantRequest::from).map_or_else(Vec::new, |a| {
            vec![a.last_name, a.first_name, a.patronymic.unwrap_or_default(), a.birth_date, String::new(), a.address]
        });
        Self { form: PagedForm::new(&FIELDS, PAGES, values), self_apply: self_details.is_some() }
    }

    /// Offers the applicant's surname and address for the child, a tap each (a second child starts from them too).
    pub fn with_applicant(mut self, applicant: Option<&ApplicantRequest>) -> Self {
        if let Some(applicant) = applicant.filter(|_| !self.self_apply) {
            self.form.suggest(0, "child-same-last-name", applicant.last_name.clone());
            self.form.suggest(5, "child-same-address", applicant.address.clone());
        }
        self
    }

    /// A form with these values typed already (an unfinished application taken up again).
    pub fn with_values(values: Vec<String>) -> Self {
        Self { form: PagedForm::new(&FIELDS, PAGES, values), self_apply: false }
    }

    pub fn first_field(&self) -> &'static str {
        self.form.first_field()
    }

    pub fn values(&self) -> &[String] {
        self.form.values()
    }

    pub fn error(&self, path: &str) -> Option<&str> {
        self.form.error(path)
    }

    /// The paged form itself: what its fields take and their order, for the on-screen keyboard.
    pub fn paged(&self) -> &PagedForm {
        &self.form
    }

    pub fn paged_mut(&mut self) -> &mut PagedForm {
        &mut self.form
    }

    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        let (value, on_input) = self.form.field(id)?;
        Some((value, Box::new(move |v| Message::Form(on_input(v)))))
    }

    pub fn update(&mut self, message: Message, lang: Lang, today: chrono::NaiveDate) -> Action {
        match message {
            Message::Form(message) => {
                let check =
                    |values: &[String]| form::field_messages(validate_child(&request_from(values), today), lang);
                let event = self.form.update(message, check);
                event.into_action(|| request_from(self.form.values())).into()
            }
            Message::Created(Ok(child)) => {
                tracing::info!(child = %child.id, "child added");
                Action::Created(child)
            }
            Message::Created(Err(ClientError::Validation(fields))) => self.refused(fields),
            Message::Created(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::Created(Err(err)) => {
                tracing::info!(code = err.code(), "child not added");
                self.failed();
                Action::Failed(err)
            }
        }
    }

    /// The registry found fields wrong: they are marked, the focus goes to the first.
    fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        match self.form.refused::<ChildRequest>(fields) {
            form::FormAction::Focus(id) => Action::Focus(id),
            _ => Action::None,
        }
    }

    pub fn failed(&mut self) {
        self.form.failed();
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let title = if self.self_apply { "child-form-title-self" } else { "child-form-title" };
        self.form.view(ctx, ctx.i18n.tr(title), ctx.i18n.tr("next"), problem).map(Message::Form)
    }
}

fn request_from(v: &[String]) -> ChildRequest {
    ChildRequest {
        last_name: v[0].clone(),
        first_name: v[1].clone(),
        patronymic: (!v[2].trim().is_empty()).then(|| v[2].clone()),
        birth_date: v[3].clone(),
        snils: v[4].clone(),
        address: v[5].clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn fill(form: &mut ChildForm, values: &[&str]) {
        for (index, value) in values.iter().enumerate() {
            form.update(Message::Form(form::Message::Changed(index, value.to_string())), Lang::Ru, today());
        }
    }

    #[test]
    fn a_wrong_snils_checksum_is_answered_next_to_it_and_nothing_is_lost() {
        let mut form = ChildForm::new(None);
        fill(&mut form, &["Тестова", "Ульяна", "", "02.02.2017", "112-233-445 00", "г. Примерный, д. 2"]);
        assert_eq!(form.update(Message::Form(form::Message::Next), Lang::Ru, today()), Action::Focus("child.snils"));
        assert_eq!(form.update(Message::Form(form::Message::Next), Lang::Ru, today()), Action::Focus("child.snils"));
        assert!(form.error("child.snils").is_some());
        assert_eq!(form.values()[4], "112-233-445 00");
        form.update(Message::Form(form::Message::Changed(4, "112-233-445 95".into())), Lang::Ru, today());
        let Action::Save(request) = form.update(Message::Form(form::Message::Next), Lang::Ru, today()) else {
            panic!("expected save")
        };
        assert_eq!(request.snils, "112-233-445 95");
        assert_eq!(request.patronymic, None);
    }

    #[test]
    fn a_child_under_five_is_held_on_the_first_page() {
        let mut form = ChildForm::new(None);
        fill(&mut form, &["Тестова", "Ульяна", "", "02.02.2024"]);
        assert_eq!(
            form.update(Message::Form(form::Message::Next), Lang::En, today()),
            Action::Focus("child.birth_date")
        );
        assert!(form.error("child.birth_date").is_some());
    }
}
