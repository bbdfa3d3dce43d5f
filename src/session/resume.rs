//! Resume codes: an applicant who must leave before finishing gets a short code; the unfinished application (any
//! bytes: `save_json`/`restore_json` for serde types) waits on the kiosk, encrypted, until they come back, sign in
//! to the same account and type the code, for at most `keep_for` (24 h by default).
//!
//! - The key is argon2id(code, salt, pepper = a 32-byte kiosk secret in `resume.key` beside the store): the disk
//!   alone (without that file) does not open a draft, and each guess costs an argon2id run.
//! - XSalsa20-Poly1305 secret boxes from `crypto_secretbox`: the primitive crypto_box (the queue's sealing) is built
//!   on, RustCrypto-maintained and already in the tree; with a fresh random 24-byte nonce per draft.
//! - The account id is kept only as a keyed BLAKE2b hash, which is also part of the argon2 salt: the code of one
//!   account opens nothing for another.
//! - Each try is counted *before* it is checked; the fifth wrong code deletes the draft. A right code deletes it too
//!   (the applicant carries on from memory), and so does `purge_expired`, called at start and then periodically.

use crate::store::{Store, StoreError};
use argon2::{Algorithm, Argon2, Params, Version};
use blake2::Blake2bMac512;
use blake2::digest::Mac;
use chrono::{DateTime, Utc};
use crypto_secretbox::aead::Aead;
use crypto_secretbox::{KeyInit, XSalsa20Poly1305};
use rand::{Rng, RngCore};
use rusqlite::{OptionalExtension, params};
use std::path::Path;
use std::time::Duration;
use zeroize::Zeroizing;

/// Letters and digits no one mixes up on screen or paper: no 0/O, 1/I/L, 2/Z, 5/S, 6 (beside G), 8/B.
pub const CODE_ALPHABET: &[u8; 24] = b"ACDEFGHJKMNPQRTUVWXY3479";
pub const CODE_LEN: usize = 8;
/// Wrong codes before the draft is deleted.
pub const MAX_WRONG: u32 = 5;
pub const DEFAULT_KEEP: Duration = Duration::from_secs(24 * 3600);
const SECRET_FILE: &str = "resume.key";

#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error("no unfinished application waits for this account")]
    NotFound,
    #[error("the code is 8 letters and digits")]
    BadCode,
    #[error("wrong code; {tries_left} tries left")]
    WrongCode { tries_left: u32 },
    #[error("too many wrong codes: the unfinished application was deleted")]
    Deleted,
    #[error("the draft could not be read back as the expected data")]
    Format,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A resume code, normalised (`XXXXXXXX`); wiped from memory when dropped.
pub struct ResumeCode(Zeroizing<String>);

impl std::fmt::Debug for ResumeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResumeCode(********)")
    }
}

impl ResumeCode {
    fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        let code = (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect();
        Self(Zeroizing::new(code))
    }

    /// Reads a typed code: case, spaces and dashes do not matter, and Cyrillic letters that look like Latin ones
    /// (a Russian keyboard layout) count as those.
    pub fn parse(typed: &str) -> Result<Self, ResumeError> {
        let mut code = Zeroizing::new(String::with_capacity(CODE_LEN));
        for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = pdo_core::domain::latin_look_alike(c.to_uppercase().next().unwrap_or(c));
            if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) {
                return Err(ResumeError::BadCode);
            }
            code.push(c);
        }
        if code.len() != CODE_LEN {
            return Err(ResumeError::BadCode);
        }
        Ok(Self(code))
    }

    /// As shown to the applicant: `XXXX-XXXX`.
    pub fn display(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}-{}", &self.0[..4], &self.0[4..]))
    }
}

/// A draft row as read back: salt, nonce, sealed box, tries so far (this one included).
type StoredDraft = (Vec<u8>, Vec<u8>, Vec<u8>, u32);

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drafts").field("keep_for", &self.keep_for).finish_non_exhaustive()
    }
}

/// The kiosk's drafts waiting for their codes.
#[derive(Clone)]
pub struct Drafts {
    store: Store,
    secret: std::sync::Arc<Zeroizing<[u8; 32]>>,
    keep_for: Duration,
}

