//! «Данные заявителя»: the applicant's own details for the forms (names, date of birth, passport with the
//! subdivision code, address, phone), on three short pages so each fits above the on-screen keyboard. Pre-filled from
//! the registry; checked with the shared rules before it is saved back; nothing typed is lost on an error.

use super::ViewContext;
use crate::theme::FONT_BOLD_FACE;
use crate::widget::controls::{big_button, field_row, input, plain_button};
use iced::widget::{Column, column, container, row, text};
use iced::{Element, Fill};
use pdo_core::api::{Applicant, ApplicantRequest, DocumentRequest, FieldErrorBody};
use pdo_core::domain::{AccountKind, DocumentKind, Lang};
use pdo_core::validation::validate_applicant;
use std::collections::BTreeMap;

/// Each field: its API path (also its widget id), its label id, its format hint id.
pub const FIELDS: [(&str, &str, Option<&str>); 11] = [
    ("applicant.last_name", "field-last-name", None),
    ("applicant.first_name", "field-first-name", None),
    ("applicant.patronymic", "field-patronymic", Some("hint-patronymic")),
    ("applicant.birth_date", "field-birth-date", Some("hint-date")),
    ("applicant.passport.series", "field-passport-series", Some("hint-passport-series")),
    ("applicant.passport.number", "field-passport-number", Some("hint-passport-number")),
    ("applicant.passport.issued_on", "field-issued-on", Some("hint-date")),
    ("applicant.passport.division_code", "field-division-code", Some("hint-division-code")),
    ("applicant.passport.issued_by", "field-issued-by", None),
    ("applicant.address", "field-address", None),
    ("applicant.phone", "field-phone", Some("hint-phone")),
];

/// Which fields each page shows, by index into `FIELDS`.
const PAGES: [&[usize]; 3] = [&[0, 1, 2, 3], &[4, 5, 6, 7], &[8, 9, 10]];

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Changed(usize, String),
    Next,
    Previous,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    /// Every field passed the shared rules: save this.
    Save(ApplicantRequest),
    /// Back from the first page.
    Leave,
}

#[derive(Debug)]
pub struct ApplicantForm {
    values: [String; 11],
    kind: AccountKind,
    page: usize,
    /// Errors by API path, with the message to show (from the shared rules or from the registry).
    errors: BTreeMap<String, String>,
    busy: bool,
}

