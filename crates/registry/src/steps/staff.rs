//! Staff of institutions that activate certificates, with credentials like kiosks': who they are, what they may
//! see, how often they may look, and the audit of every look-up.

use super::applications;
use super::kiosks::{parse_ts, ts};
use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{StaffInfo, StaffLookup, StaffRecord, StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};

/// Look-ups a member of staff may make per window: enough for the people at the desk, too few to walk through the
/// numbers (they are sequential).
pub const LOOKUP_LIMITS: [(i64, Duration); 2] = [(10, Duration::minutes(1)), (100, Duration::hours(1))];

/// Adds a member of staff with the argon2id hash of their secret; an id in use (revoked or not) is `staff_exists`.
/// Exactly one of an institution and region-wide is required (`staff_scope`), so nobody sees every child by
/// omission. The institution may not be imported yet (the command line warns about that).
pub fn add_staff(conn: &dyn Conn, staff: &StaffInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    if staff.institution_id.is_some() == staff.region_wide {
        return Err(StoreError::Conflict { code: "staff_scope", id: Some(staff.id.clone()) });
    }
    if conn.query_row("SELECT 1 FROM staff WHERE id = ?1", [&staff.id], |_| Ok(())).optional()?.is_some() {
        return Err(StoreError::Conflict { code: "staff_exists", id: Some(staff.id.clone()) });
    }
    conn.execute(
        "INSERT INTO staff (id, name, institution_id, region_wide, secret_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![staff.id, staff.name, staff.institution_id, staff.region_wide, secret_hash, ts(now)],
    )?;
    Ok(())
}

/// Revokes a member of staff: their secret stops working at once. `false` when there is no such id; revoking twice
/// keeps the first instant.
pub fn revoke_staff(conn: &dyn Conn, staff_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let exists = conn.query_row("SELECT 1 FROM staff WHERE id = ?1", [staff_id], |_| Ok(())).optional()?.is_some();
    conn.execute("UPDATE staff SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", params![ts(now), staff_id])?;
    Ok(exists)
}

pub fn staff(conn: &dyn Conn, staff_id: &str) -> StoreResult<Option<StaffRecord>> {
    Ok(conn
        .query_row(
            "SELECT id, name, institution_id, region_wide, secret_hash, revoked_at FROM staff WHERE id = ?1",
            [staff_id],
            |r| {
                Ok(StaffRecord {
                    info: StaffInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        institution_id: r.get(2)?,
                        region_wide: r.get(3)?,
                    },
                    secret_hash: r.get(4)?,
                    revoked: r.get::<_, Option<String>>(5)?.is_some(),
                })
            },
        )
        .optional()?)
}

/// Looks an application up by number for a member of staff. One outside their scope is answered like an unknown
/// number, so numbers reveal nothing; every look-up that was made is audited, and counts against the limits.
pub fn look_up(conn: &dyn Conn, staff: &StaffInfo, number: &str, now: DateTime<Utc>) -> StoreResult<StaffLookup> {
    if let Some(wait) = wait_before_look_up(conn, &staff.id, now)? {
        return Ok(StaffLookup::TooMany(wait));
    }
    let (outcome, answer) = match applications::application_by_number(conn, number) {
        Ok(app) if in_scope(staff, &app) => ("found", StaffLookup::Found(Box::new(app))),
        Ok(_) => ("out_of_scope", StaffLookup::NotFound),
        Err(StoreError::NotFound(_)) => ("not_found", StaffLookup::NotFound),
        Err(err) => return Err(err),
    };
    // Application numbers are digits; anything else typed there could be a name, which the audit must not keep.
    let typed = if !number.is_empty() && number.len() <= 20 && number.bytes().all(|b| b.is_ascii_digit()) {
        number
    } else {
        "?"
    };
    conn.execute(
        "INSERT INTO staff_lookups (staff_id, at, number, outcome) VALUES (?1, ?2, ?3, ?4)",
        params![staff.id, ts(now), typed, outcome],
    )?;
    Ok(answer)
}

