//! The SQLite engine: WAL mode with `synchronous=FULL`, foreign keys and `secure_delete`; one connection writes,
//! another reads.
//!
//! Group commit. Every write used to be its own transaction and its own fsync, so a busy pilot spent its time
//! waiting for the disk. Now a writer that finds a batch open joins it: its step runs in a savepoint of the batch's
//! transaction (its failure rolls back only its own changes), and the last writer of a run commits for all, with
//! one fsync. No writer answers before the commit that holds its changes returned: durability is as before. A batch
//! is committed as soon as no other writer is waiting for the connection, or when it has `MAX_BATCH` steps.
//!
//! Reads use their own connection: in WAL mode it sees committed data only, never a batch still open.

use super::StoreResult;
use super::scans::{self, ScanFiles};
use crate::sql::Conn;
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Steps at most in one commit, so a constant stream of writers still gets answers.
const MAX_BATCH: usize = 64;

pub struct SqliteDb {
    writer: Mutex<Writer>,
    /// Signalled after each commit.
    committed: Condvar,
    /// Writers waiting for the writing connection: while there are any, a batch stays open for them.
    waiting: AtomicUsize,
    /// Commits made (the group-commit test reads it).
    commits: AtomicUsize,
    reader: Mutex<Connection>,
    /// Idempotency keys being answered (see `coordination`): one process serves a SQLite file.
    in_flight: Mutex<HashSet<String>>,
    scans: ScanFiles,
}

struct Writer {
    conn: Connection,
    /// The batch now open, if one is.
    open: Option<u64>,
    steps: usize,
    /// Batches numbered from 1; the last one committed (or failed), and the ones whose commit failed.
    last_done: u64,
    failed: Vec<u64>,
}

