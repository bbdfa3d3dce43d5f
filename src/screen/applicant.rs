//! «Данные заявителя»: the applicant's own details for the forms (names, date of birth, passport with the
//! subdivision code, address, phone), on three short pages so each fits above the on-screen keyboard. Pre-filled from
//! the registry; checked with the shared rules before it is saved back; nothing typed is lost on an error.

use super::ViewContext;
use crate::widget::form::OnInput;
use crate::widget::form::{self, FieldSpec, PagedForm};
use iced::Element;
use pdo_core::api::{Applicant, ApplicantRequest, DocumentRequest, FieldErrorBody};
use pdo_core::domain::{AccountKind, DocumentKind, Lang};
use pdo_core::validation::validate_applicant;
use std::collections::BTreeMap;

pub use form::Message;

const fn spec(path: &'static str, label: &'static str, hint: Option<&'static str>) -> FieldSpec {
    FieldSpec { path, label, hint, latin: false }
}

pub const FIELDS: [FieldSpec; 11] = [
    spec("applicant.last_name", "field-last-name", None),
    spec("applicant.first_name", "field-first-name", None),
    spec("applicant.patronymic", "field-patronymic", Some("hint-patronymic")),
    spec("applicant.birth_date", "field-birth-date", Some("hint-date")),
    spec("applicant.passport.series", "field-passport-series", Some("hint-passport-series")),
    spec("applicant.passport.number", "field-passport-number", Some("hint-passport-number")),
    spec("applicant.passport.issued_on", "field-issued-on", Some("hint-date")),
    spec("applicant.passport.division_code", "field-division-code", Some("hint-division-code")),
    spec("applicant.passport.issued_by", "field-issued-by", None),
    spec("applicant.address", "field-address", None),
    spec("applicant.phone", "field-phone", Some("hint-phone")),
];

const PAGES: &[&[usize]] = &[&[0, 1, 2, 3], &[4, 5, 6, 7], &[8, 9, 10]];

pub type Action = form::FormAction<ApplicantRequest>;

#[derive(Debug)]
pub struct ApplicantForm {
    form: PagedForm,
    kind: AccountKind,
}

impl ApplicantForm {
    /// A form pre-filled with what the registry holds, if anything. `kind` says whether a child applies for themself.
    pub fn new(existing: Option<&Applicant>, kind: AccountKind) -> Self {
        let values = existing.map_or_else(Vec::new, |a| values_of(&ApplicantRequest::from(a)));
        Self { form: PagedForm::new(&FIELDS, PAGES, values), kind }
    }

    pub fn page(&self) -> usize {
        self.form.page()
    }

    pub fn request(&self) -> ApplicantRequest {
        request_from(self.form.values())
    }

    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, OnInput<Message>)> {
        self.form.field(id)
    }

    pub fn update(&mut self, message: Message, lang: Lang, today: chrono::NaiveDate) -> Action {
        let kind = self.kind;
        let check =
            |values: &[String]| form::field_messages(validate_applicant(&request_from(values), kind, today), lang);
        let event = self.form.update(message, check);
        event.into_action(|| self.request())
    }

    /// The registry refused the save: its field errors go next to the fields, everything typed stays.
    pub fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        self.form.refused(fields)
    }

    pub fn failed(&mut self) {
        self.form.failed();
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let title = if self.kind == AccountKind::Child { "applicant-title-self" } else { "applicant-title" };
        self.form.view(ctx, ctx.i18n.tr(title), ctx.i18n.tr("applicant-save"), problem)
    }
}

/// The form's values for a request, in field order (the inverse of `request_from`).
fn values_of(r: &ApplicantRequest) -> Vec<String> {
    let p = &r.passport;
    vec![
        r.last_name.clone(),
        r.first_name.clone(),
        r.patronymic.clone().unwrap_or_default(),
        r.birth_date.clone(),
        p.series.clone(),
        p.number.clone(),
        p.issued_on.clone(),
        p.division_code.clone().unwrap_or_default(),
        p.issued_by.clone(),
        r.address.clone(),
        r.phone.clone(),
    ]
}

