//! «Предоставить документ»: the child's identity document. Its kind follows the child's age (a birth certificate
//! before 14, a passport from 14, either for 90 days after the 14th birthday); every field is checked with the shared
//! rules and the expected format is written next to it ("IV-ЛО", "NNN-NNN"). Which way the document goes (the
//! registry, or the offline draft) the root decides; the registry's answer comes back here (`save`).

use super::ViewContext;
use crate::registry::ClientError;
use crate::theme::FONT_BOLD_FACE;
use crate::widget::field_kind::{self as kinds, FieldKind};
use crate::widget::form::OnInput;
use crate::widget::form::{self, FieldSpec, PagedForm};
use crate::widget::list::card_button;
use iced::widget::{column, container, text};
use iced::{Element, Fill};
use pdo_core::api::{self, DocumentRequest, FieldErrorBody};
use pdo_core::domain::{DocumentKind, Lang};
use pdo_core::validation::{paths, validate_document};
use std::collections::BTreeMap;

const fn spec(path: &'static str, label: &'static str, hint: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { path, label, hint: Some(hint), kind }
}

pub const BIRTH_CERTIFICATE_FIELDS: [FieldSpec; 4] = [
    spec(paths::SERIES, "field-certificate-series", "hint-certificate-series", FieldKind::Series),
    spec(paths::NUMBER, "field-document-number", "hint-document-number", kinds::SIX_DIGITS),
    spec(paths::ISSUED_ON, "field-issued-on", "hint-date", kinds::DATE),
    spec(paths::ISSUED_BY, "field-certificate-issued-by", "hint-certificate-issued-by", FieldKind::Text),
];

pub const PASSPORT_FIELDS: [FieldSpec; 5] = [
    spec(paths::SERIES, "field-passport-series", "hint-passport-series", kinds::PASSPORT_SERIES),
    spec(paths::NUMBER, "field-passport-number", "hint-passport-number", kinds::SIX_DIGITS),
    spec(paths::ISSUED_ON, "field-issued-on", "hint-date", kinds::DATE),
    spec(paths::DIVISION_CODE, "field-division-code", "hint-division-code", kinds::DIVISION_CODE),
    spec(paths::ISSUED_BY, "field-issued-by", "hint-passport-issued-by", FieldKind::Text),
];

const BIRTH_CERTIFICATE_PAGES: &[&[usize]] = &[&[0, 1, 2], &[3]];
const PASSPORT_PAGES: &[&[usize]] = &[&[0, 1, 2], &[3, 4]];

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Kind(DocumentKind),
    Form(form::Message),
    /// The registry's answer to «Далее» on the last page.
    Saved(Result<api::Document, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Saved(_))
    }
}

// Returned once per message and matched at once; the document is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Focus(&'static str),
    /// Every field passed the checks: the root sends this the way that serves (`save` online).
    Save(DocumentRequest),
    /// Back from the first page.
    Leave,
    /// The registry has the document: the photo is next.
    Saved(api::Document),
    /// The registry could not take it: the root says why on the step's problem line.
    Failed(ClientError),
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

impl From<form::FormAction<DocumentRequest>> for Action {
    fn from(action: form::FormAction<DocumentRequest>) -> Self {
        match action {
            form::FormAction::None => Action::None,
            form::FormAction::Focus(id) => Action::Focus(id),
            form::FormAction::Save(request) => Action::Save(request),
            form::FormAction::Leave => Action::Leave,
        }
    }
}

#[derive(Debug)]
pub struct Document {
    allowed: Vec<DocumentKind>,
    kind: DocumentKind,
    form: PagedForm,
    child_name: String,
    birth_date: chrono::NaiveDate,
    /// With two kinds allowed, the person first picks one; the fields come after.
    choosing: bool,
}

impl Document {
    /// `allowed`: the kinds accepted at the child's age, the usual one first (never empty).
    pub fn new(allowed: Vec<DocumentKind>, child_name: String, birth_date: chrono::NaiveDate) -> Self {
        let kind = allowed.first().copied().unwrap_or(DocumentKind::BirthCertificate);
        let choosing = allowed.len() > 1;
        Self { form: new_form(kind, Vec::new()), allowed, kind, child_name, birth_date, choosing }
    }