impl SqliteDb {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = crate::db::open(path)?;
        let reader = crate::db::open(path)?;
        Ok(Self {
            writer: Mutex::new(Writer { conn, open: None, steps: 0, last_done: 0, failed: vec![] }),
            committed: Condvar::new(),
            waiting: AtomicUsize::new(0),
            commits: AtomicUsize::new(0),
            reader: Mutex::new(reader),
            in_flight: Mutex::default(),
            scans: ScanFiles::open(path)?,
        })
    }

    pub fn scans(&self) -> &ScanFiles {
        &self.scans
    }

    /// Deletes scan files no record names (older than `scans::SWEEP_AFTER`); returns how many went. Run by the
    /// prune, which `serve` starts with and repeats hourly: not on every opening, which every CLI command makes.
    pub fn sweep_scans(&self) -> anyhow::Result<usize> {
        let swept = self.scans.sweep(scans::SWEEP_AFTER, || {
            let named = self.read(|conn| {
                let files =
                    conn.query_map("SELECT scan_file FROM documents WHERE scan_file IS NOT NULL", (), |r| r.get(0))?;
                Ok(files.collect::<Result<HashSet<String>, _>>()?)
            });
            named.map_err(|e| anyhow::anyhow!("{e}"))
        })?;
        if swept > 0 {
            tracing::info!(swept, "scan files no record named were deleted");
        }
        Ok(swept)
    }

    pub fn in_flight(&self) -> MutexGuard<'_, HashSet<String>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn writer(&self) -> StoreResult<MutexGuard<'_, Writer>> {
        Ok(self.writer.lock().map_err(|_| anyhow::anyhow!("database mutex poisoned"))?)
    }

    /// Runs `f` as one step of the open batch (opening one if none is) and answers once that batch is committed.
    pub fn write<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let locked = self.writer();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let mut w = locked?;
        let batch = match w.open {
            Some(batch) => batch,
            None => {
                w.conn.execute_batch("BEGIN IMMEDIATE")?;
                let batch = w.last_done + 1;
                (w.open, w.steps) = (Some(batch), 0);
                batch
            }
        };
        w.conn.execute_batch("SAVEPOINT step")?;
        let result = f(&w.conn);
        if result.is_err() {
            w.conn.execute_batch("ROLLBACK TO step")?;
        }
        w.conn.execute_batch("RELEASE step")?;
        w.steps += 1;
        if self.waiting.load(Ordering::SeqCst) == 0 || w.steps >= MAX_BATCH {
            let commit = w.conn.execute_batch("COMMIT");
            let commits = self.commits.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::trace!(steps = w.steps, commits, "batch committed");
            if commit.is_err() {
                let _ = w.conn.execute_batch("ROLLBACK");
                w.failed.push(batch);
            }
            (w.open, w.last_done) = (None, batch);
            self.committed.notify_all();
            commit?;
            return result;
        }
        // Another writer is about to join: it (or the one after it) commits this batch.
        while w.last_done < batch {
            w = self.committed.wait(w).map_err(|_| anyhow::anyhow!("database mutex poisoned"))?;
        }
        if w.failed.contains(&batch) {
            return Err(anyhow::anyhow!("the commit of this step's batch failed").into());
        }
        result
    }

    #[cfg(test)]
    pub fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }

    /// One read transaction on the reading connection: committed data only.
    pub fn read<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        let mut conn = self.reader.lock().map_err(|_| anyhow::anyhow!("database mutex poisoned"))?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
        let result = f(&tx)?;
        tx.commit()?;
        Ok(result)
    }

    /// Whether the database takes a write now: an immediate transaction begun and rolled back (a batch being open
    /// says so already).
    pub fn ping(&self) -> StoreResult<()> {
        let w = self.writer()?;
        if w.open.is_some() {
            return Ok(());
        }
        w.conn.execute_batch("BEGIN IMMEDIATE")?;
        w.conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        Ok(w.conn.execute_batch("ROLLBACK")?)
    }

    /// Cleared letters leave the write-ahead log: a truncating checkpoint; `false` when a batch or a reader kept it
    /// from completing (the mail worker tries again).
    pub fn checkpoint(&self) -> StoreResult<bool> {
        let w = self.writer()?;
        if w.open.is_some() {
            return Ok(false);
        }
        let busy: i64 = w.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::params;
    use crate::storage::StoreError;

    #[test]
    fn concurrent_steps_keep_their_own_outcome_and_a_failed_step_takes_only_its_own_changes_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(&dir.path().join("r.sqlite3")).unwrap();
        std::thread::scope(|s| {
            for thread in 0..8 {
                let db = &db;
                s.spawn(move || {
                    for n in 0..25 {
                        let key = format!("t{thread}-{n}");
                        let outcome = db.write(|conn| {
                            conn.execute("INSERT INTO settings (key, value) VALUES (?1, 'x')", [&key])?;
                            // A step that takes a moment, so that others queue behind it meanwhile.
                            std::thread::sleep(std::time::Duration::from_millis(1));
                            if n % 5 == 0 { Err(StoreError::NotFound("refused on purpose")) } else { Ok(()) }
                        });
                        assert_eq!(outcome.is_ok(), n % 5 != 0);
                    }
                });
            }
        });
        let kept: i64 = db
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM settings WHERE key LIKE 't%'", (), |r| r.get(0))?))
            .unwrap();
        assert_eq!(kept, 8 * 20, "every step that succeeded is there, none that failed");
        let refused: i64 = db
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM settings WHERE key = ?1", params!["t0-5"], |r| r.get(0))?))
            .unwrap();
        assert_eq!(refused, 0);
    }

    /// Deterministic, unlike counting commits under a free-running load (which depends on the scheduler): the
    /// first step holds the connection until seven writers wait for it, and all eight share one commit.
    #[test]
    fn writers_that_wait_meanwhile_share_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDb::open(&dir.path().join("r.sqlite3")).unwrap();
        let before = db.commits();
        let first_running = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                db.write(|conn| {
                    conn.execute("INSERT INTO settings (key, value) VALUES ('first', 'x')", ())?;
                    first_running.store(true, Ordering::SeqCst);
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                    while db.waiting.load(Ordering::SeqCst) < 7 {
                        assert!(std::time::Instant::now() < deadline, "the other writers never queued");
                        std::thread::yield_now();
                    }
                    Ok(())
                })
                .unwrap();
            });
            while !first_running.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            for thread in 0..7 {
                let db = &db;
                s.spawn(move || {
                    let key = format!("queued-{thread}");
                    db.write(|conn| Ok(conn.execute("INSERT INTO settings (key, value) VALUES (?1, 'x')", [&key])?))
                        .unwrap();
                });
            }
        });
        assert_eq!(db.commits() - before, 1, "eight steps, one commit");
        let kept: i64 = db
            .read(|c| {
                Ok(c.query_row("SELECT COUNT(*) FROM settings WHERE key = 'first' OR key LIKE 'queued-%'", (), |r| {
                    r.get(0)
                })?)
            })
            .unwrap();
        assert_eq!(kept, 8);
    }
}
