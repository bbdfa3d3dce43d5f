//! Staff mode in the root: the hidden entry, the PIN pad, the panel and assisted mode, laid over the applicant's
//! screen without touching it, so leaving returns exactly where the applicant was.
//!
//! The entry is a **long press** (3 s) on an invisible corner, not a run of taps: people tap again and again on
//! things that do not react, and the top-left corner sits next to the back button, so a run of quick taps there is
//! what an impatient applicant produces by chance; holding a finger still on an empty corner for three seconds is
//! not. The corner lies *under* the screen, so a press the back button takes never reaches it.
//!
//! `mod.rs` calls in at four places only: `staff_filter` first thing in `update`, `Message::Staff` to
//! `staff_update`, `staff_view` around the finished view, and `staff_subscription`.

use super::{App, Message, Screen};
use crate::camera::{self, Event};
use crate::print::ipp::PrintOptions;
use crate::screen::staff::{self as staff_screen, Message as StaffMessage, panel, pin_pad};
use crate::screen::{ViewContext, capture, print};
use crate::staff::health::{CameraStatus, disk_space, probe_camera};
use crate::staff::{PinCheck, PinGate, StaffAction};
use chrono::Utc;
use iced::keyboard::{self as keys, key};
use iced::time::{Duration, Instant};
use iced::widget::{column, image, operation, stack};
use iced::{Element, Event as IcedEvent, Subscription, Task, event};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How long the hidden corner must be held.
pub const HOLD_FOR: Duration = Duration::from_secs(3);

#[derive(Debug)]
pub struct Staff {
    /// When the hidden corner was pressed, while it is held.
    pressed_at: Option<Instant>,
    mode: Option<Mode>,
    /// Staff's last touch, for leaving by itself.
    last_touch: Instant,
}

#[derive(Debug)]
enum Mode {
    Pin(pin_pad::PinPad),
    Panel(Box<panel::Panel>),
    /// Staff work on the applicant's screens under the banner.
    Assisting,
}

impl Default for Staff {
    fn default() -> Self {
        Self { pressed_at: None, mode: None, last_touch: Instant::now() }
    }
}

impl Staff {
    /// The PIN pad or the panel is shown instead of the applicant's screen.
    fn covers_applicant(&self) -> bool {
        matches!(self.mode, Some(Mode::Pin(_) | Mode::Panel(_)))
    }

    fn panel(&mut self) -> Option<&mut panel::Panel> {
        match &mut self.mode {
            Some(Mode::Panel(panel)) => Some(panel.as_mut()),
            _ => None,
        }
    }
}

impl App {
    /// Whether staff mode is on in any form (for tests and the banner).
    pub fn staff_active(&self) -> bool {
        self.staff.mode.is_some()
    }

    pub fn staff_assisting(&self) -> bool {
        matches!(self.staff.mode, Some(Mode::Assisting))
    }

    /// Runs before the applicant's `update`: while the PIN pad or the panel covers the screen, keys and clock ticks
    /// meant for the applicant's screen are kept from it (and its inactivity clock is held), and the facts the
    /// panel shows are picked off the messages that carry them. `Err` is the whole answer to the message.
    pub(super) fn staff_filter(&mut self, message: Message) -> Result<Message, Task<Message>> {
        if matches!(message, Message::Activity) && self.staff.mode.is_some() {
            self.staff.last_touch = Instant::now();
        }
        if !self.staff.covers_applicant() {
            return Ok(message);
        }
        match message {
            // The applicant's session waits while staff work; their own clock starts again when staff leave.
            Message::Tick(_) => {
                self.touch();
                Err(Task::none())
            }
            Message::Enter => match &self.staff.mode {
                Some(Mode::Pin(_)) => Err(self.staff_update(StaffMessage::Pin(pin_pad::Message::Submit))),
                _ => Err(Task::none()),
            },
            Message::Back => match &self.staff.mode {
                Some(Mode::Pin(_)) => Err(self.staff_update(StaffMessage::Pin(pin_pad::Message::Cancel))),
                _ => Err(self.staff_update(StaffMessage::Panel(panel::Message::Leave))),
            },
            Message::Digit(_)
            | Message::Key(_)
            | Message::FocusNext
            | Message::FocusPrevious
            | Message::Language(_)
            | Message::LargeText(_)
            | Message::HighContrast(_)
            | Message::StayHere => Err(Task::none()),
            Message::Link(link) => {
                if let Some(panel) = self.staff.panel() {
                    panel.set_link(link.clone());
                }
                Ok(Message::Link(link))
            }
            Message::Print(print::Message::PrinterChecked(printer)) => {
                if let Some(panel) = self.staff.panel() {
                    panel.set_printer(printer.clone());
                }
                Ok(Message::Print(print::Message::PrinterChecked(printer)))
            }
            // The photo step had the camera open: the camera test shows its picture instead of opening it again.
            Message::Capture(capture::Message::Frame(preview, hint)) => {
                if let Some(panel) = self.staff.panel()
                    && panel.page() == panel::Page::Camera
                {
                    panel.camera_frame(preview.clone(), hint);
                }
                Ok(Message::Capture(capture::Message::Frame(preview, hint)))
            }
            other => Ok(other),
        }
    }