    /// The kind and the values typed so far, taken up again later.
    pub fn restore(&mut self, kind: DocumentKind, values: Vec<String>) {
        if self.allowed.contains(&kind) {
            self.kind = kind;
            self.form = new_form(kind, values);
            self.choosing = false;
        }
    }

    pub fn values(&self) -> &[String] {
        self.form.values()
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// The field to focus when the screen opens; `None` while the kind is being chosen.
    pub fn first_field(&self) -> Option<&'static str> {
        (!self.choosing).then(|| self.form.first_field())
    }

    /// The digit keys while choosing: 1 the passport, 2 the birth certificate, as the cards are shown.
    pub fn pick(&self, n: usize) -> Option<Message> {
        let kind = match n {
            1 => DocumentKind::Passport,
            2 => DocumentKind::BirthCertificate,
            _ => return None,
        };
        (self.choosing && self.allowed.contains(&kind)).then_some(Message::Kind(kind))
    }

    pub fn is_choosing(&self) -> bool {
        self.choosing
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
            Message::Kind(kind) if kind == self.kind && self.allowed.contains(&kind) => {
                self.choosing = false;
                Action::Focus(self.form.first_field())
            }
            Message::Kind(kind) if self.allowed.contains(&kind) => {
                // What the two kinds share (number, date, issued by) stays typed.
                let old = request_from(self.kind, self.form.values());
                let values = match kind {
                    DocumentKind::BirthCertificate => vec![String::new(), old.number, old.issued_on, old.issued_by],
                    DocumentKind::Passport => {
                        vec![String::new(), old.number, old.issued_on, String::new(), old.issued_by]
                    }
                };
                self.kind = kind;
                self.form = new_form(kind, values);
                self.choosing = false;
                Action::Focus(self.form.first_field())
            }
            Message::Kind(_) => Action::None,
            Message::Form(message) => {
                let (kind, birth) = (self.kind, self.birth_date);
                let check = |values: &[String]| {
                    form::field_messages(validate_document(&request_from(kind, values), birth, today), lang)
                };
                match self.form.update(message, check) {
                    // Back from the fields returns to the choice of kind, when there was one.
                    form::Event::Leave if self.allowed.len() > 1 && !self.choosing => {
                        self.choosing = true;
                        Action::None
                    }
                    event => event.into_action(|| request_from(self.kind, self.form.values())).into(),
                }
            }
            Message::Saved(Ok(document)) => {
                tracing::info!(document = %document.id, "document saved");
                Action::Saved(document)
            }
            Message::Saved(Err(ClientError::Validation(fields))) => self.refused(fields),
            Message::Saved(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::Saved(Err(err)) => {
                tracing::info!(code = err.code(), "document not saved");
                self.failed();
                Action::Failed(err)
            }
        }
    }

    /// The registry found fields wrong: they are marked, the focus goes to the first.
    fn refused(&mut self, fields: BTreeMap<String, FieldErrorBody>) -> Action {
        match self.form.refused::<DocumentRequest>(fields) {
            form::FormAction::Focus(id) => Action::Focus(id),
            _ => Action::None,
        }
    }

    pub fn failed(&mut self) {
        self.form.failed();
    }

    pub fn view(&self, ctx: ViewContext<'_>, problem: Option<String>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        if self.choosing {
            let choice = |kind: DocumentKind, label: &str| {
                card_button(ctx, i18n.tr(label), vec![], false, Some(Message::Kind(kind)))
            };
            let page = column![
                text(i18n.tr("document-choose-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
                text(i18n.tr_with("document-for", [("name", self.child_name.as_str().into())])).size(ctx.metrics.text),
                text(i18n.tr("document-either")).size(ctx.metrics.text),
                choice(DocumentKind::Passport, "document-kind-passport"),
                choice(DocumentKind::BirthCertificate, "document-kind-birth-certificate"),
            ]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 40.0);
            return container(page).center_x(Fill).into();
        }
        let title = match self.kind {
            DocumentKind::BirthCertificate => "document-title-birth-certificate",
            DocumentKind::Passport => "document-title-passport",
        };
        let name = text(i18n.tr_with("document-for", [("name", self.child_name.as_str().into())]))
            .size(ctx.metrics.text)
            .font(FONT_BOLD_FACE);
        let form = self.form.view(ctx, i18n.tr(title), i18n.tr("document-save"), problem).map(Message::Form);
        container(column![container(name).center_x(Fill), form].spacing(ctx.metrics.text * 0.4)).center_x(Fill).into()
    }
}

