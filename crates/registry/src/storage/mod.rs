//! The storage boundary of the registry. Handlers see only `Storage`: each method is one atomic step of the
//! contract (its checks, its writes, its idempotency record and its queued mail in one transaction), its SQL
//! written once in `crate::steps` for both engines. Methods are blocking; handlers call them on tokio's blocking
//! pool through `Registry::store`.

mod coordination;
mod methods;
mod postgres;
pub mod scans;
mod sqlite;

use crate::accounts::{self, SignInError};
use crate::sql::{Conn, SqlError};
use crate::steps::*;
use chrono::{DateTime, Utc};
use pdo_core::api::*;
use pdo_core::domain::AccountKind;
use pdo_core::validation::{ValidChild, ValidDocument};
use std::path::Path;

/// What a creating request is replayed by: the caller's scope, the route, the client's key and the body's hash.
#[derive(Debug, Clone)]
pub struct IdemKey {
    pub scope: String,
    pub method: &'static str,
    pub path: String,
    pub key: String,
    pub body_hash: Vec<u8>,
}

impl IdemKey {
    /// The key's parts joined by a character none of them holds (PostgreSQL text cannot hold NUL): what a request
    /// in flight holds (`Storage::enter_in_flight`, `steps::idempotency::held`).
    pub fn in_flight_id(&self) -> String {
        format!("{}\u{1f}{}\u{1f}{}\u{1f}{}", self.scope, self.method, self.path, self.key)
    }
}

/// A stored response: what the first request answered, sent again as it was for a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub body: Vec<u8>,
    pub replayed: bool,
}

/// Refusals the storage decides because they depend on what is stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("conflict: {code}")]
    Conflict { code: &'static str, id: Option<String> },
    #[error("idempotency key reused with another body")]
    KeyReuse,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::from(SqlError::from(err))
    }
}

/// Kept whole inside the `anyhow::Error`, so a conflict PostgreSQL asks to retry is found again (`is_retryable`).
impl From<SqlError> for StoreError {
    fn from(err: SqlError) -> Self {
        StoreError::Internal(anyhow::Error::new(err))
    }
}

impl StoreError {
    /// A conflict between concurrent transactions: the whole step runs again.
    fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Internal(e) if e.downcast_ref::<SqlError>().is_some_and(SqlError::is_retryable))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Internal(err.into())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A mail to queue with the record that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The e-mail confirmation secrets of a new application, made by the caller so the mail can carry them.
#[derive(Debug, Clone)]
pub struct ConfirmationSecrets {
    pub token: String,
    pub code: String,
}

/// Renders the mail a step sends, from the application as it stands after the step.
pub type MailFor<'a> = &'a dyn Fn(&Application) -> OutgoingMail;

/// An online application: the account's applicant details and a child of the account with a scanned document.
pub struct NewApplication<'a> {
    pub account: &'a Account,
    pub child_id: &'a str,
    pub email: &'a str,
    /// Whose institutions the forms list; all when `None`.
    pub municipality: Option<&'a str>,
}

/// One queued mail, as the sending worker sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMail {
    pub id: i64,
    pub attempts: u32,
    pub mail: OutgoingMail,
}

/// Who holds an `<id>:<secret>` credential (a kiosk, a staff member) as stored, with what the secret is checked
/// against.
#[derive(Debug, Clone)]
pub struct Credential<T> {
    pub info: T,
    /// argon2id PHC string of the secret.
    pub secret_hash: String,
    pub revoked: bool,
}

/// A kiosk as stored, with what its credentials are checked against.
pub type KioskRecord = Credential<KioskInfo>;

/// A member of staff of an institution that activates certificates (`Authorization: Staff <id>:<secret>`).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffInfo {
    pub id: String,
    pub name: String,
    /// The institution they work for: they see the applications that list it.
    pub institution_id: Option<String>,
    /// Sees every application (`staff add --region-wide`); a member of staff needs this or an institution.
    pub region_wide: bool,
}

