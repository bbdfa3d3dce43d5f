//! The root of the GUI: the current screen, the session's lifetime, staff mode and the idle clock. It is the only
//! place that sequences the steps. Screens run their own work (a screen's `Action::Run` carries a `Task` of its own
//! messages, mapped here to its `Message` variant), so a request's answer comes back to the screen that asked; what a
//! step sends goes the way that serves (`way`: online or the offline queue, picked there and nowhere else), and both
//! ways answer with the same screen messages. The root turns the rest of a screen's `Action` into navigation.

mod apply_flow;
mod cabinet_flow;
mod camera_flow;
mod issue_flow;
mod keyboard_flow;
mod link;
mod offline_flow;
mod renewal_flow;
mod resume_flow;
mod shortcuts;
mod sign_in_flow;
mod speech_flow;
mod staff_flow;
mod way;

use crate::config::Config;
use crate::i18n::I18n;
use crate::registry::{ClientError, RegistryClient};
use crate::screen::{
    ViewContext, applicant, application, cabinet, capture, certificate, child_form, children, confirm, document,
    issued, print, qr_sign_in, resume, sign_in, welcome,
};
use crate::session::{Draft, Session};
use crate::store::Store;
use crate::theme::{self, FONT_BOLD_FACE, Metrics};
use crate::widget::field_kind::FieldKind;
use crate::widget::keyboard::{self, Keyboard};
use crate::widget::{chrome, controls::big_button};
use iced::keyboard::{self as keys, key};
use iced::time::{Duration, Instant};
use iced::widget::{center, column, container, opaque, operation, stack, text};
use iced::{Element, Event, Point, Size, Subscription, Task, event, window};
use pdo_core::api::SessionResponse;
use pdo_core::domain::Lang;

/// The steps of an application, as the progress line counts them: sign-in, cabinet, applicant, child, document,
/// photo, application, e-mail, certificate, print.
pub const TOTAL_STEPS: u8 = 10;

/// What the kiosk is started with; cloned into the app at boot.
#[derive(Debug, Clone)]
pub struct Env {
    pub config: Config,
    pub client: RegistryClient,
    pub store: Store,
    /// Login and password of the invented demo account; `Some` only when the embedded demo registry runs.
    pub demo_hint: Option<(String, String)>,
    /// Who processes the data, named in the notice on the first screen.
    pub operator: pdo_core::api::Operator,
    /// Where to write the wall-clock time of the first frame (startup measurements); usually `None`.
    pub startup_report: Option<std::path::PathBuf>,
    /// The offline queue's sender and the registry link's watch; `None` without kiosk credentials (and in tests
    /// that do not need it).
    pub sync: Option<crate::sync::SyncWorker>,
    /// Where the embedded demo registry writes its letters; `None` with a real registry.
    pub demo_mail: Option<std::path::PathBuf>,
    /// Unfinished applications kept under resume codes; `None` turns «Продолжить позже» off.
    pub drafts: Option<crate::session::Drafts>,
    /// Where «Озвучить» speaks (espeak-ng on the sound card; silent without one).
    pub speaker: std::sync::Arc<dyn crate::speech::Speaker>,
}

// One screen lives at a time and is replaced rarely: boxing the larger forms would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Screen {
    Welcome(welcome::Welcome),
    SignIn(sign_in::SignIn),
    /// Sign-in with the phone: the QR code.
    QrSignIn(qr_sign_in::QrSignIn),
    Cabinet(cabinet::Cabinet),
    /// «Данные заявителя»; `problem` is a message about the last save that did not go through.
    Applicant {
        form: applicant::Applicant,
        problem: Option<String>,
    },
    Children(children::Children),
    ChildForm {
        form: child_form::ChildForm,
        problem: Option<String>,
    },
    /// «Предоставить документ».
    Document {
        form: document::Document,
        problem: Option<String>,
    },
    Capture(capture::Capture),
    /// «Подать заявление на получение сертификата».
    Application(application::Application),
    Confirm(confirm::Confirm),
    /// «Получение сертификата».
    Certificate(certificate::Certificate),
    Issued(issued::Issued),
    Print(print::Print),
    /// A resume code: shown to write down, or asked for after sign-in.
    Resume(resume::Resume),
}

