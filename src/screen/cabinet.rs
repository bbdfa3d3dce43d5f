//! The personal account: «Услуги» › «Дополнительное образование», the button «Подать заявку на сертификат», and the
//! account's applications with each one's next step, so a parent who started at home, or has several children,
//! carries on here. Applications are shown a few at a time with page buttons rather than a scrolling list.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use crate::widget::list::{card_button, cards, page_of, pager};
use iced::widget::{column, container, text};
use iced::{Element, Fill};
use pdo_core::api::{Application, ApplicationStatus, NextAction};

pub const PAGE_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Apply,
    Page(usize),
    /// An application of the list, to carry on with its next step.
    Open(usize),
    SignOut,
}

// Returned once per message and matched at once; the application is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// «Подать заявку на сертификат».
    Apply,
    Open(Application),
    SignOut,
}

/// The applications as loaded from the registry.
#[derive(Debug, Clone, PartialEq)]
pub enum Applications {
    Loading,
    Loaded(Vec<Application>),
    /// The registry could not be asked; the services still work.
    Unavailable,
}

#[derive(Debug)]
pub struct Cabinet {
    full_name: String,
    applications: Applications,
    page: usize,
    problem: Option<String>,
    /// «Подать заявку на сертификат» was pressed and its answer is awaited.
    applying: bool,
}

impl Cabinet {
    pub fn new(full_name: String) -> Self {
        Self { full_name, applications: Applications::Loading, page: 0, problem: None, applying: false }
    }

    /// An application could not be opened: why, in a sentence.
    pub fn set_problem(&mut self, problem: Option<String>) {
        self.problem = problem;
    }

    pub fn loaded(&mut self, applications: Applications) {
        self.applications = applications;
        self.page = 0;
    }

    /// The `n`-th application (1-based) of the page shown, for the digit keys.
    pub fn pick(&self, n: usize) -> Option<Message> {
        let Applications::Loaded(list) = &self.applications else { return None };
        let (shown, page, _) = page_of(list, self.page, PAGE_SIZE);
        (n >= 1 && n <= shown.len()).then(|| Message::Open(page * PAGE_SIZE + n - 1))
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Apply if self.applying => Action::None,
            Message::Apply => {
                self.applying = true;
                Action::Apply
            }
            Message::Page(page) => {
                self.page = page;
                Action::None
            }
            Message::Open(index) => match &self.applications {
                Applications::Loaded(list) => list
                    .get(index)
                    .filter(|a| a.next_action != NextAction::None)
                    .map_or(Action::None, |a| Action::Open(a.clone())),
                _ => Action::None,
            },
            Message::SignOut => Action::SignOut,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let greeting = i18n.tr_with("cabinet-greeting", [("name", self.full_name.as_str().into())]);
        let breadcrumb = format!("{} › {}", i18n.tr("cabinet-services"), i18n.tr("cabinet-supplementary-education"));
        let services = column![
            text(breadcrumb).size(ctx.metrics.text).font(FONT_BOLD_FACE).color(theme::ACCENT),
            big_button(ctx, i18n.tr("cabinet-apply"), Some(Message::Apply)),
        ]
        .spacing(ctx.metrics.spacing);
        let mut page = column![text(greeting).size(ctx.metrics.title).font(FONT_BOLD_FACE)];
        if let Some(problem) = &self.problem {
            page = page.push(text(problem.clone()).size(ctx.metrics.text).color(theme::DANGER));
        }
        let mut page = page
            .push(services)
            .push(text(i18n.tr("cabinet-your-applications")).size(ctx.metrics.text).font(FONT_BOLD_FACE))
            .push(self.applications_view(ctx))
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 40.0);
        page = page.push(plain_button(ctx, i18n.tr("sign-out"), Some(Message::SignOut)));
        container(page).center_x(Fill).into()
    }

    fn applications_view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let list = match &self.applications {
            Applications::Loading => return text(i18n.tr("cabinet-loading")).size(ctx.metrics.text).into(),
            Applications::Unavailable => {
                return text(i18n.tr("cabinet-unavailable")).size(ctx.metrics.text).color(theme::DANGER).into();
            }
            Applications::Loaded(list) if list.is_empty() => {
                return text(i18n.tr("cabinet-no-applications")).size(ctx.metrics.text).into();
            }
            Applications::Loaded(list) => list,
        };
        let (shown, page, pages) = page_of(list, self.page, PAGE_SIZE);
        let first = page * PAGE_SIZE;
        let cards = cards(ctx, shown.iter().enumerate().map(|(i, application)| card(ctx, first + i, application)));
        let pager = pager(ctx, page, pages, Message::Page);
        column![cards, pager].spacing(ctx.metrics.text * 0.5).into()
    }
}

fn card<'a>(ctx: ViewContext<'_>, index: usize, application: &Application) -> Element<'a, Message> {
    let i18n = ctx.i18n;
    let child = &application.child;
    let name = format!("{} {}", child.last_name, child.first_name);
    let status = match application.status {
        ApplicationStatus::AwaitingClaim => "status-awaiting-claim",
        ApplicationStatus::AwaitingEmailConfirmation => "status-awaiting-email",
        ApplicationStatus::EmailConfirmed => "status-email-confirmed",
        ApplicationStatus::CertificateIssued => "status-certificate-issued",
    };
    let next = match application.next_action {
        NextAction::ConfirmEmail => Some("next-confirm-email"),
        NextAction::GetCertificate => Some("next-get-certificate"),
        NextAction::PrintForms => Some("next-print-forms"),
        NextAction::None => None,
    };
    let mut lines =
        vec![i18n.tr_with("application-number", [("number", application.number.as_str().into())]), i18n.tr(status)];
    if let Some(record) = &application.registry_record {
        lines.push(i18n.tr_with("registry-record", [("record", record.as_str().into())]));
    }
    lines.extend(next.map(|id| i18n.tr(id)));
    card_button(ctx, name, lines, false, next.map(|_| Message::Open(index)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_and_sign_out_are_asked_of_the_root_and_pages_stay_here() {
        let mut cabinet = Cabinet::new("Тестова Мария".into());
        assert_eq!(cabinet.update(Message::Apply), Action::Apply);
        assert_eq!(cabinet.update(Message::Page(2)), Action::None);
        assert_eq!(cabinet.page, 2);
        cabinet.loaded(Applications::Loaded(vec![]));
        assert_eq!(cabinet.page, 0, "a fresh list starts at its first page");
        assert_eq!(cabinet.update(Message::SignOut), Action::SignOut);
    }
}
