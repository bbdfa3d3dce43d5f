//! Claim links of applications taken offline: following one joins the application (and its child) to the account
//! that signs in, but only within 30 days and only for the applicant's own account (by full name), so a forwarded or
//! leaked link opens nobody's data to another account. A child nobody claimed in time stops holding its SNILS.

use super::kiosks::ts;
use super::{applications, people, reference};
use crate::sql::{Conn, OptionalExtension, params};
use crate::storage::{MailFor, StoreResult};
use chrono::{DateTime, Duration, Utc};
use pdo_core::api::*;
use pdo_core::validation::nfc;

/// How long a claim link works after its letter was queued.
pub const CLAIM_LIFETIME: Duration = Duration::days(30);

/// Writes a claim link's record: the link expires `CLAIM_LIFETIME` after `now`.
pub fn insert(
    tx: &dyn Conn,
    token: &str,
    application_id: &str,
    number: &str,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO claims (token_hash, application_id, number, email, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![applications::hash(token), application_id, number, email, now.to_rfc3339(), ts(now + CLAIM_LIFETIME)],
    )?;
    Ok(())
}

/// Where a claim link stands.
#[derive(Debug, PartialEq)]
pub enum ClaimLink {
    /// Usable: the number its letter and the kiosk's forms carry.
    Live(String),
    Expired,
    /// Used, or never issued.
    Gone,
}

pub fn link(conn: &dyn Conn, token: &str, now: DateTime<Utc>) -> StoreResult<ClaimLink> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT number, expires_at FROM claims WHERE token_hash = ?1 AND claimed_at IS NULL",
            [applications::hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        None => ClaimLink::Gone,
        Some((number, expires)) if expires > ts(now) => ClaimLink::Live(number),
        Some(_) => ClaimLink::Expired,
    })
}

/// What following a claim link came to. Every refusal changes nothing; only `Gone` and `Expired` end the link.
#[derive(Debug)]
pub enum ClaimOutcome {
    /// The link is used or unknown.
    Gone,
    Expired,
    /// The account's full name is not the applicant's: the link stays valid for the applicant.
    NotTheApplicant,
    /// The child (or the application) is another account's: the link stays valid.
    OtherAccount,
    /// The application is the account's, with its certificate issued (now, or before).
    Claimed(Box<Application>),
}

/// Whether an account's full name is the applicant's (last name, first name, patronymic), ignoring case, spaces and
/// the difference between ё and е, which people and systems write either way.
pub fn same_person(full_name: &str, applicant: &Applicant) -> bool {
    let key = |name: &str| -> String {
        nfc(name)
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'ё' { 'е' } else { c })
            .collect()
    };
    let parts = [Some(&applicant.last_name), Some(&applicant.first_name), applicant.patronymic.as_ref()];
    let applicant_name: String = parts.into_iter().flatten().map(String::as_str).collect();
    key(full_name) == key(&applicant_name)
}