fn new_form(kind: DocumentKind, values: Vec<String>) -> PagedForm {
    match kind {
        DocumentKind::BirthCertificate => PagedForm::new(&BIRTH_CERTIFICATE_FIELDS, BIRTH_CERTIFICATE_PAGES, values),
        DocumentKind::Passport => PagedForm::new(&PASSPORT_FIELDS, PASSPORT_PAGES, values),
    }
}

fn request_from(kind: DocumentKind, v: &[String]) -> DocumentRequest {
    let (division_code, issued_by) = match kind {
        DocumentKind::BirthCertificate => (None, v[3].clone()),
        DocumentKind::Passport => (Some(v[3].clone()), v[4].clone()),
    };
    DocumentRequest {
        kind,
        series: v[0].clone(),
        number: v[1].clone(),
        issued_on: v[2].clone(),
        issued_by,
        division_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn type_in(form: &mut Document, values: &[&str]) {
        for (index, value) in values.iter().enumerate() {
            form.update(Message::Form(form::Message::Changed(index, value.to_string())), Lang::Ru, date(2026, 11, 25));
        }
    }

    fn next(form: &mut Document) -> Action {
        form.update(Message::Form(form::Message::Next), Lang::Ru, date(2026, 11, 25))
    }

    #[test]
    fn a_birth_certificate_series_in_the_wrong_letters_is_answered_next_to_it() {
        let mut form = Document::new(vec![DocumentKind::BirthCertificate], "Тестов Ярослав".into(), date(2016, 4, 1));
        type_in(&mut form, &["4-ЛО", "123456", "20.04.2016", "Отдел ЗАГС г. Примерного"]);
        assert_eq!(next(&mut form), Action::Focus(paths::SERIES));
        assert!(form.error(paths::SERIES).is_some());
        type_in(&mut form, &["IV-ЛО"]);
        assert_eq!(next(&mut form), Action::Focus(paths::ISSUED_BY), "the second page");
        let Action::Save(request) = next(&mut form) else { panic!("expected save") };
        assert_eq!((request.kind, request.division_code), (DocumentKind::BirthCertificate, None));
        assert_eq!(request.number, "123456");
    }

    #[test]
    fn switching_kind_in_the_grace_period_keeps_what_both_share() {
        let allowed = vec![DocumentKind::Passport, DocumentKind::BirthCertificate];
        let mut form = Document::new(allowed, "Тестова Ева".into(), date(2012, 10, 1));
        assert_eq!(form.kind(), DocumentKind::Passport);
        assert!(form.is_choosing() && form.first_field().is_none());
        let today = date(2026, 11, 25);
        assert_eq!(form.update(Message::Kind(DocumentKind::Passport), Lang::Ru, today), Action::Focus(paths::SERIES));
        type_in(&mut form, &["32 22", "654321", "15.10.2026"]);
        assert_eq!(
            form.update(Message::Kind(DocumentKind::BirthCertificate), Lang::Ru, today),
            Action::Focus(paths::SERIES)
        );
        // Back from the fields returns to the choice, not out of the step.
        assert_eq!(form.update(Message::Form(form::Message::Previous), Lang::Ru, today), Action::None);
        assert!(form.is_choosing());
        // And from the choice itself, out of the step.
        assert_eq!(form.update(Message::Form(form::Message::Previous), Lang::Ru, today), Action::Leave);
        let request = request_from(form.kind(), form.form.values());
        assert_eq!((request.number.as_str(), request.issued_on.as_str()), ("654321", "15.10.2026"));
        assert_eq!(request.series, "", "the passport series is not a certificate series");
    }

    #[test]
    fn a_kind_not_accepted_at_the_childs_age_cannot_be_chosen() {
        let mut form = Document::new(vec![DocumentKind::BirthCertificate], "Тестов Ярослав".into(), date(2016, 4, 1));
        assert_eq!(form.update(Message::Kind(DocumentKind::Passport), Lang::Ru, date(2026, 11, 25)), Action::None);
        assert_eq!(form.kind(), DocumentKind::BirthCertificate);
    }
}
