//! «Данные заявителя»: the applicant's own details for the forms (names, date of birth, passport with the
//! subdivision code, address, phone), on three short pages so each fits above the on-screen keyboard. Pre-filled from
//! the registry; checked with the shared rules before it is saved back; nothing typed is lost on an error. Which way
//! the details go (the registry, or the offline draft) the root decides; the registry's answer comes back here
//! (`save`).

use super::ViewContext;
use crate::registry::ClientError;
use crate::widget::field_kind::{self as kinds, FieldKind};
use crate::widget::form::OnInput;
use crate::widget::form::{self, FieldSpec, PagedForm};
use iced::Element;
use pdo_core::api::{self, ApplicantRequest, DocumentRequest, FieldErrorBody};
use pdo_core::domain::{AccountKind, DocumentKind, Lang};
use pdo_core::validation::validate_applicant;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Form(form::Message),
    /// The registry's answer to «Сохранить».
    Saved(Result<api::Applicant, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Saved(_))
    }
}

const fn spec(path: &'static str, label: &'static str, hint: Option<&'static str>, kind: FieldKind) -> FieldSpec {
    FieldSpec { path, label, hint, kind }
}

pub const FIELDS: [FieldSpec; 11] = [
    spec("applicant.last_name", "field-last-name", None, FieldKind::Name),
    spec("applicant.first_name", "field-first-name", None, FieldKind::Name),
    spec("applicant.patronymic", "field-patronymic", Some("hint-patronymic"), FieldKind::Name),
    spec("applicant.birth_date", "field-birth-date", Some("hint-date"), kinds::DATE),
    spec("applicant.passport.series", "field-passport-series", Some("hint-passport-series"), kinds::PASSPORT_SERIES),
    spec("applicant.passport.number", "field-passport-number", Some("hint-passport-number"), kinds::SIX_DIGITS),
    spec("applicant.passport.issued_on", "field-issued-on", Some("hint-date"), kinds::DATE),
    spec("applicant.passport.division_code", "field-division-code", Some("hint-division-code"), kinds::DIVISION_CODE),
    spec("applicant.passport.issued_by", "field-issued-by", None, FieldKind::Text),
    spec("applicant.address", "field-address", None, FieldKind::Text),
    spec("applicant.phone", "field-phone", Some("hint-phone"), kinds::PHONE),
];

const PAGES: &[&[usize]] = &[&[0, 1, 2, 3], &[4, 5, 6, 7], &[8, 9, 10]];

// Returned once per message and matched at once; the details are not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    /// Every field passed the checks: the root sends this the way that serves (`save` online).
    Save(ApplicantRequest),
    /// Back from the first page.
    Leave,
    /// The registry has the details: the child is next.
    Saved(api::Applicant),
    /// The registry could not take them: the root says so on the step's problem line.
    Failed,
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

impl From<form::FormAction<ApplicantRequest>> for Action {
    fn from(action: form::FormAction<ApplicantRequest>) -> Self {
        match action {
            form::FormAction::None => Action::None,
            form::FormAction::Focus(id) => Action::Focus(id),
            form::FormAction::Save(request) => Action::Save(request),
            form::FormAction::Leave => Action::Leave,
        }
    }
}

#[derive(Debug)]
pub struct Applicant {
    form: PagedForm,
    kind: AccountKind,
}

impl Applicant {
    /// A form pre-filled with what the registry holds, if anything. `kind` says whether a child applies for themself.
    pub fn new(existing: Option<&api::Applicant>, kind: AccountKind) -> Self {
        let values = existing.map_or_else(Vec::new, |a| values_of(&ApplicantRequest::from(a)));
        Self { form: PagedForm::new(&FIELDS, PAGES, values), kind }
    }

    /// On a first visit the account's full name («Фамилия Имя Отчество») fills the three name fields, so the person
    /// starts at the date of birth; a name of another shape is left for them to type.
    pub fn with_account_name(self, full_name: &str) -> Self {
        if self.form.values()[..3].iter().any(|v| !v.trim().is_empty()) {
            return self;
        }
        let parts: Vec<&str> = full_name.split_whitespace().collect();
        let (last, first, patronymic) = match parts.as_slice() {
            [last, first] => (*last, *first, ""),
            [last, first, patronymic] => (*last, *first, *patronymic),
            _ => return self,
        };
        let mut values = self.form.values().to_vec();
        values[..3].clone_from_slice(&[last.into(), first.into(), patronymic.into()]);
        Self { form: PagedForm::new(&FIELDS, PAGES, values), kind: self.kind }
    }

