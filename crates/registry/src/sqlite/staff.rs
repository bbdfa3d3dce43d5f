//! Staff of institutions that activate certificates, with credentials like kiosks'.

use super::kiosks::ts;
use crate::storage::{StaffInfo, StaffRecord, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Adds a member of staff with the argon2id hash of their secret; an id in use (revoked or not) is `staff_exists`.
/// The institution may not be imported yet (the command line warns about that).
pub fn add_staff(conn: &Connection, staff: &StaffInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    if conn.query_row("SELECT 1 FROM staff WHERE id = ?1", [&staff.id], |_| Ok(())).optional()?.is_some() {
        return Err(StoreError::Conflict { code: "staff_exists", id: Some(staff.id.clone()) });
    }
    conn.execute(
        "INSERT INTO staff (id, name, institution_id, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![staff.id, staff.name, staff.institution_id, secret_hash, ts(now)],
    )?;
    Ok(())
}

/// Revokes a member of staff: their secret stops working at once. `false` when there is no such id; revoking twice
/// keeps the first instant.
pub fn revoke_staff(conn: &Connection, staff_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let exists = conn.query_row("SELECT 1 FROM staff WHERE id = ?1", [staff_id], |_| Ok(())).optional()?.is_some();
    conn.execute("UPDATE staff SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", params![ts(now), staff_id])?;
    Ok(exists)
}

pub fn staff(conn: &Connection, staff_id: &str) -> StoreResult<Option<StaffRecord>> {
    Ok(conn
        .query_row(
            "SELECT id, name, institution_id, secret_hash, revoked_at FROM staff WHERE id = ?1",
            [staff_id],
            |r| {
                Ok(StaffRecord {
                    info: StaffInfo { id: r.get(0)?, name: r.get(1)?, institution_id: r.get(2)? },
                    secret_hash: r.get(3)?,
                    revoked: r.get::<_, Option<String>>(4)?.is_some(),
                })
            },
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        conn.execute("INSERT INTO municipalities (code, name) VALUES ('m-1', 'Вымышленный округ')", []).unwrap();
        conn.execute(
            "INSERT INTO institutions (id, municipality_code, name, address) VALUES ('i-1', 'm-1', 'ДДТ', 'ул. Условная')",
            [],
        )
        .unwrap();
        conn
    }

    fn member(id: &str, institution: Option<&str>) -> StaffInfo {
        StaffInfo {
            id: id.into(), name: "Методист (выдумано)".into(), institution_id: institution.map(Into::into)
        }
    }

    #[test]
    fn staff_are_added_once_found_and_revoked() {
        let conn = db();
        let now = Utc::now();
        add_staff(&conn, &member("s-1", Some("i-1")), "hash", now).unwrap();
        add_staff(&conn, &member("s-2", None), "hash", now).unwrap();
        assert!(matches!(
            add_staff(&conn, &member("s-1", None), "hash", now),
            Err(StoreError::Conflict { code: "staff_exists", .. })
        ));
        // Staff may come before their institution's import.
        add_staff(&conn, &member("s-3", Some("not-imported-yet")), "hash", now).unwrap();
        assert_eq!(staff(&conn, "s-3").unwrap().unwrap().info, member("s-3", Some("not-imported-yet")));
        let found = staff(&conn, "s-1").unwrap().unwrap();
        assert_eq!(found.info, member("s-1", Some("i-1")));
        assert!(!found.revoked);
        assert!(revoke_staff(&conn, "s-1", now).unwrap());
        assert!(staff(&conn, "s-1").unwrap().unwrap().revoked);
        assert!(!revoke_staff(&conn, "nobody", now).unwrap());
        assert!(staff(&conn, "nobody").unwrap().is_none());
    }
}
