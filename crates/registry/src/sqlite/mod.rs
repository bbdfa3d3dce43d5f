//! The SQLite backend of `Storage`: one connection in WAL mode with `synchronous=FULL`, foreign keys and
//! `secure_delete`; every method runs in one transaction.

pub mod applications;
pub mod claims;
pub mod device;
pub mod idempotency;
pub mod kiosks;
pub mod offline;
pub mod outbox;
pub mod people;
pub mod reference;
pub mod staff;

use crate::accounts::{self, SignInError};
use crate::storage::{
    ConfirmationSecrets, DevicePoll, DeviceRequest, IdemKey, KioskRecord, MailFor, NewApplication, NewDeviceLogin,
    QueuedMail, StaffInfo, StaffLookup, StaffRecord, Storage, StoreError, StoreResult, Stored, UserCodeLookup,
};
use chrono::{DateTime, Utc};
use pdo_core::api::*;
use pdo_core::domain::AccountKind;
use pdo_core::validation::{ValidChild, ValidDocument};
use rand::RngCore;
use rusqlite::{Connection, Transaction};
use std::path::Path;
use std::sync::Mutex;

pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

/// A random 128-bit id in hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SqliteStorage {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Ok(Self { conn: Mutex::new(crate::db::open(path)?) })
    }

    /// Runs `f` on the connection (command-line tools, demo seeding, tests).
    pub fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> StoreResult<R>) -> StoreResult<R> {
        let mut conn = self.conn.lock().map_err(|_| anyhow::anyhow!("database mutex poisoned"))?;
        f(&mut conn)
    }

    /// Runs `f` in one immediate transaction, committed only when it succeeds.
    pub fn in_tx<R>(&self, f: impl FnOnce(&Transaction<'_>) -> StoreResult<R>) -> StoreResult<R> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let result = f(&tx)?;
            tx.commit()?;
            Ok(result)
        })
    }
}

fn internal(err: anyhow::Error) -> StoreError {
    StoreError::Internal(err)
}

impl Storage for SqliteStorage {
    fn create_account(&self, login: &str, password: &str, kind: AccountKind, full_name: &str) -> StoreResult<Account> {
        self.with_conn(|conn| {
            if accounts::account_exists(conn, login).map_err(internal)? {
                return Err(StoreError::Conflict { code: "login_taken", id: None });
            }
            accounts::create_account(conn, login, password, kind, full_name, Utc::now()).map_err(internal)
        })
    }

