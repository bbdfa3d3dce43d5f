//! Accounts, password sign-in with slow-down, and bearer sessions. Synchronous functions on a connection, so the
//! same code serves the HTTP handlers (on the blocking pool) and the command-line tools.

use crate::sql::{Conn, OptionalExtension, params};
use crate::throttle::{self, FailureRecord};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, Utc};
use pdo_core::api::{Account, SessionResponse};
use pdo_core::domain::AccountKind;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub const SESSION_IDLE: Duration = Duration::minutes(30);
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Verified against when the login is unknown, so that answer takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("no such account anywhere"));

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SignInError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many attempts, retry after {0} s")]
    TooManyAttempts(i64),
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id with default parameters cannot fail on a fresh salt")
        .to_string()
}

/// Whether `secret` matches the argon2id PHC string `phc` (passwords, kiosk secrets). Slow on purpose.
pub fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A password of 12 characters from an alphabet without look-alikes (no 0/O, 1/l/I), easy to copy from paper.
pub fn generate_password() -> String {
    random_readable(12)
}

/// A kiosk's or a staff member's secret: 32 characters of the same alphabet, 160 bits, for a config file or a
/// password manager rather than for memory.
pub fn generate_secret() -> String {
    random_readable(32)
}

/// `len` characters from 32 symbols without look-alikes; 256 is a multiple of 32, so every symbol is equally likely.
fn random_readable(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// Verifies `secret` against a dummy hash: what an unknown login or kiosk costs, so timing does not tell.
pub fn burn_verification(secret: &str) {
    password_matches(secret, &DUMMY_HASH);
}

/// Adds an account whose password is already hashed (`hash_password`): argon2 runs before the transaction, never
/// while it holds the writer's lock.
pub fn create_account(
    conn: &dyn Conn,
    login: &str,
    password_hash: &str,
    kind: AccountKind,
    full_name: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Account> {
    let id = random_id();
    conn.execute(
        "INSERT INTO accounts (id, login, password_hash, kind, full_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, login.trim(), password_hash, kind_str(kind), full_name.trim(), now.to_rfc3339()],
    )?;
    Ok(Account { id, kind, full_name: full_name.trim().to_string(), login: login.trim().to_string() })
}

pub fn account_exists(conn: &dyn Conn, login: &str) -> anyhow::Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM accounts WHERE login = ?1", [login.trim()], |_| Ok(())).optional()?.is_some())
}

/// Checks a login and password and opens a session, all under one connection: for tests and tools only. The
/// service verifies without holding the database (see `crate::signin`).
pub fn sign_in(
    conn: &dyn Conn,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<SessionResponse, SignInError>> {
    match check_password(conn, login, password, now)? {
        Ok(account) => Ok(Ok(open_session(conn, account, None, now)?)),
        Err(refused) => Ok(Err(refused)),
    }
}

/// The account a login and password belong to, under the slow-down rules of sign-in, on one connection (tests and
/// tools): `password_record`, `verify`, `record_password_check` in a row.
pub fn check_password(
    conn: &dyn Conn,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Account, SignInError>> {
    if !plausible(login, password) {
        return Ok(Err(SignInError::InvalidCredentials));
    }
    let record = match password_record(conn, login, now)? {
        Ok(record) => record,
        Err(refused) => return Ok(Err(refused)),
    };
    let matched = verify(record.as_ref(), password);
    record_password_check(conn, login, matched, now)?;
    Ok(match record {
        Some(record) if matched => Ok(record.account),
        _ => Err(SignInError::InvalidCredentials),
    })
}

/// Logins are at most this many characters; a longer one is refused before anything is hashed or stored.
pub const MAX_LOGIN_CHARS: usize = 64;
/// Passwords beyond this many bytes are refused the same way (generated ones have 12 characters).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Whether a login and password could belong to an account at all: no account has a longer login (`account add`
/// refuses one), so a longer one is answered `invalid_credentials` without argon2 and without a failure row.
pub fn plausible(login: &str, password: &str) -> bool {
    let login = login.trim();
    !login.is_empty() && login.chars().count() <= MAX_LOGIN_CHARS && password.len() <= MAX_PASSWORD_BYTES
}

/// What a password is verified against, read under the database lock; argon2 then runs without it.
#[derive(Debug, Clone)]
pub struct PasswordRecord {
    pub account: Account,
    /// argon2id PHC string.
    pub phc: String,
}

/// The login's slow-down (`Err(TooManyAttempts)` while blocked) and, when the login exists, its account and hash.
/// Failures are counted per login as typed, lower-cased, whether it exists or not.
pub fn password_record(
    conn: &dyn Conn,
    login: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Option<PasswordRecord>, SignInError>> {
    if let Some(retry_after) = blocked(conn, Failures::Logins, &login_key(login), now)? {
        return Ok(Err(SignInError::TooManyAttempts(retry_after)));
    }
    let row: Option<(String, String, String, String, String)> = conn
        .query_row(
            "SELECT id, password_hash, kind, full_name, login FROM accounts WHERE login = ?1",
            [login.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    Ok(Ok(row.map(|(id, phc, kind, full_name, login)| PasswordRecord {
        account: Account { id, kind: parse_kind(&kind), full_name, login },
        phc,
    })))
}

/// Whether `password` matches; an unknown login costs a verification against a dummy hash, so it takes as long.
/// Slow on purpose: run it on `crate::hashing::pool()`.
pub fn verify(record: Option<&PasswordRecord>, password: &str) -> bool {
    match record {
        Some(record) => password_matches(password, &record.phc),
        None => {
            burn_verification(password);
            false
        }
    }
}

/// Writes the outcome of a verification: a failure counts against the login (read again here, so concurrent
/// failures all count; call it in a transaction), a success clears its failures.
pub fn record_password_check(conn: &dyn Conn, login: &str, matched: bool, now: DateTime<Utc>) -> anyhow::Result<()> {
    record(conn, Failures::Logins, &login_key(login), matched, now)
}

fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

/// Failure rows kept at most; beyond it the oldest rows that block nothing go first (a flood of random logins
/// leaves one row each, a login under attack keeps its block).
pub const MAX_FAILURE_ROWS: i64 = 100_000;

/// Deletes failure rows (of logins and of secrets) whose window has passed and whose block (if any) is over, then
/// trims the logins' table to `MAX_FAILURE_ROWS` (the secrets' rows are bounded by the kiosks and staff
/// registered); returns how many rows went.
pub fn prune_failures(conn: &dyn Conn, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut expired = 0;
    for table in ["login_failures", "secret_failures"] {
        expired += conn.execute(
            &format!("DELETE FROM {table} WHERE window_start < ?1 AND (blocked_until IS NULL OR blocked_until < ?2)"),
            params![(now - throttle::WINDOW).to_rfc3339(), now.to_rfc3339()],
        )?;
    }
    let rows: i64 = conn.query_row("SELECT COUNT(*) FROM login_failures", (), |r| r.get(0))?;
    let excess = rows - MAX_FAILURE_ROWS;
    let trimmed = if excess > 0 {
        conn.execute(
            "DELETE FROM login_failures WHERE login_key IN (SELECT login_key FROM login_failures
             WHERE blocked_until IS NULL OR blocked_until < ?1 ORDER BY window_start LIMIT ?2)",
            params![now.to_rfc3339(), excess],
        )?
    } else {
        0
    };
    Ok(expired + trimmed)
}

/// The absolute lifetime of a session, however busy: a working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(8);
/// The absolute lifetime of a session opened at a kiosk (its credentials on `POST /sessions`, or the device flow):
/// a kiosk serves one applicant for minutes, and a session left behind should not outlive the visit for long.
pub const KIOSK_SESSION_LIFETIME: Duration = Duration::minutes(60);

/// Opens a bearer session for `account`: the one way a session is made, by password sign-in and by the device flow.
/// A session opened at `kiosk` lives at most `KIOSK_SESSION_LIFETIME` and dies with the kiosk's revocation; any
/// other `SESSION_LIFETIME`. Only the token's hash is stored; `expires_at` is the absolute end.
pub fn open_session(
    conn: &dyn Conn,
    account: Account,
    kiosk: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<SessionResponse> {
    let token = random_token();
    let expires_at = now + if kiosk.is_some() { KIOSK_SESSION_LIFETIME } else { SESSION_LIFETIME };
    conn.execute(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_used_at, expires_at, kiosk_id)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
        params![token_hash(&token), account.id, now.to_rfc3339(), fixed_ts(expires_at), kiosk],
    )?;
    Ok(SessionResponse { token, expires_at, account })
}

/// Instants compared as text in SQL: one fixed width (`…T…​.ffffffZ`).
fn fixed_ts(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Deletes sessions idle past `SESSION_IDLE` or past their absolute end; returns how many went.
pub fn prune_sessions(conn: &dyn Conn, now: DateTime<Utc>) -> anyhow::Result<usize> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE last_used_at < ?1 OR expires_at < ?2",
        params![(now - SESSION_IDLE).to_rfc3339(), fixed_ts(now)],
    )?)
}

/// The account with this id, if it still exists.
pub fn account_by_id(conn: &dyn Conn, id: &str) -> anyhow::Result<Option<Account>> {
    Ok(conn
        .query_row("SELECT id, kind, full_name, login FROM accounts WHERE id = ?1", [id], |r| {
            Ok(Account {
                id: r.get(0)?,
                kind: parse_kind(&r.get::<_, String>(1)?),
                full_name: r.get(2)?,
                login: r.get(3)?,
            })
        })
        .optional()?)
}

/// What a bearer token is worth now, read without writing: most requests need no write at all.
pub enum SessionCheck {
    Valid(Account),
    /// Valid, and its idle timer is due to move (a write).
    Touch(Account),
    /// Idle too long, past its end, or its kiosk revoked: the row goes (a write).
    Ended,
    Unknown,
}

pub fn check_session(conn: &dyn Conn, token: &str, now: DateTime<Utc>) -> anyhow::Result<SessionCheck> {
    let row: Option<(String, String, String, String, String, String, bool)> = conn
        .query_row(
            "SELECT a.id, a.kind, a.full_name, s.last_used_at, a.login, s.expires_at,
                    s.kiosk_id IS NOT NULL AND (k.id IS NULL OR k.revoked_at IS NOT NULL)
             FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN kiosks k ON k.id = s.kiosk_id
             WHERE s.token_hash = ?1",
            [&token_hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?;
    let Some((id, kind, full_name, last_used, login, expires_at, kiosk_revoked)) = row else {
        return Ok(SessionCheck::Unknown);
    };
    let last_used = DateTime::parse_from_rfc3339(&last_used)?.with_timezone(&Utc);
    let expires_at = DateTime::parse_from_rfc3339(&expires_at)?.with_timezone(&Utc);
    if now - last_used > SESSION_IDLE || now >= expires_at || kiosk_revoked {
        return Ok(SessionCheck::Ended);
    }
    let account = Account { id, kind: parse_kind(&kind), full_name, login };
    // The idle timer moves at most once a minute: a write (and an fsync) on every request would halve throughput
    // for a precision of seconds on a 30-minute timeout.
    Ok(if now - last_used >= TOUCH_EVERY { SessionCheck::Touch(account) } else { SessionCheck::Valid(account) })
}

/// The account behind a bearer token, refreshing its idle timer; `None` when unknown, idle too long, past its absolute
/// end, or opened at a kiosk since revoked (the row then deleted). This is the write `check_session` asked for,
/// decided again inside the write: another request may have moved the timer or ended the session in between.
pub fn authenticate(conn: &dyn Conn, token: &str, now: DateTime<Utc>) -> anyhow::Result<Option<Account>> {
    match check_session(conn, token, now)? {
        SessionCheck::Valid(account) => Ok(Some(account)),
        SessionCheck::Touch(account) => {
            conn.execute(
                "UPDATE sessions SET last_used_at = ?1 WHERE token_hash = ?2",
                params![now.to_rfc3339(), token_hash(token)],
            )?;
            Ok(Some(account))
        }
        SessionCheck::Ended => {
            conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [&token_hash(token)])?;
            Ok(None)
        }
        SessionCheck::Unknown => Ok(None),
    }
}

pub fn end_session(conn: &dyn Conn, token: &str) -> anyhow::Result<bool> {
    Ok(conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash(token)])? > 0)
}

/// The tables of failures slowed down by `throttle`'s rules, with their key column.
#[derive(Clone, Copy)]
pub enum Failures {
    /// Wrong passwords per login as typed.
    Logins,
    /// Wrong kiosk and staff secrets per holder (`Kiosk:<id>`).
    Secrets,
}

impl Failures {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Failures::Logins => ("login_failures", "login_key"),
            Failures::Secrets => ("secret_failures", "holder"),
        }
    }
}

