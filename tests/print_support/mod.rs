//! Shared by the printing tests: a real IPP Everywhere printer (CUPS' `ippeveprinter`) on a free port, keeping
//! every job's file in a spool folder, and the avahi/D-Bus daemons it needs, started when they are not running.
#![allow(dead_code)]

use pdo_kiosk::print::ipp::{PrintOptions, Printer};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn status_ok(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn alive(pid_file: &str) -> bool {
    std::fs::read_to_string(pid_file)
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}

/// Starts the system D-Bus and avahi-daemon unless they already run (ippeveprinter refuses to start without
/// DNS-SD). Safe to call from parallel tests.
pub fn ensure_avahi() {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap();
    if status_ok(Command::new("avahi-daemon").arg("--check")) {
        return;
    }
    std::fs::create_dir_all("/run/dbus").expect("create /run/dbus (the test runs as root)");
    if !alive("/run/dbus/pid") {
        let _ = std::fs::remove_file("/run/dbus/pid");
        let _ = std::fs::remove_file("/run/dbus/system_bus_socket");
        assert!(status_ok(Command::new("dbus-daemon").args(["--system", "--fork"])), "dbus-daemon did not start");
    }
    let _ = std::fs::remove_file("/run/avahi-daemon/pid");
    assert!(status_ok(Command::new("avahi-daemon").args(["-D", "--no-drop-root"])), "avahi-daemon did not start");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !status_ok(Command::new("avahi-daemon").arg("--check")) {
        assert!(Instant::now() < deadline, "avahi-daemon is not running 10 s after starting it");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An ippeveprinter of our own, killed when dropped.
pub struct TestPrinter {
    child: Child,
    pub port: u16,
    pub spool: tempfile::TempDir,
}

impl TestPrinter {
    pub fn start(name: &str) -> TestPrinter {
        Self::start_with(name, &[])
    }

    /// With extra ippeveprinter options, e.g. `-c SCRIPT` to "print" each job with a script of ours.
    pub fn start_with(name: &str, extra: &[&str]) -> TestPrinter {
        ensure_avahi();
        let spool = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new("ippeveprinter")
            .args(["-p", &port.to_string(), "-k", "-d"])
            .arg(spool.path())
            .args(extra)
            .args(["-f", "application/pdf", &format!("{name} {port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ippeveprinter (cups-ipp-utils) must be installed: scripts/install-deps.sh test");
        let printer = TestPrinter { child, port, spool };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if printer.printer(PrintOptions::default()).status().is_ok() {
                return printer;
            }
            assert!(Instant::now() < deadline, "ippeveprinter did not answer on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn uri(&self) -> String {
        format!("ipp://127.0.0.1:{}/ipp/print", self.port)
    }

    pub fn printer(&self, options: PrintOptions) -> Printer {
        Printer::new(&self.uri(), options).unwrap()
    }

    pub fn spooled(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.spool.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        files.sort();
        files
    }

    /// The printer's own web form that sets the paper level of tray 1 (as a person at the printer would see it).
    pub fn set_paper_level(&self, level: u32) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            stream,
            "GET /media?size1=iso_a4_210x297mm&type1=stationery&level1={level} HTTP/1.1\r\nHost: localhost\r\n\
             Connection: close\r\n\r\n"
        )
        .unwrap();
        // Only the status line matters (the server may keep the connection open after the page).
        let mut answer = [0u8; 12];
        stream.read_exact(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"), "{answer}");
    }
}

impl Drop for TestPrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