fn request_from(v: &[String]) -> ApplicantRequest {
    ApplicantRequest {
        last_name: v[0].clone(),
        first_name: v[1].clone(),
        patronymic: (!v[2].trim().is_empty()).then(|| v[2].clone()),
        birth_date: v[3].clone(),
        passport: DocumentRequest {
            kind: DocumentKind::Passport,
            series: v[4].clone(),
            number: v[5].clone(),
            issued_on: v[6].clone(),
            issued_by: v[8].clone(),
            division_code: Some(v[7].clone()),
        },
        address: v[9].clone(),
        phone: v[10].clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn fill(form: &mut ApplicantForm, values: &[&str]) {
        for (index, value) in values.iter().enumerate() {
            form.update(Message::Changed(index, value.to_string()), Lang::Ru, today());
        }
    }

    const GOOD: [&str; 11] = [
        "Зарубина",
        "Алевтина",
        "Тимофеевна",
        "14.03.1988",
        "32 12",
        "345678",
        "01.04.2008",
        "420-007",
        "Отделом УФМС по Примерной области",
        "г. Примерный, ул. Вымышленная, д. 7",
        "8 900 765-43-21",
    ];

    #[test]
    fn three_pages_then_save_with_what_was_typed() {
        let mut form = ApplicantForm::new(None, AccountKind::Parent);
        fill(&mut form, &GOOD);
        assert_eq!(form.update(Message::Next, Lang::Ru, today()), Action::Focus("applicant.passport.series"));
        assert_eq!(form.update(Message::Next, Lang::Ru, today()), Action::Focus("applicant.passport.issued_by"));
        let Action::Save(request) = form.update(Message::Next, Lang::Ru, today()) else { panic!("expected save") };
        assert_eq!(request.passport.series, "32 12", "sent as typed; the registry normalises");
        assert_eq!(request.patronymic.as_deref(), Some("Тимофеевна"));
    }

    #[test]
    fn a_bad_field_holds_the_page_with_a_message_and_keeps_the_input() {
        let mut form = ApplicantForm::new(None, AccountKind::Parent);
        let mut bad = GOOD;
        bad[0] = "Smith";
        fill(&mut form, &bad);
        assert_eq!(form.update(Message::Next, Lang::Ru, today()), Action::Focus("applicant.last_name"));
        assert_eq!(form.page(), 0);
        assert!(form.form.error("applicant.last_name").unwrap().contains("русск"));
        assert_eq!(form.form.values()[0], "Smith", "nothing typed is lost");
        // Page two's empty fields do not hold page one.
        let mut fresh = ApplicantForm::new(None, AccountKind::Parent);
        fill(&mut fresh, &GOOD[..4]);
        assert_eq!(fresh.update(Message::Next, Lang::Ru, today()), Action::Focus("applicant.passport.series"));
    }

    #[test]
    fn registry_refusals_go_next_to_their_fields() {
        let mut form = ApplicantForm::new(None, AccountKind::Parent);
        fill(&mut form, &GOOD);
        let fields = BTreeMap::from([(
            "applicant.phone".to_string(),
            FieldErrorBody { code: "invalid_format".into(), message: "Проверьте номер".into() },
        )]);
        assert_eq!(form.refused(fields), Action::Focus("applicant.phone"));
        assert_eq!(form.page(), 2);
        assert_eq!(form.form.error("applicant.phone"), Some("Проверьте номер"));
    }

    #[test]
    fn an_adult_cannot_apply_as_a_child_account() {
        let mut form = ApplicantForm::new(None, AccountKind::Child);
        fill(&mut form, &GOOD);
        assert_eq!(form.update(Message::Next, Lang::En, today()), Action::Focus("applicant.birth_date"));
    }
}
