//! Device sign-in (RFC 8628): a kiosk asks, the applicant approves on their phone, the kiosk's poll gets a session.

use super::kiosks::{parse_ts, ts};
use crate::accounts;
use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{DevicePoll, DeviceRequest, NewDeviceLogin, StoreResult, UserCodeLookup};
use crate::throttle::{self, FailureRecord};
use chrono::{DateTime, Duration, Utc};
use pdo_core::api::KioskInfo;

/// A poll this much earlier than `interval` after the previous one still counts as on time: network delays vary.
pub const POLL_TOLERANCE: Duration = Duration::seconds(1);

/// Requests stay this long after expiry (a late poll still finds them), then go.
const KEEP_EXPIRED: Duration = Duration::days(1);

/// Stores a new request; `false` (and nothing stored) when a live request already has this user code.
pub fn start(tx: &dyn Conn, login: &NewDeviceLogin, now: DateTime<Utc>) -> StoreResult<bool> {
    tx.execute("DELETE FROM device_logins WHERE expires_at < ?1", [ts(now - KEEP_EXPIRED)])?;
    tx.execute(
        "DELETE FROM device_code_failures WHERE window_start < ?1 AND (blocked_until IS NULL OR blocked_until < ?1)",
        [ts(now - KEEP_EXPIRED)],
    )?;
    let taken = tx
        .query_row(
            "SELECT 1 FROM device_logins WHERE user_code = ?1 AND expires_at > ?2",
            params![login.user_code, ts(now)],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if taken {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO device_logins (device_code_hash, user_code, kiosk_id, created_at, expires_at, interval_secs, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
        params![login.device_code_hash, login.user_code, login.kiosk_id, ts(now), ts(login.expires_at), login.interval_secs],
    )?;
    Ok(true)
}

/// kiosk_id, expires_at, interval_secs, last_polled_at, status, account_id of one device login.
type DeviceLoginRow = (String, String, i64, Option<String>, String, Option<String>);

/// The kiosk's poll. Unknown codes, another kiosk's codes, expired codes and codes that already gave their session
/// are all `Expired`: the kiosk can only start again.
pub fn poll(tx: &dyn Conn, kiosk_id: &str, device_code_hash: &[u8], now: DateTime<Utc>) -> StoreResult<DevicePoll> {
    let row: Option<DeviceLoginRow> = tx
        .query_row(
            "SELECT kiosk_id, expires_at, interval_secs, last_polled_at, status, account_id FROM device_logins
             WHERE device_code_hash = ?1",
            [device_code_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let Some((owner, expires_at, interval, last_polled, status, account_id)) = row else {
        return Ok(DevicePoll::Expired);
    };
    if owner != kiosk_id || status == "consumed" || now >= parse_ts(&expires_at)? {
        return Ok(DevicePoll::Expired);
    }
    tx.execute(
        "UPDATE device_logins SET last_polled_at = ?1 WHERE device_code_hash = ?2",
        params![ts(now), device_code_hash],
    )?;
    match status.as_str() {
        "denied" => Ok(DevicePoll::Denied),
        "approved" => {
            let account = match account_id {
                Some(id) => accounts::account_by_id(tx, &id)?,
                None => None,
            };
            let Some(account) = account else {
                return Ok(DevicePoll::Expired);
            };
            let session = accounts::open_session(tx, account, Some(kiosk_id), now)?;
            tx.execute("UPDATE device_logins SET status = 'consumed' WHERE device_code_hash = ?1", [device_code_hash])?;
            Ok(DevicePoll::Approved(session))
        }
        _ => {
            let too_soon = match last_polled {
                Some(last) => now - parse_ts(&last)? < Duration::seconds(interval) - POLL_TOLERANCE,
                None => false,
            };
            Ok(if too_soon { DevicePoll::SlowDown } else { DevicePoll::Pending })
        }
    }
}

/// A pending, unexpired request of a kiosk that is not revoked, by its user code.
fn pending_by_user_code(conn: &dyn Conn, user_code: &str, now: DateTime<Utc>) -> StoreResult<Option<DeviceRequest>> {
    pending_where(conn, "d.user_code = ?1", &user_code, now)
}

/// The same, by the hash of the confirmation step's secret.
fn pending_by_confirm_hash(
    conn: &dyn Conn,
    confirm_hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<DeviceRequest>> {
    pending_where(conn, "d.confirm_hash = ?1", &confirm_hash, now)
}

fn pending_where(
    conn: &dyn Conn,
    condition: &str,
    key: &dyn crate::sql::ToValue,
    now: DateTime<Utc>,
) -> StoreResult<Option<DeviceRequest>> {
    let sql = format!(
        "SELECT d.user_code, d.expires_at, k.id, k.name, k.address, k.municipality
         FROM device_logins d JOIN kiosks k ON k.id = d.kiosk_id
         WHERE {condition} AND d.status = 'pending' AND d.expires_at > ?2 AND k.revoked_at IS NULL"
    );
    let row = conn
        .query_row(&sql, params![key, ts(now)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                KioskInfo { id: r.get(2)?, name: r.get(3)?, address: r.get(4)?, municipality: r.get(5)? },
            ))
        })
        .optional()?;
    row.map(|(user_code, expires_at, kiosk)| Ok(DeviceRequest { kiosk, user_code, expires_at: parse_ts(&expires_at)? }))
        .transpose()
}

/// Looks a typed user code up for the phone page, counting wrong codes per client: after
/// `throttle::FREE_FAILURES` within `throttle::WINDOW` every try is refused for a whole window.
pub fn find_by_user_code(
    tx: &dyn Conn,
    client_key: &str,
    user_code: &str,
    now: DateTime<Utc>,
) -> StoreResult<UserCodeLookup> {
    let record = load_failures(tx, client_key)?;
    if let Err(retry_after) = throttle::check(record.as_ref(), now) {
        return Ok(UserCodeLookup::Blocked(retry_after));
    }
    match pending_by_user_code(tx, user_code, now)? {
        Some(request) if failed_sign_ins(tx, user_code, now)? >= MAX_FAILED_SIGN_INS => {
            Ok(UserCodeLookup::Blocked((request.expires_at - now).num_seconds().max(1)))
        }
        Some(request) => Ok(UserCodeLookup::Found(request)),
        None => {
            save_failures(tx, client_key, &throttle::after_code_failure(record.as_ref(), now))?;
            Ok(UserCodeLookup::Unknown)
        }
    }
}

/// Wrong passwords typed against one pending request before it refuses further tries (until it expires and the kiosk
/// starts again): a limit per device code, whatever addresses the tries come from.
pub const MAX_FAILED_SIGN_INS: i64 = 5;

fn failed_sign_ins(conn: &dyn Conn, user_code: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(failed_signins), 0) FROM device_logins
         WHERE user_code = ?1 AND status = 'pending' AND expires_at > ?2",
        params![user_code, ts(now)],
        |r| r.get(0),
    )?)
}

