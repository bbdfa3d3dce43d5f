//! The storage boundary of the registry. Handlers see only `dyn Storage`: each method is one atomic step of the
//! contract (its checks, its writes, its idempotency record and its queued mail in one transaction), so a PostgreSQL
//! backend implements the same list of methods with its own SQL. Methods are blocking; handlers call them on
//! tokio's blocking pool through `Registry::storage`.

use crate::accounts::{PasswordRecord, SignInError};
use chrono::{DateTime, Utc};
use pdo_core::api::*;
use pdo_core::domain::AccountKind;
use pdo_core::validation::{ValidChild, ValidDocument};

/// What a creating request is replayed by: the caller's scope, the route, the client's key and the body's hash.
#[derive(Debug, Clone)]
pub struct IdemKey {
    pub scope: String,
    pub method: &'static str,
    pub path: String,
    pub key: String,
    pub body_hash: Vec<u8>,
}

/// A stored response: what the first request answered, sent again as it was for a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub body: Vec<u8>,
    pub replayed: bool,
}

/// Refusals the storage decides because they depend on what is stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("conflict: {code}")]
    Conflict { code: &'static str, id: Option<String> },
    #[error("idempotency key reused with another body")]
    KeyReuse,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Internal(err.into())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Internal(err.into())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A mail to queue with the record that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The e-mail confirmation secrets of a new application, made by the caller so the mail can carry them.
#[derive(Debug, Clone)]
pub struct ConfirmationSecrets {
    pub token: String,
    pub code: String,
}

/// Renders the mail a step sends, from the application as it stands after the step.
pub type MailFor<'a> = &'a dyn Fn(&Application) -> OutgoingMail;

/// An online application: the account's applicant details and a child of the account with a scanned document.
pub struct NewApplication<'a> {
    pub account: &'a Account,
    pub child_id: &'a str,
    pub email: &'a str,
    /// Whose institutions the forms list; all when `None`.
    pub municipality: Option<&'a str>,
}

/// One queued mail, as the sending worker sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMail {
    pub id: i64,
    pub attempts: u32,
    pub mail: OutgoingMail,
}

/// Who holds an `<id>:<secret>` credential (a kiosk, a staff member) as stored, with what the secret is checked
/// against.
#[derive(Debug, Clone)]
pub struct Credential<T> {
    pub info: T,
    /// argon2id PHC string of the secret.
    pub secret_hash: String,
    pub revoked: bool,
}

/// A kiosk as stored, with what its credentials are checked against.
pub type KioskRecord = Credential<KioskInfo>;

/// A member of staff of an institution that activates certificates (`Authorization: Staff <id>:<secret>`).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffInfo {
    pub id: String,
    pub name: String,
    /// The institution they work for: they see the applications that list it.
    pub institution_id: Option<String>,
    /// Sees every application (`staff add --region-wide`); a member of staff needs this or an institution.
    pub region_wide: bool,
}

/// What a staff look-up by number came to.
#[derive(Debug)]
pub enum StaffLookup {
    Found(Box<Application>),
    /// No such number, or an application outside the member's scope: the two are answered alike.
    NotFound,
    /// Too many look-ups lately: retry after this many seconds.
    TooMany(i64),
}

/// A member of staff as stored, with what their credentials are checked against.
pub type StaffRecord = Credential<StaffInfo>;

/// A device sign-in request a kiosk starts.
#[derive(Debug, Clone)]
pub struct NewDeviceLogin {
    pub kiosk_id: String,
    /// SHA-256 of the device code; the code itself is never stored.
    pub device_code_hash: Vec<u8>,
    /// Eight letters, without the hyphen shown to people.
    pub user_code: String,
    pub expires_at: DateTime<Utc>,
    pub interval_secs: i64,
}

/// A pending device sign-in request as the phone page shows it: which kiosk asks.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRequest {
    pub kiosk: KioskInfo,
    pub user_code: String,
    pub expires_at: DateTime<Utc>,
}

