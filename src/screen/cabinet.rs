//! The personal account: «Услуги» › «Дополнительное образование», the button «Подать заявку на сертификат», and the
//! account's applications with each one's next step, so a parent who started at home, or has several children,
//! carries on here. Applications are shown a few at a time with page buttons rather than a scrolling list. The
//! screen asks the registry for the list and, on «Подать заявку на сертификат», for the applicant's details itself.

use super::{Registry, ViewContext};
use crate::registry::{ClientError, RegistryClient};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use crate::widget::list::{card_button, cards, page_of, pager};
use iced::widget::{column, container, text};
use iced::{Element, Fill, Task};
use pdo_core::api::{Applicant, Application, ApplicationStatus, NextAction};

pub const PAGE_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Apply,
    Page(usize),
    /// An application of the list, to carry on with its next step.
    Open(usize),
    SignOut,
    /// The account's applications (or why not).
    Loaded(Result<Vec<Application>, ClientError>),
    /// The applicant's details as the registry holds them (`None`: none yet), asked for by «Подать заявку».
    ApplicantLoaded(Result<Option<Applicant>, ClientError>),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Loaded(_) | Message::ApplicantLoaded(_))
    }
}

// Returned once per message and matched at once; the application is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Action {
    None,
    /// A request of the screen's own; its answer comes back as this screen's message.
    Run(Task<Message>),
    /// The list as loaded, for the session to keep.
    Listed(Vec<Application>),
    /// «Подать заявку на сертификат»: the applicant's form, pre-filled with the details the registry holds.
    Apply(Option<Applicant>),
    /// «Подать заявку на сертификат», the details not loaded: an empty form with why.
    ApplyBlank(String),
    Open(Application),
    SignOut,
    /// The registry no longer knows the session: it ends.
    SessionEnded,
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
    /// «Подать заявку на сертификат» was pressed and its answer is awaited.
    applying: bool,
}

impl Cabinet {
    /// The cabinet of the account `full_name`, asking the registry (as the session `token`) for its applications.
    pub fn new(full_name: String, client: &RegistryClient, token: &str) -> (Self, Task<Message>) {
        let (client, token) = (client.clone(), token.to_owned());
        let load = Task::perform(async move { client.applications(&token).await }, Message::Loaded);
        (Self { full_name, applications: Applications::Loading, page: 0, applying: false }, load)
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

    pub fn update(&mut self, message: Message, registry: &Registry<'_>) -> Action {
        match message {
            Message::Apply if self.applying => Action::None,
            Message::Apply => {
                self.applying = true;
                let (client, token) = (registry.client.clone(), registry.token.clone());
                Action::Run(Task::perform(async move { client.applicant(&token).await }, Message::ApplicantLoaded))
            }
            Message::Loaded(Ok(list)) => {
                self.loaded(Applications::Loaded(list.clone()));
                Action::Listed(list)
            }
            Message::Loaded(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::Loaded(Err(err)) => {
                tracing::warn!(error = %err, "applications not loaded");
                self.loaded(Applications::Unavailable);
                Action::None
            }
            Message::ApplicantLoaded(Ok(existing)) => Action::Apply(existing),
            Message::ApplicantLoaded(Err(ClientError::Unauthorized)) => Action::SessionEnded,
            Message::ApplicantLoaded(Err(err)) => {
                tracing::warn!(error = %err, "applicant not loaded");
                Action::ApplyBlank(registry.i18n.tr("save-failed"))
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
            text(breadcrumb).size(ctx.metrics.text).font(FONT_BOLD_FACE).style(theme::tone(theme::Tone::Accent)),
            big_button(ctx, i18n.tr("cabinet-apply"), Some(Message::Apply)),
        ]
        .spacing(ctx.metrics.spacing);
        let mut page = column![text(greeting).size(ctx.metrics.title).font(FONT_BOLD_FACE)]
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
                return text(i18n.tr("cabinet-unavailable"))
                    .size(ctx.metrics.text)
                    .style(theme::tone(theme::Tone::Danger))
                    .into();
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
    use crate::screen::with_registry;

    #[test]
    fn apply_and_sign_out_are_asked_of_the_root_and_pages_stay_here() {
        with_registry(|r| {
            let (mut cabinet, _) = Cabinet::new("Тестова Мария".into(), &r.client, &r.token);
            assert!(matches!(cabinet.update(Message::Apply, r), Action::Run(_)) && cabinet.applying);
            assert!(matches!(cabinet.update(Message::ApplicantLoaded(Ok(None)), r), Action::Apply(None)));
            assert!(matches!(cabinet.update(Message::Page(2), r), Action::None));
            assert_eq!(cabinet.page, 2);
            cabinet.loaded(Applications::Loaded(vec![]));
            assert_eq!(cabinet.page, 0, "a fresh list starts at its first page");
            assert!(matches!(cabinet.update(Message::SignOut, r), Action::SignOut));
        });
    }
}
