//! Step 4: whom the certificate is for. The account's children as large cards (a few per page) with what each still
//! needs, and «Добавить ребёнка». A child of 14 or more with their own account applies for themself: the screen says
//! so and shows only them. The root asks for the account's children the way that serves (`app::way`).

use super::ViewContext;
use crate::registry::ClientError;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use crate::widget::list::{card_button, cards, page_of, pager};
use iced::widget::{column, container, text};
use iced::{Element, Fill};
use pdo_core::api::{Application, ApplicationStatus, Child, Document};
use pdo_core::domain::{DocumentKind, age_on, allowed_documents, eligibility};

pub const PAGE_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Choose(usize),
    Add,
    Page(usize),
    Retry,
    /// The account's children (or why not).
    Loaded(Result<Vec<Child>, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Loaded(_))
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    /// The children are asked for again (after «Повторить»).
    Reload,
    Chosen(Child),
    /// The child already has this application.
    Open(Application),
    Add,
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Loaded(Vec<Child>),
    Unavailable,
}

#[derive(Debug)]
pub struct Children {
    children: Listing,
    page: usize,
    self_apply: bool,
    today: chrono::NaiveDate,
    /// The account's applications, to say on each card where its child stands.
    applications: Vec<Application>,
}

impl Children {
    /// The choice, waiting for its children (`Message::Loaded`), which the root asks for the way that serves.
    pub fn new(self_apply: bool, today: chrono::NaiveDate, applications: Vec<Application>) -> Self {
        Self { children: Listing::Loading, page: 0, self_apply, today, applications }
    }

    fn application_of(&self, child: &Child) -> Option<&Application> {
        self.applications.iter().find(|a| a.child.id == child.id)
    }

    pub fn loaded(&mut self, children: Listing) {
        self.children = children;
        self.page = 0;
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Loaded(Ok(list)) => {
                self.loaded(Listing::Loaded(list));
                Action::None
            }
            Message::Loaded(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::Loaded(Err(err)) => {
                tracing::warn!(error = %err, "children not loaded");
                self.loaded(Listing::Unavailable);
                Action::None
            }
            Message::Choose(index) => match &self.children {
                Listing::Loaded(list) => match list.get(index) {
                    Some(child) => match self.application_of(child) {
                        Some(application) => Action::Open(application.clone()),
                        None if eligibility(child.birth_date, self.today).is_ok() => Action::Chosen(child.clone()),
                        None => Action::None,
                    },
                    None => Action::None,
                },
                _ => Action::None,
            },
            Message::Add => Action::Add,
            Message::Page(page) => {
                self.page = page;
                Action::None
            }
            Message::Retry => {
                self.children = Listing::Loading;
                Action::Reload
            }
        }
    }

    /// The `n`-th card (1-based) of the page shown, for the digit keys.
    pub fn pick(&self, n: usize) -> Option<Message> {
        let Listing::Loaded(list) = &self.children else { return None };
        let (shown, page, _) = page_of(list, self.page, PAGE_SIZE);
        (n >= 1 && n <= shown.len()).then(|| Message::Choose(page * PAGE_SIZE + n - 1))
    }

    /// What Enter does: the only child who can apply, or adding one when there is none.
    pub fn primary(&self) -> Option<Message> {
        let Listing::Loaded(list) = &self.children else { return None };
        let eligible: Vec<usize> =
            (0..list.len()).filter(|&i| eligibility(list[i].birth_date, self.today).is_ok()).collect();
        match eligible.as_slice() {
            [only] => Some(Message::Choose(*only)),
            [] => Some(Message::Add),
            _ => None,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let title = if self.self_apply { "children-title-self" } else { "children-title" };
        let mut page = column![text(i18n.tr(title)).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 40.0);
        match &self.children {
            Listing::Loading => page = page.push(text(i18n.tr("children-loading")).size(ctx.metrics.text)),
            Listing::Unavailable => {
                page = page
                    .push(
                        text(i18n.tr("children-unavailable"))
                            .size(ctx.metrics.text)
                            .style(theme::tone(theme::Tone::Danger)),
                    )
                    .push(big_button(ctx, i18n.tr("retry"), Some(Message::Retry)));
            }
            Listing::Loaded(list) => {
                let intro = if list.is_empty() { "children-none" } else { "children-choose" };
                page = page.push(text(i18n.tr(intro)).size(ctx.metrics.text));
                let (shown, current, pages) = page_of(list, self.page, PAGE_SIZE);
                let first = current * PAGE_SIZE;
                page = page
                    .push(cards(ctx, shown.iter().enumerate().map(|(i, child)| self.child_card(ctx, first + i, child))))
                    .push(pager(ctx, current, pages, Message::Page));
                // A child account applies only for themself: once they are here there is no one else to add.
                if !self.self_apply || list.is_empty() {
                    let add = if self.self_apply { "children-add-self" } else { "children-add" };
                    // With no child yet, adding one is the only way on: the main button.
                    let button = if list.is_empty() { big_button } else { plain_button };
                    page = page.push(button(ctx, i18n.tr(add), Some(Message::Add)));
                }
            }
        }
        container(page).center_x(Fill).into()
    }

    fn child_card<'a>(&self, ctx: ViewContext<'_>, index: usize, child: &Child) -> Element<'a, Message> {
        let i18n = ctx.i18n;
        let name = pdo_core::domain::full_name(&child.last_name, &child.first_name, child.patronymic.as_deref());
        let born = i18n.tr_with(
            "children-born",
            [
                ("date", child.birth_date.format("%d.%m.%Y").to_string().into()),
                ("age", age_on(child.birth_date, self.today).into()),
            ],
        );
        let mut lines = vec![born];
        if let Some(application) = self.application_of(child) {
            lines.push(match application.status {
                ApplicationStatus::CertificateIssued => i18n.tr_with(
                    "children-certificate-issued",
                    [("record", application.registry_record.clone().unwrap_or_default().into())],
                ),
                ApplicationStatus::EmailConfirmed => i18n.tr("children-certificate-ready"),
                ApplicationStatus::AwaitingEmailConfirmation => i18n.tr("children-awaiting-email"),
                ApplicationStatus::AwaitingClaim => i18n.tr("children-awaiting-claim"),
            });
            return card_button(ctx, name, lines, false, Some(Message::Choose(index)));
        }
        let eligible = eligibility(child.birth_date, self.today);
        match eligible {
            Err(_) => lines.push(i18n.tr("children-not-eligible")),
            Ok(()) => lines.push(match usable_document(child, self.today) {
                Some(document) if document.has_scan => i18n.tr_with(
                    "children-document-ready",
                    [("document", document_label(ctx, document.kind, &document.series, &document.number).into())],
                ),
                Some(_) => i18n.tr("children-document-no-photo"),
                None => i18n.tr("children-document-missing"),
            }),
        }
        card_button(ctx, name, lines, false, eligible.is_ok().then_some(Message::Choose(index)))
    }
}

