//! `pdo-registry serve` under systemd's notify protocol, as `pdo-registry.service` runs it (`Type=notify`,
//! `WatchdogSec=`): the real binary with a notify socket of the test's own. It says READY=1 once it listens, pings
//! WATCHDOG=1 while the database takes writes, stops pinging while another process holds the database's write lock
//! (so systemd would restart it), pings again once the lock is gone, and stops cleanly on SIGTERM.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Datagrams that arrive within `window`.
fn received(socket: &UnixDatagram, window: Duration) -> Vec<String> {
    let deadline = Instant::now() + window;
    let mut got = vec![];
    let mut buf = [0u8; 512];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        socket.set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
        match socket.recv(&mut buf) {
            Ok(n) => got.push(String::from_utf8_lossy(&buf[..n]).trim().to_string()),
            Err(_) => break,
        }
    }
    got
}

/// Waits for `wanted` at most `timeout`; what came before it, and whether it came.
fn wait_for(socket: &UnixDatagram, wanted: &str, timeout: Duration) -> (Vec<String>, bool) {
    let deadline = Instant::now() + timeout;
    let mut before = vec![];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        for message in received(socket, left.min(Duration::from_millis(100))) {
            if message == wanted {
                return (before, true);
            }
            before.push(message);
        }
    }
    (before, false)
}

#[test]
fn ready_then_watchdog_pings_that_stop_while_the_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    let db = dir.path().join("registry.sqlite3");
    // systemd names the process the watchdog is for; `exec` keeps the shell's pid for the registry.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("WATCHDOG_PID=$$ exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_pdo-registry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--public-url", "http://127.0.0.1:8080", "--db"])
        .arg(&db)
        .arg("--mail-dir")
        .arg(dir.path().join("mail"))
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let (before, ready) = wait_for(&socket, "READY=1", Duration::from_secs(20));
    assert!(ready && before.is_empty(), "READY=1 first: {before:?}");
    let healthy = received(&socket, Duration::from_secs(2));
    assert!(healthy.iter().filter(|m| *m == "WATCHDOG=1").count() >= 3, "pings every 200 ms: {healthy:?}");

    // Another process takes the write lock and keeps it: the registry's check cannot write, so no ping.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let _in_flight = received(&socket, Duration::from_millis(500));
    let locked = received(&socket, Duration::from_secs(2));
    assert!(locked.iter().all(|m| m != "WATCHDOG=1"), "pinged while the database took no write: {locked:?}");

    holder.execute_batch("ROLLBACK").unwrap();
    let (_, pinged) = wait_for(&socket, "WATCHDOG=1", Duration::from_secs(8));
    assert!(pinged, "the pings come back with the database");

    // systemd stops the service with SIGTERM: it ends by itself, successfully.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "SIGTERM did not stop the service");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