/// What a typed user code finds.
#[derive(Debug, Clone, PartialEq)]
pub enum UserCodeLookup {
    /// Too many wrong codes from this client: retry after this many seconds.
    Blocked(i64),
    /// No pending request has this code (counted as a wrong code).
    Unknown,
    Found(DeviceRequest),
}

pub use pdo_core::api::DevicePoll;

pub trait Storage: Send + Sync + 'static {
    // Accounts and sessions.
    fn create_account(&self, login: &str, password: &str, kind: AccountKind, full_name: &str) -> StoreResult<Account>;
    /// The login's slow-down (`Err(TooManyAttempts)` while blocked) and, when it exists, its account and password
    /// hash. No argon2 here: verification runs outside the storage (`crate::signin`), so no lock is held meanwhile.
    fn password_record(
        &self,
        login: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Option<PasswordRecord>, SignInError>>;
    /// Writes the outcome of a verification: a failure counts against the login, a success clears its failures.
    fn record_password_check(&self, login: &str, matched: bool, now: DateTime<Utc>) -> StoreResult<()>;
    /// Opens a session for an account whose password was verified; at `kiosk` it is shorter and tied to the kiosk.
    fn open_session(&self, account: &Account, kiosk: Option<&str>, now: DateTime<Utc>) -> StoreResult<SessionResponse>;
    fn authenticate(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<Account>>;
    fn end_session(&self, token: &str) -> StoreResult<bool>;

    // The applicant, children, documents.
    fn applicant(&self, account_id: &str) -> StoreResult<Option<Applicant>>;
    fn put_applicant(&self, account_id: &str, applicant: &Applicant, now: DateTime<Utc>) -> StoreResult<()>;
    fn children(&self, account_id: &str) -> StoreResult<Vec<Child>>;
    fn child(&self, account_id: &str, child_id: &str) -> StoreResult<Child>;
    fn create_child(
        &self,
        account_id: &str,
        child: &ValidChild,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored>;
    fn add_document(
        &self,
        account_id: &str,
        child_id: &str,
        document: &ValidDocument,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored>;
    fn update_document(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        document: &ValidDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<Document>;
    fn put_scan(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> StoreResult<()>;

    // Reference data.
    fn certificate_groups(&self) -> StoreResult<Vec<CertificateGroup>>;
    fn municipalities(&self) -> StoreResult<Vec<Municipality>>;
    fn institutions(&self, municipality: Option<&str>) -> StoreResult<Vec<Institution>>;
    fn operator(&self) -> StoreResult<Operator>;

    // Applications, the e-mail step, certificates.
    fn create_application(
        &self,
        new: &NewApplication<'_>,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored>;
    fn application(&self, account_id: &str, id: &str) -> StoreResult<Application>;
    fn applications(&self, account_id: &str) -> StoreResult<Vec<Application>>;
    /// `Some(application number)` when the link was live.
    fn confirm_by_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<String>>;
    /// `Ok(Err(code))` for a refused code: the attempt is still recorded.
    fn confirm_by_code(
        &self,
        account_id: &str,
        id: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, &'static str>>;
    /// `Ok(Err(seconds))` when the sending limits say wait.
    fn resend_confirmation(
        &self,
        account_id: &str,
        id: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), i64>>;
    fn change_email(
        &self,
        account_id: &str,
        id: &str,
        email: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, i64>>;
    fn issue_certificate(
        &self,
        account_id: &str,
        id: &str,
        request: &CertificateRequest,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored>;

    // The mail outbox.
    fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>>;
    fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;
    fn mail_failed(&self, id: i64, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()>;
    /// Makes cleared letters unreadable in every database file (SQLite: a truncating WAL checkpoint); `false` when
    /// it could not complete now.
    fn scrub_sent_mail(&self) -> StoreResult<bool>;

    // Kiosks and device sign-in.
    fn add_kiosk(&self, kiosk: &KioskInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// `false` when there is no such kiosk.
    fn revoke_kiosk(&self, kiosk_id: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    fn kiosk(&self, kiosk_id: &str) -> StoreResult<Option<KioskRecord>>;
    fn record_heartbeat(&self, kiosk_id: &str, heartbeat: &Heartbeat, now: DateTime<Utc>) -> StoreResult<()>;
    /// `false` (nothing stored) when a live request already has the user code: the caller draws another.
    fn start_device_login(&self, login: &NewDeviceLogin, now: DateTime<Utc>) -> StoreResult<bool>;
    fn poll_device_login(&self, kiosk_id: &str, device_code_hash: &[u8], now: DateTime<Utc>)
    -> StoreResult<DevicePoll>;
    /// Looks up a user code typed on the phone page; wrong codes are counted and slowed down per `client_key`.
    fn find_device_login(&self, client_key: &str, user_code: &str, now: DateTime<Utc>) -> StoreResult<UserCodeLookup>;
    /// Counts a wrong password typed on the phone page against the pending request of `user_code`.
    fn device_sign_in_failed(&self, user_code: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Remembers who signed in on the phone for this user code, until they approve or deny with the secret whose
    /// hash is `confirm_hash`. `None` when the request is no longer pending.
    fn prepare_device_approval(
        &self,
        user_code: &str,
        account_id: &str,
        confirm_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>>;
    /// Approves or denies; `None` when the confirmation is unknown, used, or its request expired.
    fn decide_device_login(
        &self,
        confirm_hash: &[u8],
        approve: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>>;

    // Offline submissions and claims.
    fn kiosk_config(&self, kiosk: &KioskInfo, now: DateTime<Utc>) -> StoreResult<KioskConfig>;
    /// Adds a sealing key kiosks use from their next config refresh; returns (key id, public key).
    fn rotate_sealing_key(&self, now: DateTime<Utc>) -> StoreResult<(String, String)>;
    /// `Conflict unsealable` when the box cannot be opened (nothing is stored then).
    fn receive_submission(
        &self,
        kiosk_id: &str,
        submission_id: &str,
        key_id: &str,
        sealed_box: &[u8],
        mail: &crate::sqlite::offline::SubmissionMail<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored>;
    fn submission(&self, kiosk_id: &str, submission_id: &str) -> StoreResult<SubmissionReceipt>;
    /// Whether a claim link is live (with the number it names), expired, or used or unknown.
    fn claim_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<crate::sqlite::claims::ClaimLink>;
    /// Joins the application to `account` and issues its certificate, unless the link expired, the account is not
    /// the applicant's (by full name) or the child is another account's.
    fn claim(
        &self,
        token: &str,
        account: &Account,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::sqlite::claims::ClaimOutcome>;

    // Maintenance.
    /// Whether the database takes a write now: an immediate transaction begun and rolled back (the watchdog's
    /// health check; a database locked or gone fails it).
    fn ping(&self) -> StoreResult<()>;
    /// Deletes idempotency records older than the 31 days kept, sessions idle or past their absolute end, login
    /// failures that no longer count (the table trimmed to a bound) and what unclaimed offline submissions left once
    /// their claim links expired; returns how many rows (children) went.
    fn prune(&self, now: DateTime<Utc>) -> StoreResult<usize>;

    // Staff.
    /// `Conflict staff_exists` for an id in use (revoked or not), `Conflict staff_scope` without exactly one of an
    /// institution and region-wide; the institution may not be imported yet.
    fn add_staff(&self, staff: &StaffInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// `false` when there is no such member of staff.
    fn revoke_staff(&self, staff_id: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    fn staff(&self, staff_id: &str) -> StoreResult<Option<StaffRecord>>;
    /// An application by its number within the member's scope, rate-limited per member, each look-up audited.
    fn staff_look_up(&self, staff: &StaffInfo, number: &str, now: DateTime<Utc>) -> StoreResult<StaffLookup>;
}
