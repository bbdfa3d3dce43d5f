//! One way to talk SQL for both backends. The registry's steps (`crate::steps`) are written once against
//! `dyn Conn` with `?1`-style parameters and the few value kinds both engines store the same way (integers, text,
//! bytes, NULL); SQLite runs them on rusqlite, PostgreSQL on the `postgres` client, which rewrites the parameters
//! to `$1`. So a step of the contract is one function, not one per backend.
//!
//! The calls mirror rusqlite's (`execute`, `query_row`, `prepare_cached` + `query_map`, `optional`), so the steps
//! read like ordinary rusqlite code.

mod pg_socket;
pub mod postgres;
pub mod sqlite;
mod value;

pub use value::{FromValue, ToValue, Value};

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("the query returned no rows")]
    NoRows,
    #[error("column {0}: {1}")]
    Type(usize, String),
    /// An error of the engine, with PostgreSQL's SQLSTATE when it gave one.
    #[error("{message}")]
    Db { code: Option<String>, message: String },
}

impl SqlError {
    /// A conflict between concurrent transactions that a retry from the start resolves (PostgreSQL's
    /// serialization failures and deadlocks, and a unique index hit by a racing insert that an earlier check in
    /// the same transaction had found free).
    pub fn is_retryable(&self) -> bool {
        matches!(self, SqlError::Db { code: Some(code), .. } if ["40001", "40P01", "23505"].contains(&code.as_str()))
    }
}

pub type Result<T, E = SqlError> = std::result::Result<T, E>;

/// Which engine a connection talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection inside one transaction, as the steps see it.
pub trait Conn {
    /// Runs a statement that returns rows.
    fn rows(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>>;
    /// Runs a statement and answers how many rows it changed.
    fn changed(&self, sql: &str, params: Vec<Value>) -> Result<usize>;
    fn engine(&self) -> Engine;

    /// A write whose answer the step does not need (not even how many rows it changed). PostgreSQL does not wait for
    /// it: it goes out with the transaction's next wait (the next statement, or COMMIT), in that round trip, and its
    /// failure is that wait's, and so the step's. SQLite runs it now.
    fn defer(&self, sql: &str, params: Vec<Value>) -> Result<()> {
        self.changed(sql, params).map(drop)
    }

    /// Statements that do not depend on each other's answers (they may on each other's effects: they run in order),
    /// each one's rows answered in order.
    /// PostgreSQL sends them all before waiting for the first answer: one round trip for all. A failure stops the
    /// rest (on PostgreSQL the transaction is aborted anyway).
    fn rows_each(&self, statements: Vec<(&str, Vec<Value>)>) -> Result<Vec<Vec<Row>>> {
        statements.into_iter().map(|(sql, params)| self.rows(sql, params)).collect()
    }
}

/// One row of a result, its values in column order.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    pub fn new(values: Vec<Value>) -> Self {
        Self { values }
    }

    pub fn get<I: RowIndex, T: FromValue>(&self, index: I) -> Result<T> {
        let index = index.position();
        let value = self.values.get(index).ok_or_else(|| SqlError::Type(index, "no such column".into()))?;
        T::from_value(value).map_err(|why| SqlError::Type(index, why))
    }
}

/// A column's position. One implementation only, so a literal `r.get(0)` is taken as `usize`, as in rusqlite.
pub trait RowIndex {
    fn position(self) -> usize;
}

impl RowIndex for usize {
    fn position(self) -> usize {
        self
    }
}

/// Parameters: `params![a, b]`, an array of one type, or `()`.
pub trait Params {
    fn values(self) -> Vec<Value>;
}

impl Params for () {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(self) -> Vec<Value> {
        self.iter().map(ToValue::to_value).collect()
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Vec<Value> {
        self
    }
}

/// `params![a, b, c]`: values of mixed types, as rusqlite's macro of the same name.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::sql::ToValue] };
    ($($v:expr),+ $(,)?) => { &[$(&$v as &dyn $crate::sql::ToValue),+] as &[&dyn $crate::sql::ToValue] };
}
pub use params;

impl<'c> dyn Conn + 'c {
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.changed(sql, params.values())
    }

    /// `execute` without waiting for the answer (`Conn::defer`).
    pub fn execute_later<P: Params>(&self, sql: &str, params: P) -> Result<()> {
        self.defer(sql, params.values())
    }

    /// The first row mapped by `f`; `NoRows` when there is none (see `optional`).
    pub fn query_row<P: Params, T>(&self, sql: &str, params: P, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let rows = self.rows(sql, params.values())?;
        f(rows.first().ok_or(SqlError::NoRows)?)
    }

    pub fn query_map<P: Params, T>(
        &self,
        sql: &str,
        params: P,
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        Ok(self.rows(sql, params.values())?.iter().map(f).collect::<Vec<_>>().into_iter())
    }

    /// A statement to run more than once; both engines cache prepared statements by their text anyway.
    pub fn prepare_cached<'s>(&'s self, sql: &str) -> Result<Statement<'s, 'c>> {
        Ok(Statement { conn: self, sql: sql.to_string() })
    }

    pub fn prepare<'s>(&'s self, sql: &str) -> Result<Statement<'s, 'c>> {
        self.prepare_cached(sql)
    }

    pub fn engine_is(&self, engine: Engine) -> bool {
        self.engine() == engine
    }
}

pub struct Statement<'s, 'c> {
    conn: &'s (dyn Conn + 'c),
    sql: String,
}

impl Statement<'_, '_> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.conn.execute(&self.sql, params)
    }

    pub fn query_map<P: Params, T>(
        &mut self,
        params: P,
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        self.conn.query_map(&self.sql, params, f)
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Vec<Row>> {
        self.conn.rows(&self.sql, params.values())
    }
}

/// `.optional()` on a `query_row`: no row is `None` rather than an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(SqlError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