/// What a staff look-up by number came to.
#[derive(Debug)]
pub enum StaffLookup {
    Found(Box<Application>),
    /// No such number, or an application outside the member's scope: the two are answered alike.
    NotFound,
    /// Too many look-ups lately: retry after this many seconds.
    TooMany(i64),
}

/// A member of staff as stored, with what their credentials are checked against.
pub type StaffRecord = Credential<StaffInfo>;

/// A device sign-in request a kiosk starts.
#[derive(Debug, Clone)]
pub struct NewDeviceLogin {
    pub kiosk_id: String,
    /// SHA-256 of the device code; the code itself is never stored.
    pub device_code_hash: Vec<u8>,
    /// Eight letters, without the hyphen shown to people.
    pub user_code: String,
    pub expires_at: DateTime<Utc>,
    pub interval_secs: i64,
}

/// A pending device sign-in request as the phone page shows it: which kiosk asks.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRequest {
    pub kiosk: KioskInfo,
    pub user_code: String,
    pub expires_at: DateTime<Utc>,
}

/// What a typed user code finds.
#[derive(Debug, Clone, PartialEq)]
pub enum UserCodeLookup {
    /// Too many wrong codes from this client: retry after this many seconds.
    Blocked(i64),
    /// No pending request has this code (counted as a wrong code).
    Unknown,
    Found(DeviceRequest),
}

pub use pdo_core::api::DevicePoll;

/// The registry's records, in a SQLite file (a pilot, the kiosk's embedded demo) or a PostgreSQL database (a
/// region, any number of registry processes). Every step is one method, written once (`methods.rs`).
pub struct Storage {
    engine: EngineDb,
}

enum EngineDb {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl Storage {
    /// Opens and migrates `db`: a `postgres://` URL, or else the path of a SQLite file (created when missing).
    pub fn open(db: &Path) -> anyhow::Result<Self> {
        let engine = match db.to_str().filter(|d| is_postgres_url(d)) {
            Some(url) => EngineDb::Postgres(postgres::PgDb::open(url)?),
            None => EngineDb::Sqlite(sqlite::SqliteDb::open(db)?),
        };
        Ok(Self { engine })
    }

    /// Runs `f` in one writing transaction, committed only when it succeeds. On PostgreSQL the transaction is
    /// serializable and `f` runs again from the start when another process's transaction conflicted with it, so
    /// `f` must not do anything outside the transaction.
    pub fn write<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.write(f),
            EngineDb::Postgres(db) => db.write(f),
        }
    }

    /// `write` for the steps whose rules all stand on unique indexes and on rows they change, so that on PostgreSQL
    /// they run at REPEATABLE READ: serializable's tracking of reads is by index page, and on a young database
    /// every new child and application shared pages, so creates failed each other in bursts (1.5 retries per
    /// application under the load bench). A racing duplicate then meets a unique index (a retry, which sees the
    /// winner) or a row changed under it (a retry). On SQLite it is `write`: one writer at a time.
    ///
    /// What a step here may rely on: its idempotency key (`idempotency_keys`' primary key), a child's SNILS
    /// (`children.snils` unique), one application per child (`applications_one_per_child`), and rows it updates.
    /// What it may not: that something it read and did not write stays absent or unchanged until it commits.
    pub fn write_snapshot<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.write(f),
            EngineDb::Postgres(db) => db.write_snapshot(f),
        }
    }

    /// Runs `f` on one consistent snapshot, writing nothing.
    pub fn read<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.read(f),
            EngineDb::Postgres(db) => db.read(f),
        }
    }

    /// A write of one statement that reads nothing it does not change (an UPDATE by primary key): on PostgreSQL it
    /// commits by itself (`Mode::Autocommit`), one round trip instead of two.
    pub fn write_one<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.write(f),
            EngineDb::Postgres(db) => db.autocommit(f),
        }
    }

    /// A read of one statement, which sees one snapshot by itself: on PostgreSQL it runs without BEGIN and COMMIT
    /// (`Mode::Autocommit`), two statements fewer for the server. Every authenticated request makes one.
    pub fn read_one<R>(&self, f: impl Fn(&dyn Conn) -> StoreResult<R>) -> StoreResult<R> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.read(f),
            EngineDb::Postgres(db) => db.autocommit(f),
        }
    }
}

