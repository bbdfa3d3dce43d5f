//! A real X server (Xvfb) with the real kiosk binary in it, driven with xdotool and read back with a screenshot
//! and OCR, as a person would see it. Every child process is killed when the guard drops.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Display {
    pub name: String,
    server: Child,
    log: PathBuf,
}

impl Display {
    /// Starts Xvfb with a 1920×1080 screen on a display number it picks itself (`-displayfd`: no race with other
    /// test processes starting X servers at the same moment) and waits until it answers.
    ///
    /// `-noreset`: by default Xvfb resets itself when its last client leaves, which the readiness probe is; a CI
    /// run saw the kiosk, connecting right then, refused (`XOpenDisplayFailed`). What Xvfb says goes to a log that
    /// a failure prints.
    pub fn start() -> Display {
        Self::start_sized("1920x1080")
    }

    /// The same with a screen of another size ("1080x1920" for a portrait panel).
    pub fn start_sized(size: &str) -> Display {
        use std::io::BufRead;
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let serial = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("xvfb-{}-{serial}.log", std::process::id()));
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", &format!("{size}x24"), "-nolisten", "tcp", "-noreset"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("a log file for Xvfb"))
            .spawn()
            .expect("Xvfb must be installed: run scripts/install-deps.sh test");
        let mut number = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut number).unwrap();
        let number = number.trim();
        assert!(!number.is_empty() && number.chars().all(|c| c.is_ascii_digit()), "Xvfb gave no display: {number:?}");
        let mut display = Display { name: format!(":{number}"), server, log };
        if !display.wait_ready() {
            panic!("Xvfb on {} never answered: {}", display.name.clone(), display.log());
        }
        display
    }

    /// What Xvfb printed so far, and whether it is still running.
    pub fn log(&mut self) -> String {
        let state = match self.server.try_wait() {
            Ok(Some(status)) => format!("Xvfb exited with {status}"),
            _ => "Xvfb is running".to_string(),
        };
        format!("{state}; its log:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default())
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.server.try_wait() {
                return false;
            }
            let ok = Command::new("xdpyinfo")
                .args(["-display", &self.name])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("DISPLAY", &self.name);
        command
    }

    /// Runs a command on this display and returns its standard output; panics on failure.
    pub fn output(&self, program: &str, args: &[&str]) -> String {
        let out = self.command(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Saves the whole screen as PNG.
    pub fn screenshot(&self, path: &Path) {
        self.output("import", &["-window", "root", path.to_str().unwrap()]);
    }

    /// The text tesseract reads on the screen (Russian and English), from the screenshot and from a thresholded,
    /// enlarged negative of it: white text on coloured buttons only reads as dark text on white.
    pub fn read_screen(&self, dir: &Path) -> String {
        let shot = dir.join("ocr.png");
        let light_text = dir.join("ocr-light-text.png");
        self.screenshot(&shot);
        let status = Command::new("convert")
            .arg(&shot)
            // Enlarged: at screen size tesseract dropped the first letter of «Начать» on its dark blue button.
            .args(["-colorspace", "Gray", "-threshold", "75%", "-negate", "-resize", "150%"])
            .arg(&light_text)
            .status()
            .expect("ImageMagick");
        assert!(status.success(), "convert failed");
        // The bottom band alone too: tesseract's page layout drops a button standing alone under empty space (the
        // first screen's «Начать», pinned at the bottom), though it reads it at once in a crop.
        let bottom = dir.join("ocr-bottom.png");
        let status = Command::new("convert")
            .arg(&light_text)
            .args(["-gravity", "South", "-crop", "100%x25%+0+0", "+repage"])
            .arg(&bottom)
            .status()
            .expect("ImageMagick");
        assert!(status.success(), "convert failed");
        [shot, light_text, bottom]
            .iter()
            .map(|image| {
                let out = Command::new("tesseract")
                    .args([image.to_str().unwrap(), "-", "-l", "rus+eng"])
                    .stderr(Stdio::null())
                    .output()
                    .expect("tesseract must be installed: run scripts/install-deps.sh test");
                String::from_utf8_lossy(&out.stdout).into_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Polls the screen until its text contains every one of `needles`, or panics with what it read last.
    pub fn wait_for_text(&self, dir: &Path, needles: &[&str], timeout: Duration) -> String {
        match self.try_wait_for_text(dir, needles, timeout) {
            Ok(text) => text,
            Err(text) => {
                // Kept where a person can look at it after the run (the temp dir goes with the test).
                let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("xvfb-last-failure.png");
                let _ = std::fs::copy(dir.join("ocr.png"), &kept);
                panic!("screen never showed {needles:?} (screenshot: {}); last read:\n{text}", kept.display());
            }
        }
    }

    /// The same, answering with what it read last instead of panicking.
    pub fn try_wait_for_text(&self, dir: &Path, needles: &[&str], timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.read_screen(dir);
            // OCR drops a space now and then («Войти стелефона»): words are matched without their spaces.
            let squeezed: String = text.split_whitespace().collect();
            if needles.iter().all(|n| squeezed.contains(&n.split_whitespace().collect::<String>())) {
                return Ok(text);
            }
            if Instant::now() >= deadline {
                return Err(text);
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// Presses `key` on the kiosk's window `window` until the screen shows `needles`: at most three presses, the
    /// window's X focus set again before each. Without a window manager a key now and then went nowhere (two CI runs
    /// lost the Return on the notice, the window focused and the notice drawn), and a person would press again too.
    /// It presses again only while the screen still shows `before` (the key really went nowhere): a CI run whose OCR
    /// missed a word on the new screen pressed Return there too and sent an empty sign-in form.
    pub fn press_until(&self, window: &str, key: &str, dir: &Path, before: &[&str], needles: &[&str]) -> String {
        for _ in 0..2 {
            self.output("xdotool", &["windowfocus", "--sync", window]);
            self.output("xdotool", &["key", key]);
            if let Ok(text) = self.try_wait_for_text(dir, needles, Duration::from_secs(10)) {
                return text;
            }
            if self.try_wait_for_text(dir, before, Duration::ZERO).is_err() {
                break;
            }
        }
        if self.try_wait_for_text(dir, before, Duration::ZERO).is_ok() {
            self.output("xdotool", &["windowfocus", "--sync", window]);
            self.output("xdotool", &["key", key]);
        }
        self.wait_for_text(dir, needles, Duration::from_secs(30))
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The kiosk binary running on a display, with its own data dir.
pub struct Kiosk {
    child: Child,
    pub data_dir: PathBuf,
}

impl Kiosk {
    pub fn start(display: &Display, data_dir: &Path, extra: &[&str]) -> Kiosk {
        Self::start_with_env(display, data_dir, extra, &[])
    }

    /// The same with environment variables of the test's own (systemd's notify socket, say).
    pub fn start_with_env(display: &Display, data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Kiosk {
        let child = display
            .command(env!("CARGO_BIN_EXE_pdo-kiosk"))
            .envs(env.iter().copied())
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--config")
            .arg(data_dir.join("kiosk.toml"))
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data_dir.join("stderr.log")).unwrap())
            .spawn()
            .expect("the kiosk binary starts");
        Kiosk { child, data_dir: data_dir.to_path_buf() }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn assert_running(&mut self) {
        if let Some(why) = self.exited() {
            panic!("{why}");
        }
    }

    fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        let log = std::fs::read_to_string(self.data_dir.join("stderr.log")).unwrap_or_default();
        Some(format!("the kiosk exited with {status}:\n{log}"))
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The id of the kiosk's window once it is mapped.
pub fn wait_for_window(display: &mut Display, kiosk: &mut Kiosk) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(why) = kiosk.exited() {
            panic!("{why}\n{}", display.log());
        }
        let out = display
            .command("xdotool")
            .args(["search", "--onlyvisible", "--pid", &kiosk.pid().to_string()])
            .output()
            .unwrap();
        if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
            // Without a window manager nobody gives the window the X input focus (cage does on a real kiosk), and
            // keys follow the pointer; a CI run lost the Return typed on the notice. This sets the window's X focus
            // only: which field has the focus inside the kiosk stays the kiosk's doing.
            display.output("xdotool", &["windowfocus", "--sync", id]);
            return id.to_string();
        }
        assert!(Instant::now() < deadline, "the kiosk window never appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
}