    fn password_record(
        &self,
        login: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Option<accounts::PasswordRecord>, SignInError>> {
        self.with_conn(|conn| accounts::password_record(conn, login, now).map_err(internal))
    }

    fn record_password_check(&self, login: &str, matched: bool, now: DateTime<Utc>) -> StoreResult<()> {
        self.in_tx(|tx| accounts::record_password_check(tx, login, matched, now).map_err(internal))
    }

    fn open_session(&self, account: &Account, kiosk: Option<&str>, now: DateTime<Utc>) -> StoreResult<SessionResponse> {
        self.with_conn(|conn| accounts::open_session(conn, account.clone(), kiosk, now).map_err(internal))
    }

    fn authenticate(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<Account>> {
        self.with_conn(|conn| accounts::authenticate(conn, token, now).map_err(internal))
    }

    fn end_session(&self, token: &str) -> StoreResult<bool> {
        self.with_conn(|conn| accounts::end_session(conn, token).map_err(internal))
    }

    fn applicant(&self, account_id: &str) -> StoreResult<Option<Applicant>> {
        self.with_conn(|conn| people::applicant(conn, account_id))
    }

    fn put_applicant(&self, account_id: &str, applicant: &Applicant, now: DateTime<Utc>) -> StoreResult<()> {
        self.with_conn(|conn| people::put_applicant(conn, account_id, applicant, now))
    }

    fn children(&self, account_id: &str) -> StoreResult<Vec<Child>> {
        self.with_conn(|conn| people::children(conn, account_id))
    }

    fn child(&self, account_id: &str, child_id: &str) -> StoreResult<Child> {
        self.with_conn(|conn| people::child(conn, account_id, child_id))
    }

    fn create_child(
        &self,
        account_id: &str,
        child: &ValidChild,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.in_tx(|tx| people::create_child(tx, account_id, child, idem, now))
    }

    fn add_document(
        &self,
        account_id: &str,
        child_id: &str,
        document: &ValidDocument,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.in_tx(|tx| people::add_document(tx, account_id, child_id, document, idem, now))
    }

    fn update_document(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        document: &ValidDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<Document> {
        self.in_tx(|tx| people::update_document(tx, account_id, child_id, document_id, document, now))
    }

    fn put_scan(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> StoreResult<()> {
        self.in_tx(|tx| people::put_scan(tx, account_id, child_id, document_id, bytes, media_type))
    }

    fn certificate_groups(&self) -> StoreResult<Vec<CertificateGroup>> {
        self.with_conn(|conn| reference::active_certificate_groups(conn))
    }

    fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        self.with_conn(|conn| reference::municipalities(conn))
    }

    fn institutions(&self, municipality: Option<&str>) -> StoreResult<Vec<Institution>> {
        self.with_conn(|conn| reference::institutions(conn, municipality))
    }

    fn operator(&self) -> StoreResult<Operator> {
        self.with_conn(|conn| reference::operator(conn))
    }

    fn create_application(
        &self,
        new: &NewApplication<'_>,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.in_tx(|tx| applications::create(tx, new, secrets, mail, idem, now))
    }

    fn application(&self, account_id: &str, id: &str) -> StoreResult<Application> {
        self.with_conn(|conn| applications::application(conn, account_id, id))
    }

    fn applications(&self, account_id: &str) -> StoreResult<Vec<Application>> {
        self.with_conn(|conn| applications::applications(conn, account_id))
    }

    fn confirm_by_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
        self.in_tx(|tx| applications::confirm_by_link(tx, token, now))
    }

    fn confirm_by_code(
        &self,
        account_id: &str,
        id: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, &'static str>> {
        self.in_tx(|tx| applications::confirm_by_code(tx, account_id, id, code, now))
    }

    fn resend_confirmation(
        &self,
        account_id: &str,
        id: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), i64>> {
        self.in_tx(|tx| applications::resend(tx, account_id, id, secrets, mail, now))
    }

    fn change_email(
        &self,
        account_id: &str,
        id: &str,
        email: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, i64>> {
        self.in_tx(|tx| applications::change_email(tx, account_id, id, email, secrets, mail, now))
    }

    fn issue_certificate(
        &self,
        account_id: &str,
        id: &str,
        request: &CertificateRequest,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.in_tx(|tx| applications::issue_certificate(tx, account_id, id, request, mail, idem, now))
    }

    fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>> {
        self.with_conn(|conn| outbox::due(conn, now, limit))
    }

    fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        self.with_conn(|conn| outbox::sent(conn, id, now))
    }

    fn mail_failed(&self, id: i64, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
        self.with_conn(|conn| outbox::failed(conn, id, error, retry_at))
    }

    fn scrub_sent_mail(&self) -> StoreResult<bool> {
        self.with_conn(|conn| outbox::checkpoint(conn))
    }

    // Kiosks and device sign-in.
    fn add_kiosk(&self, kiosk: &KioskInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.in_tx(|tx| kiosks::add_kiosk(tx, kiosk, secret_hash, now))
    }

    fn revoke_kiosk(&self, kiosk_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.in_tx(|tx| kiosks::revoke_kiosk(tx, kiosk_id, now))
    }

    fn kiosk(&self, kiosk_id: &str) -> StoreResult<Option<KioskRecord>> {
        self.with_conn(|conn| kiosks::kiosk(conn, kiosk_id))
    }

    fn record_heartbeat(&self, kiosk_id: &str, heartbeat: &Heartbeat, now: DateTime<Utc>) -> StoreResult<()> {
        self.with_conn(|conn| kiosks::record_heartbeat(conn, kiosk_id, heartbeat, now))
    }

    fn start_device_login(&self, login: &NewDeviceLogin, now: DateTime<Utc>) -> StoreResult<bool> {
        self.in_tx(|tx| device::start(tx, login, now))
    }

    fn poll_device_login(
        &self,
        kiosk_id: &str,
        device_code_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<DevicePoll> {
        self.in_tx(|tx| device::poll(tx, kiosk_id, device_code_hash, now))
    }

    fn find_device_login(&self, client_key: &str, user_code: &str, now: DateTime<Utc>) -> StoreResult<UserCodeLookup> {
        self.in_tx(|tx| device::find_by_user_code(tx, client_key, user_code, now))
    }

    fn device_sign_in_failed(&self, user_code: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.with_conn(|conn| device::sign_in_failed(conn, user_code, now))
    }

    fn prepare_device_approval(
        &self,
        user_code: &str,
        account_id: &str,
        confirm_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>> {
        self.in_tx(|tx| device::prepare_approval(tx, user_code, account_id, confirm_hash, now))
    }

    fn decide_device_login(
        &self,
        confirm_hash: &[u8],
        approve: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>> {
        self.in_tx(|tx| device::decide(tx, confirm_hash, approve, now))
    }

    fn kiosk_config(&self, kiosk: &KioskInfo, now: DateTime<Utc>) -> StoreResult<KioskConfig> {
        self.in_tx(|tx| {
            offline::current_key(tx, now)?;
            Ok(KioskConfig {
                kiosk: kiosk.clone(),
                public_keys: offline::public_keys(tx)?,
                number_block: offline::number_block(tx, &kiosk.id, now)?,
                operator: Some(reference::operator(tx)?).filter(|o| !o.name.is_empty()),
            })
        })
    }

    fn rotate_sealing_key(&self, now: DateTime<Utc>) -> StoreResult<(String, String)> {
        self.in_tx(|tx| offline::rotate_key(tx, now))
    }

    fn receive_submission(
        &self,
        kiosk_id: &str,
        submission_id: &str,
        key_id: &str,
        sealed_box: &[u8],
        mail: &offline::SubmissionMail<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.in_tx(|tx| offline::receive(tx, kiosk_id, submission_id, key_id, sealed_box, mail, now))
    }

    fn submission(&self, kiosk_id: &str, submission_id: &str) -> StoreResult<SubmissionReceipt> {
        self.with_conn(|conn| offline::submission(conn, kiosk_id, submission_id))
    }

    fn claim_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<claims::ClaimLink> {
        self.with_conn(|conn| claims::link(conn, token, now))
    }

    fn claim(
        &self,
        token: &str,
        account: &Account,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<claims::ClaimOutcome> {
        self.in_tx(|tx| claims::claim(tx, token, account, mail, now))
    }

    fn ping(&self) -> StoreResult<()> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
            Ok(tx.rollback()?)
        })
    }

    fn prune(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        self.in_tx(|tx| {
            let sessions = accounts::prune_sessions(tx, now).map_err(internal)?;
            let failures = accounts::prune_failures(tx, now).map_err(internal)?;
            let unclaimed = claims::release_expired(tx, None, now)?;
            Ok(idempotency::prune(tx, now)? + sessions + failures + unclaimed)
        })
    }

    // Staff.
    fn add_staff(&self, member: &StaffInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.in_tx(|tx| staff::add_staff(tx, member, secret_hash, now))
    }

    fn revoke_staff(&self, staff_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.in_tx(|tx| staff::revoke_staff(tx, staff_id, now))
    }

    fn staff(&self, staff_id: &str) -> StoreResult<Option<StaffRecord>> {
        self.with_conn(|conn| staff::staff(conn, staff_id))
    }

    fn staff_look_up(&self, member: &StaffInfo, number: &str, now: DateTime<Utc>) -> StoreResult<StaffLookup> {
        self.in_tx(|tx| staff::look_up(tx, member, number, now))
    }
}
