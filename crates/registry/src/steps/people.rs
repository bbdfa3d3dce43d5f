//! The applicant, children and their documents.

use super::Query;
use crate::sql::{Conn, OptionalExtension, Params, Row, params};
use crate::storage::{IdemKey, StoreError, StoreResult, Stored};
use chrono::{DateTime, NaiveDate, Utc};
use pdo_core::api::{Applicant, Child, Document};
use pdo_core::domain::DocumentKind;
use pdo_core::validation::{ValidChild, ValidDocument};

pub fn applicant(conn: &dyn Conn, account_id: &str) -> StoreResult<Option<Applicant>> {
    applicant_query(account_id).run(conn)
}

pub fn applicant_query(account_id: &str) -> Query<Option<Applicant>> {
    Query::first("SELECT data FROM applicants WHERE account_id = ?1", [account_id], |r| r.get::<_, String>(0))
        .map(|json| Ok(json.map(|j| serde_json::from_str(&j)).transpose()?))
}

pub fn put_applicant(conn: &dyn Conn, account_id: &str, applicant: &Applicant, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO applicants (account_id, data, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(account_id) DO UPDATE SET data = ?2, updated_at = ?3",
        params![account_id, serde_json::to_string(applicant)?, now.to_rfc3339()],
    )?;
    Ok(())
}

const DOCUMENT_COLUMNS: &str =
    "id, kind, series, number, issued_on, issued_by, division_code, scan IS NOT NULL OR scan_file IS NOT NULL";

fn child_row(r: &Row) -> crate::sql::Result<Child> {
    Ok(Child {
        id: r.get(0)?,
        last_name: r.get(1)?,
        first_name: r.get(2)?,
        patronymic: r.get(3)?,
        birth_date: r.get::<_, NaiveDate>(4)?,
        snils: r.get(5)?,
        address: r.get(6)?,
        documents: vec![],
    })
}

fn document_row(r: &Row) -> crate::sql::Result<Document> {
    document_at(r, 0)
}

/// A document from `DOCUMENT_COLUMNS` starting at column `at`.
fn document_at(r: &Row, at: usize) -> crate::sql::Result<Document> {
    let kind: String = r.get(at + 1)?;
    Ok(Document {
        id: r.get(at)?,
        kind: if kind == "passport" { DocumentKind::Passport } else { DocumentKind::BirthCertificate },
        series: r.get(at + 2)?,
        number: r.get(at + 3)?,
        issued_on: r.get::<_, NaiveDate>(at + 4)?,
        issued_by: r.get(at + 5)?,
        division_code: r.get(at + 6)?,
        has_scan: r.get(at + 7)?,
    })
}

/// The children `filter` (a condition on `c`) selects, each with its documents, in one statement: a step reads a
/// child on almost every request, and on PostgreSQL each statement is a round trip.
fn children_where(filter: &str, params: impl Params) -> Query<Vec<Child>> {
    let sql = format!(
        "SELECT c.id, c.last_name, c.first_name, c.patronymic, c.birth_date, c.snils, c.address,
                d.id, d.kind, d.series, d.number, d.issued_on, d.issued_by, d.division_code,
                d.scan IS NOT NULL OR d.scan_file IS NOT NULL
         FROM children c LEFT JOIN documents d ON d.child_id = c.id
         WHERE {filter} ORDER BY c.created_at, c.id, d.created_at, d.id"
    );
    Query::new(sql, params, children_from)
}

fn children_from(rows: Vec<Row>) -> StoreResult<Vec<Child>> {
    let mut children: Vec<Child> = Vec::new();
    for row in rows {
        let id: String = row.get(0)?;
        if children.last().is_none_or(|c| c.id != id) {
            children.push(child_row(&row)?);
        }
        if row.get::<_, Option<String>>(7)?.is_some() {
            children.last_mut().expect("pushed above").documents.push(document_at(&row, 7)?);
        }
    }
    Ok(children)
}

/// The one child `filter` selects, if any.
fn one_child(filter: &str, params: impl Params) -> Query<Option<Child>> {
    children_where(filter, params).map(|children| Ok(children.into_iter().next()))
}

pub fn document(conn: &dyn Conn, child_id: &str, document_id: &str) -> StoreResult<Document> {
    conn.query_row(
        &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE child_id = ?1 AND id = ?2"),
        [child_id, document_id],
        document_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("document_not_found"))
}

