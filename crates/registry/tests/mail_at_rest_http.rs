//! Secrets in letters do not stay at rest: once a letter reached the relay (a real SMTP sink), its confirmation
//! link token, its code and a claim link token cannot be found in the raw bytes of any of the database's files
//! (main, `-wal`, `-shm`) a few seconds later, while the outbox keeps a trace of the letter without its contents.

mod support;

use chrono::Utc;
use pdo_core::api::KioskConfig;
use std::path::Path;
use std::time::Duration;
use support::offline::*;
use support::online::*;
use support::*;

const WAIT: Duration = Duration::from_secs(10);

fn word_after<'a>(body: &'a str, marker: &str) -> &'a str {
    let word = body.split_whitespace().find(|w| w.contains(marker)).expect("a link in the letter");
    word.rsplit('/').next().unwrap()
}

/// Every file of the database, as raw bytes, with its name.
fn database_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let path = format!("{}{suffix}", db.display());
            (path.clone(), std::fs::read(&path).unwrap_or_default())
        })
        .collect()
}

fn holders(files: &[(String, Vec<u8>)], secret: &str) -> Vec<String> {
    let needle = secret.as_bytes();
    files.iter().filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle)).map(|(p, _)| p.clone()).collect()
}

#[tokio::test]
async fn link_tokens_and_codes_are_gone_from_every_database_file_after_delivery() {
    let sink = SmtpSink::start().await;
    // The files of a SQLite database; what PostgreSQL keeps is said in docs/deploy.md.
    let mut api = Api::start_on_sqlite(sink.port);
    let db = api.db.clone();
    add_kiosk(&api);
    online_until(&mut api, Online::Application).await;
    let (_, confirmation, _) = sink.letter(1, WAIT).await;
    let token = word_after(&confirmation, "/confirm/").to_string();
    let code = confirmation
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("a code in the letter")
        .to_string();
    assert_eq!(token.len(), 64, "{confirmation}");

    let (_, config) = api.kiosk_get("/api/v1/kiosk/config").await;
    let config: KioskConfig = serde_json::from_value(config).unwrap();
    let number = config.number_block.from.clone();
    let p = payload(&number, "sub-at-rest", "123-456-789 64");
    let (status, _, receipt) = api.submit("sub-at-rest", &config.public_keys[0].key_id, seal(&config, &p)).await;
    assert_eq!((status, receipt["status"].as_str()), (202, Some("awaiting_claim")), "{receipt}");
    let (_, claim, _) = sink.letter(2, WAIT).await;
    let claim_token = word_after(&claim, "/claim/").to_string();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let files = database_files(&db);
        let found: Vec<_> = [("link token", &token), ("code", &code), ("claim token", &claim_token)]
            .into_iter()
            .flat_map(|(what, secret)| holders(&files, secret).into_iter().map(move |file| format!("{what} in {file}")))
            .collect();
        if found.is_empty() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still readable after delivery: {found:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The outbox keeps that the letters went, and to whom only as a hash.
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let rows: Vec<(String, String, Vec<u8>, Option<String>)> = conn
        .prepare("SELECT to_addr, body, recipient_hash, sent_at FROM mail_outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (to, body, hash, sent_at) in rows {
        assert_eq!((to.as_str(), body.as_str()), ("", ""));
        assert_eq!(hash.len(), 32);
        assert!(sent_at.is_some_and(|at| at <= Utc::now().to_rfc3339()));
    }
}