#[derive(Debug, Clone)]
pub enum Message {
    Language(Lang),
    /// «Крупный текст»: all text at 150 % for the rest of the session, or back to normal.
    LargeText(bool),
    /// «Контраст»: the high-contrast theme for the rest of the session, or back to the normal one.
    HighContrast(bool),
    /// «Озвучить»: speech on or off for the rest of the session.
    Speech(bool),
    Welcome(welcome::Message),
    /// Enter that no widget took (no field focused): the screen's main button.
    Enter,
    /// A digit key no widget took: the n-th card of the page.
    Digit(usize),
    Back,
    SignIn(sign_in::Message),
    Cabinet(cabinet::Message),
    Applicant(applicant::Message),
    QrSignIn(qr_sign_in::Message),
    Children(children::Message),
    ChildForm(child_form::Message),
    Document(document::Message),
    Capture(capture::Message),
    Application(application::Message),
    Confirm(confirm::Message),
    /// Reference data for offline use, as kept in the store.
    Reference(way::Reference),
    Certificate(certificate::Message),
    Issued(issued::Message),
    Print(print::Message),
    /// «Продолжить без связи»: the registry went away in the middle of an application.
    ContinueOffline,
    /// «Продолжить позже».
    ResumeLater,
    /// The resume code screen, and the answers about resume drafts.
    Resume(resume::Message),
    FocusNext,
    FocusPrevious,
    Activity,
    Tick(Instant),
    StayHere,
    MonitorSize(window::Id, Option<Size>),
    Resized(Size),
    /// A key of the on-screen keyboard.
    Key(keyboard::Key),
    /// Which widget has the focus now (asked after each tap), so the on-screen keyboard knows the field.
    Focused(Option<iced::widget::Id>),
    /// The registry link changed (online, offline, latency).
    Link(crate::sync::Connectivity),
    /// Staff mode: the hidden corner, the PIN pad, the panel, assisted mode (see `staff_flow`).
    Staff(crate::screen::staff::Message),
    /// The password asked again before the session's end (see `renewal_flow`).
    Renewal(crate::screen::renewal::Message),
    FirstFrame,
    /// Time for a systemd watchdog ping (only under a unit with `WatchdogSec=`).
    Watchdog,
    Ignored,
    /// What a task produced, tagged with the session lifetime it was started in (see `App::update`).
    Of(u64, Box<Message>),
}

pub struct App {
    env: Env,
    i18n: I18n,
    metrics: Metrics,
    screen: Screen,
    session: Option<Session>,
    last_activity: Instant,
    idle_warning: bool,
    first_frame_seen: bool,
    keyboard: Keyboard,
    /// The text field the on-screen keyboard types into: the last one that had the focus.
    editing: Option<iced::widget::Id>,
    /// The registry link as last reported.
    link: crate::sync::Connectivity,
    /// A registry call of this session failed as unreachable: the offline way is offered from here on.
    unreachable: bool,
    /// The devices in one word each, as the heartbeats tell the registry (and staff) about them.
    devices: (&'static str, &'static str),
    /// The unfinished application, whichever way it goes.
    draft: Draft,
    /// The offline way, once taken in this session (see `way`).
    offline: Option<way::OfflineWay>,
    /// Reference data kept for the offline way: certificate groups and institutions.
    reference: way::Reference,
    /// Who processes the data, named in the notice and on an offline application's consent: the registry's own once
    /// the kiosk has reached it (kept with its config), until then the one configured.
    operator: pdo_core::api::Operator,
    /// Staff mode, over the applicant's screen (see `staff_flow`).
    staff: staff_flow::Staff,
    /// The password asked again before the session's end, with the field that was being edited before it opened.
    renewal: Option<(crate::screen::renewal::Renewal, Option<iced::widget::Id>)>,
    /// How often the systemd watchdog is pinged, when the service asks for it.
    watchdog: Option<Duration>,
    /// Which session's lifetime it is: moves on at every wipe, so answers to the previous person's requests are
    /// dropped whenever they arrive.
    lifetime: u64,
    /// 1.0, or 1.5 for large text.
    text_scale: f32,
    /// The high-contrast theme is on for this session.
    high_contrast: bool,
    /// Speech is on for this session (see `speech_flow`).
    speech: bool,
}

