//! The mail outbox: rows written with the record that causes them, drained by the sending worker.

use crate::sql::{Conn, Engine, params};
use crate::storage::{OutgoingMail, QueuedMail, StoreResult};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// How long a worker holds the letters it took before another process may take them (it died meanwhile): long
/// enough for a batch to a slow relay, short enough that a letter of a crashed process is not late by much.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// Takes up to `limit` letters that are due and held by no worker, and holds them for `LEASE`. On PostgreSQL the
/// rows another process is taking at this moment are skipped (`FOR UPDATE SKIP LOCKED`) rather than waited for, so
/// each letter goes to one worker.
pub fn due(conn: &dyn Conn, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>> {
    let skip_locked = if conn.engine_is(Engine::Postgres) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, attempts, to_addr, subject, body FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= ?1 AND (lease_until IS NULL OR lease_until < ?1)
         ORDER BY id LIMIT ?2{skip_locked}"
    ))?;
    let rows = stmt.query_map(params![now.to_rfc3339(), limit], |r| {
        Ok(QueuedMail {
            id: r.get(0)?,
            attempts: r.get(1)?,
            mail: OutgoingMail { to: r.get(2)?, subject: r.get(3)?, body: r.get(4)? },
        })
    })?;
    let due: Vec<QueuedMail> = rows.collect::<Result<_, _>>()?;
    for mail in &due {
        conn.execute_later(
            "UPDATE mail_outbox SET lease_until = ?2 WHERE id = ?1",
            params![mail.id, (now + LEASE).to_rfc3339()],
        )?;
    }
    Ok(due)
}

/// Marks letter `id`, sent to `to`, sent, and forgets what it said: its body carries live link tokens and codes,
/// and secure_delete zeroes the freed bytes. The address stays only as a hash. One statement.
pub fn sent(conn: &dyn Conn, id: i64, to: &str, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE mail_outbox SET sent_at = ?2, last_error = NULL, recipient_hash = ?3, to_addr = '', body = ''
         WHERE id = ?1",
        params![id, now.to_rfc3339(), Sha256::digest(to.to_lowercase().as_bytes()).to_vec()],
    )?;
    Ok(())
}

/// One statement.
pub fn failed(conn: &dyn Conn, id: i64, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3, lease_until = NULL
         WHERE id = ?1",
        params![id, error, retry_at.to_rfc3339()],
    )?;
    Ok(())
}