/// `Some(retry_after_secs)` while `key` is blocked in `table`.
pub fn blocked(conn: &dyn Conn, table: Failures, key: &str, now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
    Ok(throttle::check(load(conn, table, key)?.as_ref(), now).err())
}

/// Counts one failure for `key` in `table` (read again here, so concurrent failures all count), or with `matched`
/// clears its failures.
pub fn record(conn: &dyn Conn, table: Failures, key: &str, matched: bool, now: DateTime<Utc>) -> anyhow::Result<()> {
    let (name, column) = table.table();
    if matched {
        conn.execute(&format!("DELETE FROM {name} WHERE {column} = ?1"), [key])?;
    } else {
        let record = load(conn, table, key)?;
        save(conn, table, key, &throttle::after_failure(record.as_ref(), now))?;
    }
    Ok(())
}

fn load(conn: &dyn Conn, table: Failures, key: &str) -> anyhow::Result<Option<FailureRecord>> {
    let (name, column) = table.table();
    let row: Option<(String, u32, Option<String>)> = conn
        .query_row(
            &format!("SELECT window_start, failures, blocked_until FROM {name} WHERE {column} = ?1"),
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc));
    Ok(match row {
        Some((start, failures, blocked)) => Some(FailureRecord {
            window_start: parse(&start)?,
            failures,
            blocked_until: blocked.as_deref().map(parse).transpose()?,
        }),
        None => None,
    })
}

