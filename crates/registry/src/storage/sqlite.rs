//! The SQLite engine: one connection in WAL mode with `synchronous=FULL`, foreign keys and `secure_delete`.

use super::StoreResult;
use crate::sql::Conn;
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub struct SqliteDb {
    conn: Mutex<Connection>,
    /// Idempotency keys being answered (see `coordination`): one process serves a SQLite file.
    in_flight: Mutex<HashSet<String>>,
}

impl SqliteDb {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Ok(Self { conn: Mutex::new(crate::db::open(path)?), in_flight: Mutex::default() })
    }

    pub fn in_flight(&self) -> MutexGuard<'_, HashSet<String>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> StoreResult<MutexGuard<'_, Connection>> {
        Ok(self.conn.lock().map_err(|_| anyhow::anyhow!("database mutex poisoned"))?)
    }

    /// One immediate transaction, committed (and fsynced) before the answer.
    pub fn write<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let result = f(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    pub fn read<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
        let result = f(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    /// Whether the database takes a write now: an immediate transaction begun and rolled back.
    pub fn ping(&self) -> StoreResult<()> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        Ok(tx.rollback()?)
    }

    /// Cleared letters leave the write-ahead log: a truncating checkpoint; `false` when readers kept it from
    /// completing.
    pub fn checkpoint(&self) -> StoreResult<bool> {
        let conn = self.lock()?;
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }
}