pub fn children(conn: &dyn Conn, account_id: &str) -> StoreResult<Vec<Child>> {
    children_where("c.account_id = ?1", [account_id]).run(conn)
}

/// A child of this account; another account's child is "not found", so ids reveal nothing.
pub fn child(conn: &dyn Conn, account_id: &str, child_id: &str) -> StoreResult<Child> {
    child_query(account_id, child_id).run(conn)?.ok_or(StoreError::NotFound("child_not_found"))
}

/// `child` as a query, `None` for "not found".
pub fn child_query(account_id: &str, child_id: &str) -> Query<Option<Child>> {
    one_child("c.account_id = ?1 AND c.id = ?2", [account_id, child_id])
}

/// A child by id whoever holds it (offline submissions, staff look-ups).
pub fn child_by_id(conn: &dyn Conn, child_id: &str) -> StoreResult<Child> {
    child_by_id_query(child_id).run(conn)
}

pub fn child_by_id_query(child_id: &str) -> Query<Child> {
    children_where("c.id = ?1", [child_id])
        .map(|children| children.into_iter().next().ok_or(StoreError::NotFound("child_not_found")))
}

/// Inserts a child; the same SNILS anywhere in the registry is a conflict naming whose it is.
pub fn insert_child(
    tx: &dyn Conn,
    account_id: Option<&str>,
    child: &ValidChild,
    now: DateTime<Utc>,
) -> StoreResult<Child> {
    if let Some(holder) = holder_of(tx, &child.snils)? {
        return Err(taken(holder, account_id));
    }
    insert_new_child(tx, account_id, child, now)
}

/// The refusal for a SNILS that `holder` has: the account's own child, or someone else's.
fn taken((id, holder, _): Holder, account_id: Option<&str>) -> StoreError {
    if holder.as_deref() == account_id && account_id.is_some() {
        StoreError::Conflict { code: "child_exists", id: Some(id) }
    } else {
        StoreError::Conflict { code: "child_already_registered", id: None }
    }
}

/// Inserts a child whose SNILS was found free, and reads it back in the same round trip.
fn insert_new_child(
    tx: &dyn Conn,
    account_id: Option<&str>,
    child: &ValidChild,
    now: DateTime<Utc>,
) -> StoreResult<Child> {
    let id = super::new_id();
    tx.execute_later(
        "INSERT INTO children (id, account_id, last_name, first_name, patronymic, birth_date, snils, address, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            account_id,
            child.last_name,
            child.first_name,
            child.patronymic,
            child.birth_date,
            child.snils,
            child.address,
            now.to_rfc3339()
        ],
    )?;
    child_by_id(tx, &id)
}

pub fn create_child(
    tx: &dyn Conn,
    account_id: &str,
    child: &ValidChild,
    idem: &IdemKey,
    now: DateTime<Utc>,
) -> StoreResult<Stored> {
    super::idempotency::run_with(tx, idem, now, holder_query(&child.snils, now), |tx, found| {
        let created = match found {
            None => insert_new_child(tx, Some(account_id), child, now)?,
            // A child taken offline that nobody claimed before its links expired no longer holds its SNILS.
            Some((_, true)) => {
                super::claims::release_expired(tx, Some(&child.snils), now)?;
                insert_new_child(tx, Some(account_id), child, now)?
            }
            // A child an offline submission brought in for this account (it named the account's login) and that
            // still waits for its claim: the account takes it, with its application, instead of being refused.
            Some(((id, None, Some(named)), false)) if named == account_id => join_child(tx, account_id, &id)?,
            Some((holder, false)) => return Err(taken(holder, Some(account_id))),
        };
        Ok((201, serde_json::to_vec(&created)?))
    })
}

/// The account takes a child waiting for its claim, with its application.
fn join_child(tx: &dyn Conn, account_id: &str, id: &str) -> StoreResult<Child> {
    tx.execute_later("UPDATE children SET account_id = ?2 WHERE id = ?1", [id, account_id])?;
    tx.execute_later(
        "UPDATE applications SET account_id = ?2 WHERE child_id = ?1 AND account_id IS NULL",
        [id, account_id],
    )?;
    child(tx, account_id, id)
}

/// (child id, its account, the account an offline submission named for it).
pub type Holder = (String, Option<String>, Option<String>);

