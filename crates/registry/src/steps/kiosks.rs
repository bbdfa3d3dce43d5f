//! Kiosks and their heartbeats.

use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{KioskRecord, StoreError, StoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use pdo_core::api::{Heartbeat, KioskInfo};

/// Instants of these tables in one fixed-width form (`…T…​.ffffffZ`), so SQL can compare them as text.
pub fn ts(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_ts(text: &str) -> StoreResult<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text).map_err(|e| StoreError::Internal(e.into()))?.with_timezone(&Utc))
}

/// Adds a kiosk with the argon2id hash of its secret; an id in use (revoked or not) is `kiosk_exists`.
pub fn add_kiosk(conn: &dyn Conn, kiosk: &KioskInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    if conn.query_row("SELECT 1 FROM kiosks WHERE id = ?1", [&kiosk.id], |_| Ok(())).optional()?.is_some() {
        return Err(StoreError::Conflict { code: "kiosk_exists", id: Some(kiosk.id.clone()) });
    }
    conn.execute(
        "INSERT INTO kiosks (id, name, address, municipality, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![kiosk.id, kiosk.name, kiosk.address, kiosk.municipality, secret_hash, ts(now)],
    )?;
    Ok(())
}

/// Revokes a kiosk: its secret stops working at once, and the sessions opened at it end. `false` when there is no such kiosk; revoking twice keeps
/// the first instant.
pub fn revoke_kiosk(conn: &dyn Conn, kiosk_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let exists = conn.query_row("SELECT 1 FROM kiosks WHERE id = ?1", [kiosk_id], |_| Ok(())).optional()?.is_some();
    conn.execute("UPDATE kiosks SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", params![ts(now), kiosk_id])?;
    // Sessions opened at the kiosk die with it (authentication also refuses them, should one be left).
    conn.execute("DELETE FROM sessions WHERE kiosk_id = ?1", [kiosk_id])?;
    Ok(exists)
}

pub fn kiosk(conn: &dyn Conn, kiosk_id: &str) -> StoreResult<Option<KioskRecord>> {
    Ok(conn
        .query_row(
            "SELECT id, name, address, municipality, secret_hash, revoked_at FROM kiosks WHERE id = ?1",
            [kiosk_id],
            |r| {
                Ok(KioskRecord {
                    info: KioskInfo { id: r.get(0)?, name: r.get(1)?, address: r.get(2)?, municipality: r.get(3)? },
                    secret_hash: r.get(4)?,
                    revoked: r.get::<_, Option<String>>(5)?.is_some(),
                })
            },
        )
        .optional()?)
}

/// Keeps the kiosk's last heartbeat, replacing the one before.
pub fn record_heartbeat(conn: &dyn Conn, kiosk_id: &str, heartbeat: &Heartbeat, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO kiosk_heartbeats (kiosk_id, version, queue_count, queue_oldest_at, printer, camera, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(kiosk_id) DO UPDATE SET version = ?2, queue_count = ?3, queue_oldest_at = ?4, printer = ?5,
             camera = ?6, received_at = ?7",
        params![
            kiosk_id,
            heartbeat.version,
            i64::try_from(heartbeat.queue.count).unwrap_or(i64::MAX),
            heartbeat.queue.oldest_at.map(ts),
            heartbeat.printer,
            heartbeat.camera,
            ts(now)
        ],
    )?;
    Ok(())
}
