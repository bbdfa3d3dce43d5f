//! `Conn` on PostgreSQL through tokio-postgres (pure Rust): a pool of connections (r2d2), each with its prepared
//! statements cached by text, `?N` parameters rewritten to `$N`, and the registry's values converted to whatever
//! type the server inferred for a parameter or gave a column.
//!
//! The storage is blocking (handlers call it on tokio's blocking pool; tests and the command line call it from
//! anywhere), while tokio-postgres is async: the thread that waits for an answer drives the connection's socket
//! itself (`pg_socket`), with no runtime and no I/O thread between it and the server.

use super::pg_socket::Driver;
use super::{Conn, Engine, Row, SqlError, Value};
use futures_util::FutureExt;
use futures_util::future::{join, join_all};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::error::Error;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

type BoxError = Box<dyn Error + Sync + Send>;

impl From<tokio_postgres::Error> for SqlError {
    fn from(err: tokio_postgres::Error) -> Self {
        let code = err.code().map(|c| c.code().to_string());
        // The server's own message says what failed; the client's Display says only "db error".
        let message = err.as_db_error().map_or_else(|| err.to_string(), ToString::to_string);
        SqlError::Db { code, message }
    }
}

/// The registry's advisory lock keys, all here so no two purposes share one (a step taking turns once held the
/// number blocks' key, and every new application waited behind it).
pub mod advisory {
    /// Migrating the schema.
    pub const MIGRATIONS: i64 = 7_461_328;
    /// Taking numbers: single numbers shared, a kiosk's block exclusive (`steps::reference`).
    pub const NUMBERS: i64 = 7_461_329;
    /// Steps that kept conflicting run one at a time (`storage::postgres`).
    pub const TAKING_TURNS: i64 = 7_461_330;

    const _DISTINCT: () = assert!(MIGRATIONS != NUMBERS && NUMBERS != TAKING_TURNS && MIGRATIONS != TAKING_TURNS);
}

/// How many times this process has waited for PostgreSQL's answer: what a step costs here, counted by the load
/// bench per application.
static ROUND_TRIPS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static ROUND_TRIPS_HERE: Cell<u64> = const { Cell::new(0) };
}

pub fn round_trips() -> u64 {
    ROUND_TRIPS.load(Ordering::Relaxed)
}

/// The same, of the calling thread only (for tests that run beside others).
pub fn round_trips_on_this_thread() -> u64 {
    ROUND_TRIPS_HERE.get()
}

/// Waits for a request's answer (and for whatever was sent before it on the connection), driving the connection.
fn wait<F: Future>(driver: &RefCell<Driver>, request: F) -> F::Output {
    ROUND_TRIPS.fetch_add(1, Ordering::Relaxed);
    ROUND_TRIPS_HERE.set(ROUND_TRIPS_HERE.get() + 1);
    driver.borrow_mut().drive(request)
}

/// One pooled connection and the statements prepared on it.
pub struct PgConn {
    /// Taken only when the connection is dropped (`Drop`), to say goodbye to the server.
    client: Option<tokio_postgres::Client>,
    driver: RefCell<Driver>,
    statements: HashMap<String, tokio_postgres::Statement>,
}

impl PgConn {
    /// Connects to `config`'s database.
    pub fn connect(config: &tokio_postgres::Config) -> Result<Self, SqlError> {
        let (client, driver) = Driver::connect(config)?;
        Ok(Self { client: Some(client), driver: RefCell::new(driver), statements: HashMap::new() })
    }

    fn client(&self) -> &tokio_postgres::Client {
        self.client.as_ref().expect("taken only on drop")
    }

    /// Runs `sql` (one or more statements, no parameters) outside any transaction.
    pub fn batch(&self, sql: &str) -> Result<(), SqlError> {
        Ok(wait(&self.driver, self.client().batch_execute(sql))?)
    }
}