fn save(conn: &dyn Conn, table: Failures, key: &str, record: &FailureRecord) -> anyhow::Result<()> {
    let (name, column) = table.table();
    conn.execute(
        &format!(
            "INSERT INTO {name} ({column}, window_start, failures, blocked_until) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT({column}) DO UPDATE SET window_start = ?2, failures = ?3, blocked_until = ?4"
        ),
        params![key, record.window_start.to_rfc3339(), record.failures, record.blocked_until.map(|t| t.to_rfc3339())],
    )?;
    Ok(())
}

pub fn kind_str(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Parent => "parent",
        AccountKind::Child => "child",
    }
}

fn parse_kind(s: &str) -> AccountKind {
    if s == "child" { AccountKind::Child } else { AccountKind::Parent }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

fn random_id() -> String {
    hex(&random_bytes::<16>())
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        conn
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    /// `test.parent` with the password `correct horse`.
    fn add_parent(conn: &dyn Conn) {
        let hash = hash_password("correct horse");
        create_account(conn, "test.parent", &hash, AccountKind::Parent, "Тестова Мария", now()).unwrap();
    }

    #[test]
    fn right_password_opens_a_session_that_authenticates() {
        let mut conn = db();
        add_parent(&conn);
        let session = sign_in(&mut conn, "Test.Parent", "correct horse", now()).unwrap().unwrap();
        assert_eq!(session.account.full_name, "Тестова Мария");
        let account = authenticate(&conn, &session.token, now() + Duration::minutes(29)).unwrap();
        assert_eq!(account.map(|a| a.id), Some(session.account.id.clone()));
        // Use at minute 29 moved the idle timer: the session lives until minute 59.
        assert!(authenticate(&conn, &session.token, now() + Duration::minutes(58)).unwrap().is_some());
        assert!(authenticate(&conn, &session.token, now() + Duration::minutes(89)).unwrap().is_none());
    }

    #[test]
    fn wrong_password_and_unknown_login_get_the_same_answer() {
        let mut conn = db();
        add_parent(&conn);
        assert_eq!(sign_in(&mut conn, "test.parent", "wrong", now()).unwrap(), Err(SignInError::InvalidCredentials));
        assert_eq!(sign_in(&mut conn, "nobody", "wrong", now()).unwrap(), Err(SignInError::InvalidCredentials));
    }

    #[test]
    fn unknown_logins_are_slowed_down_too() {
        let mut conn = db();
        for _ in 0..5 {
            assert_eq!(sign_in(&mut conn, "nobody", "x", now()).unwrap(), Err(SignInError::InvalidCredentials));
        }
        assert!(matches!(sign_in(&mut conn, "nobody", "x", now()).unwrap(), Err(SignInError::TooManyAttempts(_))));
    }

    #[test]
    fn session_dies_after_idle_time_and_on_sign_out() {
        let mut conn = db();
        create_account(&conn, "a", &hash_password("pw"), AccountKind::Child, "Тестов Пётр", now()).unwrap();
        let idle = sign_in(&mut conn, "a", "pw", now()).unwrap().unwrap();
        assert_eq!(authenticate(&conn, &idle.token, now() + Duration::minutes(31)).unwrap(), None);
        let ended = sign_in(&mut conn, "a", "pw", now()).unwrap().unwrap();
        assert!(end_session(&conn, &ended.token).unwrap());
        assert_eq!(authenticate(&conn, &ended.token, now()).unwrap(), None);
    }

    #[test]
    fn generated_passwords_avoid_look_alike_characters() {
        let pw = generate_password();
        assert_eq!(pw.len(), 12);
        assert!(!pw.contains(['0', 'o', '1', 'l', 'I', 'O']), "{pw}");
        let secret = generate_secret();
        assert_eq!(secret.len(), 32);
        assert!(secret.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{secret}");
        assert_ne!(secret, generate_secret());
    }

    #[test]
    fn checking_a_password_opens_no_session_and_open_session_does() {
        let conn = db();
        let created =
            create_account(&conn, "b", &hash_password("pw"), AccountKind::Parent, "Тестова Ольга", now()).unwrap();
        let sessions = |c: &dyn Conn| c.query_row("SELECT COUNT(*) FROM sessions", (), |r| r.get::<_, i64>(0)).unwrap();
        let account = check_password(&conn, "B", "pw", now()).unwrap().unwrap();
        assert_eq!(account, created);
        assert_eq!(sessions(&conn), 0);
        assert_eq!(check_password(&conn, "b", "nope", now()).unwrap(), Err(SignInError::InvalidCredentials));
        let session = open_session(&conn, account_by_id(&conn, &created.id).unwrap().unwrap(), None, now()).unwrap();
        assert_eq!(sessions(&conn), 1);
        assert_eq!(authenticate(&conn, &session.token, now()).unwrap(), Some(created));
        assert_eq!(account_by_id(&conn, "missing").unwrap(), None);
    }
}