    pub(super) fn staff_update(&mut self, message: StaffMessage) -> Task<Message> {
        let now = Instant::now();
        match message {
            StaffMessage::CornerPressed if self.staff.mode.is_none() => {
                self.staff.pressed_at = Some(now);
                Task::none()
            }
            StaffMessage::CornerPressed => Task::none(),
            StaffMessage::CornerReleased => {
                self.staff.pressed_at = None;
                Task::none()
            }
            StaffMessage::Tick(now) => self.staff_tick(now),
            StaffMessage::Pin(message) => {
                self.staff.last_touch = now;
                let Some(Mode::Pin(pad)) = &mut self.staff.mode else { return Task::none() };
                match pad.update(message) {
                    pin_pad::Action::None => Task::none(),
                    pin_pad::Action::Cancel => self.leave_staff(None),
                    pin_pad::Action::Check(pin) => {
                        let gate = self.gate();
                        Task::perform(
                            async move { gate.try_pin(&pin, Utc::now()).await.map_err(|e| e.to_string()) },
                            |result| Message::Staff(StaffMessage::PinChecked(result)),
                        )
                    }
                }
            }
            StaffMessage::Locked(wait) => {
                if let (Some(Mode::Pin(pad)), Some(wait)) = (&mut self.staff.mode, wait) {
                    pad.locked(wait, now);
                }
                Task::none()
            }
            StaffMessage::PinChecked(result) => self.pin_checked(result, now),
            StaffMessage::Panel(message) => {
                self.staff.last_touch = now;
                let Some(panel) = self.staff.panel() else { return Task::none() };
                let action = panel.update(message);
                self.panel_action(action)
            }
            StaffMessage::Fact(fact) => {
                if let Some(panel) = self.staff.panel() {
                    panel.learn(fact);
                }
                Task::none()
            }
            StaffMessage::CameraFrame(preview, hint) => {
                if let Some(panel) = self.staff.panel() {
                    panel.camera_frame(preview, hint);
                }
                Task::none()
            }
            StaffMessage::CameraScanned(picture) => {
                if let Some(panel) = self.staff.panel() {
                    panel.camera_scanned(picture);
                }
                Task::none()
            }
            StaffMessage::HandBack => self.leave_staff(Some(StaffAction::HandBack)),
        }
    }

    fn staff_tick(&mut self, now: Instant) -> Task<Message> {
        if let Some(at) = self.staff.pressed_at
            && now.saturating_duration_since(at) >= HOLD_FOR
            && self.staff.mode.is_none()
        {
            self.staff.pressed_at = None;
            return self.open_pin_pad(now);
        }
        if let Some(Mode::Pin(pad)) = &mut self.staff.mode {
            pad.tick(now);
        }
        let idle = now.saturating_duration_since(self.staff.last_touch);
        if self.staff.mode.is_some() && idle >= Duration::from_secs(self.env.config.staff_idle_secs) {
            tracing::info!(idle_secs = idle.as_secs(), "staff mode ended after inactivity");
            let word = match self.staff.mode {
                Some(Mode::Pin(_)) | None => None,
                Some(Mode::Panel(_)) => Some(StaffAction::StaffLeave),
                Some(Mode::Assisting) => Some(StaffAction::HandBack),
            };
            return self.leave_staff(word);
        }
        Task::none()
    }