impl App {
    pub fn new(env: Env) -> Self {
        let i18n = I18n::new(default_lang(&env.config));
        let screen = Screen::Welcome(welcome::Welcome::new(env.operator.clone(), false));
        let operator = env.operator.clone();
        let env_large_text = env.config.large_text;
        let env_high_contrast = env.config.high_contrast;
        let env_speech = env.config.speech && env.speaker.available();
        Self {
            env,
            i18n,
            metrics: Metrics::default(),
            screen,
            session: None,
            last_activity: Instant::now(),
            idle_warning: false,
            first_frame_seen: false,
            keyboard: Keyboard::for_field(FieldKind::Latin),
            editing: Some(iced::widget::Id::new(sign_in::LOGIN_ID)),
            link: Default::default(),
            devices: ("unknown", "unknown"),
            unreachable: false,
            draft: Draft::default(),
            offline: None,
            reference: Default::default(),
            operator,
            staff: Default::default(),
            renewal: None,
            watchdog: crate::watchdog::period(),
            lifetime: 0,
            text_scale: text_scale(env_large_text),
            high_contrast: env_high_contrast,
            speech: env_speech,
        }
    }

    /// Fills the screen without a window manager: ask for the monitor's size, then move and resize to cover it.
    /// The login field gets the focus so a person can type at once.
    pub fn boot(env: Env) -> (Self, Task<Message>) {
        let fill_screen =
            window::latest().and_then(|id| window::monitor_size(id).map(move |size| Message::MonitorSize(id, size)));
        let app = Self::new(env);
        let startup = app.startup_tasks();
        (app, Task::batch([fill_screen, startup]))
    }

    /// What the app fetches as it starts, window aside: the reference data kept for offline applications.
    pub fn startup_tasks(&self) -> Task<Message> {
        self.refresh_reference()
    }

    /// The theme the kiosk is drawn with: the normal one, or high contrast for this session.
    pub fn theme(&self) -> iced::Theme {
        theme::Palette::theme(self.high_contrast)
    }

