//! Password checks as the service runs them: the database is read, argon2 runs on the password threads with no
//! lock held, then the outcome is written. Before, the whole check ran under the single database lock, so every
//! request of every kiosk waited behind each ~25 ms verification of a sign-in flood.

use crate::Registry;
use crate::accounts::{self, SignInError};
use crate::hashing::Class;
use crate::storage::{StoreError, StoreResult};
use pdo_core::api::Account;

/// What a login and password came to.
#[derive(Debug)]
pub enum PasswordCheck {
    Account(Account),
    Refused(SignInError),
    /// The applicants' share of the password threads is saturated: `503 busy`, nothing counted.
    Busy,
}

/// Checks a login and password under the slow-down rules, without opening a session. A place on the password
/// threads is taken first, so a refused request (`Busy`) has not touched the database.
pub async fn check_password(registry: &Registry, login: String, password: String) -> StoreResult<PasswordCheck> {
    check_password_as(registry, login, password, Class::Applicant).await
}

/// The same, on the share of the password threads of `class`: a parent signing in at a kiosk that proved its own
/// credentials takes the kiosks' share, so a flood of made-up sign-ins from elsewhere cannot keep them out.
pub async fn check_password_as(
    registry: &Registry,
    login: String,
    password: String,
    class: Class,
) -> StoreResult<PasswordCheck> {
    if !accounts::plausible(&login, &password) {
        return Ok(PasswordCheck::Refused(SignInError::InvalidCredentials));
    }
    let Ok(ticket) = registry.hashing.admit(class) else {
        return Ok(PasswordCheck::Busy);
    };
    let now = registry.clock.now();
    let typed = login.clone();
    let record = match registry.store(move |s| s.password_record(&typed, now)).await? {
        Ok(record) => record,
        Err(refused) => return Ok(PasswordCheck::Refused(refused)),
    };
    let (record, matched) = ticket
        .run(move || {
            let matched = accounts::verify(record.as_ref(), &password);
            (record, matched)
        })
        .await
        .map_err(|_| StoreError::Internal(anyhow::anyhow!("the password check did not finish")))?;
    let now = registry.clock.now();
    registry.store(move |s| s.record_password_check(&login, matched, now)).await?;
    Ok(match record {
        Some(record) if matched => PasswordCheck::Account(record.account),
        _ => PasswordCheck::Refused(SignInError::InvalidCredentials),
    })
}
