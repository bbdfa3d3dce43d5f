//! The personal account: «Услуги» › «Дополнительное образование», the button «Подать заявку на сертификат», and the
//! account's applications with each one's next step, so a parent who started at home, or has several children,
//! carries on here. Applications are shown a few at a time with page buttons rather than a scrolling list.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::widget::{Column, column, container, row, text};
use iced::{Alignment, Border, Element, Fill};
use pdo_core::api::{Application, ApplicationStatus, NextAction};

pub const PAGE_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Apply,
    Page(usize),
    SignOut,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// «Подать заявку на сертификат».
    Apply,
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
    /// The applicant's details were just saved: say so.
    saved: bool,
}

impl Cabinet {
    pub fn new(full_name: String) -> Self {
        Self { full_name, applications: Applications::Loading, page: 0, saved: false }
    }

    pub fn set_saved(&mut self, saved: bool) {
        self.saved = saved;
    }

    pub fn loaded(&mut self, applications: Applications) {
        self.applications = applications;
        self.page = 0;
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Apply => Action::Apply,
            Message::Page(page) => {
                self.page = page;
                Action::None
            }
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
        if self.saved {
            page = page.push(text(i18n.tr("applicant-saved")).size(ctx.metrics.text).color(theme::ACCENT));
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
        let pages = list.len().div_ceil(PAGE_SIZE);
        let page = self.page.min(pages - 1);
        let cards = Column::with_children(
            list.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).map(|application| card(ctx, application)),
        )
        .spacing(ctx.metrics.text * 0.5);
        let mut pager = row![].spacing(ctx.metrics.spacing).align_y(Alignment::Center);
        if pages > 1 {
            pager = pager
                .push(plain_button(
                    ctx,
                    i18n.tr("page-previous"),
                    (page > 0).then_some(Message::Page(page.saturating_sub(1))),
                ))
                .push(
                    text(i18n.tr_with("page-of", [("page", (page + 1).into()), ("pages", pages.into())]))
                        .size(ctx.metrics.text),
                )
                .push(plain_button(ctx, i18n.tr("page-next"), (page + 1 < pages).then_some(Message::Page(page + 1))));
        }
        column![cards, pager].spacing(ctx.metrics.text * 0.5).into()
    }
}

fn card<'a>(ctx: ViewContext<'_>, application: &Application) -> Element<'a, Message> {
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
    let mut lines = column![
        text(name).size(ctx.metrics.text).font(FONT_BOLD_FACE),
        text(i18n.tr_with("application-number", [("number", application.number.as_str().into())]))
            .size(ctx.metrics.small),
        text(i18n.tr(status)).size(ctx.metrics.small),
    ]
    .spacing(ctx.metrics.text * 0.2);
    if let Some(record) = &application.registry_record {
        lines = lines
            .push(text(i18n.tr_with("registry-record", [("record", record.as_str().into())])).size(ctx.metrics.small));
    }
    if let Some(next) = next {
        lines = lines.push(text(i18n.tr(next)).size(ctx.metrics.small).color(theme::ACCENT));
    }
    container(lines)
        .padding(ctx.metrics.text * 0.6)
        .width(Fill)
        .style(|_| container::Style {
            border: Border { color: theme::MUTED, width: 1.0, radius: 8.0.into() },
            ..container::Style::default()
        })
        .into()
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