impl ApplicantForm {
    /// A form pre-filled with what the registry holds, if anything. `kind` says whether a child applies for themself.
    pub fn new(existing: Option<&Applicant>, kind: AccountKind) -> Self {
        let mut values: [String; 11] = Default::default();
        if let Some(a) = existing {
            let d = |date: chrono::NaiveDate| date.format("%d.%m.%Y").to_string();
            values = [
                a.last_name.clone(),
                a.first_name.clone(),
                a.patronymic.clone().unwrap_or_default(),
                d(a.birth_date),
                a.passport.series.clone(),
                a.passport.number.clone(),
                d(a.passport.issued_on),
                a.passport.division_code.clone(),
                a.passport.issued_by.clone(),
                a.address.clone(),
                a.phone.clone(),
            ];
        }
        Self { values, kind, page: 0, errors: BTreeMap::new(), busy: false }
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn request(&self) -> ApplicantRequest {
        let v = &self.values;
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

    /// The text field with this widget id: its value and the message that changes it.
    pub fn field(&self, id: &iced::widget::Id) -> Option<(String, Box<dyn Fn(String) -> Message>)> {
        if self.busy {
            return None;
        }
        let index = PAGES[self.page].iter().copied().find(|&i| *id == iced::widget::Id::new(FIELDS[i].0))?;
        Some((self.values[index].clone(), Box::new(move |v| Message::Changed(index, v))))
    }

    pub fn update(&mut self, message: Message, lang: Lang, today: chrono::NaiveDate) -> Action {
        match message {
            Message::Changed(index, value) => {
                self.errors.remove(FIELDS[index].0);
                self.values[index] = value;
                Action::None
            }
            Message::Previous if self.page == 0 => Action::Leave,
            Message::Previous => {
                self.page -= 1;
                Action::None
            }
            Message::Next if self.busy => Action::None,
            Message::Next => {
                // The whole form is checked, but only this page's fields (and the ones before) hold the person here:
                // later pages are not filled in yet.
                let errors = validate_applicant(&self.request(), self.kind, today).err().unwrap_or_default();
                let shown: Vec<usize> = PAGES[..=self.page].iter().flat_map(|p| p.iter().copied()).collect();
                self.errors = errors
                    .iter()
                    .filter(|(path, _)| shown.iter().any(|&i| FIELDS[i].0 == path.as_str()))
                    .map(|(path, e)| (path.clone(), e.message(lang)))
                    .collect();
                if let Some(first) = shown.iter().find(|&&i| self.errors.contains_key(FIELDS[i].0)) {
                    self.page = PAGES.iter().position(|p| p.contains(first)).unwrap_or(self.page);
                    return Action::Focus(FIELDS[*first].0);
                }
                if self.page + 1 < PAGES.len() {
                    self.page += 1;
                    Action::Focus(FIELDS[PAGES[self.page][0]].0)
                } else {
                    self.busy = true;
                    Action::Save(self.request())
                }
            }
        }
    }

    /// The registry refused the save: its field errors go next to the fields, everything typed stays.
    pub fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        self.busy = false;
        self.errors = fields.into_iter().map(|(path, e)| (path, e.message)).collect();
        let first = FIELDS.iter().position(|f| self.errors.contains_key(f.0));
        match first {
            Some(index) => {
                self.page = PAGES.iter().position(|p| p.contains(&index)).unwrap_or(0);
                Action::Focus(FIELDS[index].0)
            }
            None => Action::None,
        }
    }

    /// The save failed for another reason (network): the form stays as typed and can be sent again.
    pub fn failed(&mut self) {
        self.busy = false;
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let title = if self.kind == AccountKind::Child { "applicant-title-self" } else { "applicant-title" };
        let fields = Column::with_children(PAGES[self.page].iter().map(|&index| {
            let (path, label, hint) = FIELDS[index];
            let mut field = input(ctx, "", &self.values[index]).id(path);
            if !self.busy {
                field = field.on_input(move |v| Message::Changed(index, v)).on_submit(Message::Next);
            }
            field_row(ctx, i18n.tr(label), field, hint.map(|h| i18n.tr(h)), self.errors.get(path).cloned())
        }))
        .spacing(ctx.metrics.text * 0.5);
        let page = i18n.tr_with("page-of", [("page", (self.page + 1).into()), ("pages", PAGES.len().into())]);
        let next = if self.page + 1 < PAGES.len() { i18n.tr("next") } else { i18n.tr("applicant-save") };
        let mut body = column![
            row![text(i18n.tr(title)).size(ctx.metrics.title).font(FONT_BOLD_FACE), text(page).size(ctx.metrics.text)]
                .spacing(ctx.metrics.spacing)
                .align_y(iced::Alignment::Center),
            fields,
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 48.0);
        if let Some(problem) = problem {
            body = body.push(text(problem).size(ctx.metrics.text).color(crate::theme::DANGER));
        }
        body = body.push(
            row![
                plain_button(ctx, i18n.tr("back"), (!self.busy).then_some(Message::Previous)),
                big_button(ctx, next, (!self.busy).then_some(Message::Next)),
            ]
            .spacing(ctx.metrics.spacing),
        );
        container(body).center_x(Fill).into()
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
        assert!(form.errors["applicant.last_name"].contains("русск"), "{:?}", form.errors);
        assert_eq!(form.values[0], "Smith", "nothing typed is lost");
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
        assert_eq!(form.errors["applicant.phone"], "Проверьте номер");
    }

    #[test]
    fn an_adult_cannot_apply_as_a_child_account() {
        let mut form = ApplicantForm::new(None, AccountKind::Child);
        fill(&mut form, &GOOD);
        assert_eq!(form.update(Message::Next, Lang::En, today()), Action::Focus("applicant.birth_date"));
    }
}
