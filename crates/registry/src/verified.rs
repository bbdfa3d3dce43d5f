//! Kiosk and staff secrets that already passed argon2id in this process. A kiosk sends its secret with every
//! request, and one argon2id verification costs some 25 ms of CPU on purpose: a draining queue spent most of its
//! time there. So a secret that matched its stored hash is remembered for a while as a keyed digest (never the
//! secret), and the next request with the same secret against the *same stored hash* skips argon2.
//!
//! What does not change: the holder's record (revoked or not, its current hash) is still read on every request, so a
//! revocation or a new secret counts from the next request. Wrong secrets are counted per id in the database
//! (`Storage::record_secret_check`); while an id is blocked there, its last verified secret is accepted whatever its
//! age (`known_any_age`), so a guesser cannot lock a kiosk out. Each process keeps its own digests: with several
//! processes a kiosk pays argon2 once per process, and every decision still rests on the shared record.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a verified secret is trusted without argon2.
pub const TRUST_FOR: Duration = Duration::from_secs(600);
/// Holders remembered at most (kiosks and staff members of one region: far fewer).
const CAPACITY: usize = 4096;

struct Entry {
    stored_hash: String,
    digest: [u8; 32],
    verified_at: Instant,
}

pub struct VerifiedSecrets {
    /// Random per process, so the digests are worthless outside it.
    key: [u8; 32],
    entries: Mutex<HashMap<String, Entry>>,
}

impl Default for VerifiedSecrets {
    fn default() -> Self {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self { key, entries: Mutex::default() }
    }
}

impl VerifiedSecrets {
    fn digest(&self, secret: &str) -> [u8; 32] {
        Sha256::new().chain_update(self.key).chain_update(secret.as_bytes()).finalize().into()
    }

    /// Whether `secret` matched `stored_hash` for `holder` (e.g. `kiosk:K`) within the last `TRUST_FOR`.
    pub fn known(&self, holder: &str, stored_hash: &str, secret: &str, now: Instant) -> bool {
        let digest = self.digest(secret);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(holder).is_some_and(|entry| {
            entry.stored_hash == stored_hash
                && constant_time_eq(&entry.digest, &digest)
                && now.saturating_duration_since(entry.verified_at) < TRUST_FOR
        })
    }

    /// Whether `secret` is the last one that matched `stored_hash` for `holder`, however long ago: the stored hash is
    /// unchanged, so the secret still matches it.
    pub fn known_any_age(&self, holder: &str, stored_hash: &str, secret: &str) -> bool {
        let digest = self.digest(secret);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(holder)
            .is_some_and(|entry| entry.stored_hash == stored_hash && constant_time_eq(&entry.digest, &digest))
    }

    /// Remembers that `secret` matched `stored_hash` for `holder` (call only after a successful argon2 check).
    pub fn remember(&self, holder: &str, stored_hash: &str, secret: &str, now: Instant) {
        let digest = self.digest(secret);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(holder) {
            entries.retain(|_, entry| now.saturating_duration_since(entry.verified_at) < TRUST_FOR);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(holder.to_string(), Entry { stored_hash: stored_hash.to_string(), digest, verified_at: now });
    }
}

/// Equal digests compared without an early exit.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_secret_against_the_same_hash_is_known_and_only_for_a_while() {
        let cache = VerifiedSecrets::default();
        let now = Instant::now();
        assert!(!cache.known("kiosk:k1", "$argon2id$h1", "secret-a", now), "nothing known before a verification");
        cache.remember("kiosk:k1", "$argon2id$h1", "secret-a", now);
        assert!(cache.known("kiosk:k1", "$argon2id$h1", "secret-a", now + Duration::from_secs(1)));
        assert!(!cache.known("kiosk:k1", "$argon2id$h1", "secret-b", now), "another secret");
        assert!(!cache.known("kiosk:k1", "$argon2id$h2", "secret-a", now), "the stored hash changed: a new secret");
        assert!(!cache.known("kiosk:k2", "$argon2id$h1", "secret-a", now), "another holder");
        assert!(!cache.known("kiosk:k1", "$argon2id$h1", "secret-a", now + TRUST_FOR), "trust runs out");
    }

    #[test]
    fn a_full_cache_makes_room_instead_of_growing() {
        let cache = VerifiedSecrets::default();
        let now = Instant::now();
        for i in 0..CAPACITY + 10 {
            cache.remember(&format!("kiosk:{i}"), "h", "s", now);
        }
        assert!(cache.entries.lock().unwrap().len() <= CAPACITY);
        assert!(cache.known(&format!("kiosk:{}", CAPACITY + 9), "h", "s", now), "the newest is kept");
    }
}