/// `holder_of` as a query, with whether the child is one an offline submission left unclaimed until every claim
/// link expired by `now` (as `claims::release_expired` finds them).
fn holder_query(snils: &str, now: DateTime<Utc>) -> Query<Option<(Holder, bool)>> {
    Query::first(
        "SELECT ch.id, ch.account_id, ch.named_account_id,
                ch.account_id IS NULL AND NOT EXISTS (
                    SELECT 1 FROM claims c JOIN applications a ON a.id = c.application_id
                    WHERE a.child_id = ch.id AND c.claimed_at IS NULL AND c.expires_at > ?2)
         FROM children ch WHERE ch.snils = ?1",
        params![snils, super::kiosks::ts(now)],
        |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)),
    )
}

/// Who holds the child with this SNILS: `None` when no child has it, else (child id, its account, the account an
/// offline submission named for it while it waits for its claim).
pub fn holder_of(conn: &dyn Conn, snils: &str) -> StoreResult<Option<Holder>> {
    Ok(conn
        .query_row("SELECT id, account_id, named_account_id FROM children WHERE snils = ?1", [snils], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

/// A document's values as its insert and its update number them: two ids (?1, ?2), then its fields (?3 to ?8) and
/// the time (?9).
fn document_values(first: &str, second: &str, document: &ValidDocument, now: DateTime<Utc>) -> Vec<crate::sql::Value> {
    params![
        first,
        second,
        document.kind.as_str(),
        document.series,
        document.number,
        document.issued_on,
        document.issued_by,
        document.division_code,
        now.to_rfc3339()
    ]
    .values()
}

pub fn insert_document(
    tx: &dyn Conn,
    child_id: &str,
    document: &ValidDocument,
    now: DateTime<Utc>,
) -> StoreResult<Document> {
    let id = super::new_id();
    // Deferred: it goes out with the read of what it stored, in one round trip (as a new child's).
    tx.execute_later(
        "INSERT INTO documents (id, child_id, kind, series, number, issued_on, issued_by, division_code, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        document_values(&id, child_id, document, now),
    )?;
    self::document(tx, child_id, &id)
}

pub fn add_document(
    tx: &dyn Conn,
    account_id: &str,
    child_id: &str,
    document: &ValidDocument,
    idem: &IdemKey,
    now: DateTime<Utc>,
) -> StoreResult<Stored> {
    super::idempotency::run_with(tx, idem, now, child_query(account_id, child_id), |tx, child| {
        child.ok_or(StoreError::NotFound("child_not_found"))?;
        let created = insert_document(tx, child_id, document, now)?;
        Ok((201, serde_json::to_vec(&created)?))
    })
}

pub fn update_document(
    conn: &dyn Conn,
    account_id: &str,
    child_id: &str,
    document_id: &str,
    document: &ValidDocument,
    now: DateTime<Utc>,
) -> StoreResult<Document> {
    child(conn, account_id, child_id)?;
    let changed = conn.execute(
        "UPDATE documents SET kind = ?3, series = ?4, number = ?5, issued_on = ?6, issued_by = ?7, division_code = ?8,
         updated_at = ?9 WHERE child_id = ?1 AND id = ?2",
        document_values(child_id, document_id, document, now),
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound("document_not_found"));
    }
    self::document(conn, child_id, document_id)
}

/// Where a scan's bytes are: in the record (PostgreSQL, offline submissions) or in a file of `storage::scans`.
pub enum ScanBytes<'a> {
    Inline(&'a [u8]),
    File(&'a str),
}

/// Stores the document's scan, replacing any; returns the file the replaced scan was in, which no record names now.
pub fn put_scan(
    conn: &dyn Conn,
    account_id: &str,
    child_id: &str,
    document_id: &str,
    scan: ScanBytes<'_>,
    media_type: &str,
) -> StoreResult<Option<String>> {
    let scan_file =
        Query::first("SELECT scan_file FROM documents WHERE child_id = ?1 AND id = ?2", [child_id, document_id], |r| {
            r.get::<_, Option<String>>(0)
        });
    let (child, document) = child_query(account_id, child_id).and(scan_file).run(conn)?;
    child.ok_or(StoreError::NotFound("child_not_found"))?;
    let replaced = document.ok_or(StoreError::NotFound("document_not_found"))?;
    let (inline, file) = match scan {
        ScanBytes::Inline(bytes) => (Some(bytes), None),
        ScanBytes::File(name) => (None, Some(name)),
    };
    conn.execute_later(
        "UPDATE documents SET scan = ?3, scan_file = ?4, scan_type = ?5 WHERE child_id = ?1 AND id = ?2",
        params![child_id, document_id, inline, file, media_type],
    )?;
    Ok(replaced)
}
