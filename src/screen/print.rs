//! The forms on paper: previews of the application, the consent and the activation sheet at a readable size, the
//! printer's state in plain words before anything is sent, «Печать» and «Напечатать ещё раз». When printing cannot
//! happen the screen says that any institution on the list prints the forms, and shows what to photograph.

use super::ViewContext;
use crate::print::ipp::PrinterState;
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::widget::{Row, column, container, image, row, text};
use iced::{Element, Fill, Length};

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Print,
    CheckPrinter,
    AnotherChild,
    SignOut,
    Back,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    Print,
    CheckPrinter,
    AnotherChild,
    SignOut,
    Back,
}

/// What the kiosk knows about its printer.
#[derive(Debug, Clone, PartialEq)]
pub enum Printer {
    NotConfigured,
    Checking,
    State(PrinterState),
    /// The printer could not be asked (network, wrong address); the reason is for the log, not the screen.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Idle,
    Printing,
    Printed,
    Failed,
}

#[derive(Debug)]
pub struct PrintForms {
    number: String,
    registry_record: Option<String>,
    previews: Vec<image::Handle>,
    printer: Printer,
    job: Job,
    /// Taken offline: the registry number comes by e-mail later.
    offline: bool,
}

impl PrintForms {
    pub fn new(number: String, registry_record: Option<String>, printer: Printer) -> Self {
        Self { number, registry_record, previews: Vec::new(), printer, job: Job::Idle, offline: false }
    }

    /// The forms of an application taken offline.
    pub fn offline(mut self) -> Self {
        self.offline = true;
        self
    }

    /// The application number the forms carry.
    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn job(&self) -> &Job {
        &self.job
    }

    pub fn printer(&self) -> &Printer {
        &self.printer
    }

    /// How many page previews are shown.
    pub fn previews(&self) -> usize {
        self.previews.len()
    }

    pub fn set_previews(&mut self, previews: Vec<image::Handle>) {
        self.previews = previews;
    }

    pub fn set_printer(&mut self, printer: Printer) {
        self.printer = printer;
    }

    pub fn printed(&mut self, ok: bool) {
        self.job = if ok { Job::Printed } else { Job::Failed };
    }

    fn can_print(&self) -> bool {
        self.job != Job::Printing && matches!(&self.printer, Printer::State(state) if state.can_print())
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Print if self.can_print() => {
                self.job = Job::Printing;
                Action::Print
            }
            Message::Print => Action::None,
            Message::CheckPrinter if self.job != Job::Printing => {
                self.printer = Printer::Checking;
                Action::CheckPrinter
            }
            Message::CheckPrinter => Action::None,
            Message::AnotherChild => Action::AnotherChild,
            Message::SignOut => Action::SignOut,
            Message::Back => Action::Back,
        }
    }

    pub fn view(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let i18n = ctx.i18n;
        let (state_text, trouble) = match &self.printer {
            Printer::NotConfigured => (i18n.tr("print-no-printer"), true),
            Printer::Checking => (i18n.tr("print-checking"), false),
            Printer::Unreachable => (i18n.tr("printer-offline"), true),
            Printer::State(state) => (i18n.tr(printer_message_id(state)), !state.can_print()),
        };
        let mut info = column![
            text(i18n.tr("print-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
            text(i18n.tr("print-what")).size(ctx.metrics.text),
            text(state_text).size(ctx.metrics.text).color(if trouble { theme::DANGER } else { theme::ACCENT }),
        ]
        .spacing(ctx.metrics.text * 0.5);
        if self.offline {
            info = info.push(
                text(i18n.tr_with("print-offline-note", [("number", self.number.as_str().into())]))
                    .size(ctx.metrics.text)
                    .font(FONT_BOLD_FACE),
            );
        }
        match self.job {
            Job::Printing => info = info.push(text(i18n.tr("print-printing")).size(ctx.metrics.text)),
            Job::Printed => {
                info = info.push(text(i18n.tr("print-done")).size(ctx.metrics.text).font(FONT_BOLD_FACE));
            }
            Job::Failed => {
                info = info.push(text(i18n.tr("print-failed")).size(ctx.metrics.text).color(theme::DANGER));
            }
            Job::Idle => {}
        }
        if trouble || self.job == Job::Failed {
            // Paper is not the only way: the institution prints the forms; these two numbers find the application.
            info = info.push(text(i18n.tr("print-elsewhere")).size(ctx.metrics.text));
            let mut numbers = column![
                text(i18n.tr_with("application-number", [("number", self.number.as_str().into())]))
                    .size(ctx.metrics.text)
                    .font(FONT_BOLD_FACE)
            ];
            if let Some(record) = &self.registry_record {
                numbers = numbers.push(
                    text(i18n.tr_with("registry-record", [("record", record.as_str().into())]))
                        .size(ctx.metrics.text)
                        .font(FONT_BOLD_FACE),
                );
            }
            info = info.push(container(numbers).padding(ctx.metrics.text * 0.5).style(container::rounded_box));
        }
        let print_label = if self.job == Job::Printed { "print-again" } else { "print-submit" };
        let mut buttons = row![
            plain_button(ctx, i18n.tr("back"), (self.job != Job::Printing).then_some(Message::Back)),
            big_button(ctx, i18n.tr(print_label), self.can_print().then_some(Message::Print)),
        ]
        .spacing(ctx.metrics.spacing);
        if trouble {
            buttons = buttons.push(plain_button(ctx, i18n.tr("print-check-again"), Some(Message::CheckPrinter)));
        }
        let idle = self.job != Job::Printing;
        buttons = buttons
            .push(plain_button(ctx, i18n.tr("result-another-child"), idle.then_some(Message::AnotherChild)))
            .push(plain_button(ctx, i18n.tr("sign-out"), idle.then_some(Message::SignOut)));
        let previews = Row::with_children(self.previews.iter().map(|handle| {
            container(image(handle.clone()).width(Fill))
                .width(Length::FillPortion(1))
                .style(container::bordered_box)
                .into()
        }))
        .spacing(ctx.metrics.spacing);
        let buttons = buttons.wrap().vertical_spacing(ctx.metrics.spacing);
        let page = column![info, previews.height(Length::Fill), buttons].spacing(ctx.metrics.spacing);
        container(page).center_x(Fill).into()
    }
}

/// The locale message for a printer state.
pub fn printer_message_id(state: &PrinterState) -> &'static str {
    match state {
        PrinterState::Ready => "printer-ready",
        PrinterState::OutOfPaper => "printer-out-of-paper",
        PrinterState::Jammed => "printer-jammed",
        PrinterState::OutOfToner => "printer-out-of-toner",
        PrinterState::Offline => "printer-offline",
        PrinterState::Busy => "printer-busy",
        PrinterState::Other(_) => "printer-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_waits_for_a_ready_printer_and_happens_once_at_a_time() {
        let mut s = PrintForms::new("K-0001".into(), Some("4207000123".into()), Printer::Checking);
        assert_eq!(s.update(Message::Print), Action::None);
        s.set_printer(Printer::State(PrinterState::OutOfPaper));
        assert_eq!(s.update(Message::Print), Action::None);
        s.set_printer(Printer::State(PrinterState::Ready));
        assert_eq!(s.update(Message::Print), Action::Print);
        assert_eq!(s.update(Message::Print), Action::None, "already printing");
        assert_eq!(s.update(Message::CheckPrinter), Action::None);
        s.printed(true);
        assert_eq!(s.update(Message::Print), Action::Print, "a second copy");
    }
}
