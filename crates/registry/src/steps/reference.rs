//! Certificate groups, municipalities, institutions and the operator: data from `reference import` (and `--demo`,
//! which imports the invented files). Rows an import no longer has are inactive: not offered, still readable.

use super::Query;
use crate::sql::{Conn, Engine, Row, SqlError, Value, params};
use crate::storage::StoreResult;
use pdo_core::api::{CertificateGroup, Institution, Municipality, Operator};

/// Every group ever imported, inactive ones too: an application keeps showing the group it was issued in.
pub fn certificate_groups(conn: &dyn Conn) -> StoreResult<Vec<CertificateGroup>> {
    let mut stmt = conn.prepare_cached("SELECT id, title FROM certificate_groups ORDER BY id")?;
    let rows = stmt.query_map((), |r| Ok(CertificateGroup { id: r.get(0)?, title: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The groups offered to applicants: the active ones.
pub fn active_certificate_groups(conn: &dyn Conn) -> StoreResult<Vec<CertificateGroup>> {
    let mut stmt = conn.prepare_cached("SELECT id, title FROM certificate_groups WHERE active = 1 ORDER BY id")?;
    let rows = stmt.query_map((), |r| Ok(CertificateGroup { id: r.get(0)?, title: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn municipalities(conn: &dyn Conn) -> StoreResult<Vec<Municipality>> {
    let mut stmt = conn.prepare_cached("SELECT code, name FROM municipalities WHERE active = 1 ORDER BY name")?;
    let rows = stmt.query_map((), |r| Ok(Municipality { code: r.get(0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Active institutions (where a certificate can be activated now), of one municipality or all.
pub fn institutions(conn: &dyn Conn, municipality: Option<&str>) -> StoreResult<Vec<Institution>> {
    institutions_query(municipality).run(conn)
}

pub fn institutions_query(municipality: Option<&str>) -> Query<Vec<Institution>> {
    let sql = "SELECT id, name, address, phone, hours FROM institutions
               WHERE active = 1 AND (CAST(?1 AS TEXT) IS NULL OR municipality_code = ?1) ORDER BY name";
    Query::new(sql, [municipality], |rows| {
        let institution = |r: &Row| -> crate::sql::Result<Institution> {
            Ok(Institution { id: r.get(0)?, name: r.get(1)?, address: r.get(2)?, phone: r.get(3)?, hours: r.get(4)? })
        };
        Ok(rows.iter().map(institution).collect::<Result<_, _>>()?)
    })
}

pub fn operator(conn: &dyn Conn) -> StoreResult<Operator> {
    operator_query().run(conn)
}

pub fn operator_query() -> Query<Operator> {
    let sql = "SELECT key, value FROM settings WHERE key IN ('operator_name', 'operator_address')";
    Query::new(sql, (), |rows| {
        let mut operator = Operator { name: String::new(), address: String::new() };
        for row in rows {
            let value: String = row.get(1)?;
            match row.get::<_, String>(0)?.as_str() {
                "operator_name" => operator.name = value,
                _ => operator.address = value,
            }
        }
        Ok(operator)
    })
}

pub fn set_operator(conn: &dyn Conn, operator: &Operator) -> StoreResult<()> {
    for (key, value) in [("operator_name", &operator.name), ("operator_address", &operator.address)] {
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
    }
    Ok(())
}

/// The next value of a named sequence, starting after `start`; never hands out the same value twice.
pub fn next_in_sequence(conn: &dyn Conn, name: &str, start: i64, count: i64) -> StoreResult<i64> {
    if conn.engine_is(Engine::Postgres) {
        return next_in_pg_sequence(conn, name, count);
    }
    conn.execute(
        "INSERT INTO sequences (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
        params![name, start],
    )?;
    let value: i64 = conn.query_row(
        "UPDATE sequences SET value = value + ?2 WHERE name = ?1 RETURNING value",
        params![name, count],
        |r| r.get(0),
    )?;
    Ok(value - count + 1)
}

/// The same from the PostgreSQL sequence `<name>_seq` (migrations/postgres/0002 makes them, starting where the
/// SQLite counters start). A block of `count` numbers is one `nextval` and a `setval` past the block under an
/// exclusive transaction advisory lock; single numbers take the lock shared, so they never wait for each other and
/// none lands inside a block being taken. Both locks end with the transaction, however it ends.
fn next_in_pg_sequence(conn: &dyn Conn, name: &str, count: i64) -> StoreResult<i64> {
    const LOCK: i64 = crate::sql::postgres::advisory::NUMBERS;
    let sequence = format!("{name}_seq");
    let lock = if count > 1 { "pg_advisory_xact_lock" } else { "pg_advisory_xact_lock_shared" };
    // In one round trip: the server runs them in order, so the lock is held before the number is drawn.
    let locked = format!("SELECT CAST({lock}(?1) AS TEXT)");
    let answers = conn.rows_each(vec![
        (&locked, vec![Value::Int(LOCK)]),
        ("SELECT nextval(CAST(CAST(?1 AS TEXT) AS REGCLASS))", vec![Value::Text(sequence.clone())]),
    ])?;
    let first: i64 = answers[1].first().ok_or(SqlError::NoRows)?.get(0)?;
    if count > 1 {
        let last = first + count - 1;
        conn.query_row("SELECT setval(CAST(CAST(?1 AS TEXT) AS REGCLASS), ?2)", params![sequence, last], |_| Ok(()))?;
    }
    Ok(first)
}