fn mac(secret: &[u8; 32], label: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = <Blake2bMac512 as Mac>::new_from_slice(secret).expect("32 bytes is a valid key");
    mac.update(label);
    mac.update(data);
    let full = mac.finalize().into_bytes();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&full[..32]);
    out
}

/// The secret-box key for `code` with `salt` (random ‖ account hash) and the kiosk's pepper. ~20–50 ms on purpose.
fn derive_key(code: &ResumeCode, salt: &[u8], pepper: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let pepper = mac(pepper, b"pdo-kiosk resume pepper v1", b"");
    let argon = Argon2::new_with_secret(&pepper[..], Algorithm::Argon2id, Version::V0x13, Params::default())
        .expect("a 32-byte secret and default parameters are valid");
    let mut key = Zeroizing::new([0u8; 32]);
    argon.hash_password_into(code.0.as_bytes(), salt, &mut key[..]).expect("the salt and output sizes are valid");
    key
}

/// Reads the kiosk's resume secret, creating it (owner-only) on first use.
fn load_or_create_secret(path: &Path) -> anyhow::Result<Zeroizing<[u8; 32]>> {
    use std::io::{Read, Write};
    let mut secret = Zeroizing::new([0u8; 32]);
    match std::fs::File::open(path) {
        Ok(mut file) => file.read_exact(&mut secret[..])?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            rand::rngs::OsRng.fill_bytes(&mut secret[..]);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path)?;
            file.write_all(&secret[..])?;
            file.sync_all()?;
        }
        Err(err) => return Err(err.into()),
    }
    Ok(secret)
}

