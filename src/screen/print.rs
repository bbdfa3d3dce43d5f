//! The forms on paper: previews of the application, the consent and the activation sheet at a readable size, the
//! printer's state in plain words before anything is sent, «Печать» and «Напечатать ещё раз». When printing cannot
//! happen the screen says that any institution on the list prints the forms, and shows what to photograph.
//!
//! The screen runs its own work (the previews, the printer's state, the job) and takes the answers as its own
//! messages; the root only counts a print and moves between steps.

use super::ViewContext;
use crate::print::ipp::{PrintOptions, Printer as IppPrinter, PrinterState};
use crate::print::{Fonts, render_all};
use crate::theme::{self, FONT_BOLD_FACE};
use crate::widget::controls::{big_button, plain_button};
use iced::widget::{Row, column, container, image, row, text};
use iced::{Element, Fill, Length, Task};
use pdo_core::api::{Application, ApplicationSource};

#[derive(Debug, Clone)]
pub enum Message {
    Print,
    CheckPrinter,
    AnotherChild,
    SignOut,
    Back,
    /// The first pages of the forms, rendered off the GUI thread.
    Previews(Vec<image::Handle>),
    /// The printer's state, as asked (here, or by the staff panel's health page).
    PrinterChecked(Printer),
    /// The print job went through (or not).
    Printed(bool),
}

impl Message {
    /// Whether this is the answer of a task (which belongs to the session that started it) rather than a tap.
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Previews(_) | Message::PrinterChecked(_) | Message::Printed(_))
    }
}

#[derive(Debug)]
pub enum Action {
    None,
    /// Work of the screen's own; its answer comes back as this screen's message.
    Run(Task<Message>),
    /// A print job: the root counts it and runs the task.
    Print(Task<Message>),
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
pub struct Print {
    /// The application the forms are printed from (issued, or queued offline).
    application: Application,
    /// The printer's IPP address; `None` when the kiosk has no printer.
    printer_uri: Option<String>,
    previews: Vec<image::Handle>,
    printer: Printer,
    job: Job,
}

impl Print {
    /// Step 10 for `application`: the previews are rendered and the printer asked at once.
    pub fn new(application: Application, printer_uri: Option<String>) -> (Self, Task<Message>) {
        let printer = if printer_uri.is_some() { Printer::Checking } else { Printer::NotConfigured };
        let check = printer_uri.clone().map_or_else(Task::none, |uri| check_printer(uri).map(Message::PrinterChecked));
        let for_previews = application.clone();
        let previews = Task::perform(
            async move {
                tokio::task::spawn_blocking(move || crate::print::preview::first_pages(&for_previews))
                    .await
                    .unwrap_or_default()
            },
            Message::Previews,
        );
        let screen = Self { application, printer_uri, previews: Vec::new(), printer, job: Job::Idle };
        (screen, Task::batch([previews, check]))
    }

    /// The application number the forms carry.
    pub fn number(&self) -> &str {
        &self.application.number
    }

