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

/// A read not run yet: its statement, its parameters, and how its rows become the answer. Reads that do not depend
/// on each other run together (`all3`, `all4`): on PostgreSQL one round trip instead of one each.
pub struct Query<T> {
    sql: String,
    params: Vec<Value>,
    parse: fn(Vec<Row>) -> StoreResult<T>,
}

impl<T> Query<T> {
    pub fn new(sql: impl Into<String>, params: impl Params, parse: fn(Vec<Row>) -> StoreResult<T>) -> Self {
        Self { sql: sql.into(), params: params.values(), parse }
    }

    pub fn run(self, conn: &dyn Conn) -> StoreResult<T> {
        (self.parse)(conn.rows(&self.sql, self.params)?)
    }
}

/// Runs three reads at once; answers as running them in turn would.
pub fn all3<A, B, C>(conn: &dyn Conn, a: Query<A>, b: Query<B>, c: Query<C>) -> StoreResult<(A, B, C)> {
    let mut rows =
        conn.rows_each(vec![(a.sql.as_str(), a.params), (&b.sql, b.params), (&c.sql, c.params)])?.into_iter();
    let mut next = || rows.next().expect("one answer per statement");
    Ok(((a.parse)(next())?, (b.parse)(next())?, (c.parse)(next())?))
}

/// Runs four reads at once; answers as running them in turn would.
pub fn all4<A, B, C, D>(
    conn: &dyn Conn,
    a: Query<A>,
    b: Query<B>,
    c: Query<C>,
    d: Query<D>,
) -> StoreResult<(A, B, C, D)> {
    let statements = vec![(a.sql.as_str(), a.params), (&b.sql, b.params), (&c.sql, c.params), (&d.sql, d.params)];
    let mut rows = conn.rows_each(statements)?.into_iter();
    let mut next = || rows.next().expect("one answer per statement");
    Ok(((a.parse)(next())?, (b.parse)(next())?, (c.parse)(next())?, (d.parse)(next())?))
}

/// A random 128-bit id in hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
