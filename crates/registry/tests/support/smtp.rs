//! A real SMTP server on loopback for tests: it accepts every letter and keeps its raw bytes. Shared by the
//! registry's tests and the kiosk's (which include this file by path).

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that accepts every letter and keeps its raw bytes.
#[derive(Clone, Default)]
pub struct SmtpSink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener)
    }

    /// Starts on a given port (to bring a relay "back up" where the registry already sends).
    pub async fn start_on(port: u16) -> SmtpSink {
        Self::serve(TcpListener::bind(("127.0.0.1", port)).await.unwrap())
    }

    fn serve(listener: TcpListener) -> SmtpSink {
        let sink = SmtpSink { port: listener.local_addr().unwrap().port(), received: Default::default() };
        let received = sink.received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let received = received.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 sink ready\r\n").await;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                let _ = write.write_all(b"354 go on\r\n").await;
                                let mut data = Vec::new();
                                loop {
                                    let mut l = Vec::new();
                                    if lines.read_until(b'\n', &mut l).await.unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if l == b".\r\n" {
                                        break;
                                    }
                                    data.extend_from_slice(l.strip_prefix(b".").unwrap_or(&l));
                                }
                                received.lock().unwrap().push(data);
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        sink
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// The subjects of the letters received so far, in order.
    pub fn subjects(&self) -> Vec<String> {
        let received = self.received.lock().unwrap().clone();
        received
            .iter()
            .map(|raw| {
                let message = mail_parser::MessageParser::default().parse(raw).expect("a parsable letter");
                message.subject().unwrap_or("").to_string()
            })
            .collect()
    }

    /// Waits for the first letter with this subject and returns it as (subject, text body, to).
    pub async fn first_with_subject(&self, subject: &str, timeout: Duration) -> (String, String, String) {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut seen = 0;
        loop {
            while seen < self.count() {
                seen += 1;
                let letter = self.letter(seen, timeout).await;
                if letter.0 == subject {
                    return letter;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "no letter with subject {subject:?} arrived");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for `n` letters and returns them all as (subject, text body, to), in the order they arrived.
    pub async fn letters(&self, n: usize, timeout: Duration) -> Vec<(String, String, String)> {
        let mut letters = Vec::new();
        for i in 1..=n {
            letters.push(self.letter(i, timeout).await);
        }
        letters
    }

    /// Waits for the `n`-th letter (1-based) and returns (subject, text body, to).
    pub async fn letter(&self, n: usize, timeout: Duration) -> (String, String, String) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(raw) = self.received.lock().unwrap().get(n - 1).cloned() {
                let message = mail_parser::MessageParser::default().parse(&raw).expect("a parsable letter");
                let subject = message.subject().unwrap_or("").to_string();
                let body = message.body_text(0).unwrap_or_default().to_string();
                let to = message.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or("").to_string();
                return (subject, body, to);
            }
            assert!(tokio::time::Instant::now() < deadline, "letter {n} never arrived");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