    /// Taken offline: the registry number comes by e-mail later.
    fn offline(&self) -> bool {
        self.application.source == ApplicationSource::KioskOffline
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

    fn can_print(&self) -> bool {
        self.job != Job::Printing && matches!(&self.printer, Printer::State(state) if state.can_print())
    }

    /// Asks the printer again (a button, or after a failed job), unless a job is under way.
    fn check_again(&mut self) -> Action {
        if self.job == Job::Printing {
            return Action::None;
        }
        self.printer = Printer::Checking;
        match self.printer_uri.clone() {
            Some(uri) => Action::Run(check_printer(uri).map(Message::PrinterChecked)),
            None => Action::None,
        }
    }

    /// The printing's state in words (message id), once it has one.
    pub fn status(&self) -> Option<&'static str> {
        match self.job {
            Job::Idle => None,
            Job::Printing => Some("print-printing"),
            Job::Printed => Some("print-done"),
            Job::Failed => Some("print-failed"),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Print if self.can_print() => {
                let Some(uri) = self.printer_uri.clone() else { return Action::None };
                self.job = Job::Printing;
                Action::Print(print_forms(self.application.clone(), uri).map(Message::Printed))
            }
            Message::Print => Action::None,
            Message::CheckPrinter => self.check_again(),
            Message::AnotherChild => Action::AnotherChild,
            Message::SignOut => Action::SignOut,
            Message::Back => Action::Back,
            Message::Previews(previews) => {
                self.previews = previews;
                Action::None
            }
            Message::PrinterChecked(printer) => {
                self.printer = printer;
                Action::None
            }
            Message::Printed(ok) => {
                self.job = if ok { Job::Printed } else { Job::Failed };
                // After a failure the printer's state says why (paper, jam, offline).
                if ok { Action::None } else { self.check_again() }
            }
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
            text(state_text).size(ctx.metrics.text).style(theme::tone(if trouble {
                theme::Tone::Danger
            } else {
                theme::Tone::Accent
            })),
        ]
        .spacing(ctx.metrics.text * 0.5);
        if self.offline() {
            info = info.push(
                text(i18n.tr_with("print-offline-note", [("number", self.number().into())]))
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
                info = info
                    .push(text(i18n.tr("print-failed")).size(ctx.metrics.text).style(theme::tone(theme::Tone::Danger)));
            }
            Job::Idle => {}
        }
        if trouble || self.job == Job::Failed {
            // Paper is not the only way: the institution prints the forms; these two numbers find the application.
            info = info.push(text(i18n.tr("print-elsewhere")).size(ctx.metrics.text));
            let mut numbers = column![
                text(i18n.tr_with("application-number", [("number", self.number().into())]))
                    .size(ctx.metrics.text)
                    .font(FONT_BOLD_FACE)
            ];
            if let Some(record) = &self.application.registry_record {
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

/// Asks the printer at `uri` for its state, off the GUI thread (the print step, and the staff panel's health page).
pub fn check_printer(uri: String) -> Task<Printer> {
    Task::future(async move {
        tokio::task::spawn_blocking(move || {
            let options = PrintOptions { request_timeout: std::time::Duration::from_secs(5), ..Default::default() };
            match IppPrinter::new(&uri, options).and_then(|p| p.status()) {
                Ok(status) => Printer::State(status.state),
                Err(err) => {
                    tracing::warn!(error = %err, "printer not reachable");
                    Printer::Unreachable
                }
            }
        })
        .await
        .unwrap_or(Printer::Unreachable)
    })
}

/// Renders the three forms of `application` and sends them to the printer; `true` when the jobs went through.
fn print_forms(application: Application, uri: String) -> Task<bool> {
    Task::future(async move {
        let printed = async {
            let fonts = Fonts::shared().map_err(|e| e.to_string())?;
            let forms = render_all(&application, fonts).map_err(|e| e.to_string())?;
            let jobs = forms.print_jobs(&application.number);
            crate::print::ipp::print_documents(uri, jobs, PrintOptions::default())
                .await
                .map_err(|e| e.to_string())
                .map(|outcomes| !outcomes.is_empty())
        };
        printed.await.unwrap_or_else(|err: String| {
            tracing::warn!(error = %err, "printing failed");
            false
        })
    })
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
        let application = crate::print::demo::parent();
        let (mut s, _) = Print::new(application, Some("ipp://127.0.0.1:9/ipp/print".into()));
        assert!(matches!(s.update(Message::Print), Action::None));
        s.update(Message::PrinterChecked(Printer::State(PrinterState::OutOfPaper)));
        assert!(matches!(s.update(Message::Print), Action::None));
        s.update(Message::PrinterChecked(Printer::State(PrinterState::Ready)));
        assert!(matches!(s.update(Message::Print), Action::Print(_)));
        assert!(matches!(s.update(Message::Print), Action::None), "already printing");
        assert!(matches!(s.update(Message::CheckPrinter), Action::None));
        s.update(Message::Printed(true));
        assert!(matches!(s.update(Message::Print), Action::Print(_)), "a second copy");
    }
}