fn internal(err: anyhow::Error) -> StoreError {
    StoreError::Internal(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn commits(storage: &Storage) -> usize {
        match &storage.engine {
            EngineDb::Sqlite(db) => db.commits(),
            EngineDb::Postgres(_) => unreachable!("a SQLite file here"),
        }
    }

    #[test]
    fn authenticating_reads_and_writes_only_when_the_idle_timer_moves_or_the_session_ends() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&dir.path().join("r.sqlite3")).unwrap();
        let account =
            storage.create_account("test.read", "пароль-для-теста", AccountKind::Parent, "Тестова Анна").unwrap();
        let start = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let session = storage.open_session(&account, None, start).unwrap();
        let before = commits(&storage);
        for seconds in [1, 20, 59] {
            let found = storage.authenticate(&session.token, start + Duration::seconds(seconds)).unwrap();
            assert_eq!(found.map(|a| a.id), Some(account.id.clone()));
        }
        assert_eq!(commits(&storage), before, "a session used within a minute of its last move is only read");
        assert!(storage.authenticate(&session.token, start + Duration::minutes(29)).unwrap().is_some());
        assert_eq!(commits(&storage), before + 1, "the idle timer moved");
        assert!(storage.authenticate(&session.token, start + Duration::minutes(58)).unwrap().is_some(), "moved at 29");
        assert!(storage.authenticate("no-such-token", start).unwrap().is_none());
        assert!(storage.authenticate(&session.token, start + Duration::minutes(89)).unwrap().is_none());
        let left: i64 = storage.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM sessions", (), |r| r.get(0))?)).unwrap();
        assert_eq!(left, 0, "the ended session is deleted");
    }

    fn child_with_document(storage: &Storage, account: &Account) -> (String, String) {
        let now = Utc::now();
        let key = |k: &str| IdemKey {
            scope: format!("account:{}", account.id),
            method: "POST",
            path: "/test".into(),
            key: k.into(),
            body_hash: vec![],
        };
        let child = ValidChild {
            last_name: "Тестов".into(),
            first_name: "Лев".into(),
            patronymic: None,
            birth_date: chrono::NaiveDate::from_ymd_opt(2016, 3, 3).unwrap(),
            snils: format!("200-000-042 {:02}", pdo_core::validation::snils_checksum(&[2, 0, 0, 0, 0, 0, 0, 4, 2])),
            address: "г. Примерный, ул. Вымышленная, д. 2".into(),
        };
        let created = storage.create_child(&account.id, &child, &key("c"), now).unwrap();
        let child_id =
            serde_json::from_slice::<serde_json::Value>(&created.body).unwrap()["id"].as_str().unwrap().to_string();
        let document = ValidDocument {
            kind: pdo_core::domain::DocumentKind::BirthCertificate,
            series: "II-ЛО".into(),
            number: "123456".into(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2016, 4, 1).unwrap(),
            issued_by: "Отдел ЗАГС г. Примерного".into(),
            division_code: None,
        };
        let added = storage.add_document(&account.id, &child_id, &document, &key("d"), now).unwrap();
        let document_id =
            serde_json::from_slice::<serde_json::Value>(&added.body).unwrap()["id"].as_str().unwrap().to_string();
        (child_id, document_id)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".lock")
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_sqlite_registry_keeps_scans_in_files_named_by_the_record_and_a_backup_carries_them_inline() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("r.sqlite3");
        let storage = Storage::open(&db).unwrap();
        let account =
            storage.create_account("test.scan", "пароль-для-теста", AccountKind::Parent, "Тестова Вера").unwrap();
        let (child, document) = child_with_document(&storage, &account);
        let folder = scans::dir_of(&db);
        let first = [&[0xFF, 0xD8][..], &[1; 4096]].concat();
        storage.put_scan(&account.id, &child, &document, &first, "image/jpeg").unwrap();
        let named = |storage: &Storage| -> (Option<String>, bool) {
            storage
                .read(|c| {
                    Ok(c.query_row("SELECT scan_file, scan IS NULL FROM documents WHERE id = ?1", [&document], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?)
                })
                .unwrap()
        };
        let (file, inline_empty) = named(&storage);
        assert!(inline_empty, "the bytes are not in the record");
        assert_eq!(files_in(&folder), vec![file.clone().unwrap()]);
        assert_eq!(std::fs::read(folder.join(file.unwrap())).unwrap(), first);
        assert!(storage.child(&account.id, &child).unwrap().documents[0].has_scan);

        let second = [&[0xFF, 0xD8][..], &[2; 8192]].concat();
        storage.put_scan(&account.id, &child, &document, &second, "image/jpeg").unwrap();
        let (file, _) = named(&storage);
        assert_eq!(files_in(&folder), vec![file.clone().unwrap()], "the replaced scan's file is gone");

        let refused = storage.put_scan(&account.id, &child, "no-such-document", &first, "image/jpeg");
        assert!(matches!(refused, Err(StoreError::NotFound("document_not_found"))), "{refused:?}");
        assert_eq!(files_in(&folder), vec![file.unwrap()], "a refused scan leaves no file");

        let copy = dir.path().join("copy.sqlite3");
        crate::backup::backup(&db, &copy).unwrap();
        let copied = rusqlite::Connection::open(&copy).unwrap();
        let (scan, file): (Vec<u8>, Option<String>) = copied
            .query_row("SELECT scan, scan_file FROM documents WHERE id = ?1", [&document], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((scan, file), (second, None), "the backup is one file with the scan inline");
    }

    #[test]
    fn files_a_crash_left_unnamed_are_swept_by_the_prune_serve_starts_with_unless_they_are_young() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("r.sqlite3");
        let storage = Storage::open(&db).unwrap();
        let account =
            storage.create_account("test.sweep", "пароль-для-теста", AccountKind::Parent, "Тестова Ия").unwrap();
        let (child, document) = child_with_document(&storage, &account);
        storage.put_scan(&account.id, &child, &document, b"\xFF\xD8named", "image/jpeg").unwrap();
        drop(storage);
        let folder = scans::dir_of(&db);
        let long_ago = std::time::SystemTime::now() - scans::SWEEP_AFTER * 2;
        for name in files_in(&folder) {
            std::fs::File::options().write(true).open(folder.join(name)).unwrap().set_modified(long_ago).unwrap();
        }
        // A scan written before a crash, its step never committed; and one a running step has just written.
        std::fs::write(folder.join("orphan"), b"\xFF\xD8orphan").unwrap();
        std::fs::File::options().write(true).open(folder.join("orphan")).unwrap().set_modified(long_ago).unwrap();
        std::fs::write(folder.join("young"), b"\xFF\xD8young").unwrap();
        let named_before = files_in(&folder).len();
        let storage = Storage::open(&db).unwrap();
        assert_eq!(files_in(&folder).len(), named_before, "opening alone (as every CLI command does) sweeps nothing");
        storage.prune(Utc::now()).unwrap();
        let left = files_in(&folder);
        assert_eq!(left.len(), named_before - 1, "{left:?}");
        assert!(!left.contains(&"orphan".to_string()) && left.contains(&"young".to_string()));
        assert!(storage.child(&account.id, &child).unwrap().documents[0].has_scan, "the named file stays");
    }
}
