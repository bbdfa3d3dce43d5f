//! Replaying creating requests: the stored response is written in the same transaction as what it created.

use super::Query;
use crate::sql::{Conn, Engine, params};
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
    let previous = held(tx, &idem.in_flight_id(), previous(idem)).run(tx)?;
    answer(tx, idem, now, previous, create)
}

/// `run` with the step's first reads sent together with the look-up of the stored answer (one round trip on
/// PostgreSQL); `create` gets their answer. On a replay they were read for nothing.
pub fn run_with<F: 'static>(
    tx: &dyn Conn,
    idem: &IdemKey,
    now: DateTime<Utc>,
    first: Query<F>,
    create: impl FnOnce(&dyn Conn, F) -> StoreResult<(u16, Vec<u8>)>,
) -> StoreResult<Stored> {
    let (previous, first) = held(tx, &idem.in_flight_id(), previous(idem).and(first)).run(tx)?;
    answer(tx, idem, now, previous, |tx| create(tx, first))
}

/// `reads`, and on PostgreSQL, sent before them, the request `in_flight_id` taken for the rest of the transaction:
/// while another process's (or thread's) step holds it, the step is refused `request_in_flight` (`409`), as the
/// contract asks. The lock goes with the transaction, at COMMIT or ROLLBACK, or when a dying process's connection
/// closes, so nothing is left to lapse. The key is a 64-bit hash of the id (a collision between two keys in flight at
/// once would refuse one of them, which the client sends again). Correctness does not rest on it: a duplicate that
/// slipped past it (its snapshot taken just before the first committed) meets the stored key's unique index and runs
/// again, then replays.
///
/// SQLite needs nothing here: its one process marks the request in memory for the whole request
/// (`Storage::enter_in_flight`).
pub fn held<T: 'static>(tx: &dyn Conn, in_flight_id: &str, reads: Query<T>) -> Query<T> {
    if !tx.engine_is(Engine::Postgres) {
        return reads;
    }
    let hold = Query::first("SELECT pg_try_advisory_xact_lock(hashtextextended(?1, 0))", [in_flight_id], |r| r.get(0));
    hold.and(reads).map(|(held, answer)| {
        if held == Some(true) { Ok(answer) } else { Err(StoreError::Conflict { code: "request_in_flight", id: None }) }
    })
}

/// The stored answer's body hash, status and body.
type Previous = (Vec<u8>, u16, Vec<u8>);

fn previous(idem: &IdemKey) -> Query<Option<Previous>> {
    Query::first(
        "SELECT body_hash, status, body FROM idempotency_keys WHERE scope = ?1 AND method = ?2 AND path = ?3 AND key = ?4",
        params![idem.scope, idem.method, idem.path, idem.key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

fn answer(
    tx: &dyn Conn,
    idem: &IdemKey,
    now: DateTime<Utc>,
    previous: Option<Previous>,
    create: impl FnOnce(&dyn Conn) -> StoreResult<(u16, Vec<u8>)>,
) -> StoreResult<Stored> {
    if let Some((hash, status, body)) = previous {
        return if hash == idem.body_hash {
            Ok(Stored { status, body, replayed: true })
        } else {
            Err(StoreError::KeyReuse)
        };
    }
    let (status, body) = create(tx)?;
    // Nothing waits for this insert's answer: a failure (a racing request that stored the same key) comes with the
    // COMMIT, and the step runs again and replays.
    tx.execute_later(
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
