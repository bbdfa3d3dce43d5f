//! The real kiosk binary under Xvfb against a separately started `pdo-registry serve --demo`, read back with OCR
//! as a person would see it: after a wrong password the message, «Войти» and «Войти с телефона» are all on the
//! screen (they used to be pushed under the on-screen keyboard), on a landscape and on a portrait panel.

#[path = "support/xvfb.rs"]
mod xvfb;

use std::process::{Child, Command, Stdio};
use std::time::Duration;
use xvfb::{Display, Kiosk, wait_for_window};

/// `pdo-registry serve --demo` on a port of its own, killed when dropped.
struct Registry {
    child: Child,
    url: String,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The registry binary `cargo test --workspace` built beside this test's own binary.
fn registry_binary() -> std::path::PathBuf {
    let deps = std::env::current_exe().unwrap();
    let binary = deps.parent().and_then(|d| d.parent()).unwrap().join("pdo-registry");
    assert!(binary.exists(), "{} missing: run the tests with `cargo test --workspace`", binary.display());
    binary
}

fn start_registry(dir: &std::path::Path) -> Registry {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let child = Command::new(registry_binary())
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}"), "--public-url", &url])
        .arg("--db")
        .arg(dir.join("registry.sqlite3"))
        .arg("--mail-dir")
        .arg(dir.join("mail"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("registry.log")).unwrap())
        .spawn()
        .expect("pdo-registry starts");
    let registry = Registry { child, url };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return registry;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the registry never listened: {}", std::fs::read_to_string(dir.join("registry.log")).unwrap_or_default());
}

fn wrong_password_keeps_everything_in_view(size: &str) {
    let dir = tempfile::tempdir().unwrap();
    let registry = start_registry(dir.path());
    let mut display = Display::start_sized(size);
    let kiosk_dir = dir.path().join("kiosk");
    std::fs::create_dir_all(&kiosk_dir).unwrap();
    let operator = ["--operator-name", "Тестовый оператор (вымышленный)", "--operator-address", "г. Примерный, д. 1"];
    let mut args = vec!["--registry", registry.url.as_str()];
    args.extend(operator);
    let mut kiosk = Kiosk::start(&display, &kiosk_dir, &args);
    let window = wait_for_window(&mut display, &mut kiosk);

    display.wait_for_text(&kiosk_dir, &["Начать"], Duration::from_secs(30));
    display.press_until(&window, "Return", &kiosk_dir, &["Начать"], &["Вход в личный кабинет"]);
    display.output("xdotool", &["type", "--delay", "40", "demo.roditel"]);
    display.output("xdotool", &["key", "Tab"]);
    display.output("xdotool", &["type", "--delay", "40", "not-the-password"]);
    display.output("xdotool", &["key", "Return"]);

    let needles = ["Логин или пароль не подошли", "Войти", "Войти с телефона"];
    let text = display.wait_for_text(&kiosk_dir, &needles, Duration::from_secs(30));
    // The keyboard is open under (or beside) the form all along.
    assert!(text.contains("Стереть") && text.contains("Пробел"), "the on-screen keyboard is not shown: {text}");
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sign-in-wrong-password-{size}.png"));
    display.screenshot(&shot);
    kiosk.assert_running();
}

#[test]
fn a_wrong_password_leaves_message_and_both_buttons_readable() {
    for size in ["1920x1080", "1080x1920"] {
        wrong_password_keeps_everything_in_view(size);
    }
}
