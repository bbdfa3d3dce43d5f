//! A registry that stops (systemd's SIGTERM on an upgrade, the kiosk closing its embedded demo) while a letter is
//! with the relay finishes that letter first: the relay's answer is awaited and the letter recorded as sent, so
//! the next start does not send it again. The relay here is a real SMTP conversation on loopback that holds its
//! answer to the letter's data for a second.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;
use support::online::*;
use support::*;

/// An SMTP relay on loopback that tells `received` when a letter's data has arrived, then waits `hold` before
/// accepting it. Serves connections one after another until the test ends.
fn slow_relay(hold: Duration) -> (u16, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (received, letters) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 relay.test ESMTP\r\n");
            let mut line = String::new();
            let mut in_data = false;
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                let command = line.trim_end().to_ascii_uppercase();
                let answer: &[u8] = if in_data {
                    if command == "." {
                        in_data = false;
                        let _ = received.send(());
                        std::thread::sleep(hold);
                        b"250 queued\r\n"
                    } else {
                        b""
                    }
                } else if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 relay.test\r\n"
                } else if command == "DATA" {
                    in_data = true;
                    b"354 go on\r\n"
                } else if command == "QUIT" {
                    let _ = stream.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = stream.write_all(answer);
                line.clear();
            }
        }
    });
    (port, letters)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_while_the_relay_holds_a_letter_waits_for_it_and_records_it_sent() {
    let (port, letters) = slow_relay(Duration::from_secs(1));
    let mut api = Api::start(port);
    let application = online_until(&mut api, Online::Application).await;
    assert_eq!(application["status"], "awaiting_email_confirmation");
    let got_it = tokio::task::spawn_blocking(move || letters.recv_timeout(Duration::from_secs(20)));
    got_it.await.unwrap().expect("the confirmation letter reached the relay");

    // The relay has the letter's data and has not answered yet: the registry stops now.
    let Api { registry, db, dir: _dir, .. } = api;
    tokio::task::spawn_blocking(move || drop(registry)).await.unwrap();

    let unsent = texts(&db, "SELECT CAST(id AS TEXT) FROM mail_outbox WHERE sent_at IS NULL");
    assert!(unsent.is_empty(), "letters left unsent by the stop, to go out again after a restart: {unsent:?}");
    assert_eq!(texts(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM mail_outbox"), vec!["1"], "the one letter, recorded");
}