    fn gate(&self) -> PinGate {
        PinGate::new(self.env.store.clone(), self.env.config.staff_pin_hash.clone())
    }

    fn open_pin_pad(&mut self, now: Instant) -> Task<Message> {
        let configured = self.env.config.staff_pin_hash.is_some();
        tracing::info!(configured, "staff PIN pad opened");
        self.staff.mode = Some(Mode::Pin(pin_pad::PinPad::new(configured, now)));
        self.staff.last_touch = now;
        self.touch();
        // A lockout from earlier tries (kept in the store) shows at once, not after the next PIN.
        let gate = self.gate();
        Task::perform(async move { gate.wait(Utc::now()).await.ok().flatten() }, |wait| {
            Message::Staff(StaffMessage::Locked(wait))
        })
    }

    fn pin_checked(&mut self, result: Result<PinCheck, String>, now: Instant) -> Task<Message> {
        let Some(Mode::Pin(pad)) = &mut self.staff.mode else { return Task::none() };
        match result {
            Ok(PinCheck::Granted) => {
                tracing::info!("staff mode entered");
                Task::batch([self.audit(StaffAction::StaffEnter), self.open_panel()])
            }
            Ok(check) => {
                pad.checked(&check, now);
                if matches!(check, PinCheck::Wrong { .. }) {
                    tracing::info!("staff PIN refused");
                    self.audit(StaffAction::PinRefused)
                } else {
                    Task::none()
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "staff PIN not checked");
                pad.failed();
                Task::none()
            }
        }
    }

    fn open_panel(&mut self) -> Task<Message> {
        let printer =
            if self.env.config.printer.is_some() { print::Printer::Checking } else { print::Printer::NotConfigured };
        let panel = panel::Panel::new(self.link.clone(), self.env.sync.is_some(), printer);
        self.staff.mode = Some(Mode::Panel(Box::new(panel)));
        self.health_facts()
    }

    /// The applicant's session ended (sign-out, inactivity): assisted mode ends with it, recorded as a hand-back.
    pub(super) fn end_assisting(&mut self) -> Task<Message> {
        if self.staff_assisting() { self.leave_staff(Some(StaffAction::HandBack)) } else { Task::none() }
    }

    /// Leaves staff mode for the applicant's screen, as it was; `word` goes to the audit log.
    fn leave_staff(&mut self, word: Option<StaffAction>) -> Task<Message> {
        self.staff.mode = None;
        self.staff.pressed_at = None;
        // The applicant's inactivity clock starts afresh from here.
        self.touch();
        let audit = word.map_or_else(Task::none, |word| self.audit(word));
        let refocus = self.editing.clone().map_or_else(Task::none, operation::focus);
        Task::batch([audit, refocus])
    }

    fn panel_action(&mut self, action: panel::Action) -> Task<Message> {
        match action {
            panel::Action::None => Task::none(),
            panel::Action::Refresh => self.health_facts(),
            panel::Action::Leave => self.leave_staff(Some(StaffAction::StaffLeave)),
            panel::Action::Assist => {
                tracing::info!("staff took over the applicant's screen");
                self.staff.mode = Some(Mode::Assisting);
                let refocus = self.editing.clone().map_or_else(Task::none, operation::focus);
                Task::batch([self.audit(StaffAction::Takeover), refocus])
            }
            panel::Action::RetrySync => {
                if let Some(worker) = &self.env.sync {
                    worker.wake();
                }
                self.audit(StaffAction::RetrySync)
            }
            panel::Action::TestPrint => Task::batch([self.audit(StaffAction::TestPrint), self.test_print()]),
            panel::Action::CameraTest => self.audit(StaffAction::CameraTest),
            panel::Action::LoadFigures => Task::batch([
                self.audit(StaffAction::ViewCounters),
                self.audit(StaffAction::PrivacyCheck),
                self.load_figures(),
            ]),
        }
    }

