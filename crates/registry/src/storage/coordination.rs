//! What the registry's processes coordinate through: wrong secrets per kiosk or staff member (rows in the database,
//! so two or more processes behind a proxy see the same counts), and idempotency keys whose first request is still
//! being answered (SQLite, served by one process, keeps them in memory; PostgreSQL's steps hold them as transaction
//! locks, `steps::idempotency::held`).

use super::{EngineDb, Storage, StoreResult};
use crate::accounts::{self, Failures};
use chrono::{DateTime, Utc};

impl Storage {
    /// `Some(retry_after_secs)` while `holder` (`Kiosk:<id>`, `Staff:<id>`) is blocked for wrong secrets.
    pub fn secret_blocked(&self, holder: &str, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
        self.read(|conn| Ok(accounts::blocked(conn, Failures::Secrets, holder, now)?))
    }

    /// Counts a wrong secret of `holder`, or with `matched` clears its count.
    pub fn record_secret_check(&self, holder: &str, matched: bool, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|conn| Ok(accounts::record(conn, Failures::Secrets, holder, matched, now)?))
    }

    /// Marks `id` (`IdemKey::in_flight_id`) as being answered; `false` when it already is. SQLite's one process
    /// keeps the marks in memory, for the whole request. On PostgreSQL this marks nothing: the step itself takes the
    /// id for its transaction (`steps::idempotency::held`), which every process sees and which no dead process
    /// leaves behind.
    pub fn enter_in_flight(&self, id: &str) -> bool {
        match &self.engine {
            EngineDb::Sqlite(db) => db.in_flight().insert(id.to_string()),
            EngineDb::Postgres(_) => true,
        }
    }

    /// Letters a worker took but did not report on are free again when the worker starts, on SQLite: one process
    /// serves the file, so they were held by this process before it stopped (a crash between sending and
    /// recording). PostgreSQL's other processes may be sending theirs right now: there the leases lapse by themselves
    /// (`outbox::LEASE`). Answers how many were freed.
    pub fn release_mail_leases(&self) -> StoreResult<usize> {
        match &self.engine {
            EngineDb::Sqlite(_) => self.write(|conn| {
                let sql = "UPDATE mail_outbox SET lease_until = NULL WHERE sent_at IS NULL AND lease_until IS NOT NULL";
                Ok(conn.execute(sql, ())?)
            }),
            EngineDb::Postgres(_) => Ok(0),
        }
    }

    /// Clears the mark of `id`.
    pub fn leave_in_flight(&self, id: &str) {
        if let EngineDb::Sqlite(db) = &self.engine {
            db.in_flight().remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_wrong_secret_blocks_the_id_and_a_right_one_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&dir.path().join("r.sqlite3")).unwrap();
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        for _ in 0..4 {
            storage.record_secret_check("Kiosk:k1", false, now).unwrap();
        }
        assert_eq!(storage.secret_blocked("Kiosk:k1", now).unwrap(), None);
        storage.record_secret_check("Kiosk:k1", false, now).unwrap();
        assert_eq!(storage.secret_blocked("Kiosk:k1", now).unwrap(), Some(30));
        assert_eq!(storage.secret_blocked("Kiosk:k2", now).unwrap(), None, "other ids are not affected");
        storage.record_secret_check("Kiosk:k1", true, now).unwrap();
        assert_eq!(storage.secret_blocked("Kiosk:k1", now).unwrap(), None);
    }
}
