//! The mail outbox: rows written with the record that causes them, drained by the sending worker.

use crate::storage::{OutgoingMail, QueuedMail, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

pub fn due(conn: &Connection, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, attempts, to_addr, subject, body FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now.to_rfc3339(), limit], |r| {
        Ok(QueuedMail {
            id: r.get(0)?,
            attempts: r.get(1)?,
            mail: OutgoingMail { to: r.get(2)?, subject: r.get(3)?, body: r.get(4)? },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn sent(conn: &Connection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE mail_outbox SET sent_at = ?2, last_error = NULL WHERE id = ?1",
        params![id, now.to_rfc3339()],
    )?;
    Ok(())
}

pub fn failed(conn: &Connection, id: i64, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
        params![id, error, retry_at.to_rfc3339()],
    )?;
    Ok(())
}