/// Deleted drafts leave no pages behind in the WAL (`secure_delete` covers the database file).
fn checkpoint(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

impl Drafts {
    /// `data_dir` holds `resume.key`; drafts live in `store` for `keep_for`.
    pub fn open(store: Store, data_dir: &Path, keep_for: Duration) -> anyhow::Result<Self> {
        let secret = load_or_create_secret(&data_dir.join(SECRET_FILE))?;
        Ok(Self { store, secret: std::sync::Arc::new(secret), keep_for })
    }

    fn account_hash(&self, account_id: &str) -> Vec<u8> {
        mac(&self.secret, b"pdo-kiosk resume account v1", account_id.as_bytes()).to_vec()
    }

    /// Encrypts `draft` for `account_id` under a new code (replacing the account's earlier draft) and returns the
    /// code to show.
    pub async fn save(&self, account_id: &str, draft: &[u8], now: DateTime<Utc>) -> Result<ResumeCode, ResumeError> {
        self.save_under(account_id, draft, ResumeCode::generate(), now).await
    }

    /// Seals a draft again under the code the person already has (a restore that could not be finished).
    pub async fn save_json_with_code<T: serde::Serialize>(
        &self,
        account_id: &str,
        draft: &T,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<ResumeCode, ResumeError> {
        let json = Zeroizing::new(serde_json::to_vec(draft).map_err(|_| ResumeError::Format)?);
        self.save_under(account_id, &json, ResumeCode::parse(code)?, now).await
    }

    async fn save_under(
        &self,
        account_id: &str,
        draft: &[u8],
        code: ResumeCode,
        now: DateTime<Utc>,
    ) -> Result<ResumeCode, ResumeError> {
        let account = self.account_hash(account_id);
        let mut salt = vec![0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        salt.extend_from_slice(&account);
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let (secret, plain) = (self.secret.clone(), Zeroizing::new(draft.to_vec()));
        let (key_code, key_salt) = (ResumeCode(code.0.clone()), salt.clone());
        let sealed = tokio::task::spawn_blocking(move || {
            let key = derive_key(&key_code, &key_salt, &secret);
            XSalsa20Poly1305::new((&*key).into()).encrypt((&nonce).into(), plain.as_slice())
        })
        .await
        .map_err(|e| StoreError::Seal(e.to_string()))?
        .map_err(|_| StoreError::Seal("encryption failed".into()))?;
        let (created, expires) = (now.timestamp_millis(), (now + self.keep()).timestamp_millis());
        self.store
            .call(move |conn| {
                conn.execute(
                    "INSERT OR REPLACE INTO resume_drafts (account_hash, salt, nonce, sealed, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![account, salt, nonce.to_vec(), sealed, created, expires],
                )
                .map(|_| ())
            })
            .await?;
        Ok(code)
    }

    fn keep(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.keep_for).unwrap_or(chrono::Duration::hours(24))
    }

    /// The draft of `account_id` opened with the typed `code`, deleted from the kiosk as it is handed back.
    pub async fn restore(
        &self,
        account_id: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Zeroizing<Vec<u8>>, ResumeError> {
        let code = ResumeCode::parse(code)?;
        let account = self.account_hash(account_id);
        let key = account.clone();
        let found = self
            .store
            .call(move |conn| {
                let tx = conn.transaction()?;
                tx.execute(
                    "DELETE FROM resume_drafts WHERE account_hash = ?1 AND expires_at <= ?2",
                    params![key, now.timestamp_millis()],
                )?;
                // Counted before the check, so stopping the kiosk mid-check gives no free try.
                tx.execute("UPDATE resume_drafts SET failures = failures + 1 WHERE account_hash = ?1", [&key])?;
                let row: Option<StoredDraft> = tx
                    .query_row(
                        "SELECT salt, nonce, sealed, failures FROM resume_drafts WHERE account_hash = ?1",
                        [&key],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .optional()?;
                tx.commit()?;
                Ok(row)
            })
            .await?;
        let Some((salt, nonce, sealed, tries)) = found else { return Err(ResumeError::NotFound) };
        let secret = self.secret.clone();
        let opened = tokio::task::spawn_blocking(move || {
            let nonce: [u8; 24] = nonce.try_into().ok()?;
            let key = derive_key(&code, &salt, &secret);
            XSalsa20Poly1305::new((&*key).into()).decrypt((&nonce).into(), sealed.as_slice()).ok().map(Zeroizing::new)
        })
        .await
        .map_err(|e| StoreError::Seal(e.to_string()))?;
        let spent = opened.is_some() || tries >= MAX_WRONG;
        if spent {
            self.store
                .call(move |conn| {
                    conn.execute("DELETE FROM resume_drafts WHERE account_hash = ?1", [account])?;
                    checkpoint(conn)
                })
                .await?;
        }
        match opened {
            Some(plain) => Ok(plain),
            None if spent => Err(ResumeError::Deleted),
            None => Err(ResumeError::WrongCode { tries_left: MAX_WRONG - tries }),
        }
    }

    /// `save` for any serde type (JSON inside the box; the clear JSON is wiped after sealing).
    pub async fn save_json<T: serde::Serialize>(
        &self,
        account_id: &str,
        draft: &T,
        now: DateTime<Utc>,
    ) -> Result<ResumeCode, ResumeError> {
        let json = Zeroizing::new(serde_json::to_vec(draft).map_err(|_| ResumeError::Format)?);
        self.save(account_id, &json, now).await
    }

    pub async fn restore_json<T: serde::de::DeserializeOwned>(
        &self,
        account_id: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<T, ResumeError> {
        let plain = self.restore(account_id, code, now).await?;
        serde_json::from_slice(&plain).map_err(|_| ResumeError::Format)
    }

    /// Whether a draft waits for `account_id` (to offer the code field after sign-in).
    pub async fn waiting_for(&self, account_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let key = self.account_hash(account_id);
        self.store
            .call(move |conn| {
                conn.query_row(
                    "SELECT 1 FROM resume_drafts WHERE account_hash = ?1 AND expires_at > ?2",
                    params![key, now.timestamp_millis()],
                    |_| Ok(()),
                )
                .optional()
                .map(|r| r.is_some())
            })
            .await
    }

    /// Deletes drafts past their time; returns how many went.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.store
            .call(move |conn| {
                let gone =
                    conn.execute("DELETE FROM resume_drafts WHERE expires_at <= ?1", [now.timestamp_millis()])?;
                if gone > 0 {
                    checkpoint(conn)?;
                }
                Ok(gone)
            })
            .await
    }

    /// Purges now and then every `every` on the current tokio runtime, for as long as the kiosk runs.
    pub fn spawn_purge(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.purge_expired(Utc::now()).await {
                    Ok(0) => {}
                    Ok(gone) => tracing::info!(gone, "expired resume drafts deleted"),
                    Err(err) => tracing::warn!(error = %err, "resume drafts not purged"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}

#[cfg(test)]
#[path = "resume_tests.rs"]
mod tests;
