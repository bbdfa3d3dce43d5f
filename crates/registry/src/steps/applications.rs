//! Applications, the e-mail step and certificates in SQLite.

use super::{Query, people, reference};
use crate::sql::{Conn, OptionalExtension, Row, params};
use crate::storage::{
    ConfirmationSecrets, IdemKey, MailFor, NewApplication, OutgoingMail, StoreError, StoreResult, Stored,
};
use chrono::{DateTime, Duration, Utc};
use pdo_core::api::*;
use pdo_core::domain::{AccountKind, region_today};
use sha2::{Digest, Sha256};

pub const CODE_LIFETIME: Duration = Duration::hours(24);
pub const MAX_WRONG_CODES: u32 = 5;
pub const RESEND_INTERVAL: Duration = Duration::minutes(1);
pub const MAX_SENDS_A_DAY: u32 = 5;

/// Application numbers start here; registry records are 42 followed by eight digits.
pub const FIRST_APPLICATION_NUMBER: i64 = 1_000_000;

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

struct Row_ {
    id: String,
    number: String,
    child_id: String,
    applicant: String,
    applicant_kind: String,
    email: String,
    email_confirmed_at: Option<DateTime<Utc>>,
    status: String,
    group: Option<String>,
    document_id: Option<String>,
    registry_record: Option<String>,
    municipality: Option<String>,
    source: String,
    created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, number, account_id, child_id, applicant, applicant_kind, email, email_confirmed_at, status,
    certificate_group, document_id, registry_record, municipality_code, source, created_at";

fn row(r: &Row) -> crate::sql::Result<Row_> {
    Ok(Row_ {
        id: r.get(0)?,
        number: r.get(1)?,
        child_id: r.get(3)?,
        applicant: r.get(4)?,
        applicant_kind: r.get(5)?,
        email: r.get(6)?,
        email_confirmed_at: r.get(7)?,
        status: r.get(8)?,
        group: r.get(9)?,
        document_id: r.get(10)?,
        registry_record: r.get(11)?,
        municipality: r.get(12)?,
        source: r.get(13)?,
        created_at: r.get(14)?,
    })
}

fn next_action(status: ApplicationStatus) -> NextAction {
    match status {
        ApplicationStatus::AwaitingClaim => NextAction::None,
        ApplicationStatus::AwaitingEmailConfirmation => NextAction::ConfirmEmail,
        ApplicationStatus::EmailConfirmed => NextAction::GetCertificate,
        ApplicationStatus::CertificateIssued => NextAction::PrintForms,
    }
}

fn view(conn: &dyn Conn, r: Row_) -> StoreResult<Application> {
    let (child, institutions, operator) = super::all3(
        conn,
        people::child_by_id_query(&r.child_id),
        reference::institutions_query(r.municipality.as_deref()),
        reference::operator_query(),
    )?;
    assemble(conn, r, child, institutions, operator)
}

/// The application of row `r` with its child, institutions and operator read already.
fn assemble(
    conn: &dyn Conn,
    r: Row_,
    child: Child,
    institutions: Vec<Institution>,
    operator: Operator,
) -> StoreResult<Application> {
    let status = ApplicationStatus::parse(&r.status).ok_or_else(|| anyhow::anyhow!("unknown status {}", r.status))?;
    let document = r.document_id.as_deref().map(|d| people::document(conn, &r.child_id, d)).transpose()?;
    let certificate_group = match &r.group {
        Some(id) => reference::certificate_groups(conn)?.into_iter().find(|g| &g.id == id),
        None => None,
    };
    Ok(Application {
        id: r.id,
        number: r.number,
        status,
        next_action: next_action(status),
        child,
        applicant: serde_json::from_str(&r.applicant)?,
        applicant_kind: if r.applicant_kind == "child" { AccountKind::Child } else { AccountKind::Parent },
        email: r.email,
        email_confirmed_at: r.email_confirmed_at,
        certificate_group,
        document,
        registry_record: r.registry_record,
        institutions,
        operator,
        created_at: r.created_at,
        source: if r.source == "kiosk_offline" { ApplicationSource::KioskOffline } else { ApplicationSource::Online },
    })
}

/// The one application `condition` selects (over `params`), or "not found".
fn select_one(conn: &dyn Conn, condition: &str, params: impl crate::sql::Params) -> StoreResult<Application> {
    let r = conn
        .query_row(&format!("SELECT {COLUMNS} FROM applications WHERE {condition} LIMIT 1"), params, row)
        .optional()?
        .ok_or(StoreError::NotFound("application_not_found"))?;
    view(conn, r)
}

/// An application of this account; another account's is "not found".
pub fn application(conn: &dyn Conn, account_id: &str, id: &str) -> StoreResult<Application> {
    select_one(conn, "id = ?1 AND account_id = ?2", [id, account_id])
}

/// An application by its number, or by a number a kiosk printed for an offline part that joined it.
pub fn application_by_number(conn: &dyn Conn, number: &str) -> StoreResult<Application> {
    select_one(conn, "number = ?1 OR id = (SELECT application_id FROM application_aliases WHERE number = ?1)", [number])
}

/// An application whoever holds it (offline submissions and claims).
pub fn application_by_id(conn: &dyn Conn, id: &str) -> StoreResult<Application> {
    select_one(conn, "id = ?1", [id])
}

pub fn applications(conn: &dyn Conn, account_id: &str) -> StoreResult<Vec<Application>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM applications WHERE account_id = ?1 ORDER BY created_at, id"))?;
    let rows: Vec<Row_> = stmt.query_map([account_id], row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|r| view(conn, r)).collect()
}