    pub fn page(&self) -> usize {
        self.form.page()
    }

    pub fn request(&self) -> ApplicantRequest {
        request_from(self.form.values())
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
                let kind = self.kind;
                let check = |values: &[String]| {
                    form::field_messages(validate_applicant(&request_from(values), kind, today), lang)
                };
                let event = self.form.update(message, check);
                event.into_action(|| self.request()).into()
            }
            Message::Saved(Ok(applicant)) => {
                tracing::info!("applicant details saved");
                Action::Saved(applicant)
            }
            Message::Saved(Err(ClientError::Validation(fields))) => self.refused(fields),
            Message::Saved(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::Saved(Err(err)) => {
                tracing::warn!(error = %err, "applicant details not saved");
                self.failed();
                Action::Failed
            }
        }
    }

    /// The registry refused the save: its field errors go next to the fields, everything typed stays.
    fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        match self.form.refused::<ApplicantRequest>(fields) {
            form::FormAction::Focus(id) => Action::Focus(id),
            _ => Action::None,
        }
    }

    pub fn failed(&mut self) {
        self.form.failed();
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let title = if self.kind == AccountKind::Child { "applicant-title-self" } else { "applicant-title" };
        self.form.view(ctx, ctx.i18n.tr(title), ctx.i18n.tr("applicant-save"), problem).map(Message::Form)
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

    fn fill(form: &mut Applicant, values: &[&str]) {
        for (index, value) in values.iter().enumerate() {
            form.update(Message::Form(form::Message::Changed(index, value.to_string())), Lang::Ru, today());
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
        let mut form = Applicant::new(None, AccountKind::Parent);
        fill(&mut form, &GOOD);
        assert_eq!(
            form.update(Message::Form(form::Message::Next), Lang::Ru, today()),
            Action::Focus("applicant.passport.series")
        );
        assert_eq!(
            form.update(Message::Form(form::Message::Next), Lang::Ru, today()),
            Action::Focus("applicant.passport.issued_by")
        );
        let Action::Save(request) = form.update(Message::Form(form::Message::Next), Lang::Ru, today()) else {
            panic!("expected save")
        };
        assert_eq!(request.passport.series, "32 12", "sent as typed; the registry normalises");
        assert_eq!(request.patronymic.as_deref(), Some("Тимофеевна"));
    }

    #[test]
    fn a_bad_field_holds_the_page_with_a_message_and_keeps_the_input() {
        let mut form = Applicant::new(None, AccountKind::Parent);
        let mut bad = GOOD;
        bad[0] = "Smith";
        fill(&mut form, &bad);
        assert_eq!(
            form.update(Message::Form(form::Message::Next), Lang::Ru, today()),
            Action::Focus("applicant.last_name")
        );
        assert_eq!(form.page(), 0);
        assert!(form.form.error("applicant.last_name").unwrap().contains("русск"));
        assert_eq!(form.form.values()[0], "Smith", "nothing typed is lost");
        // Page two's empty fields do not hold page one.
        let mut fresh = Applicant::new(None, AccountKind::Parent);
        fill(&mut fresh, &GOOD[..4]);
        assert_eq!(
            fresh.update(Message::Form(form::Message::Next), Lang::Ru, today()),
            Action::Focus("applicant.passport.series")
        );
    }

    #[test]
    fn registry_refusals_go_next_to_their_fields() {
        let mut form = Applicant::new(None, AccountKind::Parent);
        fill(&mut form, &GOOD);
        let fields = BTreeMap::from([(
            "applicant.phone".to_string(),
            FieldErrorBody { code: "invalid_format".into(), message: "Проверьте номер".into() },
        )]);
        let refused = Message::Saved(Err(ClientError::Validation(fields)));
        assert_eq!(form.update(refused, Lang::Ru, today()), Action::Focus("applicant.phone"));
        assert_eq!(form.page(), 2);
        assert_eq!(form.form.error("applicant.phone"), Some("Проверьте номер"));
    }

    #[test]
    fn an_adult_cannot_apply_as_a_child_account() {
        let mut form = Applicant::new(None, AccountKind::Child);
        fill(&mut form, &GOOD);
        assert_eq!(
            form.update(Message::Form(form::Message::Next), Lang::En, today()),
            Action::Focus("applicant.birth_date")
        );
    }
}