/// Counts a wrong password typed on the phone page against the pending request of `user_code`.
pub fn sign_in_failed(conn: &dyn Conn, user_code: &str, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "UPDATE device_logins SET failed_signins = failed_signins + 1
         WHERE user_code = ?1 AND status = 'pending' AND expires_at > ?2",
        params![user_code, ts(now)],
    )?;
    Ok(())
}

/// Binds the confirmation step to the account that signed in on the phone: `confirm_hash` is the hash of the secret
/// its form carries. A later sign-in with the same user code replaces it. `None` when the request is gone.
pub fn prepare_approval(
    tx: &dyn Conn,
    user_code: &str,
    account_id: &str,
    confirm_hash: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<Option<DeviceRequest>> {
    let Some(request) = pending_by_user_code(tx, user_code, now)? else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE device_logins SET confirm_hash = ?1, confirm_account_id = ?2
         WHERE user_code = ?3 AND status = 'pending' AND expires_at > ?4",
        params![confirm_hash, account_id, user_code, ts(now)],
    )?;
    Ok(Some(request))
}

/// Approves or denies the request whose confirmation secret hashes to `confirm_hash`. The secret works once.
pub fn decide(
    tx: &dyn Conn,
    confirm_hash: &[u8],
    approve: bool,
    now: DateTime<Utc>,
) -> StoreResult<Option<DeviceRequest>> {
    let Some(request) = pending_by_confirm_hash(tx, confirm_hash, now)? else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE device_logins SET status = ?1, account_id = CASE WHEN ?1 = 'approved' THEN confirm_account_id END,
             decided_at = ?2, confirm_hash = NULL, confirm_account_id = NULL
         WHERE confirm_hash = ?3 AND status = 'pending'",
        params![if approve { "approved" } else { "denied" }, ts(now), confirm_hash],
    )?;
    Ok(Some(request))
}

fn load_failures(conn: &dyn Conn, client_key: &str) -> StoreResult<Option<FailureRecord>> {
    let row: Option<(String, u32, Option<String>)> = conn
        .query_row(
            "SELECT window_start, failures, blocked_until FROM device_code_failures WHERE client_key = ?1",
            [client_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(start, failures, blocked)| {
        Ok(FailureRecord {
            window_start: parse_ts(&start)?,
            failures,
            blocked_until: blocked.as_deref().map(parse_ts).transpose()?,
        })
    })
    .transpose()
}

fn save_failures(conn: &dyn Conn, client_key: &str, record: &FailureRecord) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO device_code_failures (client_key, window_start, failures, blocked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(client_key) DO UPDATE SET window_start = ?2, failures = ?3, blocked_until = ?4",
        params![client_key, ts(record.window_start), record.failures, record.blocked_until.map(ts)],
    )?;
    Ok(())
}
