//! Applications taken by kiosks while offline: sealing keys, number blocks, sealed submissions checked as if
//! entered online, and claim links that join them to the applicant's account.

use super::{Query, applications, people, reference};
use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{MailFor, OutgoingMail, StoreError, StoreResult, Stored};
use chrono::{DateTime, Duration, Utc};
use pdo_core::api::*;
use pdo_core::domain::{AccountKind, region_today};
use pdo_core::sealed;
use pdo_core::validation::{self, FieldErrors};

/// Numbers reserved for a kiosk at a time; a new block comes when half of the last one is used.
pub const BLOCK_SIZE: i64 = 100;
/// Offline submissions may say they were captured up to this far ahead of the registry's clock.
const CLOCK_SKEW: Duration = Duration::minutes(10);

/// The newest live sealing key, made on first use.
pub fn current_key(tx: &dyn Conn, now: DateTime<Utc>) -> StoreResult<(String, String)> {
    let current: Option<(String, String)> = tx
        .query_row(
            "SELECT key_id, public_key FROM sealing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, key_id DESC LIMIT 1",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match current {
        Some(key) => Ok(key),
        None => rotate_key(tx, now),
    }
}

/// Adds a new key that kiosks seal with from their next config refresh; older keys keep opening queued boxes.
pub fn rotate_key(tx: &dyn Conn, now: DateTime<Utc>) -> StoreResult<(String, String)> {
    let (secret, public) = sealed::generate();
    let key_id = format!("k{}", now.format("%Y%m%d%H%M%S%3f"));
    tx.execute(
        "INSERT INTO sealing_keys (key_id, secret, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![key_id, secret.to_vec(), public, now.to_rfc3339()],
    )?;
    Ok((key_id, public))
}

/// Live keys, newest first: kiosks seal with the first.
pub fn public_keys(conn: &dyn Conn) -> StoreResult<Vec<PublicKey>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, public_key FROM sealing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, key_id DESC",
    )?;
    let rows = stmt.query_map((), |r| Ok(PublicKey { key_id: r.get(0)?, public_key: r.get(1)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn secret_key(conn: &dyn Conn, key_id: &str) -> StoreResult<Option<[u8; 32]>> {
    let bytes: Option<Vec<u8>> =
        conn.query_row("SELECT secret FROM sealing_keys WHERE key_id = ?1", [key_id], |r| r.get(0)).optional()?;
    Ok(bytes.and_then(|b| b.try_into().ok()))
}

/// The kiosk's current block of application numbers, reserving a new one when half of it is used.
pub fn number_block(tx: &dyn Conn, kiosk_id: &str, now: DateTime<Utc>) -> StoreResult<NumberBlock> {
    let latest: Option<(i64, i64)> = tx
        .query_row(
            "SELECT first, last FROM number_blocks WHERE kiosk_id = ?1 ORDER BY first DESC LIMIT 1",
            [kiosk_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let used = |(first, last): (i64, i64)| -> crate::sql::Result<i64> {
        tx.query_row(
            "SELECT COUNT(*) FROM submissions WHERE kiosk_id = ?1 AND CAST(application_number AS INTEGER) BETWEEN ?2 AND ?3",
            params![kiosk_id, first, last],
            |r| r.get(0),
        )
    };
    let (first, last) = match latest {
        Some(block) if used(block)? < BLOCK_SIZE / 2 => block,
        _ => {
            let first = reference::next_in_sequence(
                tx,
                "application_number",
                applications::FIRST_APPLICATION_NUMBER - 1,
                BLOCK_SIZE,
            )?;
            let last = first + BLOCK_SIZE - 1;
            tx.execute(
                "INSERT INTO number_blocks (kiosk_id, first, last, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![kiosk_id, first, last, now.to_rfc3339()],
            )?;
            (first, last)
        }
    };
    Ok(NumberBlock { from: first.to_string(), to: last.to_string() })
}

fn number_reserved(conn: &dyn Conn, kiosk_id: &str, number: &str) -> StoreResult<bool> {
    let Ok(n) = number.parse::<i64>() else { return Ok(false) };
    Ok(conn
        .query_row(
            "SELECT 1 FROM number_blocks WHERE kiosk_id = ?1 AND ?2 BETWEEN first AND last",
            params![kiosk_id, n],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// What a submission's letter needs: the claim link's secret, made by the caller.
pub struct SubmissionMail<'a> {
    pub claim_token: &'a str,
    /// The claim letter for an accepted application.
    pub accepted: MailFor<'a>,
    /// The letter telling why a submission was rejected: (address, reason, field errors).
    pub rejected: &'a dyn Fn(&str, &str, &FieldErrors) -> OutgoingMail,
}

fn receipt(submission_id: &str, number: &str, status: SubmissionStatus, reason: Option<&str>) -> SubmissionReceipt {
    SubmissionReceipt {
        submission_id: submission_id.into(),
        application_number: number.into(),
        status,
        reason: reason.map(Into::into),
    }
}

/// Receives one sealed box. The same (kiosk, submission id) always replays the first answer, whatever the bytes.
/// A box that cannot be opened stores nothing (`Conflict unsealable`); one that opens is answered 202, accepted or
/// rejected with a reason code.
pub fn receive(
    tx: &dyn Conn,
    kiosk_id: &str,
    submission_id: &str,
    key_id: &str,
    sealed_box: &[u8],
    mail: &SubmissionMail<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Stored> {
    let previous = Query::first(
        "SELECT response FROM submissions WHERE kiosk_id = ?1 AND submission_id = ?2",
        [kiosk_id, submission_id],
        |r| r.get::<_, Vec<u8>>(0),
    );
    let in_flight = format!("submission\u{1f}{kiosk_id}\u{1f}{submission_id}");
    if let Some(body) = super::idempotency::held(tx, &in_flight, previous).run(tx)? {
        return Ok(Stored { status: 202, body, replayed: true });
    }
    let secret = secret_key(tx, key_id)?.ok_or(StoreError::Conflict { code: "unsealable", id: None })?;
    let plain =
        sealed::unseal(&secret, sealed_box).map_err(|_| StoreError::Conflict { code: "unsealable", id: None })?;
    type Outcome = Result<String, (&'static str, Option<String>, FieldErrors)>;
    let (number, outcome): (String, Outcome) = match serde_json::from_slice::<OfflinePayload>(&plain) {
        Err(_) => (String::new(), Err(("malformed_payload", None, FieldErrors::new()))),
        Ok(payload) => {
            let outcome = accept(tx, kiosk_id, submission_id, &payload, mail, now)?;
            let email = payload.email.clone();
            (payload.application_number.clone(), outcome.map_err(|(reason, errors)| (reason, Some(email), errors)))
        }
    };
    let (status, reason, application_id) = match outcome {
        Ok(application_id) => (SubmissionStatus::AwaitingClaim, None, Some(application_id)),
        Err((reason, email, errors)) => {
            if let Some(address) = email.and_then(|e| validation::email(&e).ok()) {
                applications::queue_mail(tx, &(mail.rejected)(&address, reason, &errors), now)?;
            }
            tracing::info!(kiosk = kiosk_id, submission = submission_id, reason, "offline submission rejected");
            (SubmissionStatus::Rejected, Some(reason), None)
        }
    };
    let body = serde_json::to_vec(&receipt(submission_id, &number, status, reason))?;
    tx.execute(
        "INSERT INTO submissions (kiosk_id, submission_id, application_number, status, reason, application_id, response,
             received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            kiosk_id,
            submission_id,
            number,
            status_str(status),
            reason,
            application_id,
            body,
            now.to_rfc3339()
        ],
    )?;
    Ok(Stored { status: 202, body, replayed: false })
}

type Rejection = (&'static str, FieldErrors);

/// Checks an opened payload as if it were entered online and creates the unclaimed application. The outer `Result`
/// is storage failure; the inner one the application or why it is rejected.
fn accept(
    tx: &dyn Conn,
    kiosk_id: &str,
    submission_id: &str,
    p: &OfflinePayload,
    mail: &SubmissionMail<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Result<String, Rejection>> {
    let reject = |reason: &'static str| Ok(Err((reason, FieldErrors::new())));
    if p.kiosk_id != kiosk_id || p.submission_id != submission_id {
        return reject("kiosk_mismatch");
    }
    if p.captured_at > now + CLOCK_SKEW {
        return reject("captured_in_future");
    }
    if !number_reserved(tx, kiosk_id, &p.application_number)? {
        return reject("number_not_reserved");
    }
    if tx
        .query_row(
            "SELECT 1 FROM applications WHERE number = ?1 UNION ALL SELECT 1 FROM application_aliases WHERE number = ?1",
            [&p.application_number],
            |_| Ok(()),
        )
        .optional()?
        .is_some()
    {
        return reject("number_used");
    }
    let today = region_today(p.captured_at);
    // The account the kiosk's session signed in to online, if it did: what was created there is joined, not doubled.
    let named: Option<(String, String)> = match &p.login {
        Some(login) => tx
            .query_row("SELECT id, kind FROM accounts WHERE login = ?1", [login.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        None => None,
    };
    let kind = match &named {
        Some((_, kind)) if kind == "child" => AccountKind::Child,
        _ => AccountKind::Parent,
    };
    let named = named.map(|(id, _)| id);
    let mut errors = FieldErrors::new();
    let applicant = validation::validate_applicant(&p.applicant, kind, today).map_err(|e| errors.extend(e)).ok();
    let child = validation::validate_child(&p.child, today).map_err(|e| errors.extend(e)).ok();
    // The document is checked against the birth date as typed even when another child field is wrong, so the letter
    // lists every mistake at once.
    let birth = child.as_ref().map(|c| c.birth_date).or_else(|| validation::parse_date(&p.child.birth_date).ok());
    let document =
        birth.and_then(|b| validation::validate_document(&p.document, b, today).map_err(|e| errors.extend(e)).ok());
    let email = validation::validate_email(&p.email).map_err(|e| errors.extend(e)).ok();
    use base64::Engine;
    let scan = base64::engine::general_purpose::STANDARD
        .decode(&p.scan_jpeg_base64)
        .ok()
        .filter(|b| b.starts_with(&[0xFF, 0xD8, 0xFF]));
    let (Some(applicant), Some(child), Some(document), Some(email)) = (applicant, child, document, email) else {
        return Ok(Err(("validation", errors)));
    };
    let Some(scan) = scan else { return reject("scan_invalid") };
    // A group retired by an import after the kiosk offered it still counts: the applicant chose it while it was
    // offered, and the kiosk could not know better.
    if !reference::certificate_groups(tx)?.iter().any(|g| g.id == p.group_id) {
        return reject("group_not_found");
    }
    // A child nobody claimed in time no longer holds its SNILS.
    super::claims::release_expired(tx, Some(&child.snils), now)?;
    let (child_id, owner) = match people::holder_of(tx, &child.snils)? {
        None => {
            let inserted = people::insert_child(tx, None, &child, now)?;
            tx.execute("UPDATE children SET named_account_id = ?2 WHERE id = ?1", params![inserted.id, named])?;
            (inserted.id, None)
        }
        Some((id, owner, waiting_for)) => {
            // Whose the child is decides: the account the submission names, or (without a login) the account that
            // claims it. A child waiting for its claim joins when nobody else was named for it.
            let joins = match (&owner, &named) {
                (Some(owner), Some(named)) => owner == named,
                (Some(_), None) => true,
                (None, named) => waiting_for.is_none() || named.is_none() || &waiting_for == named,
            };
            if !joins {
                return reject("child_already_registered");
            }
            (id, owner)
        }
    };
    let document_id = joined_document(tx, &child_id, &document, &scan, now)?;
    // One application per child: one that already exists (created online before the link dropped, or by an earlier
    // offline part) is completed by this part, and the number the kiosk printed becomes another name for it.
    let existing: Option<String> = tx
        .query_row("SELECT id FROM applications WHERE child_id = ?1 LIMIT 1", [&child_id], |r| r.get(0))
        .optional()?;
    let id = match existing {
        Some(id) => {
            tx.execute(
                "UPDATE applications SET requested_group = COALESCE(requested_group, ?2),
                     document_id = COALESCE(document_id, ?3) WHERE id = ?1",
                params![id, p.group_id, document_id],
            )?;
            tx.execute(
                "INSERT INTO application_aliases (number, application_id) VALUES (?1, ?2)",
                params![p.application_number, id],
            )?;
            tracing::info!(kiosk = kiosk_id, submission = submission_id, "offline part joined an application");
            id
        }
        None => {
            let municipality: Option<String> =
                tx.query_row("SELECT municipality FROM kiosks WHERE id = ?1", [kiosk_id], |r| r.get(0)).optional()?;
            // The account is set at once when the child is the named account's own, so its cabinet lists it.
            let account = owner.filter(|o| named.as_ref() == Some(o));
            let id = super::new_id();
            tx.execute(
                "INSERT INTO applications (id, number, account_id, child_id, applicant, applicant_kind, email, status,
                     document_id, municipality_code, source, kiosk_id, created_at, requested_group)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'awaiting_claim', ?8, ?9, 'kiosk_offline', ?10, ?11, ?12)",
                params![
                    id,
                    p.application_number,
                    account,
                    child_id,
                    serde_json::to_string(&applicant)?,
                    crate::accounts::kind_str(kind),
                    email,
                    document_id,
                    municipality,
                    kiosk_id,
                    p.captured_at,
                    p.group_id
                ],
            )?;
            id
        }
    };
    super::claims::insert(tx, mail.claim_token, &id, &p.application_number, &email, now)?;
    // The letter names the number on the kiosk's forms and goes to the address typed there.
    let joined = applications::application_by_id(tx, &id)?;
    let letter = Application { number: p.application_number.clone(), email, ..joined };
    applications::queue_mail(tx, &(mail.accepted)(&letter), now)?;
    Ok(Ok(id))
}

/// The child's document with the same kind, series and number if it has one (its scan filled in when missing),
/// else the submission's document, added with its scan.
fn joined_document(
    tx: &dyn Conn,
    child_id: &str,
    document: &validation::ValidDocument,
    scan: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let same: Option<String> = tx
        .query_row(
            "SELECT id FROM documents WHERE child_id = ?1 AND kind = ?2 AND series = ?3 AND number = ?4
             ORDER BY created_at LIMIT 1",
            params![child_id, document.kind.as_str(), document.series, document.number],
            |r| r.get(0),
        )
        .optional()?;
    let id = match same {
        Some(id) => id,
        None => people::insert_document(tx, child_id, document, now)?.id,
    };
    tx.execute(
        "UPDATE documents SET scan = ?2, scan_type = 'image/jpeg' WHERE id = ?1 AND scan IS NULL AND scan_file IS NULL",
        params![id, scan],
    )?;
    Ok(id)
}

fn status_str(status: SubmissionStatus) -> &'static str {
    match status {
        SubmissionStatus::Received => "received",
        SubmissionStatus::AwaitingClaim => "awaiting_claim",
        SubmissionStatus::CertificateIssued => "certificate_issued",
        SubmissionStatus::Rejected => "rejected",
    }
}

pub fn submission(conn: &dyn Conn, kiosk_id: &str, submission_id: &str) -> StoreResult<SubmissionReceipt> {
    let row: Option<(String, String, Option<String>)> = conn
        .query_row(
            "SELECT application_number, status, reason FROM submissions WHERE kiosk_id = ?1 AND submission_id = ?2",
            [kiosk_id, submission_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (number, status, reason) = row.ok_or(StoreError::NotFound("submission_not_found"))?;
    let status = match status.as_str() {
        "awaiting_claim" => SubmissionStatus::AwaitingClaim,
        "certificate_issued" => SubmissionStatus::CertificateIssued,
        "rejected" => SubmissionStatus::Rejected,
        _ => SubmissionStatus::Received,
    };
    Ok(receipt(submission_id, &number, status, reason.as_deref()))
}