    /// Asks for every fact of the health page; each answer arrives as a `Fact` (the printer's as the print step's
    /// own `print::Message::PrinterChecked`, which the print step takes too when it is shown).
    fn health_facts(&mut self) -> Task<Message> {
        let camera_busy = matches!(&self.screen, Screen::Capture(screen) if screen.is_live());
        if let Some(panel) = self.staff.panel() {
            panel.learn(panel::Fact::Problems(crate::staff::recent::problems()));
        }
        let fact = |fact| Message::Staff(StaffMessage::Fact(fact));
        let store = self.env.store.clone();
        let queue = Task::perform(async move { store.queue_status().await.map_err(|e| e.to_string()) }, move |q| {
            fact(panel::Fact::Queue(q))
        });
        let store = self.env.store.clone();
        let disk = Task::perform(
            async move {
                let dir = store.data_dir().await.ok()?;
                tokio::task::spawn_blocking(move || disk_space(&dir)).await.ok().flatten()
            },
            move |d| fact(panel::Fact::Disk(d)),
        );
        let camera = if camera_busy {
            Task::done(fact(panel::Fact::Camera(CameraStatus::InUse)))
        } else {
            let setting = self.env.config.camera.clone();
            Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || probe_camera(&setting)).await.unwrap_or(CameraStatus::Missing)
                },
                move |c| fact(panel::Fact::Camera(c)),
            )
        };
        let printer = self.env.config.printer.clone().map_or_else(Task::none, |uri| {
            print::check_printer(uri).map(|printer| Message::Print(print::Message::PrinterChecked(printer)))
        });
        Task::batch([queue, disk, camera, printer])
    }

    fn load_figures(&self) -> Task<Message> {
        let fact = |fact| Message::Staff(StaffMessage::Fact(fact));
        let store = self.env.store.clone();
        let figures = Task::perform(
            async move {
                let today = pdo_core::domain::region_today(Utc::now());
                let from = today - chrono::Days::new(staff_screen::figures::PERIOD_DAYS - 1);
                store.office_figures(from, today).await.map_err(|e| e.to_string())
            },
            move |f| fact(panel::Fact::Figures(f)),
        );
        let store = self.env.store.clone();
        let privacy = Task::perform(
            async move {
                let data_dir = store.data_dir().await.map_err(|e| e.to_string())?;
                let paths = crate::paths::Paths { config_file: Default::default(), data_dir };
                crate::staff::wipe::check(&store, &paths).await.map_err(|e| e.to_string())
            },
            move |r| fact(panel::Fact::Privacy(r)),
        );
        Task::batch([figures, privacy])
    }

    /// One invented page through the real printing path: the demo application's activation sheet.
    fn test_print(&self) -> Task<Message> {
        let done = |result| Message::Staff(StaffMessage::Fact(panel::Fact::TestPrinted(result)));
        let Some(uri) = self.env.config.printer.clone() else {
            return Task::done(done(Err(self.i18n.tr("staff-printer-none"))));
        };
        let title = self.i18n.tr("staff-test-print-title");
        Task::perform(
            async move {
                let fonts = crate::print::Fonts::shared().map_err(|e| e.to_string())?;
                let forms =
                    crate::print::render_all(&crate::print::demo::parent(), fonts).map_err(|e| e.to_string())?;
                crate::print::ipp::print_documents(uri, vec![(title, forms.activation)], PrintOptions::default())
                    .await
                    .map(|_| ())
                    .map_err(|e| e.message_ru())
            },
            move |result: Result<(), String>| {
                if let Err(err) = &result {
                    tracing::warn!(error = %err, "test page not printed");
                }
                done(result)
            },
        )
    }

    /// One word in the audit log: when, this kiosk, what (never who was helped).
    fn audit(&self, action: StaffAction) -> Task<Message> {
        let store = self.env.store.clone();
        let kiosk = self.env.config.kiosk_id.clone().unwrap_or_else(|| "unconfigured".into());
        Task::future(async move {
            if let Err(err) = store.audit(&kiosk, action, Utc::now()).await {
                tracing::warn!(error = %err, "staff audit entry not written");
            }
            Message::Ignored
        })
    }

    /// Draws staff mode over the finished applicant view: the PIN pad or the panel instead of it, the banner above
    /// it while assisting, and otherwise the hidden corner beneath it.
    pub(super) fn staff_view<'a>(
        &'a self,
        ctx: ViewContext<'_>,
        applicant: Element<'a, Message>,
    ) -> Element<'a, Message> {
        match &self.staff.mode {
            Some(Mode::Pin(pad)) => pad.view(ctx).map(|m| Message::Staff(StaffMessage::Pin(m))),
            Some(Mode::Panel(panel)) => panel.view(ctx).map(|m| Message::Staff(StaffMessage::Panel(m))),
            Some(Mode::Assisting) => column![staff_screen::assist_banner(ctx).map(Message::Staff), applicant].into(),
            None => stack![staff_screen::corner(ctx).map(Message::Staff), applicant].into(),
        }
    }

    pub(super) fn staff_subscription(&self) -> Subscription<Message> {
        let tick = |every: Duration| iced::time::every(every).map(|t| Message::Staff(StaffMessage::Tick(t)));
        let clock = if self.staff.pressed_at.is_some() {
            tick(Duration::from_millis(250))
        } else if self.staff.mode.is_some() {
            tick(Duration::from_secs(1))
        } else {
            Subscription::none()
        };
        let keys = if matches!(self.staff.mode, Some(Mode::Pin(_))) {
            event::listen_with(pin_key)
        } else {
            Subscription::none()
        };
        let camera_busy = matches!(&self.screen, Screen::Capture(screen) if screen.is_live());
        let camera = match &self.staff.mode {
            Some(Mode::Panel(panel))
                if panel.page() == panel::Page::Camera && panel.camera().is_live() && !camera_busy =>
            {
                Subscription::run_with((self.env.config.camera.clone(), panel.camera().run), camera_test_events)
            }
            _ => Subscription::none(),
        };
        Subscription::batch([clock, keys, camera])
    }
}