fn in_scope(staff: &StaffInfo, app: &pdo_core::api::Application) -> bool {
    staff.region_wide || staff.institution_id.as_ref().is_some_and(|own| app.institutions.iter().any(|i| &i.id == own))
}

/// Seconds until the member may look up again, when a window is full: until its oldest look-up leaves it.
fn wait_before_look_up(conn: &dyn Conn, staff_id: &str, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
    let mut wait = None;
    for (limit, window) in LOOKUP_LIMITS {
        let oldest_counted: Option<String> = conn
            .query_row(
                "SELECT at FROM staff_lookups WHERE staff_id = ?1 AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3",
                params![staff_id, ts(now - window), limit - 1],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(at) = oldest_counted {
            let millis = (parse_ts(&at)? + window - now).num_milliseconds();
            let secs = ((millis + 999) / 1000).max(1);
            wait = Some(wait.map_or(secs, |w: i64| w.max(secs)));
        }
    }
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        conn.execute("INSERT INTO municipalities (code, name) VALUES ('m-1', 'Вымышленный округ')", ()).unwrap();
        conn.execute(
            "INSERT INTO institutions (id, municipality_code, name, address) VALUES ('i-1', 'm-1', 'ДДТ', 'ул. Условная')",
            (),
        )
        .unwrap();
        conn
    }

    fn member(id: &str, institution: Option<&str>) -> StaffInfo {
        StaffInfo {
            id: id.into(),
            name: "Методист (выдумано)".into(),
            institution_id: institution.map(Into::into),
            region_wide: institution.is_none(),
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
        assert!(staff(&conn, "s-2").unwrap().unwrap().info.region_wide);
        assert!(revoke_staff(&conn, "s-1", now).unwrap());
        assert!(staff(&conn, "s-1").unwrap().unwrap().revoked);
        assert!(!revoke_staff(&conn, "nobody", now).unwrap());
        assert!(staff(&conn, "nobody").unwrap().is_none());
    }

    #[test]
    fn a_member_needs_exactly_one_scope() {
        let conn = db();
        let now = Utc::now();
        let nowhere = StaffInfo { region_wide: false, ..member("s-4", None) };
        let both = StaffInfo { region_wide: true, ..member("s-5", Some("i-1")) };
        for refused in [nowhere, both] {
            assert!(matches!(
                add_staff(&conn, &refused, "hash", now),
                Err(StoreError::Conflict { code: "staff_scope", .. })
            ));
        }
    }

    #[test]
    fn a_full_window_waits_until_its_oldest_look_up_leaves_it() {
        let conn = db();
        let start = Utc::now();
        let s = member("s-1", Some("i-1"));
        add_staff(&conn, &s, "hash", start).unwrap();
        for i in 0..10 {
            let at = start + Duration::seconds(i);
            assert!(matches!(look_up(&conn, &s, "1000000", at).unwrap(), StaffLookup::NotFound), "look-up {i}");
        }
        let refused = look_up(&conn, &s, "1000000", start + Duration::seconds(30)).unwrap();
        assert!(matches!(refused, StaffLookup::TooMany(30)), "{refused:?}");
        assert!(matches!(look_up(&conn, &s, "1000000", start + Duration::seconds(61)).unwrap(), StaffLookup::NotFound));
        let audited: i64 = conn.query_row("SELECT COUNT(*) FROM staff_lookups", (), |r| r.get(0)).unwrap();
        assert_eq!(audited, 11, "refused attempts are not look-ups");
        let typed: String = conn.query_row("SELECT number FROM staff_lookups LIMIT 1", (), |r| r.get(0)).unwrap();
        assert_eq!(typed, "1000000");
        look_up(&conn, &s, "Зарубин", start + Duration::seconds(62)).unwrap();
        let typed: String =
            conn.query_row("SELECT number FROM staff_lookups ORDER BY id DESC LIMIT 1", (), |r| r.get(0)).unwrap();
        assert_eq!(typed, "?", "a name typed into the number is not kept");
    }
}
