//! `pdo-registry serve` as a separate process, as a region runs it: started with the test's arguments on a free
//! loopback port, its address read from its log, killed when dropped. Also used by benches/load.rs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Served {
    child: Child,
    /// `http://127.0.0.1:<port>`
    pub base: String,
}

impl Served {
    /// Starts `serve --listen 127.0.0.1:0` with `args` and waits until it says where it listens.
    pub fn start(args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pdo-registry"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "warn,pdo_registry=info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut log = String::new();
        let addr = loop {
            let Some(Ok(line)) = lines.next() else { panic!("serve ended before listening:\n{log}") };
            let plain = strip_ansi(&line);
            log.push_str(&plain);
            log.push('\n');
            if plain.contains("registry listening") {
                let addr = plain.split("addr=").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap();
                break addr.to_string();
            }
        };
        // Keep reading, so the process never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Served { child, base: format!("http://{addr}") }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The log line without terminal colour codes (in case the log colours despite NO_COLOR).
fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out
}