    pub fn title(&self) -> String {
        self.i18n.tr("app-title")
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// All text `scale` times its size (1.5: large text), the layout made again for it.
    pub fn set_text_scale(&mut self, scale: f32) {
        self.text_scale = scale;
        self.metrics = Metrics::scaled(self.metrics.window, self.screen_mm(), scale);
    }

    /// The sizes the screens are laid out with now (and the window they were made for).
    pub fn metrics(&self) -> Metrics {
        self.metrics
    }

    pub fn is_signed_in(&self) -> bool {
        self.session.is_some()
    }

    /// When the registry ends the current session (on the monotonic clock).
    pub fn session_ends_at(&self) -> Option<Instant> {
        self.session.as_ref().map(|s| s.ends_at)
    }

    /// Every task started here carries the lifetime it was started in, so what it produces later is matched against
    /// the session then current (`Message::Of`).
    pub fn update(&mut self, message: Message) -> Task<Message> {
        let lifetime = self.lifetime;
        // Clocks and link reports move no focus; after anything else the field being typed in is kept in view.
        let may_move_focus = !matches!(message, Message::Tick(_) | Message::Watchdog | Message::Link(_));
        let heard = self.heard();
        let task = self.update_now(message);
        if let Some(heard) = heard {
            self.say_new(heard);
        }
        self.fit_form_pages();
        let task = if may_move_focus && self.keyboard_open() {
            task.chain(crate::widget::typing::reveal_field(self.editing.clone()))
        } else {
            task
        };
        task.map(move |produced| Message::Of(lifetime, Box::new(produced)))
    }

    /// `update` for a message already inside an update: what its tasks produce is tagged once, by the outer `update`
    /// (shortcuts and the on-screen keyboard hand their messages on through here).
    fn update_now(&mut self, message: Message) -> Task<Message> {
        // Unwrapped to the end: a message tagged twice must still reach its screen (a doubly tagged sign-in answer
        // was once dropped here as if it were nothing, and the kiosk waited on «Проверяем…» for ever).
        let mut message = message;
        let mut started_in = None;
        while let Message::Of(lifetime, produced) = message {
            started_in = Some(started_in.map_or(lifetime, |earliest: u64| earliest.min(lifetime)));
            message = *produced;
        }
        if started_in.is_some_and(|lifetime| lifetime != self.lifetime) && session_bound(&message) {
            return self.late(message);
        }
        let message = match self.staff_filter(message) {
            Ok(message) => message,
            Err(task) => return task,
        };
        match message {
            Message::Language(lang) => {
                self.i18n.set_lang(lang);
                self.touch();
                Task::none()
            }
            Message::LargeText(on) => {
                self.touch();
                self.set_text_scale(text_scale(on));
                Task::none()
            }
            Message::HighContrast(on) => {
                self.touch();
                self.high_contrast = on;
                Task::none()
            }
            Message::Speech(on) => {
                self.touch();
                self.set_speech(on);
                Task::none()
            }
            Message::Welcome(msg) => {
                self.touch();
                let Screen::Welcome(screen) = &mut self.screen else { return Task::none() };
                match screen.update(msg) {
                    welcome::Action::Start { notice_version } => self.start(notice_version),
                }
            }
            Message::Enter if self.renewal.is_some() => self.renewal_message(crate::screen::renewal::Message::Submit),
            Message::Enter => self.enter(),
            // The screen under the dialog stays where it is.
            Message::Back if self.renewal.is_some() => Task::none(),
            Message::Digit(n) => self.pick(n),
            Message::Back => {
                self.touch();
                match &self.screen {
                    Screen::Welcome(_) => Task::none(),
                    // Before sign-in, back is the first screen; after it, back from the cabinet signs out.
                    Screen::SignIn(_) | Screen::Cabinet(_) => self.end_session(),
                    Screen::QrSignIn(_) => self.qr_action(qr_sign_in::Action::UsePassword),
                    Screen::Applicant { .. } => {
                        self.applicant_message(applicant::Message::Form(crate::widget::form::Message::Previous))
                    }
                    Screen::Children(_) => self.reopen_applicant(),
                    Screen::ChildForm { .. } => {
                        self.child_form_message(child_form::Message::Form(crate::widget::form::Message::Previous))
                    }
                    Screen::Document { .. } => {
                        self.document_message(document::Message::Form(crate::widget::form::Message::Previous))
                    }
                    Screen::Capture(_) => {
                        self.stop_camera();
                        self.step_back(Self::open_children)
                    }
                    Screen::Application(_) => self.application_message(application::Message::Back),
                    // Online, the application is saved at the registry: the cabinet shows it with its next step.
                    Screen::Certificate(_) => self.step_back(Self::open_cabinet),
                    Screen::Confirm(_) | Screen::Issued(_) => self.open_cabinet(),
                    Screen::Print(_) => {
                        let Screen::Print(screen) = &mut self.screen else { return Task::none() };
                        let action = screen.update(print::Message::Back);
                        self.print_action(action)
                    }
                    Screen::Resume(_) => self.open_cabinet(),
                }
            }
            Message::SignIn(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                let client = self.client();
                let Screen::SignIn(screen) = &mut self.screen else {
                    return self.unclaimed(&Message::SignIn(msg));
                };
                let action = screen.update(msg, &client);
                self.sign_in_action(action)
            }
            Message::QrSignIn(msg) => {
                // A poll tick is not the person's activity either.
                if !msg.is_result() && !matches!(msg, qr_sign_in::Message::Poll) {
                    self.touch();
                }
                let client = self.client();
                let Screen::QrSignIn(screen) = &mut self.screen else {
                    // Approved after the person left the QR code: nobody will use that session.
                    return self.unclaimed(&Message::QrSignIn(msg));
                };
                let action = screen.update(msg, &client);
                self.qr_action(action)
            }
            Message::Cabinet(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.cabinet_message(msg)
            }
            Message::Applicant(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.applicant_message(msg)
            }
            Message::Children(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.children_message(msg)
            }
            Message::ChildForm(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.child_form_message(msg)
            }
            Message::Document(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.document_message(msg)
            }
            Message::Capture(msg) => {
                match &msg {
                    // The camera is a fact of the kiosk too: the heartbeats tell the registry and staff.
                    capture::Message::Frame(_, hint) => self.report_camera(*hint),
                    capture::Message::Uploaded(_) => {}
                    // A scan taken counts as the person's activity, like a tap.
                    _ => self.touch(),
                }
                self.capture_message(msg)
            }
            Message::Application(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.application_message(msg)
            }
            Message::Confirm(msg) => {
                // A poll tick is not the person's activity either.
                if !msg.is_result() && msg != confirm::Message::Poll {
                    self.touch();
                }
                self.confirm_message(msg)
            }
            Message::Reference(reference) => self.reference_kept(reference),
            Message::Certificate(msg) => {
                if !msg.is_result() {
                    self.touch();
                }
                self.certificate_message(msg)
            }
            Message::Issued(msg) => {
                self.touch();
                let Screen::Issued(screen) = &mut self.screen else { return Task::none() };
                let action = screen.update(msg);
                self.issued_action(action)
            }
            Message::Print(msg) => {
                // The printer's state is a fact of the kiosk too: the heartbeats tell the registry and staff.
                if let print::Message::PrinterChecked(printer) = &msg {
                    self.report_printer(printer);
                }
                if !msg.is_result() {
                    self.touch();
                }
                let Screen::Print(screen) = &mut self.screen else { return Task::none() };
                let action = screen.update(msg);
                self.print_action(action)
            }
            Message::ContinueOffline => {
                self.touch();
                self.continue_offline()
            }
            Message::ResumeLater => {
                self.touch();
                self.resume_later()
            }
            Message::Resume(msg) => self.resume_message(msg),
            Message::FocusNext => {
                self.touch();
                operation::focus_next().chain(ask_focus())
            }
            Message::FocusPrevious => {
                self.touch();
                operation::focus_previous().chain(ask_focus())
            }
            Message::Activity => {
                self.touch();
                ask_focus()
            }
            Message::StayHere => {
                self.touch();
                Task::none()
            }
            // A tap elsewhere (a key, a button) leaves no field focused; the field being edited stays the last one.
            Message::Focused(Some(id)) => {
                if self.editing.as_ref() != Some(&id) {
                    self.keyboard = Keyboard::for_field(self.field_kind(&id));
                }
                self.editing = Some(id);
                Task::none()
            }
            Message::Focused(None) => Task::none(),
            Message::Key(key) => self.type_key(key),
            Message::Tick(now) => self.check_idle(now),
            Message::MonitorSize(id, Some(size)) => {
                tracing::debug!(?size, "monitor size");
                self.metrics = Metrics::scaled(size, self.screen_mm(), self.text_scale);
                Task::batch([window::move_to(id, Point::ORIGIN), window::resize(id, size)])
            }
            // `Of` is unwrapped above, however deep.
            Message::MonitorSize(_, None) | Message::Ignored | Message::Of(..) => Task::none(),
            Message::Link(link) => {
                let changed = link.link != self.link.link;
                let config_saved = link.config_saved_at != self.link.config_saved_at;
                self.link = link;
                if self.link.online() {
                    self.unreachable = false;
                }
                let offline = self.link.link == crate::sync::Link::Offline;
                match &mut self.screen {
                    Screen::SignIn(screen) => screen.set_offline(offline),
                    Screen::Welcome(screen) => screen.set_offline(offline),
                    _ => {}
                }
                if changed {
                    tracing::info!(link = ?self.link.link, "registry link");
                }
                // Back online, or a new config kept: the reference data and the operator are read again.
                if (changed && self.link.online()) || config_saved { self.refresh_reference() } else { Task::none() }
            }
            Message::Staff(msg) => self.staff_update(msg),
            Message::Renewal(msg) => self.renewal_message(msg),
            Message::Watchdog => {
                crate::watchdog::ping();
                Task::none()
            }
            Message::FirstFrame => {
                self.first_frame_seen = true;
                if let Some(path) = &self.env.startup_report {
                    crate::startup::report_first_frame(path);
                }
                Task::none()
            }
            Message::Resized(size) => {
                tracing::debug!(?size, "window resized");
                self.metrics = Metrics::scaled(size, self.screen_mm(), self.text_scale);
                Task::none()
            }
        }
    }

    /// From the notice to the sign-in form; the notice version shown is counted (a name and a number, no person).
    fn start(&mut self, notice_version: &'static str) -> Task<Message> {
        let mut screen = sign_in::SignIn::new(self.env.demo_hint.clone());
        screen.set_offline(self.link.link == crate::sync::Link::Offline);
        self.screen = Screen::SignIn(screen);
        let store = self.env.store.clone();
        let record = Task::future(async move {
            if let Err(err) = store.count(format!("notice_shown:{notice_version}")).await {
                tracing::warn!(error = %err, "notice version not recorded");
            }
            Message::Ignored
        });
        Task::batch([self.focus_field(sign_in::LOGIN_ID), record])
    }

    /// An answer to a request of a session that has ended: dropped, and a registry session it opened is revoked.
    fn late(&self, produced: Message) -> Task<Message> {
        tracing::debug!("an answer for an ended session dropped");
        self.unclaimed(&produced)
    }

    /// Ends a registry session at the registry too (sign-out, or an answer nobody is waiting for any more).
    pub(super) fn revoke_unused(&self, token: String) -> Task<Message> {
        let client = self.env.client.clone();
        Task::future(async move {
            if let Err(err) = client.sign_out(token).await {
                tracing::warn!(error = %err, "registry session not revoked; it expires by itself");
            }
            Message::Ignored
        })
    }

    /// A session began (password or phone): the cabinet opens.
    fn signed_in(&mut self, session: SessionResponse) -> Task<Message> {
        self.session = Some(Session::new(session.token, session.account, session.expires_at));
        self.touch();
        Task::batch([self.open_cabinet(), self.count("sessions_started"), self.check_waiting_draft()])
    }

    /// Drops everything the applicant entered and returns to a fresh sign-in screen in the default language.
    /// The first screen, saying so when the registry is out of reach.
    pub(super) fn welcome(&self) -> Screen {
        Screen::Welcome(welcome::Welcome::new(self.operator.clone(), self.link.link == crate::sync::Link::Offline))
    }

    fn end_session(&mut self) -> Task<Message> {
        self.lifetime += 1;
        let token = self.session.take().map(|s| s.token);
        self.offline = None;
        self.draft = Draft::default();
        self.unreachable = false;
        self.stop_camera();
        self.screen = self.welcome();
        self.i18n.set_lang(default_lang(&self.env.config));
        self.set_text_scale(text_scale(self.env.config.large_text));
        self.high_contrast = self.env.config.high_contrast;
        self.env.speaker.hush();
        self.speech = self.env.config.speech && self.speech_available();
        self.idle_warning = false;
        self.renewal = None;
        self.keyboard = Keyboard::for_field(FieldKind::Latin);
        self.editing = Some(iced::widget::Id::new(sign_in::LOGIN_ID));
        tracing::info!("session wiped");
        token.map_or_else(Task::none, |token| self.revoke_unused(token))
    }

    /// The registry client, answering in the person's language.
    fn client(&self) -> RegistryClient {
        self.env.client.clone().with_lang(self.i18n.lang())
    }

    /// The client and the session's token a screen's `Registry` is made of (taken before the screen is borrowed;
    /// the token is empty when nobody signed in).
    fn registry_parts(&self) -> (RegistryClient, String) {
        (self.client(), self.session.as_ref().map(|s| s.token.clone()).unwrap_or_default())
    }

    fn ctx(&self) -> ViewContext<'_> {
        ViewContext { i18n: &self.i18n, metrics: self.metrics }
    }

