//! Shared helpers for the GUI tests: an app wired to a temporary store, and a headless UI to run operations on.
#![allow(dead_code, unused_imports)]

use iced::{Settings, Size};
use iced_test::Simulator;
use iced_test::core::widget::{Operation, operation};
use iced_test::runtime::UserInterface;
use iced_test::runtime::user_interface::Cache;
use pdo_kiosk::app::{App, Env, Message};
use pdo_kiosk::config::{self, Config};
use pdo_kiosk::registry::RegistryClient;
use pdo_kiosk::store::Store;
use pdo_kiosk::theme;
use std::collections::VecDeque;

mod flow;
pub use flow::*;

#[path = "../../crates/registry/tests/support/smtp.rs"]
mod smtp;
pub use smtp::SmtpSink;

pub const SCREEN: Size = Size::new(1920.0, 1080.0);

pub struct TestApp {
    pub app: App,
    /// The kiosk's own store (a real SQLite file in `dir`).
    pub store: Store,
    pub dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// An app whose registry is `registry_url` (nothing needs to listen there unless a test signs in).
pub fn app_with(registry_url: &str, demo_hint: Option<(String, String)>) -> TestApp {
    app_configured(registry_url, demo_hint, Config::default())
}

/// The same with settings of the test's own (a printer, say).
pub fn app_configured(registry_url: &str, demo_hint: Option<(String, String)>, config: Config) -> TestApp {
    app_speaking(registry_url, demo_hint, config, std::sync::Arc::new(pdo_kiosk::speech::Silent))
}

/// The same, speaking through `speaker` when speech is on.
pub fn app_speaking(
    registry_url: &str,
    demo_hint: Option<(String, String)>,
    config: Config,
    speaker: std::sync::Arc<dyn pdo_kiosk::speech::Speaker>,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
    let store_clone = store.clone();
    let client = RegistryClient::new(config::registry_url(registry_url).unwrap());
    let operator = pdo_core::api::Operator {
        name: "Тестовый оператор реестра (вымышленный)".into(),
        address: "г. Примерный, ул. Вымышленная, д. 1".into(),
    };
    let drafts =
        pdo_kiosk::session::Drafts::open(store.clone(), dir.path(), pdo_kiosk::session::resume::DEFAULT_KEEP).unwrap();
    let env = Env {
        config,
        client,
        store,
        demo_hint,
        operator,
        startup_report: None,
        sync: None,
        demo_mail: None,
        drafts: Some(drafts),
        speaker,
    };
    let mut app = App::new(env);
    let _ = app.update(Message::Resized(SCREEN));
    TestApp { app, store: store_clone, dir: dir.path().to_path_buf(), _dir: dir }
}

/// An app past the first screen, on the sign-in form.
pub fn app_at_sign_in(registry_url: &str, demo_hint: Option<(String, String)>) -> TestApp {
    let mut t = app_with(registry_url, demo_hint);
    let _ = t.app.update(Message::Welcome(pdo_kiosk::screen::welcome::Message::Start));
    t
}

/// The sign-in form filled in and sent, waiting for the registry's answer (which the test then hands in).
pub fn submitted(t: &mut TestApp) {
    use pdo_kiosk::screen::sign_in;
    let _ = t.app.update(Message::SignIn(sign_in::Message::LoginChanged("test.login".into())));
    let _ = t.app.update(Message::SignIn(sign_in::Message::PasswordChanged("test-password".into())));
    let _ = t.app.update(Message::SignIn(sign_in::Message::Submit));
}

pub fn app() -> TestApp {
    app_at_sign_in("http://127.0.0.1:9", None)
}

/// Runs the app's tasks the way the runtime would for what matters without a window: every message a task
/// produces goes back into `update`, and the tasks that returns are run too, until nothing is left. Widget and
/// window actions (focus, resize) are dropped here; the simulator and `Headless` cover those.
pub async fn settle(app: &mut App, task: iced::Task<Message>) {
    use iced_test::futures::futures::StreamExt;
    use iced_test::runtime::Action;
    let mut queue = VecDeque::from([task]);
    while let Some(task) = queue.pop_front() {
        let Some(mut stream) = iced_test::runtime::task::into_stream(task) else { continue };
        while let Some(action) = stream.next().await {
            if let Action::Output(message) = action {
                queue.push_back(app.update(message));
            }
        }
    }
}

/// Clicks the button with this text in the simulator, then settles every task that follows.
pub async fn press(app: &mut App, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = simulator(app);
        ui.click(label).unwrap_or_else(|e| {
            let screen: String = format!("{:?}", app.screen()).chars().take(300).collect();
            panic!("no {label:?} to press: {e:?}\non {screen}")
        });
        ui.into_messages().collect()
    };
    for message in messages {
        let task = app.update(message);
        settle(app, task).await;
    }
}