/// The physical keys of the PIN pad: the digits 0–9 and Backspace (Enter and Escape come as the app's own).
fn pin_key(event: IcedEvent, status: event::Status, _window: iced::window::Id) -> Option<Message> {
    if status != event::Status::Ignored {
        return None;
    }
    let IcedEvent::Keyboard(keys::Event::KeyPressed { key, .. }) = event else { return None };
    let message = match key {
        keys::Key::Named(key::Named::Backspace | key::Named::Delete) => pin_pad::Message::Erase,
        keys::Key::Character(c) => {
            let mut chars = c.chars();
            match (chars.next().and_then(|c| c.to_digit(10)), chars.next()) {
                (Some(d), None) => pin_pad::Message::Digit(d as u8),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Message::Staff(StaffMessage::Pin(message)))
}

/// Sets the stop flag when the subscription's stream is dropped (the page closed).
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The capture screen's camera thread, for the test: its frames and its scan's picture come to the panel; the scan's
/// bytes are dropped (zeroed) at once.
fn camera_test_events(key: &(String, u32)) -> impl iced::futures::Stream<Item = Message> + use<> {
    let setting = key.0.clone();
    iced::stream::channel(2, async move |mut output: iced::futures::channel::mpsc::Sender<Message>| {
        use iced::futures::SinkExt;
        let to_handle = |p: camera::Picture| image::Handle::from_rgba(p.width, p.height, p.rgba);
        let Ok(spec) = pdo_vision::parse_camera_spec(&setting) else {
            let _ = output.send(Message::Staff(StaffMessage::CameraFrame(None, camera::Hint::NoCamera))).await;
            return;
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel(2);
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(stop.clone());
        let _thread = camera::spawn(spec, Arc::new(AtomicBool::new(false)), stop, tx);
        while let Some(event) = rx.recv().await {
            let message = match event {
                Event::Frame { preview, hint } => StaffMessage::CameraFrame(preview.map(to_handle), hint),
                Event::Scanned { jpeg, picture } => {
                    drop(jpeg);
                    StaffMessage::CameraScanned(to_handle(picture))
                }
            };
            if output.send(Message::Staff(message)).await.is_err() {
                return;
            }
        }
    })
}
