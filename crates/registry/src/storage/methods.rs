//! The registry's steps as the handlers call them: each one atomic (its checks, its writes, its idempotency record
//! and its queued mail in one transaction), written once for both engines in `crate::steps`.

use super::*;

impl Storage {
    pub fn create_account(
        &self,
        login: &str,
        password: &str,
        kind: AccountKind,
        full_name: &str,
    ) -> StoreResult<Account> {
        let password_hash = accounts::hash_password(password);
        self.write(|conn| {
            if accounts::account_exists(conn, login).map_err(internal)? {
                return Err(StoreError::Conflict { code: "login_taken", id: None });
            }
            accounts::create_account(conn, login, &password_hash, kind, full_name, Utc::now()).map_err(internal)
        })
    }

    /// The login's slow-down (`Err(TooManyAttempts)` while blocked) and, when it exists, its account and password
    /// hash. No argon2 here: verification runs outside the storage (`crate::signin`), so no lock is held meanwhile.
    pub fn password_record(
        &self,
        login: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Option<accounts::PasswordRecord>, SignInError>> {
        self.write(|conn| accounts::password_record(conn, login, now).map_err(internal))
    }

    /// Writes the outcome of a verification: a failure counts against the login, a success clears its failures.
    pub fn record_password_check(&self, login: &str, matched: bool, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| accounts::record_password_check(tx, login, matched, now).map_err(internal))
    }

    /// Opens a session for an account whose password was verified; at `kiosk` it is shorter and tied to the kiosk.
    pub fn open_session(
        &self,
        account: &Account,
        kiosk: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<SessionResponse> {
        self.write(|conn| accounts::open_session(conn, account.clone(), kiosk, now).map_err(internal))
    }

    /// A read on almost every request; a write only when the session's idle timer moves or the session ends.
    pub fn authenticate(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<Account>> {
        match self.read_one(|conn| accounts::check_session(conn, token, now).map_err(internal))? {
            accounts::SessionCheck::Valid(account) => Ok(Some(account)),
            accounts::SessionCheck::Unknown => Ok(None),
            accounts::SessionCheck::Touch(_) | accounts::SessionCheck::Ended => {
                self.write(|conn| accounts::authenticate(conn, token, now).map_err(internal))
            }
        }
    }

    pub fn end_session(&self, token: &str) -> StoreResult<bool> {
        self.write(|conn| accounts::end_session(conn, token).map_err(internal))
    }

    pub fn applicant(&self, account_id: &str) -> StoreResult<Option<Applicant>> {
        self.read_one(|conn| people::applicant(conn, account_id))
    }

    pub fn put_applicant(&self, account_id: &str, applicant: &Applicant, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|conn| people::put_applicant(conn, account_id, applicant, now))
    }

    pub fn children(&self, account_id: &str) -> StoreResult<Vec<Child>> {
        self.read_one(|conn| people::children(conn, account_id))
    }

    pub fn child(&self, account_id: &str, child_id: &str) -> StoreResult<Child> {
        self.read_one(|conn| people::child(conn, account_id, child_id))
    }

    pub fn create_child(
        &self,
        account_id: &str,
        child: &ValidChild,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.write_snapshot(|tx| people::create_child(tx, account_id, child, idem, now))
    }

    pub fn add_document(
        &self,
        account_id: &str,
        child_id: &str,
        document: &ValidDocument,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.write_snapshot(|tx| people::add_document(tx, account_id, child_id, document, idem, now))
    }

    pub fn update_document(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        document: &ValidDocument,
        now: DateTime<Utc>,
    ) -> StoreResult<Document> {
        self.write(|tx| people::update_document(tx, account_id, child_id, document_id, document, now))
    }

    /// On SQLite the bytes go to a file first (`scans`), outside the writers' queue, and the step names it.
    pub fn put_scan(
        &self,
        account_id: &str,
        child_id: &str,
        document_id: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> StoreResult<()> {
        let EngineDb::Sqlite(db) = &self.engine else {
            let scan = || people::ScanBytes::Inline(bytes);
            return self
                .write_snapshot(|tx| people::put_scan(tx, account_id, child_id, document_id, scan(), media_type))
                .map(drop);
        };
        let name = db.scans().store(bytes)?;
        let file = || people::ScanBytes::File(&name);
        match self.write_snapshot(|tx| people::put_scan(tx, account_id, child_id, document_id, file(), media_type)) {
            Ok(replaced) => {
                db.scans().discard(&Vec::from_iter(replaced));
                Ok(())
            }
            Err(err) => {
                db.scans().discard(&[name]);
                Err(err)
            }
        }
    }

    pub fn certificate_groups(&self) -> StoreResult<Vec<CertificateGroup>> {
        self.read(|conn| reference::active_certificate_groups(conn))
    }

    pub fn municipalities(&self) -> StoreResult<Vec<Municipality>> {
        self.read(|conn| reference::municipalities(conn))
    }

    pub fn institutions(&self, municipality: Option<&str>) -> StoreResult<Vec<Institution>> {
        self.read(|conn| reference::institutions(conn, municipality))
    }

    pub fn operator(&self) -> StoreResult<Operator> {
        self.read(|conn| reference::operator(conn))
    }

    pub fn create_application(
        &self,
        new: &NewApplication<'_>,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.write_snapshot(|tx| applications::create(tx, new, secrets, mail, idem, now))
    }

    pub fn application(&self, account_id: &str, id: &str) -> StoreResult<Application> {
        self.read(|conn| applications::application(conn, account_id, id))
    }

    pub fn applications(&self, account_id: &str) -> StoreResult<Vec<Application>> {
        self.read(|conn| applications::applications(conn, account_id))
    }

    /// `Some(application number)` when the link was live.
    pub fn confirm_by_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
        self.write(|tx| applications::confirm_by_link(tx, token, now))
    }

    /// `Ok(Err(code))` for a refused code: the attempt is still recorded.
    pub fn confirm_by_code(
        &self,
        account_id: &str,
        id: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, &'static str>> {
        self.write(|tx| applications::confirm_by_code(tx, account_id, id, code, now))
    }

    /// `Ok(Err(seconds))` when the sending limits say wait.
    pub fn resend_confirmation(
        &self,
        account_id: &str,
        id: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), i64>> {
        self.write(|tx| applications::resend(tx, account_id, id, secrets, mail, now))
    }

    pub fn change_email(
        &self,
        account_id: &str,
        id: &str,
        email: &str,
        secrets: &ConfirmationSecrets,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Application, i64>> {
        self.write(|tx| applications::change_email(tx, account_id, id, email, secrets, mail, now))
    }

    pub fn issue_certificate(
        &self,
        account_id: &str,
        id: &str,
        request: &CertificateRequest,
        mail: MailFor<'_>,
        idem: &IdemKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.write(|tx| applications::issue_certificate(tx, account_id, id, request, mail, idem, now))
    }

    pub fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<QueuedMail>> {
        self.write(|conn| outbox::due(conn, now, limit))
    }

    /// Letter `id`, to `to`, was sent.
    pub fn mail_sent(&self, id: i64, to: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write_one(|conn| outbox::sent(conn, id, to, now))
    }

    pub fn mail_failed(&self, id: i64, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
        self.write_one(|conn| outbox::failed(conn, id, error, retry_at))
    }

    /// Makes cleared letters unreadable in every database file (SQLite: a truncating WAL checkpoint); `false` when
    /// it could not complete now.
    pub fn scrub_sent_mail(&self) -> StoreResult<bool> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.checkpoint(),
            // A cleared row's old version stays in the table file until vacuumed; autovacuum reclaims it, and the
            // write-ahead log is recycled at checkpoints. Nothing to do on the spot.
            EngineDb::Postgres(_) => Ok(true),
        }
    }