impl Drop for PgConn {
    /// The client's drop queues a goodbye (Terminate); the connection writes it before the socket closes, so the
    /// server does not log an unexpected end.
    fn drop(&mut self) {
        drop(self.client.take());
        self.driver.get_mut().flush();
    }
}

/// Makes and checks the pool's connections.
pub struct Manager {
    config: tokio_postgres::Config,
}

impl Manager {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let mut config: tokio_postgres::Config = url.parse()?;
        config.application_name("pdo-registry");
        Ok(Self { config })
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = SqlError;

    fn connect(&self) -> Result<PgConn, SqlError> {
        PgConn::connect(&self.config)
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), SqlError> {
        conn.batch("")
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.is_closed()
    }
}

/// How a transaction runs: the registry's writes are serializable (retried from the start on a conflict, see
/// `storage`); its reads see one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Read,
    /// A write at REPEATABLE READ: one snapshot, and a row changed since it was taken fails the write (retried), but
    /// no tracking of what was read. For the steps whose rules all stand on unique indexes and rows they write
    /// (`Storage::write_snapshot`).
    Snapshot,
    /// No transaction: each statement commits alone, at the server's default isolation (READ COMMITTED). For a
    /// write that is one statement on a unique key (the in-flight marks), which needs nothing more and so costs one
    /// round trip.
    Autocommit,
}

impl Mode {
    fn begin(self) -> Option<&'static str> {
        match self {
            Mode::Write => Some("BEGIN ISOLATION LEVEL SERIALIZABLE"),
            Mode::Read => Some("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            Mode::Snapshot => Some("BEGIN ISOLATION LEVEL REPEATABLE READ"),
            Mode::Autocommit => None,
        }
    }
}

impl PgConn {
    /// Runs `f` as `transaction` does, holding a session advisory lock `key` (shared by every process on the
    /// database) from before the transaction began until after it ended: its snapshot is taken once the lock is
    /// held, so it sees what the previous holder committed.
    pub fn transaction_alone<R, E: From<SqlError>>(
        &mut self,
        key: i64,
        mode: Mode,
        f: impl FnOnce(&dyn Conn) -> Result<R, E>,
    ) -> Result<R, E> {
        wait(&self.driver, self.client().execute("SELECT pg_advisory_lock($1)", &[&key])).map_err(SqlError::from)?;
        let result = self.transaction(mode, f);
        // Were the unlock to fail, the connection is broken, and its session's locks went with it.
        let _ = wait(&self.driver, self.client().execute("SELECT pg_advisory_unlock($1)", &[&key]));
        result
    }

    /// Runs `f` in one transaction and commits it when `f` succeeds.
    ///
    /// Round trips are what a step costs on PostgreSQL (each statement waits for its answer), so the transaction
    /// takes none of its own: BEGIN goes out with the first statement, and a read's COMMIT goes out without
    /// waiting (the connection's next request queues behind it; a read-only transaction has nothing to lose). A
    /// write waits for its COMMIT, where a serialization failure may still come, together with the answers of the
    /// writes it deferred (`Conn::defer`).
    pub fn transaction<R, E: From<SqlError>>(
        &mut self,
        mode: Mode,
        f: impl FnOnce(&dyn Conn) -> Result<R, E>,
    ) -> Result<R, E> {
        let PgConn { client, driver, statements } = self;
        let tx = PgTx {
            client: client.as_ref().expect("taken only on drop"),
            driver,
            statements: RefCell::new(statements),
            begin: Cell::new(mode.begin()),
            open: Cell::new(false),
            deferred: RefCell::new(Vec::new()),
        };
        let result = f(&tx)?;
        tx.finish(mode)?;
        Ok(result)
    }

