//! The certificate is issued: the registry record number in big type, where to activate it (a few institutions per
//! page) and what to bring, then printing, another child, or signing out.

use super::ViewContext;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use crate::widget::list::{card_button, cards, page_of, pager};
use iced::widget::{column, container, row, text};
use iced::{Element, Fill};
use pdo_core::api::{Application, Institution};
use pdo_core::domain::AccountKind;

const PAGE_SIZE: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Page(usize),
    Print,
    AnotherChild,
    SignOut,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Print,
    AnotherChild,
    SignOut,
}

#[derive(Debug)]
pub struct Issued {
    application: Application,
    page: usize,
}

impl Issued {
    pub fn new(application: Application) -> Self {
        Self { application, page: 0 }
    }

    pub fn application(&self) -> &Application {
        &self.application
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Page(page) => {
                self.page = page;
                Action::None
            }
            Message::Print => Action::Print,
            Message::AnotherChild => Action::AnotherChild,
            Message::SignOut => Action::SignOut,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let a = &self.application;
        let record = a.registry_record.clone().unwrap_or_default();
        let child = pdo_core::domain::full_name(&a.child.last_name, &a.child.first_name, a.child.patronymic.as_deref());
        let (shown, current, pages) = page_of(&a.institutions, self.page, PAGE_SIZE);
        let left = column![
            text(i18n.tr("result-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(child).size(ctx.metrics.text),
            text(i18n.tr("result-record")).size(ctx.metrics.text),
            text(record).size(ctx.metrics.title * 2.0).font(FONT_BOLD_FACE).style(theme::tone(theme::Tone::Accent)),
            text(i18n.tr_with("application-number", [("number", a.number.as_str().into())])).size(ctx.metrics.small),
            text(i18n.tr("result-bring-title")).size(ctx.metrics.text).font(FONT_BOLD_FACE),
            checklist(ctx, a.applicant_kind),
        ]
        .spacing(ctx.metrics.text * 0.5);
        let right = column![
            text(i18n.tr("result-where")).size(ctx.metrics.text).font(FONT_BOLD_FACE),
            cards(ctx, shown.iter().map(|i| institution_card(ctx, i))),
            pager(ctx, current, pages, Message::Page),
        ]
        .spacing(ctx.metrics.text * 0.5);
        let buttons = row![
            big_button(ctx, i18n.tr("result-print"), Some(Message::Print)),
            plain_button(ctx, i18n.tr("result-another-child"), Some(Message::AnotherChild)),
            plain_button(ctx, i18n.tr("sign-out"), Some(Message::SignOut)),
        ]
        .spacing(ctx.metrics.spacing)
        .wrap()
        .vertical_spacing(ctx.metrics.spacing);
        let body: Element<'_, Message> = if ctx.metrics.landscape {
            row![left.width(Fill), right.width(Fill)].spacing(ctx.metrics.spacing * 2.0).into()
        } else {
            column![left, right].spacing(ctx.metrics.spacing).into()
        };
        container(column![body, buttons].spacing(ctx.metrics.spacing).max_width(ctx.metrics.text * 60.0))
            .center_x(Fill)
            .into()
    }
}

fn institution_card<'a, M: Clone + 'a>(ctx: ViewContext<'_>, institution: &Institution) -> Element<'a, M> {
    let mut lines = vec![institution.address.clone()];
    lines.extend(institution.phone.clone());
    lines.extend(institution.hours.clone());
    card_button(ctx, institution.name.clone(), lines, false, None)
}

/// What to bring to the institution (the domain brief's step 11); a child applying alone brings their own passport.
fn checklist<'a, M: 'a>(ctx: ViewContext<'_>, kind: AccountKind) -> Element<'a, M> {
    let items: &[&str] = match kind {
        AccountKind::Parent => {
            &["bring-forms", "bring-applicant-passport", "bring-child-document", "bring-registration"]
        }
        AccountKind::Child => &["bring-forms-self", "bring-own-passport", "bring-registration"],
    };
    iced::widget::Column::with_children(
        items.iter().map(|id| text(format!("• {}", ctx.i18n.tr(id))).size(ctx.metrics.small).into()),
    )
    .spacing(ctx.metrics.text * 0.2)
    .into()
}
