//! Replaying creating requests: the stored response is written in the same transaction as what it created.

use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{IdemKey, StoreError, StoreResult, Stored};
use chrono::{DateTime, Utc};

/// Replays the stored answer for `idem`, or runs `create` and stores its answer with it. Failures store nothing, so
/// a retry after a refusal is judged afresh.
pub fn run(
    tx: &dyn Conn,
    idem: &IdemKey,
    now: DateTime<Utc>,
    create: impl FnOnce(&dyn Conn) -> StoreResult<(u16, Vec<u8>)>,
) -> StoreResult<Stored> {
    let previous: Option<(Vec<u8>, u16, Vec<u8>)> = tx
        .query_row(
            "SELECT body_hash, status, body FROM idempotency_keys WHERE scope = ?1 AND method = ?2 AND path = ?3 AND key = ?4",
            params![idem.scope, idem.method, idem.path, idem.key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((hash, status, body)) = previous {
        return if hash == idem.body_hash {
            Ok(Stored { status, body, replayed: true })
        } else {
            Err(StoreError::KeyReuse)
        };
    }
    let (status, body) = create(tx)?;
    tx.execute(
        "INSERT INTO idempotency_keys (scope, method, path, key, body_hash, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![idem.scope, idem.method, idem.path, idem.key, idem.body_hash, status, body, now.to_rfc3339()],
    )?;
    Ok(Stored { status, body, replayed: false })
}

/// Keys are kept at least 30 days; older ones may go.
pub fn prune(tx: &dyn Conn, now: DateTime<Utc>) -> StoreResult<usize> {
    let cutoff = now - chrono::Duration::days(31);
    Ok(tx.execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [cutoff.to_rfc3339()])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::IdemKey;

    #[test]
    fn records_are_kept_30_days_then_pruned() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        let tx = conn.transaction().unwrap();
        let key = |k: &str| IdemKey {
            scope: "account:a".into(),
            method: "POST",
            path: "/x".into(),
            key: k.into(),
            body_hash: vec![1],
        };
        let day = |d: i64| DateTime::from_timestamp(1_790_000_000 + d * 86_400, 0).unwrap();
        run(&tx, &key("old"), day(0), |_| Ok((201, b"{}".to_vec()))).unwrap();
        run(&tx, &key("new"), day(20), |_| Ok((201, b"{}".to_vec()))).unwrap();
        assert_eq!(prune(&tx, day(30)).unwrap(), 0, "nothing goes before 30 days");
        assert_eq!(prune(&tx, day(32)).unwrap(), 1);
        let replay = run(&tx, &key("new"), day(32), |_| panic!("must replay, not create")).unwrap();
        assert!(replay.replayed);
    }
}