/// Joins a claimed application (and its child) to the signed-in account: following the link confirmed the
/// address, so the certificate is issued at once and its registry record e-mailed. An application that already has
/// its certificate (issued online meanwhile) is only joined. Applicant details are copied only into an account
/// that has none.
pub fn claim(
    tx: &dyn Conn,
    token: &str,
    account: &Account,
    mail: MailFor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<ClaimOutcome> {
    type Found = (String, String, Option<String>, Option<String>, String, String, String);
    let found: Option<Found> = tx
        .query_row(
            "SELECT a.id, c.email, a.account_id, ch.account_id, a.status, a.applicant, c.expires_at FROM claims c
             JOIN applications a ON a.id = c.application_id JOIN children ch ON ch.id = a.child_id
             WHERE c.token_hash = ?1 AND c.claimed_at IS NULL",
            [applications::hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?;
    let Some((id, email, app_owner, child_owner, status, applicant, expires)) = found else {
        return Ok(ClaimOutcome::Gone);
    };
    if expires <= ts(now) {
        return Ok(ClaimOutcome::Expired);
    }
    let applicant: Applicant = serde_json::from_str(&applicant)?;
    // The name first: a stranger holding the link learns nothing about whose account the child is in.
    if !same_person(&account.full_name, &applicant) {
        return Ok(ClaimOutcome::NotTheApplicant);
    }
    if app_owner.or(child_owner).is_some_and(|owner| owner != account.id) {
        return Ok(ClaimOutcome::OtherAccount);
    }
    tx.execute(
        "UPDATE claims SET claimed_at = ?2 WHERE token_hash = ?1",
        params![applications::hash(token), now.to_rfc3339()],
    )?;
    let child_id: String = tx.query_row("SELECT child_id FROM applications WHERE id = ?1", [&id], |r| r.get(0))?;
    tx.execute(
        "UPDATE children SET account_id = ?2 WHERE id = ?1 AND account_id IS NULL",
        params![child_id, account.id],
    )?;
    if people::applicant(tx, &account.id)?.is_none() {
        people::put_applicant(tx, &account.id, &applicant, now)?;
    }
    tx.execute(
        "INSERT INTO confirmed_emails (account_id, email, confirmed_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![account.id, email, now.to_rfc3339()],
    )?;
    if status != "certificate_issued" {
        let record = format!("42{:08}", reference::next_in_sequence(tx, "registry_record", 0, 1)?);
        tx.execute(
            "UPDATE applications SET account_id = ?2, status = 'certificate_issued', email = ?3,
                 email_confirmed_at = COALESCE(email_confirmed_at, ?4), certificate_group = requested_group,
                 registry_record = ?5, applicant_kind = ?6 WHERE id = ?1",
            params![id, account.id, email, now, record, crate::accounts::kind_str(account.kind)],
        )?;
    }
    tx.execute("UPDATE submissions SET status = 'certificate_issued' WHERE application_id = ?1", params![id])?;
    let issued = applications::application(tx, &account.id, &id)?;
    if status != "certificate_issued" {
        applications::queue_mail(tx, &mail(&issued), now)?;
    }
    Ok(ClaimOutcome::Claimed(Box::new(issued)))
}

/// Children taken offline that nobody claimed (no account) and whose every claim link has expired; `snils` narrows
/// it to one.
fn unclaimed_expired(conn: &dyn Conn, snils: Option<&str>, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ch.id FROM children ch WHERE ch.account_id IS NULL AND (CAST(?1 AS TEXT) IS NULL OR ch.snils = ?1)
         AND NOT EXISTS (SELECT 1 FROM claims c JOIN applications a ON a.id = c.application_id
                         WHERE a.child_id = ch.id AND c.claimed_at IS NULL AND c.expires_at > ?2)",
    )?;
    let rows = stmt.query_map(params![snils, ts(now)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes what an unclaimed offline submission left once its links expired — the child, its documents and scan,
/// its application with its other numbers and links — so its SNILS is free for whoever registers the child next.
/// The kiosk's submission stays, `rejected` with reason `claim_expired`. Returns how many children went.
pub fn release_expired(tx: &dyn Conn, snils: Option<&str>, now: DateTime<Utc>) -> StoreResult<usize> {
    let children = unclaimed_expired(tx, snils, now)?;
    for child in &children {
        let of_child = "(SELECT id FROM applications WHERE child_id = ?1)";
        tx.execute(
            &format!(
                "UPDATE submissions SET status = 'rejected', reason = 'claim_expired', application_id = NULL
                 WHERE application_id IN {of_child}"
            ),
            [child],
        )?;
        for table in ["claims", "application_aliases", "email_confirmations"] {
            tx.execute(&format!("DELETE FROM {table} WHERE application_id IN {of_child}"), [child])?;
        }
        tx.execute("DELETE FROM applications WHERE child_id = ?1", [child])?;
        tx.execute("DELETE FROM documents WHERE child_id = ?1", [child])?;
        tx.execute("DELETE FROM children WHERE id = ?1", [child])?;
    }
    if !children.is_empty() {
        tracing::info!(children = children.len(), "unclaimed offline applications released after their links expired");
    }
    Ok(children.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(last: &str, first: &str, patronymic: Option<&str>) -> Applicant {
        serde_json::from_value(serde_json::json!({
            "last_name": last, "first_name": first, "patronymic": patronymic, "birth_date": "1988-03-14",
            "passport": {"kind": "passport", "series": "3212", "number": "345678", "issued_on": "2008-04-01",
                         "issued_by": "Отделом УФМС по Примерной области", "division_code": "420-007"},
            "address": "г. Примерный", "phone": "+79007654321"
        }))
        .unwrap()
    }

    #[test]
    fn names_match_ignoring_case_spaces_and_yo() {
        let a = applicant("Зарубина", "Алевтина", Some("Тимофеевна"));
        assert!(same_person("Зарубина Алевтина Тимофеевна", &a));
        assert!(same_person("  ЗАРУБИНА  алевтина\tТимофеёвна ", &a));
        assert!(!same_person("Зарубина Алевтина", &a), "the patronymic is part of the name");
        assert!(!same_person("Зарубин Еремей Святославович", &a));
        assert!(same_person("Сёмина Ольга", &applicant("Семина", "Ольга", None)));
    }
}
