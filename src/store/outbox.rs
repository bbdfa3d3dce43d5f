//! The outbox: applications taken while the registry could not be reached, each sealed to the registry's public key
//! before it reaches SQLite (the plaintext never touches the kiosk's disk), one row written in one transaction.
//! Also the registry configuration an offline kiosk needs: the sealing keys and its block of application numbers.
//!
//! A row leaves the table only when the registry has answered `202` (accepted or rejected); `422 unsealable` rows
//! are kept aside (`held`) for staff. After a delete the WAL is checkpointed and truncated so no old page lingers.

use super::{Store, StoreError};
use chrono::{DateTime, TimeZone, Utc};
use pdo_core::api::{KioskConfig, NumberBlock, OfflinePayload, PublicKey};
use rusqlite::{Connection, OptionalExtension, params};

/// One queued application due to be sent. The sealed box itself is read with `Store::sealed` just before sending,
/// so a batch of due rows never holds more than the boxes in flight in memory (a box may be up to 12 MiB).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub submission_id: String,
    pub key_id: String,
    pub application_number: String,
    pub attempts: u32,
    /// Bytes of the sealed box.
    pub size: u64,
}

/// What became of one sent row, applied to the outbox with others in one transaction (`Store::settle`).
#[derive(Debug, Clone, PartialEq)]
pub enum Settlement {
    /// The registry accepted it (`202`): the row goes.
    Sent { submission_id: String },
    /// The registry opened it and rejected it with a reason code (it writes to the applicant): the row goes, the
    /// reason is counted.
    Rejected { submission_id: String, reason: String },
    /// The registry cannot open it (`422 unsealable`): kept aside for staff, never retried automatically.
    Held { submission_id: String, error: String },
    /// Sending failed in a way a retry may fix: count the attempt and wait until `retry_at`.
    Failed { submission_id: String, error: String, retry_at: DateTime<Utc> },
}

/// What the queue looks like, for `pdo-kiosk queue status`, heartbeats and the staff screen. No personal data.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueueStatus {
    /// Applications waiting to be sent (held ones included).
    pub count: u64,
    pub oldest_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Applications the registry opened and rejected, all reasons together.
    pub rejected: u64,
    /// Applications the registry could not open (`422 unsealable`), kept for staff.
    pub held: u64,
}

const CONFIG: &str = "registry.config";
const BLOCK: &str = "numbers.block";
const PENDING: &str = "numbers.pending";
const NEXT: &str = "numbers.next";
const LAST_ERROR: &str = "outbox.last_error";

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn get_state(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM kiosk_state WHERE key = ?1", [key], |r| r.get(0)).optional()
}

fn set_state(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO kiosk_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .map(|_| ())
}

fn delete_state(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM kiosk_state WHERE key = ?1", [key]).map(|_| ())
}

fn block_of(value: &str) -> Option<(u64, u64, usize)> {
    let (from, to) = value.split_once('-')?;
    Some((from.parse().ok()?, to.parse().ok()?, from.len()))
}

fn block_str(block: &NumberBlock) -> String {
    format!("{}-{}", block.from, block.to)
}

/// Deletes leave no old pages behind: `secure_delete` zeroes them in the database, and this empties the WAL.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