/// Sends one message and settles what follows.
pub async fn send(app: &mut App, message: Message) {
    let task = app.update(message);
    settle(app, task).await;
}

/// Whether this text is on the screen now.
pub fn shows(app: &App, text: &str) -> bool {
    simulator(app).find(text).is_ok()
}

pub fn settings() -> Settings {
    Settings {
        fonts: vec![theme::FONT_REGULAR.into(), theme::FONT_BOLD.into()],
        default_font: theme::FONT,
        ..Settings::default()
    }
}

/// The app's view in a simulated window of the size the app was laid out for (`SCREEN` unless a test resized it).
pub fn simulator(app: &App) -> Simulator<'_, Message> {
    Simulator::with_size(settings(), app.metrics().window, app.view())
}

/// A portrait panel: the common 21.5-inch one stood on its side.
pub const PORTRAIT: Size = Size::new(1080.0, 1920.0);

/// The panel's size in millimetres for a window of this shape (the configured 21.5-inch panel, either way up).
pub fn panel_mm(window: Size) -> (f32, f32) {
    if window.width > window.height { (476.0, 268.0) } else { (268.0, 476.0) }
}

/// An app laid out for a window of `size` on the matching panel, past the first screen.
pub fn app_sized(registry_url: &str, size: Size) -> TestApp {
    let (screen_width_mm, screen_height_mm) = panel_mm(size);
    let config = Config { screen_width_mm, screen_height_mm, ..Config::default() };
    let mut t = app_configured(registry_url, None, config);
    let _ = t.app.update(Message::Resized(size));
    let _ = t.app.update(Message::Welcome(pdo_kiosk::screen::welcome::Message::Start));
    t
}

/// A real `UserInterface` of the app's view that keeps widget state (focus) between operations.
pub struct Headless<'a> {
    ui: UserInterface<'a, Message, iced::Theme, iced::Renderer>,
    renderer: iced::Renderer,
}

impl<'a> Headless<'a> {
    pub fn new(app: &'a App) -> Self {
        for font in settings().fonts {
            iced_test::renderer::graphics::text::font_system().write().unwrap().load_font(font);
        }
        let mut renderer = iced_test::futures::futures::executor::block_on(
            <iced::Renderer as iced_test::core::renderer::Headless>::new(theme::FONT, 16.into(), None),
        )
        .expect("a headless tiny-skia renderer");
        let ui = UserInterface::build(app.view(), app.metrics().window, Cache::default(), &mut renderer);
        Self { ui, renderer }
    }

    /// Runs a widget operation to its end (operations such as `focus_next` chain several passes).
    pub fn run<T: 'static>(&mut self, op: impl Operation<T> + 'static) -> Option<T> {
        let mut op: Box<dyn Operation<T>> = Box::new(op);
        loop {
            self.ui.operate(&self.renderer, &mut operation::black_box(op.as_mut()));
            match op.finish() {
                operation::Outcome::None => return None,
                operation::Outcome::Some(value) => return Some(value),
                operation::Outcome::Chain(next) => op = next,
            }
        }
    }

    pub fn focused(&mut self) -> Option<iced::widget::Id> {
        self.run(operation::focusable::find_focused())
    }
}