    /// A plain sentence for a failed call (`screen::problem_text`); an unreachable registry is noted, so the offline
    /// way is offered from here on.
    fn problem_text(&mut self, err: Option<&ClientError>) -> String {
        let Some(err) = err else { return String::new() };
        self.unreachable |= matches!(err, ClientError::Unreachable);
        crate::screen::problem_text(&self.i18n, err)
    }

    /// Adds one to an anonymous counter of the office (no person in it).
    fn count(&self, name: &'static str) -> Task<Message> {
        let store = self.env.store.clone();
        Task::future(async move {
            if let Err(err) = store.count(name).await {
                tracing::warn!(error = %err, "counter not recorded");
            }
            Message::Ignored
        })
    }

    fn touch(&mut self) {
        self.last_activity = Instant::now();
        self.idle_warning = false;
    }

    /// Whether the idle clock runs: while there is anything of a person to wipe, or a phone sign-in is waiting (an
    /// approval that comes after the person walked away must not open their cabinet for the next one).
    fn has_applicant_data(&self) -> bool {
        self.session.is_some()
            || self.on_offline_way()
            || matches!(&self.screen, Screen::SignIn(s) if s.has_input())
            || matches!(&self.screen, Screen::QrSignIn(_))
    }

    fn check_idle(&mut self, now: Instant) -> Task<Message> {
        if !self.has_applicant_data() {
            return Task::none();
        }
        if let Some(task) = self.check_lifetime(now) {
            return task;
        }
        let idle = now.saturating_duration_since(self.last_activity);
        let warn_after = Duration::from_secs(self.env.config.idle_timeout_secs) * self.idle_patience();
        let wipe_after = warn_after + Duration::from_secs(self.env.config.idle_grace_secs);
        if idle >= wipe_after {
            tracing::info!(idle_secs = idle.as_secs(), "inactivity timeout");
            // Nobody is at the kiosk: staff assistance ends with the session, so the next person sees no banner.
            Task::batch([self.end_assisting(), self.end_session()])
        } else {
            self.idle_warning = idle >= warn_after;
            Task::none()
        }
    }

