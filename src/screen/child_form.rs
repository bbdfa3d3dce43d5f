//! Adding a child: names, date of birth, СНИЛС and address, checked as the registry will check them. A child applying
//! for themself finds their names, date of birth and address already filled in from «Ваши данные».

use super::ViewContext;
use crate::widget::form::OnInput;
use crate::widget::form::{self, FieldSpec, PagedForm};
use iced::Element;
use pdo_core::api::{Applicant, ApplicantRequest, ChildRequest, FieldErrorBody};
use pdo_core::domain::Lang;
use pdo_core::validation::validate_child;
use std::collections::BTreeMap;

pub use form::Message;

const fn spec(path: &'static str, label: &'static str, hint: Option<&'static str>) -> FieldSpec {
    FieldSpec { path, label, hint, latin: false }
}

pub const FIELDS: [FieldSpec; 6] = [
    spec("child.last_name", "field-last-name", None),
    spec("child.first_name", "field-first-name", None),
    spec("child.patronymic", "field-patronymic", Some("hint-patronymic")),
    spec("child.birth_date", "field-birth-date", Some("hint-child-birth-date")),
    spec("child.snils", "field-snils", Some("hint-snils")),
    spec("child.address", "field-address", None),
];

const PAGES: &[&[usize]] = &[&[0, 1, 2, 3], &[4, 5]];

pub type Action = form::FormAction<ChildRequest>;

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

    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        self.form.field(id)
    }

    pub fn update(&mut self, message: Message, lang: Lang, today: chrono::NaiveDate) -> Action {
        let check = |values: &[String]| form::field_messages(validate_child(&request_from(values), today), lang);
        let event = self.form.update(message, check);
        event.into_action(|| request_from(self.form.values()))
    }

    pub fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        self.form.refused(fields)
    }

    pub fn failed(&mut self) {
        self.form.failed();
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let title = if self.self_apply { "child-form-title-self" } else { "child-form-title" };
        self.form.view(ctx, ctx.i18n.tr(title), ctx.i18n.tr("next"), problem)
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
            form.update(Message::Changed(index, value.to_string()), Lang::Ru, today());
        }
    }

    #[test]
    fn a_wrong_snils_checksum_is_answered_next_to_it_and_nothing_is_lost() {
        let mut form = ChildForm::new(None);
        fill(&mut form, &["Тестова", "Ульяна", "", "02.02.2017", "112-233-445 00", "г. Примерный, д. 2"]);
        assert_eq!(form.update(Message::Next, Lang::Ru, today()), Action::Focus("child.snils"));
        assert_eq!(form.update(Message::Next, Lang::Ru, today()), Action::Focus("child.snils"));
        assert!(form.error("child.snils").is_some());
        assert_eq!(form.values()[4], "112-233-445 00");
        form.update(Message::Changed(4, "112-233-445 95".into()), Lang::Ru, today());
        let Action::Save(request) = form.update(Message::Next, Lang::Ru, today()) else { panic!("expected save") };
        assert_eq!(request.snils, "112-233-445 95");
        assert_eq!(request.patronymic, None);
    }

    #[test]
    fn a_child_under_five_is_held_on_the_first_page() {
        let mut form = ChildForm::new(None);
        fill(&mut form, &["Тестова", "Ульяна", "", "02.02.2024"]);
        assert_eq!(form.update(Message::Next, Lang::En, today()), Action::Focus("child.birth_date"));
        assert!(form.error("child.birth_date").is_some());
    }
}