pub fn queue_mail(tx: &dyn Conn, mail: &OutgoingMail, now: DateTime<Utc>) -> StoreResult<()> {
    tx.execute_later(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![mail.to, mail.subject, mail.body, now.to_rfc3339()],
    )?;
    Ok(())
}

fn email_confirmed_before(account_id: &str, email: &str) -> Query<bool> {
    let sql = "SELECT 1 FROM confirmed_emails WHERE account_id = ?1 AND email = ?2";
    Query::new(sql, [account_id, email], |rows| Ok(!rows.is_empty()))
}

/// Replaces the application's confirmation secrets and counts one more sending today.
fn store_secrets(tx: &dyn Conn, id: &str, secrets: &ConfirmationSecrets, now: DateTime<Utc>) -> StoreResult<()> {
    let today = region_today(now).to_string();
    tx.execute_later(
        "INSERT INTO email_confirmations (application_id, token_hash, code_hash, expires_at, wrong_attempts, voided,
             sends_day, sends_that_day, last_sent_at)
         VALUES (?1, ?2, ?3, ?4, 0, 0, ?5, 1, ?6)
         ON CONFLICT(application_id) DO UPDATE SET token_hash = ?2, code_hash = ?3, expires_at = ?4, wrong_attempts = 0,
             voided = 0, sends_day = ?5, sends_that_day =
                 CASE WHEN email_confirmations.sends_day = ?5 THEN email_confirmations.sends_that_day + 1 ELSE 1 END,
             last_sent_at = ?6",
        params![
            id,
            hash(&secrets.token),
            hash(&secrets.code),
            (now + CODE_LIFETIME).to_rfc3339(),
            today,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

pub fn create(
    tx: &dyn Conn,
    new: &NewApplication<'_>,
    secrets: &ConfirmationSecrets,
    mail: MailFor<'_>,
    idem: &IdemKey,
    now: DateTime<Utc>,
) -> StoreResult<Stored> {
    let account = new.account;
    // Four reads sent with the look-up of a stored answer, judged in the order the refusals rank: the child's
    // application is looked up by the id asked for, and counts only once that id proved to be a child of this
    // account.
    let first = people::applicant_query(&account.id)
        .and(people::child_query(&account.id, new.child_id))
        .and(Query::first("SELECT id FROM applications WHERE child_id = ?1 LIMIT 1", [new.child_id], |r| {
            r.get::<_, String>(0)
        }))
        .and(email_confirmed_before(&account.id, new.email));
    super::idempotency::run_with(tx, idem, now, first, |tx, (((applicant, child), existing), confirmed)| {
        let applicant = applicant.ok_or(StoreError::Conflict { code: "applicant_required", id: None })?;
        let child: Child = child.ok_or(StoreError::NotFound("child_not_found"))?;
        if !child.documents.iter().any(|d| d.has_scan) {
            return Err(StoreError::Conflict { code: "scan_required", id: None });
        }
        if let Some(id) = existing {
            return Err(StoreError::Conflict { code: "application_exists", id: Some(id) });
        }
        let number =
            reference::next_in_sequence(tx, "application_number", FIRST_APPLICATION_NUMBER - 1, 1)?.to_string();
        let id = super::new_id();
        let status =
            if confirmed { ApplicationStatus::EmailConfirmed } else { ApplicationStatus::AwaitingEmailConfirmation };
        tx.execute_later(
            &format!(
                "INSERT INTO applications ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL, NULL, ?10, 'online', ?11)"
            ),
            params![
                id,
                number,
                account.id,
                child.id,
                serde_json::to_string(&applicant)?,
                crate::accounts::kind_str(account.kind),
                new.email,
                confirmed.then_some(now),
                status.as_str(),
                new.municipality,
                now
            ],
        )?;
        // The new row read back with what the application shows beside its child, read above, in one round trip.
        let stored = Query::first(format!("SELECT {COLUMNS} FROM applications WHERE id = ?1"), [&id], row)
            .map(|r| r.ok_or(StoreError::NotFound("application_not_found")));
        let (r, (institutions, operator)) =
            stored.and(reference::institutions_query(new.municipality).and(reference::operator_query())).run(tx)?;
        let created = assemble(tx, r, child, institutions, operator)?;
        if !confirmed {
            store_secrets(tx, &id, secrets, now)?;
            queue_mail(tx, &mail(&created), now)?;
        }
        Ok((201, serde_json::to_vec(&created)?))
    })
}

fn mark_confirmed(
    tx: &dyn Conn,
    id: &str,
    account_id: Option<&str>,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE applications SET status = 'email_confirmed', email_confirmed_at = ?2
         WHERE id = ?1 AND status = 'awaiting_email_confirmation'",
        params![id, now],
    )?;
    if let Some(account_id) = account_id {
        tx.execute(
            "INSERT INTO confirmed_emails (account_id, email, confirmed_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![account_id, email, now.to_rfc3339()],
        )?;
    }
    tx.execute("DELETE FROM email_confirmations WHERE application_id = ?1", [id])?;
    Ok(())
}

/// Follows a link from the e-mail. `Ok(None)` when the link is unknown or has expired.
pub fn confirm_by_link(tx: &dyn Conn, token: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
    let found: Option<(String, String)> = tx
        .query_row(
            "SELECT application_id, expires_at FROM email_confirmations WHERE token_hash = ?1 AND voided = 0",
            [hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, expires)) = found else { return Ok(None) };
    if DateTime::parse_from_rfc3339(&expires).map_err(anyhow::Error::from)? < now {
        return Ok(None);
    }
    let (account_id, email, number): (Option<String>, String, String) =
        tx.query_row("SELECT account_id, email, number FROM applications WHERE id = ?1", [&id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    mark_confirmed(tx, &id, account_id.as_deref(), &email, now)?;
    Ok(Some(number))
}

/// The 6-digit code typed at the kiosk; five wrong codes void it.
pub fn confirm_by_code(
    tx: &dyn Conn,
    account_id: &str,
    id: &str,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<Result<Application, &'static str>> {
    let current = application(tx, account_id, id)?;
    if current.status != ApplicationStatus::AwaitingEmailConfirmation {
        return Ok(Ok(current));
    }
    let (code_hash, expires, wrong, voided): (Vec<u8>, String, u32, bool) = tx
        .query_row(
            "SELECT code_hash, expires_at, wrong_attempts, voided FROM email_confirmations WHERE application_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .unwrap_or((vec![], String::new(), MAX_WRONG_CODES, true));
    if voided {
        return Ok(Err("code_voided"));
    }
    let expired = DateTime::parse_from_rfc3339(&expires).map_err(anyhow::Error::from)? < now;
    if expired || wrong >= MAX_WRONG_CODES {
        return Ok(Err("code_voided"));
    }
    if hash(code.trim()) != code_hash {
        tx.execute(
            "UPDATE email_confirmations SET wrong_attempts = wrong_attempts + 1,
             voided = CASE WHEN wrong_attempts + 1 >= ?2 THEN 1 ELSE 0 END WHERE application_id = ?1",
            params![id, MAX_WRONG_CODES],
        )?;
        // An `Ok` outcome, so the transaction commits and the wrong attempt is counted.
        return Ok(Err("invalid_code"));
    }
    mark_confirmed(tx, id, Some(account_id), &current.email, now)?;
    application(tx, account_id, id).map(Ok)
}

/// Whether another confirmation mail may go now; `Err(seconds)` to wait otherwise.
fn may_send(tx: &dyn Conn, id: &str, now: DateTime<Utc>) -> StoreResult<Result<(), i64>> {
    let row: Option<(String, u32, String)> = tx
        .query_row(
            "SELECT sends_day, sends_that_day, last_sent_at FROM email_confirmations WHERE application_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((day, count, last)) = row else { return Ok(Ok(())) };
    let last = DateTime::parse_from_rfc3339(&last).map_err(anyhow::Error::from)?.with_timezone(&Utc);
    if now - last < RESEND_INTERVAL {
        return Ok(Err((RESEND_INTERVAL - (now - last)).num_seconds().max(1)));
    }
    let today = region_today(now);
    if day == today.to_string() && count >= MAX_SENDS_A_DAY {
        let tomorrow = today.succ_opt().unwrap_or(today).and_hms_opt(0, 0, 0).unwrap_or_default();
        let next = tomorrow.and_utc() - Duration::hours(i64::from(pdo_core::domain::REGION_UTC_OFFSET_HOURS));
        return Ok(Err((next - now).num_seconds().max(1)));
    }
    Ok(Ok(()))
}

/// Sends a fresh code and link, within the limits. `Err(Conflict too_many_requests)` carries no wait; the caller
/// asks `retry_after` for it.
pub fn resend(
    tx: &dyn Conn,
    account_id: &str,
    id: &str,
    secrets: &ConfirmationSecrets,
    mail: MailFor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Result<(), i64>> {
    let current = application(tx, account_id, id)?;
    if current.status != ApplicationStatus::AwaitingEmailConfirmation {
        return Ok(Ok(()));
    }
    if let Err(wait) = may_send(tx, id, now)? {
        return Ok(Err(wait));
    }
    store_secrets(tx, id, secrets, now)?;
    queue_mail(tx, &mail(&current), now)?;
    Ok(Ok(()))
}

/// A mistyped address fixed: the application waits for the new address to be confirmed (unless the account has
/// confirmed it before) and a new code goes out; the first change at once, later ones within the sending limits.
pub fn change_email(
    tx: &dyn Conn,
    account_id: &str,
    id: &str,
    email: &str,
    secrets: &ConfirmationSecrets,
    mail: MailFor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Result<Application, i64>> {
    let current = application(tx, account_id, id)?;
    if current.status == ApplicationStatus::CertificateIssued {
        return Err(StoreError::Conflict { code: "certificate_already_issued", id: Some(id.into()) });
    }
    if email == current.email {
        return Ok(Ok(current));
    }
    // The first change is always allowed: a typo is typically noticed right after the creation's letter went out,
    // and the contract answers that with 200. Later changes share the limits with resends.
    let changes: u32 = tx.query_row("SELECT email_changes FROM applications WHERE id = ?1", [id], |r| r.get(0))?;
    if changes > 0
        && let Err(wait) = may_send(tx, id, now)?
    {
        return Ok(Err(wait));
    }
    let confirmed = email_confirmed_before(account_id, email).run(tx)?;
    tx.execute(
        "UPDATE applications SET email = ?2, status = ?3, email_confirmed_at = ?4, email_changes = email_changes + 1
         WHERE id = ?1",
        params![
            id,
            email,
            if confirmed { "email_confirmed" } else { "awaiting_email_confirmation" },
            confirmed.then_some(now)
        ],
    )?;
    let updated = application(tx, account_id, id)?;
    if confirmed {
        tx.execute("DELETE FROM email_confirmations WHERE application_id = ?1", [id])?;
    } else {
        store_secrets(tx, id, secrets, now)?;
        queue_mail(tx, &mail(&updated), now)?;
    }
    Ok(Ok(updated))
}

pub fn issue_certificate(
    tx: &dyn Conn,
    account_id: &str,
    id: &str,
    request: &CertificateRequest,
    mail: MailFor<'_>,
    idem: &IdemKey,
    now: DateTime<Utc>,
) -> StoreResult<Stored> {
    super::idempotency::run(tx, idem, now, |tx| {
        let current = application(tx, account_id, id)?;
        match current.status {
            ApplicationStatus::AwaitingEmailConfirmation => {
                return Err(StoreError::Conflict { code: "email_not_confirmed", id: None });
            }
            ApplicationStatus::CertificateIssued => {
                return Err(StoreError::Conflict { code: "certificate_already_issued", id: Some(id.into()) });
            }
            ApplicationStatus::EmailConfirmed => {}
            ApplicationStatus::AwaitingClaim => return Err(StoreError::NotFound("application_not_found")),
        }
        if !reference::active_certificate_groups(tx)?.iter().any(|g| g.id == request.group_id) {
            return Err(StoreError::NotFound("group_not_found"));
        }
        people::document(tx, &current.child.id, &request.document_id)?;
        let record = format!("42{:08}", reference::next_in_sequence(tx, "registry_record", 0, 1)?);
        tx.execute(
            "UPDATE applications SET status = 'certificate_issued', certificate_group = ?2, document_id = ?3,
             registry_record = ?4 WHERE id = ?1",
            params![id, request.group_id, request.document_id, record],
        )?;
        let issued = application(tx, account_id, id)?;
        queue_mail(tx, &mail(&issued), now)?;
        Ok((201, serde_json::to_vec(&issued)?))
    })
}