    /// How many idle periods to allow: more while the person is reading mail on their phone.
    fn idle_patience(&self) -> u32 {
        if matches!(self.screen, Screen::Confirm(_) | Screen::QrSignIn(_)) { 3 } else { 1 }
    }

    fn screen_mm(&self) -> (f32, f32) {
        (self.env.config.screen_width_mm, self.env.config.screen_height_mm)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let ctx = ViewContext { i18n: &self.i18n, metrics: self.metrics };
        let content = match &self.screen {
            Screen::Welcome(screen) => screen.view(ctx).map(Message::Welcome),
            Screen::SignIn(screen) => screen.view(ctx).map(Message::SignIn),
            Screen::QrSignIn(screen) => screen.view(ctx, Instant::now()).map(Message::QrSignIn),
            Screen::Cabinet(screen) => screen.view(ctx).map(Message::Cabinet),
            Screen::Applicant { form, problem } => form.view(ctx, problem.clone()).map(Message::Applicant),
            Screen::Children(screen) => screen.view(ctx).map(Message::Children),
            Screen::ChildForm { form, problem } => form.view(ctx, problem.clone()).map(Message::ChildForm),
            Screen::Document { form, problem } => form.view(ctx, problem.clone()).map(Message::Document),
            Screen::Capture(screen) => screen.view(ctx).map(Message::Capture),
            Screen::Application(screen) => screen.view(ctx).map(Message::Application),
            Screen::Confirm(screen) => screen.view(ctx, Instant::now()).map(Message::Confirm),
            Screen::Certificate(screen) => screen.view(ctx).map(Message::Certificate),
            Screen::Issued(screen) => screen.view(ctx).map(Message::Issued),
            Screen::Print(screen) => screen.view(ctx).map(Message::Print),
            Screen::Resume(screen) => screen.view(ctx).map(Message::Resume),
        };
        // With the renewal dialog open, its own keyboard is shown over the screen (see `renewal_view`).
        let content = if self.keyboard_open() {
            crate::widget::typing::with_keyboard(
                ctx,
                content,
                self.keyboard.view(ctx, &self.edited_value(), Message::Key),
            )
        } else {
            content
        };
        let framed = chrome::frame(ctx, self.env.demo_hint.is_some(), Message::Language, self.nav(), content);
        let shown = match self.renewal_view(ctx) {
            Some(renewal) => stack![framed, opaque(renewal)].into(),
            None => framed,
        };
        let shown = if self.idle_warning { stack![shown, opaque(self.idle_dialog(ctx))].into() } else { shown };
        self.staff_view(ctx, shown)
    }

