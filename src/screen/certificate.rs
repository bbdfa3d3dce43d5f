//! «Получение сертификата»: the e-mail is confirmed; the applicant chooses «Группа сертификата» and the «Документ»
//! that proves the child's identity, then «Получить сертификат». With one group and one document both are chosen
//! already, so a parent only confirms. The screen loads the groups itself and takes the registry's answer to
//! «Получить сертификат»; which way the request goes (the registry, or the offline queue) the root decides.

use super::children::document_label;
use super::{Registry, ViewContext};
use crate::registry::ClientError;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::big_button;
use crate::widget::list::{card_button, cards, page_of, pager};
use iced::widget::{column, container, text};
use iced::{Element, Fill};
use pdo_core::api::{Application, CertificateGroup, CertificateRequest, Document};

const PAGE_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Group(usize),
    Document(usize),
    GroupPage(usize),
    Issue,
    Retry,
    /// The registry's certificate groups (or why not).
    GroupsLoaded(Result<Vec<CertificateGroup>, ClientError>),
    /// The registry's answer to «Получить сертификат».
    Issued(Result<Application, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::GroupsLoaded(_) | Message::Issued(_))
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    /// The groups are asked for again, the way that serves.
    LoadGroups,
    /// The person asked for the certificate: the root sends the request the way that serves.
    Issue(CertificateRequest),
    /// The certificate is issued: the application carries on.
    Issued(Application),
    /// The registry no longer knows the session: it ends.
    SessionEnded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Groups {
    Loading,
    Loaded(Vec<CertificateGroup>),
    Unavailable,
}

#[derive(Debug)]
pub struct Certificate {
    child_name: String,
    groups: Groups,
    group: Option<usize>,
    group_page: usize,
    documents: Vec<Document>,
    document: Option<usize>,
    busy: bool,
    problem: Option<String>,
}

impl Certificate {
    /// `documents`: the child's documents accepted today, with a photo.
    pub fn new(child_name: String, documents: Vec<Document>) -> Self {
        let document = (documents.len() == 1).then_some(0);
        Self {
            child_name,
            groups: Groups::Loading,
            group: None,
            group_page: 0,
            documents,
            document,
            busy: false,
            problem: None,
        }
    }

    pub fn loaded(&mut self, groups: Groups) {
        if let Groups::Loaded(list) = &groups {
            self.group = (list.len() == 1).then_some(0);
        }
        self.groups = groups;
    }

