//! `Conn` on rusqlite: statements cached by text, values passed through as SQLite's own.

use super::{Conn, Engine, Row, SqlError, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};

impl From<rusqlite::Error> for SqlError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::QueryReturnedNoRows => SqlError::NoRows,
            other => SqlError::Db { code: None, message: other.to_string() },
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(r) => ToSqlOutput::Borrowed(ValueRef::Real(*r)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn value(r: ValueRef<'_>) -> Value {
    match r {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl Conn for rusqlite::Connection {
    fn rows(&self, sql: &str, params: Vec<Value>) -> super::Result<Vec<Row>> {
        let mut stmt = self.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(Row::new((0..columns).map(|i| row.get_ref(i).map(value)).collect::<Result<_, _>>()?));
        }
        Ok(out)
    }

    fn changed(&self, sql: &str, params: Vec<Value>) -> super::Result<usize> {
        Ok(self.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.iter()))?)
    }

    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
}

impl Conn for rusqlite::Transaction<'_> {
    fn rows(&self, sql: &str, params: Vec<Value>) -> super::Result<Vec<Row>> {
        (**self).rows(sql, params)
    }

    fn changed(&self, sql: &str, params: Vec<Value>) -> super::Result<usize> {
        (**self).changed(sql, params)
    }

    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
}
