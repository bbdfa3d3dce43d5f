//! The PostgreSQL engine: a pool of connections, serializable writes retried on conflict, its own migrations.
//! Nothing about the records lives in the process: every limit, marker and queue is a row, so any number of
//! registry processes serve one database.

use super::{StoreError, StoreResult};
use crate::sql::Conn;
use crate::sql::postgres::advisory::{MIGRATIONS as MIGRATING, TAKING_TURNS};
use crate::sql::postgres::{Manager, Mode, PgConn};
use std::time::Duration;

/// The schema, in order; each applied once, recorded in `schema_migrations`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_schema.sql"),
    include_str!("../../migrations/postgres/0002_several_processes.sql"),
    include_str!("../../migrations/postgres/0003_scan_files.sql"),
    include_str!("../../migrations/postgres/0004_in_flight_unlogged.sql"),
    include_str!("../../migrations/postgres/0005_scans_uncompressed.sql"),
    include_str!("../../migrations/postgres/0006_one_application_per_child.sql"),
    include_str!("../../migrations/postgres/0007_in_flight_as_locks.sql"),
];

/// How many times a step runs again when concurrent transactions conflicted, before the conflict is an error.
const RETRIES: u32 = 40;

/// After this many conflicts a step runs holding `TAKING_TURNS`.
const ALONE_AFTER: u32 = 4;

pub struct PgDb {
    pool: r2d2::Pool<Manager>,
}

impl PgDb {
    /// Connects (a pool of up to `PDO_REGISTRY_PG_POOL` connections, 16 by default) and migrates.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        let size = std::env::var("PDO_REGISTRY_PG_POOL").ok().and_then(|s| s.parse().ok()).unwrap_or(16);
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager::new(url)?)?;
        check_locale(&mut *pool.get()?)?;
        migrate(&mut *pool.get()?)?;
        Ok(Self { pool })
    }

    /// A connection from the pool. r2d2 would ask the server whether it is alive at every checkout, a round trip
    /// per transaction; instead one the server has closed (a restart) is put back, where the pool drops it as broken.
    fn conn(&self) -> StoreResult<r2d2::PooledConnection<Manager>> {
        loop {
            let mut conn =
                self.pool.get().map_err(|e| StoreError::Internal(anyhow::anyhow!("no database connection: {e}")))?;
            if !conn.is_closed() {
                return Ok(conn);
            }
        }
    }

    pub fn write<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        self.write_in(Mode::Write, f)
    }

    /// A write at REPEATABLE READ (`Mode::Snapshot`), retried as `write` is.
    pub fn write_snapshot<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        self.write_in(Mode::Snapshot, f)
    }

    /// Statements that each commit alone (`Mode::Autocommit`).
    pub fn autocommit<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        self.write_in(Mode::Autocommit, f)
    }

    fn write_in<R>(&self, mode: Mode, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        let mut conn = self.conn()?;
        let mut attempt = 0;
        loop {
            // Serializable steps that keep failing each other (many at once on a small database share index pages,
            // and PostgreSQL's conflict tracking is by page) take turns: from the ALONE_AFTER-th attempt a step
            // waits for a lock every such step takes, so two of them never run at once again.
            let outcome = if attempt >= ALONE_AFTER {
                conn.transaction_alone(TAKING_TURNS, mode, &f)
            } else {
                conn.transaction(mode, &f)
            };
            match outcome {
                Err(err) if err.is_retryable() && attempt < RETRIES => {
                    attempt += 1;
                    // A random pause that grows with each conflict (to 64 ms at most), so the steps that met do not
                    // meet again at once.
                    let ceiling = 1u64 << attempt.min(6);
                    std::thread::sleep(Duration::from_micros(rand::random::<u64>() % (ceiling * 1000)));
                }
                Err(err) if err.is_retryable() => {
                    let step = std::any::type_name_of_val(&f);
                    tracing::warn!(attempts = attempt + 1, step, error = %err, "a step kept conflicting; given up");
                    return Err(err);
                }
                other => return other,
            }
        }
    }

    pub fn read<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        self.conn()?.transaction(Mode::Read, f)
    }

    /// Whether the database answers and takes a write: a serializable transaction that writes nothing, committed.
    pub fn ping(&self) -> StoreResult<()> {
        self.conn()?.transaction(Mode::Write, |c| c.query_row("SELECT 1", (), |_| Ok(())).map_err(StoreError::from))
    }
}

/// Refuses a database whose text does not compare byte by byte: the steps compare times stored as fixed-width text
/// and sort names as SQLite does, which holds only with the C locale and libc's provider.
fn check_locale(conn: &mut PgConn) -> anyhow::Result<()> {
    let sql = "SELECT CAST(datlocprovider AS TEXT), CAST(datcollate AS TEXT) FROM pg_database
               WHERE datname = current_database()";
    let (provider, collate): (String, String) =
        conn.transaction(Mode::Read, |c| c.query_row(sql, (), |r| Ok((r.get(0)?, r.get(1)?))))?;
    if provider != "c" || !["C", "POSIX", "C.UTF-8", "C.utf8"].contains(&collate.as_str()) {
        anyhow::bail!(
            "the database's locale is {collate} (provider {provider}); the registry needs one made with LOCALE 'C', \
             e.g. createdb --locale C --encoding UTF8 --template template0 (docs/deploy.md, PostgreSQL)"
        );
    }
    Ok(())
}

/// Applies the migrations not applied yet, under an advisory lock: when several processes start on an empty
/// database at once, one migrates and the others wait and then find it done.
fn migrate(conn: &mut PgConn) -> anyhow::Result<()> {
    Ok(conn.migrate(MIGRATING, MIGRATIONS)?)
}