    /// The message shown about the last request, if any.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn update(&mut self, message: Message, registry: &mut Registry<'_>) -> Action {
        match message {
            Message::GroupsLoaded(Ok(groups)) => {
                self.loaded(Groups::Loaded(groups));
                return Action::None;
            }
            Message::GroupsLoaded(Err(err)) => {
                tracing::warn!(code = err.code(), "certificate groups not loaded");
                self.loaded(Groups::Unavailable);
                return Action::None;
            }
            Message::Issued(Ok(application)) => {
                tracing::info!(application = %application.id, "certificate issued");
                return Action::Issued(application);
            }
            Message::Issued(Err(ClientError::Unauthorized)) => return Action::SessionEnded,
            Message::Issued(Err(err)) => {
                tracing::info!(code = err.code(), "certificate not issued");
                self.failed(registry.problem(&err));
                return Action::None;
            }
            _ if self.busy => return Action::None,
            _ => {}
        }
        match message {
            Message::Group(index) => self.group = Some(index),
            Message::Document(index) if index < self.documents.len() => self.document = Some(index),
            Message::Document(_) => {}
            Message::GroupPage(page) => self.group_page = page,
            Message::Retry => {
                self.groups = Groups::Loading;
                return Action::LoadGroups;
            }
            Message::Issue => {
                if let Some(request) = self.request() {
                    self.busy = true;
                    self.problem = None;
                    return Action::Issue(request);
                }
            }
            Message::GroupsLoaded(_) | Message::Issued(_) => {}
        }
        Action::None
    }

    /// The `n`-th group (1-based) of the page shown, for the digit keys.
    pub fn pick(&self, n: usize) -> Option<Message> {
        let Groups::Loaded(groups) = &self.groups else { return None };
        let (shown, page, _) = page_of(groups, self.group_page, PAGE_SIZE);
        (n >= 1 && n <= shown.len()).then(|| Message::Group(page * PAGE_SIZE + n - 1))
    }

    pub fn request(&self) -> Option<CertificateRequest> {
        let Groups::Loaded(groups) = &self.groups else { return None };
        let group = groups.get(self.group?)?;
        let document = self.documents.get(self.document?)?;
        Some(CertificateRequest { group_id: group.id.clone(), document_id: document.id.clone() })
    }

    /// The request did not go through: the choice stays. An empty `problem` clears the message (the offline way
    /// took over).
    pub fn failed(&mut self, problem: String) {
        self.busy = false;
        self.problem = (!problem.is_empty()).then_some(problem);
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let mut page = column![
            text(i18n.tr("certificate-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr_with("certificate-for", [("name", self.child_name.as_str().into())])).size(ctx.metrics.text),
            text(i18n.tr("certificate-group")).size(ctx.metrics.text).font(FONT_BOLD_FACE),
        ]
        .spacing(ctx.metrics.spacing)
        .max_width(ctx.metrics.text * 40.0);
        match &self.groups {
            Groups::Loading => page = page.push(text(i18n.tr("certificate-loading")).size(ctx.metrics.text)),
            Groups::Unavailable => {
                page = page
                    .push(
                        text(i18n.tr("certificate-unavailable"))
                            .size(ctx.metrics.text)
                            .style(theme::tone(theme::Tone::Danger)),
                    )
                    .push(big_button(ctx, i18n.tr("retry"), Some(Message::Retry)));
            }
            Groups::Loaded(groups) => {
                let (shown, current, pages) = page_of(groups, self.group_page, PAGE_SIZE);
                let first = current * PAGE_SIZE;
                page = page
                    .push(cards(
                        ctx,
                        shown.iter().enumerate().map(|(i, g)| {
                            let index = first + i;
                            card_button(
                                ctx,
                                g.title.clone(),
                                vec![],
                                self.group == Some(index),
                                Some(Message::Group(index)),
                            )
                        }),
                    ))
                    .push(pager(ctx, current, pages, Message::GroupPage));
            }
        }
        page = page.push(text(i18n.tr("certificate-document")).size(ctx.metrics.text).font(FONT_BOLD_FACE));
        page = page.push(cards(
            ctx,
            self.documents.iter().enumerate().map(|(index, d)| {
                let issued = i18n
                    .tr_with("certificate-issued-on", [("date", d.issued_on.format("%d.%m.%Y").to_string().into())]);
                card_button(
                    ctx,
                    document_label(ctx, d.kind, &d.series, &d.number),
                    vec![issued],
                    self.document == Some(index),
                    Some(Message::Document(index)),
                )
            }),
        ));
        if let Some(problem) = &self.problem {
            page = page.push(text(problem.clone()).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)));
        }
        if self.busy {
            page = page.push(text(i18n.tr("certificate-busy")).size(ctx.metrics.text));
        }
        let ready = !self.busy && self.request().is_some();
        page = page.push(big_button(ctx, i18n.tr("certificate-get"), ready.then_some(Message::Issue)));
        container(page).center_x(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::with_registry;
    use pdo_core::domain::DocumentKind;

    fn document(id: &str) -> Document {
        Document {
            id: id.into(),
            kind: DocumentKind::BirthCertificate,
            series: "IV-ЛО".into(),
            number: "123456".into(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2016, 5, 1).unwrap(),
            issued_by: "Отдел ЗАГС".into(),
            division_code: None,
            has_scan: true,
        }
    }

    fn group(id: &str) -> CertificateGroup {
        CertificateGroup { id: id.into(), title: "Дети в возрасте от 5 до 18 лет".into() }
    }

    #[test]
    fn one_group_and_one_document_are_chosen_already() {
        with_registry(|r| {
            let mut s = Certificate::new("Тестов Ярослав".into(), vec![document("d1")]);
            assert!(matches!(s.update(Message::Issue, r), Action::None), "groups not loaded yet");
            s.update(Message::GroupsLoaded(Ok(vec![group("g1")])), r);
            let expected = CertificateRequest { group_id: "g1".into(), document_id: "d1".into() };
            assert!(matches!(s.update(Message::Issue, r), Action::Issue(request) if request == expected));
            assert!(matches!(s.update(Message::Issue, r), Action::None), "busy until the answer");
        });
    }

    #[test]
    fn with_several_groups_the_person_chooses() {
        with_registry(|r| {
            let mut s = Certificate::new("Тестов Ярослав".into(), vec![document("d1"), document("d2")]);
            s.loaded(Groups::Loaded(vec![group("g1"), group("g2")]));
            assert_eq!(s.request(), None);
            s.update(Message::Group(1), r);
            s.update(Message::Document(1), r);
            s.update(Message::Document(7), r);
            assert_eq!(s.request(), Some(CertificateRequest { group_id: "g2".into(), document_id: "d2".into() }));
        });
    }
}