    fn nav(&self) -> chrome::Nav<Message> {
        let (step, back) = match &self.screen {
            Screen::Welcome(_) => (None, false),
            Screen::SignIn(_) | Screen::QrSignIn(_) => (Some(1), true),
            Screen::Cabinet(_) => (Some(2), true),
            Screen::Applicant { .. } => (Some(3), true),
            Screen::Children(_) | Screen::ChildForm { .. } => (Some(4), true),
            Screen::Document { .. } => (Some(5), true),
            Screen::Capture(_) => (Some(6), true),
            Screen::Application(_) => (Some(7), true),
            Screen::Confirm(_) => (Some(8), true),
            Screen::Certificate(_) | Screen::Issued(_) => (Some(9), true),
            Screen::Print(_) => (Some(10), true),
            Screen::Resume(_) => (None, true),
        };
        chrome::Nav {
            step: step.map(|n| (n, TOTAL_STEPS)),
            back: back.then_some(Message::Back),
            later: self.can_resume_later().then_some(Message::ResumeLater),
            offline: self.can_continue_offline().then_some(Message::ContinueOffline),
            offline_way: self.offline_banner(),
            large_text: (self.text_scale > 1.0, Message::LargeText(self.text_scale <= 1.0)),
            high_contrast: (self.high_contrast, Message::HighContrast(!self.high_contrast)),
            speech: (self.speech, self.speech_available().then_some(Message::Speech(!self.speech))),
        }
    }

