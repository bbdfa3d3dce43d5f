//! The kiosk's local SQLite store. One connection lives on its own thread; the UI sends it jobs and awaits the
//! answer, so no frame ever waits on the disk.

mod outbox;

pub use outbox::{Outgoing, QueueStatus, Settlement};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::LazyLock;
use std::sync::mpsc;
use tokio::sync::oneshot;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_init.sql")),
        M::up(include_str!("../../migrations/0002_outbox.sql")),
        M::up(include_str!("../../migrations/0003_staff.sql")),
    ])
});

pub fn migrations() -> &'static Migrations<'static> {
    &MIGRATIONS
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("the store thread has stopped")]
    Stopped,
    #[error(
        "no registry configuration stored yet (sealing keys, number block): the kiosk must reach the registry once"
    )]
    NoConfig,
    #[error("the block of application numbers is used up: the kiosk must reach the registry for a new one")]
    NumbersExhausted,
    #[error("sealing: {0}")]
    Seal(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Database(err.to_string())
    }
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

#[derive(Clone, Debug)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
}

impl Store {
    /// Opens and migrates the file on the calling thread, so a broken store stops the kiosk at start, not mid-flow.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        MIGRATIONS.to_latest(&mut conn)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new().name("store".into()).spawn(move || {
            for job in queue {
                job(&mut conn);
            }
        })?;
        Ok(Self { jobs })
    }

    /// Runs `f` on the store's thread and returns its result.
    pub async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(f(conn).map_err(StoreError::from));
        });
        self.jobs.send(job).map_err(|_| StoreError::Stopped)?;
        answer.await.map_err(|_| StoreError::Stopped)?
    }

    /// Runs `f` on the store's thread; `f` may fail with any store error.
    pub async fn call_with<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| StoreError::Stopped)?;
        answer.await.map_err(|_| StoreError::Stopped)?
    }

    /// Adds one to an anonymous daily counter (no personal data: a name and a number). Days are the region's
    /// (UTC+7), so the office's day does not end at 07:00.
    pub async fn count(&self, name: impl Into<String>) -> Result<(), StoreError> {
        let (name, day) = (name.into(), region_day(chrono::Utc::now()));
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO counters (day, name, value) VALUES (?1, ?2, 1)
                 ON CONFLICT(day, name) DO UPDATE SET value = value + 1",
                [&day, &name],
            )
            .map(|_| ())
        })
        .await
    }

    /// A small fact about the kiosk kept as JSON under `key` in `kiosk_state` (never applicant data).
    pub async fn state_json<T>(&self, key: &'static str) -> Result<Option<T>, StoreError>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.call_with(move |conn| {
            let text: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
                "SELECT value FROM kiosk_state WHERE key = ?1",
                [key],
                |r| r.get(0),
            ))?;
            text.map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Database(e.to_string()))).transpose()
        })
        .await
    }

    pub async fn set_state_json<T: serde::Serialize>(&self, key: &'static str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).map_err(|e| StoreError::Database(e.to_string()))?;
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO kiosk_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.as_str()],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn counter_today(&self, name: &'static str) -> Result<i64, StoreError> {
        let day = region_day(chrono::Utc::now());
        self.call(move |conn| {
            conn.query_row(
                "SELECT COALESCE(SUM(value), 0) FROM counters WHERE day = ?1 AND name = ?2",
                [day.as_str(), name],
                |row| row.get(0),
            )
        })
        .await
    }
}

/// The region's date of `at` as `YYYY-MM-DD`, the `day` of the counter tables.
pub fn region_day(at: chrono::DateTime<chrono::Utc>) -> String {
    pdo_core::domain::region_today(at).format("%Y-%m-%d").to_string()
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    for (pragma, value) in pdo_core::sqlite::PRAGMAS {
        conn.pragma_update(None, pragma, value)?;
    }
    conn.busy_timeout(std::time::Duration::from_millis(pdo_core::sqlite::BUSY_TIMEOUT_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_migrations_apply_to_an_empty_database() {
        migrations().validate().expect("kiosk migrations must apply cleanly");
    }

    #[tokio::test]
    async fn store_runs_on_its_own_thread_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let (mode, thread) = store
            .call(|conn| {
                let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                Ok((mode, std::thread::current().name().map(String::from)))
            })
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(thread.as_deref(), Some("store"));
    }

    #[tokio::test]
    async fn counters_add_up_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        {
            let store = Store::open(&path).unwrap();
            store.count("sessions_started").await.unwrap();
            store.count("sessions_started").await.unwrap();
        }
        let reopened = Store::open(&path).unwrap();
        assert_eq!(reopened.counter_today("sessions_started").await.unwrap(), 2);
        assert_eq!(reopened.counter_today("prints").await.unwrap(), 0);
    }
}
