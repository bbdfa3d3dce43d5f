//! The registry's steps in SQL, written once for both engines against `crate::sql::Conn` (see `crate::sql` for
//! the dialect they keep to). `crate::storage::Storage` runs each in one transaction of whichever engine serves.

pub mod applications;
pub mod claims;
pub mod device;
pub mod idempotency;
pub mod kiosks;
pub mod offline;
pub mod outbox;
pub mod people;
pub mod reference;
pub mod staff;

use crate::sql::{Conn, Params, Row, Value};
use crate::storage::StoreResult;
use rand::RngCore;

/// Reads not run yet: their statements, their parameters, and how their rows become the answer. Reads that do not
/// depend on each other are joined (`and`, `all3`, `all4`) and then run together: on PostgreSQL one round trip for
/// all instead of one each.
pub struct Query<T> {
    statements: Vec<(String, Vec<Value>)>,
    parse: Box<dyn FnOnce(&mut dyn Iterator<Item = Vec<Row>>) -> StoreResult<T>>,
}

impl<T: 'static> Query<T> {
    pub fn new(sql: impl Into<String>, params: impl Params, parse: fn(Vec<Row>) -> StoreResult<T>) -> Self {
        Self {
            statements: vec![(sql.into(), params.values())],
            parse: Box::new(move |rows| parse(rows.next().expect("one answer per statement"))),
        }
    }

    pub fn run(self, conn: &dyn Conn) -> StoreResult<T> {
        let (sqls, params): (Vec<String>, Vec<Vec<Value>>) = self.statements.into_iter().unzip();
        let answers = conn.rows_each(sqls.iter().map(String::as_str).zip(params).collect())?;
        (self.parse)(&mut answers.into_iter())
    }

    /// This read and `other`, run together; the answers are judged in this order.
    pub fn and<U: 'static>(mut self, other: Query<U>) -> Query<(T, U)> {
        self.statements.extend(other.statements);
        let (first, second) = (self.parse, other.parse);
        Query { statements: self.statements, parse: Box::new(move |rows| Ok((first(rows)?, second(rows)?))) }
    }

    /// The same read with its answer made into another.
    pub fn map<U: 'static>(self, f: impl FnOnce(T) -> StoreResult<U> + 'static) -> Query<U> {
        let parse = self.parse;
        Query { statements: self.statements, parse: Box::new(move |rows| f(parse(rows)?)) }
    }
}

impl<T: 'static> Query<Option<T>> {
    /// The first row `sql` selects made into a `T` by `row`, or `None` when it selects none (as rusqlite's
    /// `query_row(…).optional()`).
    pub fn first(sql: impl Into<String>, params: impl Params, row: fn(&Row) -> crate::sql::Result<T>) -> Self {
        Query {
            statements: vec![(sql.into(), params.values())],
            parse: Box::new(move |rows| {
                let rows = rows.next().expect("one answer per statement");
                Ok(rows.first().map(row).transpose()?)
            }),
        }
    }
}

/// Runs three reads at once; answers as running them in turn would.
pub fn all3<A: 'static, B: 'static, C: 'static>(
    conn: &dyn Conn,
    a: Query<A>,
    b: Query<B>,
    c: Query<C>,
) -> StoreResult<(A, B, C)> {
    let ((a, b), c) = a.and(b).and(c).run(conn)?;
    Ok((a, b, c))
}

/// Runs four reads at once; answers as running them in turn would.
pub fn all4<A: 'static, B: 'static, C: 'static, D: 'static>(
    conn: &dyn Conn,
    a: Query<A>,
    b: Query<B>,
    c: Query<C>,
    d: Query<D>,
) -> StoreResult<(A, B, C, D)> {
    let (((a, b), c), d) = a.and(b).and(c).and(d).run(conn)?;
    Ok((a, b, c, d))
}

/// A random 128-bit id in hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