    fn idle_dialog(&self, ctx: ViewContext<'_>) -> Element<'_, Message> {
        let left = self.env.config.idle_grace_secs.saturating_sub(
            Instant::now()
                .saturating_duration_since(self.last_activity)
                .as_secs()
                .saturating_sub(self.env.config.idle_timeout_secs * u64::from(self.idle_patience())),
        );
        let dialog = container(
            column![
                text(ctx.i18n.tr("idle-title")).size(ctx.metrics.title).font(FONT_BOLD_FACE),
                text(ctx.i18n.tr_with("idle-body", [("seconds", left.into())])).size(ctx.metrics.text),
                big_button(ctx, ctx.i18n.tr("idle-continue"), Some(Message::StayHere)),
            ]
            .spacing(ctx.metrics.spacing)
            .max_width(ctx.metrics.text * 28.0),
        )
        .padding(ctx.metrics.text * 1.5)
        .style(container::rounded_box);
        center(dialog)
            .style(|_| container::Style { background: Some(theme::SCRIM.into()), ..Default::default() })
            .into()
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let input = event::listen_with(|event, status, _window| match event {
            Event::Keyboard(keys::Event::KeyPressed { key: keys::Key::Named(key::Named::Enter), .. })
                if status == event::Status::Ignored =>
            {
                Some(Message::Enter)
            }
            Event::Keyboard(keys::Event::KeyPressed { key: keys::Key::Named(key::Named::Escape), .. })
                if status == event::Status::Ignored =>
            {
                Some(Message::Back)
            }
            Event::Keyboard(keys::Event::KeyPressed { key: keys::Key::Character(c), .. })
                if status == event::Status::Ignored && shortcuts::digit(c.as_str()).is_some() =>
            {
                shortcuts::digit(c.as_str()).map(Message::Digit)
            }
            Event::Keyboard(keys::Event::KeyPressed { key: keys::Key::Named(key::Named::Tab), modifiers, .. }) => {
                Some(if modifiers.shift() { Message::FocusPrevious } else { Message::FocusNext })
            }
            Event::Keyboard(keys::Event::KeyPressed { .. })
            | Event::Mouse(iced::mouse::Event::ButtonPressed(_))
            | Event::Touch(iced::touch::Event::FingerPressed { .. }) => Some(Message::Activity),
            _ => None,
        });
        let resized = window::resize_events().map(|(_, size)| Message::Resized(size));
        // Answered by `update`, so the pings stop when the UI loop does.
        let watchdog = match self.watchdog {
            Some(every) => iced::time::every(every).map(|_| Message::Watchdog),
            None => Subscription::none(),
        };
        // The clock only ticks while there is something to wipe, so an idle kiosk uses no CPU.
        let idle = if self.has_applicant_data() {
            iced::time::every(Duration::from_secs(1)).map(Message::Tick)
        } else {
            Subscription::none()
        };
        let first_frame = if self.env.startup_report.is_some() && !self.first_frame_seen {
            window::frames().map(|_| Message::FirstFrame)
        } else {
            Subscription::none()
        };
        let poll = match &self.screen {
            Screen::Confirm(screen) => screen.subscription().map(Message::Confirm),
            _ => Subscription::none(),
        };
        Subscription::batch([
            input,
            resized,
            watchdog,
            idle,
            first_frame,
            poll,
            self.camera_subscription(),
            self.qr_subscription(),
            self.link_subscription(),
            self.staff_subscription(),
        ])
    }
}

/// The answers that belong to one person's session: registry calls, the store's drafts and queue, the camera's scan,
/// the forms and the printer. A screen's own answers are named by its `Message::is_result`. Everything else (the
/// window, the link, reference data, staff mode, taps) outlives sessions.
fn session_bound(message: &Message) -> bool {
    match message {
        Message::SignIn(message) => message.is_result(),
        Message::QrSignIn(message) => message.is_result(),
        Message::Confirm(message) => message.is_result(),
        Message::Certificate(message) => message.is_result(),
        Message::Cabinet(message) => message.is_result(),
        Message::Children(message) => message.is_result(),
        Message::Application(message) => message.is_result(),
        Message::Capture(message) => message.is_result(),
        Message::Document(message) => message.is_result(),
        Message::ChildForm(message) => message.is_result(),
        Message::Applicant(message) => message.is_result(),
        Message::Print(message) => message.is_result(),
        Message::Renewal(message) => message.is_result(),
        Message::Resume(message) => message.is_result(),
        _ => false,
    }
}

/// Asks which widget has the focus; answered with `Message::Focused`.
fn ask_focus() -> Task<Message> {
    iced::advanced::widget::operate(iced::advanced::widget::operation::focusable::find_focused())
        .map(|id| Message::Focused(Some(id)))
}

/// The size of all text: 150 % with «Крупный текст» on.
fn text_scale(large: bool) -> f32 {
    if large { 1.5 } else { 1.0 }
}

fn default_lang(config: &Config) -> Lang {
    if config.language == "en" { Lang::En } else { Lang::Ru }
}