    // Kiosks and device sign-in.
    pub fn add_kiosk(&self, kiosk: &KioskInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| kiosks::add_kiosk(tx, kiosk, secret_hash, now))
    }

    /// `false` when there is no such kiosk.
    pub fn revoke_kiosk(&self, kiosk_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|tx| kiosks::revoke_kiosk(tx, kiosk_id, now))
    }

    pub fn kiosk(&self, kiosk_id: &str) -> StoreResult<Option<KioskRecord>> {
        self.read(|conn| kiosks::kiosk(conn, kiosk_id))
    }

    pub fn record_heartbeat(&self, kiosk_id: &str, heartbeat: &Heartbeat, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|conn| kiosks::record_heartbeat(conn, kiosk_id, heartbeat, now))
    }

    /// `false` (nothing stored) when a live request already has the user code: the caller draws another.
    pub fn start_device_login(&self, login: &NewDeviceLogin, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|tx| device::start(tx, login, now))
    }

    pub fn poll_device_login(
        &self,
        kiosk_id: &str,
        device_code_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<DevicePoll> {
        self.write(|tx| device::poll(tx, kiosk_id, device_code_hash, now))
    }

    /// Looks up a user code typed on the phone page; wrong codes are counted and slowed down per `client_key`.
    pub fn find_device_login(
        &self,
        client_key: &str,
        user_code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<UserCodeLookup> {
        self.write(|tx| device::find_by_user_code(tx, client_key, user_code, now))
    }

    /// Counts a wrong password typed on the phone page against the pending request of `user_code`.
    pub fn device_sign_in_failed(&self, user_code: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|conn| device::sign_in_failed(conn, user_code, now))
    }

    /// Remembers who signed in on the phone for this user code, until they approve or deny with the secret whose
    /// hash is `confirm_hash`. `None` when the request is no longer pending.
    pub fn prepare_device_approval(
        &self,
        user_code: &str,
        account_id: &str,
        confirm_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>> {
        self.write(|tx| device::prepare_approval(tx, user_code, account_id, confirm_hash, now))
    }

    /// Approves or denies; `None` when the confirmation is unknown, used, or its request expired.
    pub fn decide_device_login(
        &self,
        confirm_hash: &[u8],
        approve: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DeviceRequest>> {
        self.write(|tx| device::decide(tx, confirm_hash, approve, now))
    }

    pub fn kiosk_config(&self, kiosk: &KioskInfo, now: DateTime<Utc>) -> StoreResult<KioskConfig> {
        self.write(|tx| {
            offline::current_key(tx, now)?;
            Ok(KioskConfig {
                kiosk: kiosk.clone(),
                public_keys: offline::public_keys(tx)?,
                number_block: offline::number_block(tx, &kiosk.id, now)?,
                operator: Some(reference::operator(tx)?).filter(|o| !o.name.is_empty()),
            })
        })
    }

    /// Adds a sealing key kiosks use from their next config refresh; returns (key id, public key).
    pub fn rotate_sealing_key(&self, now: DateTime<Utc>) -> StoreResult<(String, String)> {
        self.write(|tx| offline::rotate_key(tx, now))
    }

    /// `Conflict unsealable` when the box cannot be opened (nothing is stored then).
    pub fn receive_submission(
        &self,
        kiosk_id: &str,
        submission_id: &str,
        key_id: &str,
        sealed_box: &[u8],
        mail: &offline::SubmissionMail<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Stored> {
        self.write(|tx| offline::receive(tx, kiosk_id, submission_id, key_id, sealed_box, mail, now))
    }

    pub fn submission(&self, kiosk_id: &str, submission_id: &str) -> StoreResult<SubmissionReceipt> {
        self.read(|conn| offline::submission(conn, kiosk_id, submission_id))
    }

    /// Whether a claim link is live (with the number it names), expired, or used or unknown.
    pub fn claim_link(&self, token: &str, now: DateTime<Utc>) -> StoreResult<claims::ClaimLink> {
        self.write(|conn| claims::link(conn, token, now))
    }

    /// Joins the application to `account` and issues its certificate, unless the link expired, the account is not
    /// the applicant's (by full name) or the child is another account's.
    pub fn claim(
        &self,
        token: &str,
        account: &Account,
        mail: MailFor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<claims::ClaimOutcome> {
        self.write(|tx| claims::claim(tx, token, account, mail, now))
    }

    /// Whether the database takes a write now: an immediate transaction begun and rolled back (the watchdog's
    /// health check; a database locked or gone fails it).
    pub fn ping(&self) -> StoreResult<()> {
        match &self.engine {
            EngineDb::Sqlite(db) => db.ping(),
            EngineDb::Postgres(db) => db.ping(),
        }
    }

    /// Deletes idempotency records older than the 31 days kept, sessions idle or past their absolute end, login
    /// failures that no longer count (the table trimmed to a bound) and what unclaimed offline submissions left once
    /// their claim links expired, then (SQLite) scan files no record names; returns how many rows (children) and
    /// files went.
    pub fn prune(&self, now: DateTime<Utc>) -> StoreResult<usize> {
        let rows = self.write(|tx| {
            let sessions = accounts::prune_sessions(tx, now).map_err(internal)?;
            let failures = accounts::prune_failures(tx, now).map_err(internal)?;
            let unclaimed = claims::release_expired(tx, None, now)?;
            Ok(idempotency::prune(tx, now)? + sessions + failures + unclaimed)
        })?;
        let swept = match &self.engine {
            EngineDb::Sqlite(db) => db.sweep_scans()?,
            EngineDb::Postgres(_) => 0,
        };
        Ok(rows + swept)
    }

    // Staff.
    /// `Conflict staff_exists` for an id in use (revoked or not), `Conflict staff_scope` without exactly one of an
    /// institution and region-wide; the institution may not be imported yet.
    pub fn add_staff(&self, member: &StaffInfo, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.write(|tx| staff::add_staff(tx, member, secret_hash, now))
    }

    /// `false` when there is no such member of staff.
    pub fn revoke_staff(&self, staff_id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write(|tx| staff::revoke_staff(tx, staff_id, now))
    }

    pub fn staff(&self, staff_id: &str) -> StoreResult<Option<StaffRecord>> {
        self.read(|conn| staff::staff(conn, staff_id))
    }

    /// An application by its number within the member's scope, rate-limited per member, each look-up audited.
    pub fn staff_look_up(&self, member: &StaffInfo, number: &str, now: DateTime<Utc>) -> StoreResult<StaffLookup> {
        self.write(|tx| staff::look_up(tx, member, number, now))
    }
}