    /// Applies `migrations` not applied yet (counted in `schema_migrations`) in one transaction that first takes
    /// the advisory lock `lock`, so processes starting together migrate one after the other.
    pub fn migrate(&mut self, lock: i64, migrations: &[&str]) -> Result<(), SqlError> {
        let PgConn { client, driver, .. } = self;
        let driver = &*driver;
        let client = client.as_mut().expect("taken only on drop");
        let tx = wait(driver, client.transaction())?;
        wait(driver, tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock]))?;
        wait(
            driver,
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            ),
        )?;
        let done: i64 = wait(driver, tx.query_one("SELECT COUNT(*) FROM schema_migrations", &[]))?.get(0);
        for (version, sql) in migrations.iter().enumerate().skip(done as usize) {
            wait(driver, tx.batch_execute(sql))?;
            let version = version as i64 + 1;
            wait(driver, tx.execute("INSERT INTO schema_migrations VALUES ($1, now()::text)", &[&version]))?;
        }
        Ok(wait(driver, tx.commit())?)
    }

    /// Whether the server has closed this connection (it was restarted, say): a pool hands out no such one. Reads
    /// what has arrived, without waiting.
    pub fn is_closed(&mut self) -> bool {
        self.driver.get_mut().is_closed()
    }
}

/// Puts a request on the connection's queue and writes it to the socket, without waiting for the answer, which the
/// connection reads and drops with the next wait: tokio-postgres queues a request on its future's first poll.
fn send_only<F: Future>(driver: &RefCell<Driver>, request: F) {
    let _ = request.now_or_never();
    driver.borrow_mut().flush();
}

/// A request queued and not waited for yet; it goes out, and its answer is read, when the transaction next waits.
type Sent<'a> = Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + 'a>>;

/// A transaction as the steps see it; rolled back when dropped uncommitted (an error, a panic).
struct PgTx<'a> {
    client: &'a tokio_postgres::Client,
    driver: &'a RefCell<Driver>,
    statements: RefCell<&'a mut HashMap<String, tokio_postgres::Statement>>,
    /// The BEGIN not sent yet.
    begin: Cell<Option<&'static str>>,
    /// BEGIN was sent and neither COMMIT nor ROLLBACK yet.
    open: Cell<bool>,
    /// BEGIN and the deferred writes, queued and not answered yet, in order.
    deferred: RefCell<Vec<Sent<'a>>>,
}

impl<'a> PgTx<'a> {
    /// Queues `request` on the connection and keeps it to be answered with the next wait, which writes it to the
    /// socket ahead of what comes after. tokio-postgres queues a request on its future's first poll; the connection
    /// then holds its answer until the future is polled again, so every wait polls what was queued before it.
    fn send(&self, request: impl Future<Output = Result<(), tokio_postgres::Error>> + 'a) {
        let mut request: Sent<'a> = Box::pin(request);
        match (&mut request).now_or_never() {
            // Answered already: only an error can come back this early, and it is the transaction's.
            Some(Err(err)) => self.deferred.borrow_mut().push(Box::pin(std::future::ready(Err(err)))),
            Some(Ok(())) => {}
            None => self.deferred.borrow_mut().push(request),
        }
    }

    /// Sends BEGIN ahead of the transaction's first statement, in the same round trip.
    fn begin(&self) {
        if let Some(begin) = self.begin.take() {
            self.open.set(true);
            self.send(self.client.batch_execute(begin));
        }
    }

    /// Waits for `request` (BEGIN going out ahead of it when not sent yet), and for what was sent before it.
    fn run<T>(&self, request: impl Future<Output = Result<T, tokio_postgres::Error>>) -> Result<T, SqlError> {
        self.begin();
        self.settle(request)
    }

    /// Waits for what was sent and for `request`, sent last: their first failure is the transaction's (a deferred
    /// write that failed aborted it, so what came after it fails only with "transaction aborted").
    fn settle<T>(&self, request: impl Future<Output = Result<T, tokio_postgres::Error>>) -> Result<T, SqlError> {
        let sent = std::mem::take(&mut *self.deferred.borrow_mut());
        // `join` polls the earlier requests first, and `join_all` polls them in order: the new one is queued last.
        let (answers, answer) = wait(self.driver, join(join_all(sent), request));
        answers.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok(answer?)
    }

