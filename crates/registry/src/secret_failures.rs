//! Wrong secrets per kiosk or staff id. Without this, anyone who knows a kiosk's id could make the registry run
//! argon2 (~25 ms of CPU) for every guess. After `throttle::FREE_FAILURES` wrong secrets within `throttle::WINDOW`
//! the id is blocked for a delay that doubles (the sign-in rules of `throttle`), answered `429 too_many_attempts`
//! without argon2. The kiosk itself keeps working meanwhile: a secret that last matched the id's *current* stored
//! hash is let through from the in-process cache (`VerifiedSecrets::known_any_age`), whatever its age.
//!
//! Only ids that exist are counted (bounded by the kiosks and staff registered); unknown ids cost one verification
//! each on the applicants' share of the password threads, where a flood of them is refused with `503`. In memory
//! only: a restart forgets the counts, which costs a guesser at most `FREE_FAILURES` more tries.

use crate::throttle::{self, FailureRecord};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Ids remembered at most; far more than one region's kiosks and staff.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct SecretFailures {
    entries: Mutex<HashMap<String, FailureRecord>>,
}

impl SecretFailures {
    /// `Some(retry_after_secs)` while `holder` (e.g. `Kiosk:k1`) is blocked.
    pub fn blocked(&self, holder: &str, now: DateTime<Utc>) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        throttle::check(entries.get(holder), now).err()
    }

    /// Counts one wrong secret for `holder`.
    pub fn failed(&self, holder: &str, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(holder) {
            entries.retain(|_, record| throttle::check(Some(record), now).is_err());
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        let next = throttle::after_failure(entries.get(holder), now);
        entries.insert(holder.to_string(), next);
    }

    /// A right secret clears the count.
    pub fn succeeded(&self, holder: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(holder);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_wrong_secret_blocks_the_id_and_a_right_one_clears_it() {
        let failures = SecretFailures::default();
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        for _ in 0..4 {
            failures.failed("Kiosk:k1", now);
        }
        assert_eq!(failures.blocked("Kiosk:k1", now), None);
        failures.failed("Kiosk:k1", now);
        assert_eq!(failures.blocked("Kiosk:k1", now), Some(30));
        assert_eq!(failures.blocked("Kiosk:k2", now), None, "other ids are not affected");
        failures.succeeded("Kiosk:k1");
        assert_eq!(failures.blocked("Kiosk:k1", now), None);
    }
}
