//! The registry link as the sync worker sees it (health checks and the errors of real calls), brought into the app
//! as messages so screens can say calmly that the kiosk works offline.

use super::{App, Message};
use crate::sync::Connectivity;
use iced::Subscription;
use tokio::sync::watch;

/// The worker's watch, as subscription data: one link per kiosk, so it hashes as a constant.
struct LinkWatch(watch::Receiver<Connectivity>);

impl std::hash::Hash for LinkWatch {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "registry-link".hash(state);
    }
}

impl App {
    pub(super) fn link_subscription(&self) -> Subscription<Message> {
        match &self.env.sync {
            Some(worker) => Subscription::run_with(LinkWatch(worker.connectivity()), link_events),
            None => Subscription::none(),
        }
    }
}

impl App {
    /// A printer that cannot print is a staff matter: a warning in the log (the staff panel lists the last ones) and
    /// the word in the next heartbeat, so the office sees it remotely too.
    pub(super) fn report_printer(&mut self, printer: &crate::screen::print::Printer) {
        use crate::print::ipp::PrinterState;
        use crate::screen::print::Printer;
        let word = match printer {
            Printer::Checking => return,
            Printer::NotConfigured => "none",
            Printer::Unreachable | Printer::State(PrinterState::Offline) => "offline",
            Printer::State(PrinterState::Ready) => "ready",
            Printer::State(PrinterState::Busy) => "busy",
            Printer::State(PrinterState::OutOfPaper) => "out_of_paper",
            Printer::State(PrinterState::Jammed) => "jammed",
            Printer::State(PrinterState::OutOfToner) => "out_of_toner",
            Printer::State(PrinterState::Other(_)) => "stopped",
        };
        if !matches!(word, "ready" | "busy" | "none") {
            tracing::warn!(code = word, "the printer needs staff");
        }
        self.devices.0 = word;
        self.report_devices();
    }

    pub(super) fn report_camera(&mut self, hint: crate::camera::Hint) {
        let word = if hint == crate::camera::Hint::NoCamera { "absent" } else { "ready" };
        if word != self.devices.1 {
            if word == "absent" {
                tracing::warn!(code = word, "no document camera");
            }
            self.devices.1 = word;
            self.report_devices();
        }
    }

    fn report_devices(&self) {
        if let Some(worker) = &self.env.sync {
            worker.report_devices(self.devices.0, self.devices.1);
        }
    }
}

fn link_events(watch: &LinkWatch) -> impl iced::futures::Stream<Item = Message> + use<> {
    let mut receiver = watch.0.clone();
    iced::stream::channel(1, async move |mut output: iced::futures::channel::mpsc::Sender<Message>| {
        use iced::futures::SinkExt;
        loop {
            let now = receiver.borrow_and_update().clone();
            if output.send(Message::Link(now)).await.is_err() || receiver.changed().await.is_err() {
                return;
            }
        }
    })
}