    fn statement(&self, sql: &str) -> Result<tokio_postgres::Statement, SqlError> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.run(self.client.prepare(&dollar_parameters(sql))).map_err(|e| match e {
            // Which statement PostgreSQL could not take: the step's SQL is shared and carries no secrets.
            SqlError::Db { code, message } => SqlError::Db { code, message: format!("{message} in: {sql}") },
            other => other,
        })?;
        self.statements.borrow_mut().insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Ends a transaction whose step succeeded. A read's COMMIT is not waited for; a write's is, with the answers
    /// of its deferred writes, whose failure is the transaction's (PostgreSQL then answers COMMIT with a rollback).
    fn finish(self, mode: Mode) -> Result<(), SqlError> {
        if !self.open.replace(false) {
            // Autocommit, or a step that sent nothing: only deferred statements may have answers to read.
            return if self.deferred.borrow().is_empty() { Ok(()) } else { self.settle(std::future::ready(Ok(()))) };
        }
        if mode == Mode::Read && self.deferred.borrow().is_empty() {
            send_only(self.driver, self.client.batch_execute("COMMIT"));
            return Ok(());
        }
        self.settle(self.client.batch_execute("COMMIT"))
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open.get() {
            send_only(self.driver, self.client.batch_execute("ROLLBACK"));
        }
    }
}

impl Conn for PgTx<'_> {
    fn rows(&self, sql: &str, params: Vec<Value>) -> super::Result<Vec<Row>> {
        let statement = self.statement(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        to_rows(&self.run(self.client.query(&statement, &refs))?)
    }

    fn changed(&self, sql: &str, params: Vec<Value>) -> super::Result<usize> {
        let statement = self.statement(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        Ok(self.run(self.client.execute(&statement, &refs))? as usize)
    }

    fn defer(&self, sql: &str, params: Vec<Value>) -> super::Result<()> {
        let statement = self.statement(sql)?;
        self.begin();
        let client = self.client;
        self.send(async move {
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            client.execute(&statement, &refs).await.map(drop)
        });
        Ok(())
    }

    fn rows_each(&self, statements: Vec<(&str, Vec<Value>)>) -> super::Result<Vec<Vec<Row>>> {
        let prepared = statements.iter().map(|(sql, _)| self.statement(sql)).collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<Vec<&(dyn ToSql + Sync)>> =
            statements.iter().map(|(_, params)| params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()).collect();
        // `join_all` polls them in order the first time, so they are queued in order; tokio-postgres sends a
        // request on its first poll and does not wait for the previous answer.
        let queries = prepared.iter().zip(&refs).map(|(statement, params)| self.client.query(statement, params));
        let answers = self.run(async { join_all(queries).await.into_iter().collect::<Result<Vec<_>, _>>() })?;
        answers.iter().map(|rows| to_rows(rows)).collect()
    }

    fn engine(&self) -> Engine {
        Engine::Postgres
    }
}

fn to_rows(rows: &[tokio_postgres::Row]) -> super::Result<Vec<Row>> {
    rows.iter()
        .map(|row| (0..row.len()).map(|i| row.try_get::<_, Value>(i)).collect::<Result<Vec<_>, _>>().map(Row::new))
        .collect::<Result<_, _>>()
        .map_err(SqlError::from)
}

/// `?1` → `$1` outside quoted text and identifiers; the steps' SQL is otherwise the same for both engines.
pub fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

fn is_text(ty: &Type) -> bool {
    [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME, Type::UNKNOWN].contains(ty)
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), t) if is_text(t) => i.to_string().as_str().to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Value::Text(s), t) if is_text(t) => s.as_str().to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            (value, ty) => Err(format!("cannot pass {value:?} as {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            ref t if is_text(t) => Value::Text(<String>::from_sql(ty, raw)?),
            ref t => return Err(format!("a column of type {t}: cast it to BIGINT, TEXT or BYTEA").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_are_renumbered_outside_quotes_only() {
        assert_eq!(
            super::dollar_parameters("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND \"?3\" = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND \"?3\" = $12"
        );
    }
}