impl Store {
    /// Seals `payload` to `key` on the calling thread and queues the box in one transaction; returns the submission
    /// id (the payload's own). The JSON exists only in memory and is wiped after sealing.
    pub async fn enqueue(&self, payload: &OfflinePayload, key: &PublicKey) -> Result<String, StoreError> {
        let mut json = serde_json::to_vec(payload).map_err(|e| StoreError::Seal(e.to_string()))?;
        let sealed = pdo_core::sealed::seal(&key.public_key, &json);
        json.fill(0);
        drop(json);
        let sealed = sealed.map_err(|e| StoreError::Seal(e.to_string()))?;
        let submission_id = payload.submission_id.clone();
        let number = payload.application_number.clone();
        let key_id = key.key_id.clone();
        let now = millis(Utc::now());
        let id = submission_id.clone();
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO outbox (submission_id, key_id, sealed, application_number, created_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![id, key_id, sealed, number, now],
            )
            .map(|_| ())
        })
        .await?;
        Ok(submission_id)
    }

    /// Whether a submission is still in the outbox (held ones included).
    pub async fn queued(&self, submission_id: &str) -> Result<bool, StoreError> {
        let id = submission_id.to_string();
        self.call(move |conn| {
            conn.query_row("SELECT 1 FROM outbox WHERE submission_id = ?1", [id], |_| Ok(()))
                .optional()
                .map(|r| r.is_some())
        })
        .await
    }

    /// Up to `limit` rows whose next attempt is due at `now`, oldest first; held rows never.
    pub async fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Outgoing>, StoreError> {
        let now = millis(now);
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT submission_id, key_id, application_number, attempts, length(sealed) FROM outbox
                 WHERE held = 0 AND next_attempt_at <= ?1 ORDER BY created_at, submission_id LIMIT ?2",
            )?;
            let rows = statement.query_map(params![now, limit as i64], |r| {
                Ok(Outgoing {
                    submission_id: r.get(0)?,
                    key_id: r.get(1)?,
                    application_number: r.get(2)?,
                    attempts: r.get(3)?,
                    size: r.get::<_, i64>(4)? as u64,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// The sealed box of a queued row; `None` once it has left the outbox.
    pub async fn sealed(&self, submission_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let id = submission_id.to_string();
        self.call(move |conn| {
            conn.prepare_cached("SELECT sealed FROM outbox WHERE submission_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()
        })
        .await
    }

    /// When the next row not yet due will be, if any.
    pub async fn next_attempt_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.call(|conn| {
            conn.query_row("SELECT MIN(next_attempt_at) FROM outbox WHERE held = 0", [], |r| r.get::<_, Option<i64>>(0))
        })
        .await
        .map(|ms| ms.map(from_millis))
    }

    /// Applies what became of sent rows in one transaction (one fsync for the whole batch) and, when rows were
    /// deleted, empties the WAL once after it.
    pub async fn settle(&self, outcomes: Vec<Settlement>) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let mut deleted = false;
            let mut last_error = None;
            for outcome in &outcomes {
                match outcome {
                    Settlement::Sent { submission_id } => {
                        deleted |= tx.execute("DELETE FROM outbox WHERE submission_id = ?1", [submission_id])? > 0;
                    }
                    Settlement::Rejected { submission_id, reason } => {
                        if tx.execute("DELETE FROM outbox WHERE submission_id = ?1", [submission_id])? > 0 {
                            deleted = true;
                            tx.execute(
                                "INSERT INTO outbox_rejections (reason, count) VALUES (?1, 1)
                                 ON CONFLICT(reason) DO UPDATE SET count = count + 1",
                                [reason],
                            )?;
                        }
                    }
                    Settlement::Held { submission_id, error } => {
                        tx.execute(
                            "UPDATE outbox SET held = 1, attempts = attempts + 1, last_error = ?2 WHERE submission_id = ?1",
                            params![submission_id, error],
                        )?;
                        last_error = Some(error);
                    }
                    Settlement::Failed { submission_id, error, retry_at } => {
                        tx.execute(
                            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
                             WHERE submission_id = ?1",
                            params![submission_id, error, millis(*retry_at)],
                        )?;
                        last_error = Some(error);
                    }
                }
            }
            // A failure is the news; an accepted row means the last error is over; a rejection says nothing of it.
            let accepted = outcomes.iter().any(|o| matches!(o, Settlement::Sent { .. }));
            match last_error {
                Some(error) => set_state(&tx, LAST_ERROR, error)?,
                None if accepted => delete_state(&tx, LAST_ERROR)?,
                None => {}
            }
            tx.commit()?;
            if deleted { checkpoint(conn) } else { Ok(()) }
        })
        .await
    }

    /// The registry accepted the row (`202`): it is deleted and the WAL emptied.
    pub async fn sent(&self, submission_id: &str) -> Result<(), StoreError> {
        self.settle(vec![Settlement::Sent { submission_id: submission_id.into() }]).await
    }

    /// Sending failed in a way a retry may fix: count the attempt and wait until `retry_at`.
    pub async fn failed(&self, submission_id: &str, error: &str, retry_at: DateTime<Utc>) -> Result<(), StoreError> {
        let (submission_id, error) = (submission_id.into(), error.into());
        self.settle(vec![Settlement::Failed { submission_id, error, retry_at }]).await
    }

    /// The registry opened the box and rejected it with `reason`: the row goes, the reason is counted (once).
    pub async fn rejected(&self, submission_id: &str, reason: &str) -> Result<(), StoreError> {
        self.settle(vec![Settlement::Rejected { submission_id: submission_id.into(), reason: reason.into() }]).await
    }

    /// The registry cannot open the box (`422 unsealable`): keep it aside for staff, never retried automatically.
    pub async fn hold(&self, submission_id: &str, error: &str) -> Result<(), StoreError> {
        self.settle(vec![Settlement::Held { submission_id: submission_id.into(), error: error.into() }]).await
    }

    pub async fn queue_status(&self) -> Result<QueueStatus, StoreError> {
        self.call(|conn| {
            let (count, oldest, held): (i64, Option<i64>, i64) =
                conn.query_row("SELECT COUNT(*), MIN(created_at), COALESCE(SUM(held), 0) FROM outbox", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            let rejected: i64 =
                conn.query_row("SELECT COALESCE(SUM(count), 0) FROM outbox_rejections", [], |r| r.get(0))?;
            let last_error = if count > 0 { get_state(conn, LAST_ERROR)? } else { None };
            Ok(QueueStatus {
                count: count as u64,
                oldest_at: oldest.map(from_millis),
                last_error,
                rejected: rejected as u64,
                held: held as u64,
            })
        })
        .await
    }

    /// Rejections by reason code, for staff.
    pub async fn rejections(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.call(|conn| {
            let mut statement = conn.prepare("SELECT reason, count FROM outbox_rejections ORDER BY reason")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
            rows.collect()
        })
        .await
    }

    /// Stores the registry's answer to `GET /api/v1/kiosk/config`. A new number block is kept for later while the
    /// current one still has numbers (the registry hands one out when half of the last is used).
    pub async fn save_kiosk_config(&self, config: &KioskConfig) -> Result<(), StoreError> {
        let json = serde_json::to_string(config).map_err(|e| StoreError::Database(e.to_string()))?;
        let offered = block_str(&config.number_block);
        let from = config.number_block.from.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            set_state(&tx, CONFIG, &json)?;
            let current = get_state(&tx, BLOCK)?;
            let next: Option<u64> = get_state(&tx, NEXT)?.and_then(|n| n.parse().ok());
            let exhausted = match (current.as_deref().and_then(block_of), next) {
                (Some((_, to, _)), Some(next)) => next > to,
                _ => true,
            };
            if current.as_deref() == Some(offered.as_str()) {
                // Nothing new.
            } else if exhausted {
                set_state(&tx, BLOCK, &offered)?;
                set_state(&tx, NEXT, &from)?;
                delete_state(&tx, PENDING)?;
            } else {
                set_state(&tx, PENDING, &offered)?;
            }
            tx.commit()
        })
        .await
    }

    /// The stored registry configuration, if the kiosk has ever reached the registry.
    pub async fn kiosk_config(&self) -> Result<Option<KioskConfig>, StoreError> {
        self.call_with(|conn| match get_state(conn, CONFIG)? {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| StoreError::Database(e.to_string())),
        })
        .await
    }

    /// The key new boxes are sealed to: the registry's newest.
    pub async fn sealing_key(&self) -> Result<PublicKey, StoreError> {
        let config = self.kiosk_config().await?.ok_or(StoreError::NoConfig)?;
        config.public_keys.into_iter().next().ok_or(StoreError::NoConfig)
    }

    /// Reserves the next unused application number of the stored block (moving on to a newer block when one was
    /// given); `NumbersExhausted` when none is left, `NoConfig` when there never was a block.
    pub async fn take_number(&self) -> Result<String, StoreError> {
        self.call_with(|conn| {
            let tx = conn.transaction()?;
            let Some((mut from, to, mut width)) = get_state(&tx, BLOCK)?.as_deref().and_then(block_of) else {
                return Err(StoreError::NoConfig);
            };
            let mut next: u64 = get_state(&tx, NEXT)?.and_then(|n| n.parse().ok()).unwrap_or(from);
            if next > to {
                let Some(pending) = get_state(&tx, PENDING)? else { return Err(StoreError::NumbersExhausted) };
                (from, _, width) = block_of(&pending).ok_or(StoreError::NumbersExhausted)?;
                set_state(&tx, BLOCK, &pending)?;
                delete_state(&tx, PENDING)?;
                next = from;
            }
            debug_assert!(next >= from);
            set_state(&tx, NEXT, &(next + 1).to_string())?;
            tx.commit()?;
            Ok(format!("{next:0width$}"))
        })
        .await
    }

    /// Numbers left in the current block plus a waiting one.
    pub async fn numbers_left(&self) -> Result<u64, StoreError> {
        self.call(|conn| {
            let current = get_state(conn, BLOCK)?.as_deref().and_then(block_of);
            let next: Option<u64> = get_state(conn, NEXT)?.and_then(|n| n.parse().ok());
            let pending = get_state(conn, PENDING)?.as_deref().and_then(block_of);
            let left = match current {
                Some((from, to, _)) => (to + 1).saturating_sub(next.unwrap_or(from)),
                None => 0,
            };
            Ok(left + pending.map_or(0, |(from, to, _)| to + 1 - from))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdo_core::api::KioskInfo;

    fn config(from: &str, to: &str, public_key: &str) -> KioskConfig {
        KioskConfig {
            kiosk: KioskInfo {
                id: "k-test".into(),
                name: "Терминал (тест)".into(),
                address: "г. Примерный, ул. Тестовая, 1".into(),
                municipality: "demo-02".into(),
            },
            public_keys: vec![PublicKey { key_id: "key-1".into(), public_key: public_key.into() }],
            operator: None,
            number_block: NumberBlock { from: from.into(), to: to.into() },
        }
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn numbers_come_from_the_block_then_the_next_one_then_fail_clearly() {
        let (_dir, store) = open();
        assert!(matches!(store.take_number().await, Err(StoreError::NoConfig)));
        let (_, public) = pdo_core::sealed::generate();
        store.save_kiosk_config(&config("0000098", "0000099", &public)).await.unwrap();
        assert_eq!(store.take_number().await.unwrap(), "0000098", "leading zeros are kept");
        // The registry hands out a new block while the current one still has a number: it waits its turn.
        store.save_kiosk_config(&config("0000200", "0000201", &public)).await.unwrap();
        store.save_kiosk_config(&config("0000200", "0000201", &public)).await.unwrap();
        assert_eq!(store.numbers_left().await.unwrap(), 3);
        assert_eq!(store.take_number().await.unwrap(), "0000099");
        assert_eq!(store.take_number().await.unwrap(), "0000200");
        assert_eq!(store.take_number().await.unwrap(), "0000201");
        let err = store.take_number().await.unwrap_err();
        assert!(matches!(err, StoreError::NumbersExhausted), "{err:?}");
        assert!(err.to_string().contains("used up"));
        // An exhausted block is replaced at once by the next config.
        store.save_kiosk_config(&config("0000300", "0000399", &public)).await.unwrap();
        assert_eq!(store.take_number().await.unwrap(), "0000300");
    }

    #[tokio::test]
    async fn reserved_numbers_survive_a_restart_and_are_never_given_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let (_, public) = pdo_core::sealed::generate();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..3 {
            let store = Store::open(&path).unwrap();
            store.save_kiosk_config(&config("500", "599", &public)).await.unwrap();
            for _ in 0..5 {
                assert!(seen.insert(store.take_number().await.unwrap()));
            }
        }
        assert_eq!(seen.first().map(String::as_str), Some("500"));
        assert_eq!(seen.last().map(String::as_str), Some("514"));
    }

    #[tokio::test]
    async fn rows_go_out_once_answered_and_the_status_says_what_is_left() {
        let (_dir, store) = open();
        let (secret, public) = pdo_core::sealed::generate();
        store.save_kiosk_config(&config("100", "199", &public)).await.unwrap();
        let key = store.sealing_key().await.unwrap();
        let empty = store.queue_status().await.unwrap();
        assert_eq!(empty, QueueStatus { count: 0, oldest_at: None, last_error: None, rejected: 0, held: 0 });
        let mut ids = Vec::new();
        for i in 0..4 {
            let number = store.take_number().await.unwrap();
            let payload = crate::sync::invented::payload("k-test", &format!("sub-{i}"), &number, 4096);
            ids.push(store.enqueue(&payload, &key).await.unwrap());
        }
        let enqueued_again = crate::sync::invented::payload("k-test", "sub-0", "150", 10);
        assert!(store.enqueue(&enqueued_again, &key).await.is_err(), "a submission id is queued once");
        let now = Utc::now();
        let due = store.due(now, 10).await.unwrap();
        assert_eq!(
            due.iter().map(|r| r.submission_id.as_str()).collect::<Vec<_>>(),
            ["sub-0", "sub-1", "sub-2", "sub-3"]
        );
        assert_eq!(due[0].application_number, "100");
        let sealed = store.sealed("sub-0").await.unwrap().unwrap();
        assert_eq!(due[0].size, sealed.len() as u64);
        let opened: OfflinePayload =
            serde_json::from_slice(&pdo_core::sealed::unseal(&secret, &sealed).unwrap()).unwrap();
        assert_eq!(opened.child.first_name, crate::sync::invented::CHILD_FIRST_NAME, "the box holds the application");
        assert_eq!(store.due(now, 2).await.unwrap().len(), 2);

        store.sent("sub-0").await.unwrap();
        store.failed("sub-1", "unreachable", now + chrono::Duration::seconds(60)).await.unwrap();
        store.rejected("sub-2", "validation").await.unwrap();
        store.hold("sub-3", "unsealable").await.unwrap();
        assert!(store.due(now, 10).await.unwrap().is_empty(), "retry later; held rows never come back by themselves");
        let later = store.due(now + chrono::Duration::seconds(61), 10).await.unwrap();
        assert_eq!((later.len(), later[0].attempts), (1, 1));
        let status = store.queue_status().await.unwrap();
        assert_eq!((status.count, status.held, status.rejected), (2, 1, 1));
        assert_eq!(status.last_error.as_deref(), Some("unsealable"));
        assert!(status.oldest_at.unwrap() <= Utc::now());
        assert_eq!(store.rejections().await.unwrap(), [("validation".to_string(), 1)]);
        store.rejected("sub-2", "validation").await.unwrap();
        assert_eq!(store.queue_status().await.unwrap().rejected, 1, "a row is counted once");
        assert!(store.queued("sub-1").await.unwrap() && !store.queued("sub-0").await.unwrap());
    }
}