/// The child's document the application can go on with today: one of a kind accepted at the child's age, the one
/// with a photo first.
pub fn usable_document(child: &Child, today: chrono::NaiveDate) -> Option<&Document> {
    let allowed = allowed_documents(child.birth_date, today);
    let mut usable: Vec<&Document> = child.documents.iter().filter(|d| allowed.contains(&d.kind)).collect();
    usable.sort_by_key(|d| (!d.has_scan, allowed.iter().position(|k| *k == d.kind)));
    usable.first().copied()
}

/// "свидетельство о рождении IV-ЛО 123456" in the person's language.
pub fn document_label(ctx: ViewContext<'_>, kind: DocumentKind, series: &str, number: &str) -> String {
    let kind = match kind {
        DocumentKind::BirthCertificate => ctx.i18n.tr("document-kind-birth-certificate"),
        DocumentKind::Passport => ctx.i18n.tr("document-kind-passport"),
    };
    format!("{} {series} {number}", kind.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn child(birth: NaiveDate, documents: Vec<Document>) -> Child {
        Child {
            id: "c1".into(),
            last_name: "Тестов".into(),
            first_name: "Ярослав".into(),
            patronymic: None,
            birth_date: birth,
            snils: "112-233-445 95".into(),
            address: "г. Примерный, ул. Вымышленная, д. 1".into(),
            documents,
        }
    }

    fn document(id: &str, kind: DocumentKind, has_scan: bool) -> Document {
        Document {
            id: id.into(),
            kind,
            series: "IV-ЛО".into(),
            number: "123456".into(),
            issued_on: date(2016, 5, 1),
            issued_by: "Отдел ЗАГС".into(),
            division_code: None,
            has_scan,
        }
    }

    #[test]
    fn a_child_too_old_cannot_be_chosen_and_an_eligible_one_can() {
        {
            let today = date(2026, 11, 25);
            let mut screen = Children::new(false, today, vec![]);
            screen.loaded(Listing::Loaded(vec![child(date(2008, 1, 1), vec![]), child(date(2016, 4, 1), vec![])]));
            assert!(matches!(screen.update(Message::Choose(0)), Action::None), "18 already");
            assert!(matches!(screen.update(Message::Choose(1)), Action::Chosen(c) if c.birth_date == date(2016, 4, 1)));
            assert!(matches!(screen.update(Message::Choose(5)), Action::None));
        }
    }

    #[test]
    fn a_child_whose_certificate_is_issued_says_so_and_opens_it_instead_of_a_new_application() {
        let today = date(2026, 11, 25);
        let issued = crate::print::demo::parent();
        assert_eq!(issued.status, ApplicationStatus::CertificateIssued);
        let mut with_certificate = child(date(2016, 4, 1), vec![]);
        with_certificate.id = issued.child.id.clone();
        {
            let mut screen = Children::new(false, today, vec![issued.clone()]);
            screen.loaded(Listing::Loaded(vec![with_certificate, child(date(2016, 4, 1), vec![])]));
            assert!(matches!(screen.update(Message::Choose(0)), Action::Open(a) if a == issued));
            assert!(matches!(screen.update(Message::Choose(1)), Action::Chosen(_)), "the child without one goes on");
        }
        let i18n = crate::i18n::I18n::new(pdo_core::domain::Lang::Ru);
        let record = issued.registry_record.clone().unwrap();
        let line = i18n.tr_with("children-certificate-issued", [("record", record.clone().into())]);
        assert!(line.starts_with("Сертификат выдан") && line.contains(&record), "{line}");
    }

    #[test]
    fn the_document_with_a_photo_of_an_accepted_kind_is_the_one_used() {
        let today = date(2026, 11, 25);
        let young = child(
            date(2016, 4, 1),
            vec![
                document("a", DocumentKind::BirthCertificate, false),
                document("b", DocumentKind::BirthCertificate, true),
            ],
        );
        assert_eq!(usable_document(&young, today).map(|d| d.id.as_str()), Some("b"));
        // At 15 the birth certificate no longer counts.
        let older = child(date(2011, 1, 10), vec![document("a", DocumentKind::BirthCertificate, true)]);
        assert_eq!(usable_document(&older, today), None);
    }

    #[test]
    fn retry_asks_for_the_children_again_and_waits_for_them() {
        let mut screen = Children::new(false, date(2026, 11, 25), vec![]);
        screen.loaded(Listing::Unavailable);
        assert!(matches!(screen.update(Message::Retry), Action::Reload));
        assert_eq!(screen.children, Listing::Loading);
    }
}
