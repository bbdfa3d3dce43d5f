//! The door to staff mode: the PIN with a lockout that grows after wrong tries. The rule (`GateState`) is pure and
//! takes the time as an argument, so tests never sleep; `PinGate` keeps the state in the kiosk store, so pulling the
//! plug does not buy new tries.

use super::pin::Pin;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Wrong PINs allowed before the first wait.
pub const FREE_TRIES: u32 = 3;
/// The first wait; each further wrong PIN doubles it…
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// …up to this.
pub const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

const STATE_KEY: &str = "staff.pin_gate";

/// Wrong tries in a row and until when the gate stays shut.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GateState {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The wait after the `failures`-th wrong PIN in a row: none for the free tries, then 30 s, 60 s, 120 s… capped.
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    FIRST_WAIT.saturating_mul(1 << doublings).min(LONGEST_WAIT)
}

impl GateState {
    /// How long until a PIN may be tried again; `None` when it may be now. A clock turned back never makes the wait
    /// longer than `LONGEST_WAIT`.
    pub fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        let until = self.locked_until?;
        let left = (until - now).to_std().ok().filter(|d| !d.is_zero())?;
        Some(left.min(LONGEST_WAIT))
    }

    /// Counts a try: a right PIN opens the gate and forgets the wrong ones, a wrong one may shut it for a while.
    pub fn record(&mut self, right: bool, now: DateTime<Utc>) {
        if right {
            *self = GateState::default();
            return;
        }
        self.failures = self.failures.saturating_add(1);
        let wait = wait_after(self.failures);
        self.locked_until = (!wait.is_zero()).then(|| now + chrono::Duration::from_std(wait).unwrap_or_default());
    }
}

/// What came of a PIN typed at the gate.
#[derive(Debug, Clone, PartialEq)]
pub enum PinCheck {
    Granted,
    /// Wrong; `wait` before the next try may be made (zero while tries are free).
    Wrong {
        failures: u32,
        wait: Duration,
    },
    /// Not even checked: the gate is shut for `wait` more.
    Locked {
        wait: Duration,
    },
    /// No staff PIN is configured: staff mode stays closed.
    NotSet,
}

/// The staff PIN check with its persistent lockout.
#[derive(Clone)]
pub struct PinGate {
    store: Store,
    pin_hash: Option<String>,
}

impl PinGate {
    /// `pin_hash` is the config's `staff_pin_hash`.
    pub fn new(store: Store, pin_hash: Option<String>) -> Self {
        Self { store, pin_hash }
    }

    pub async fn state(&self) -> Result<GateState, StoreError> {
        self.store.state_json(STATE_KEY).await.map(Option::unwrap_or_default)
    }

    /// How long the gate stays shut from `now`, for the screen's countdown.
    pub async fn wait(&self, now: DateTime<Utc>) -> Result<Option<Duration>, StoreError> {
        Ok(self.state().await?.wait(now))
    }

    /// Checks `pin` (argon2id, off the async threads). The try is written down as wrong *before* the check and
    /// cleared after a right one, so killing the kiosk mid-check does not give a free try.
    pub async fn try_pin(&self, pin: &str, now: DateTime<Utc>) -> Result<PinCheck, StoreError> {
        let Some(hash) = self.pin_hash.clone() else { return Ok(PinCheck::NotSet) };
        let mut state = self.state().await?;
        if let Some(wait) = state.wait(now) {
            return Ok(PinCheck::Locked { wait });
        }
        let mut wrong = state.clone();
        wrong.record(false, now);
        self.store.set_state_json(STATE_KEY, &wrong).await?;
        let right = match Pin::parse(pin) {
            Ok(pin) => tokio::task::spawn_blocking(move || pin.matches(&hash)).await.unwrap_or(false),
            Err(_) => false,
        };
        if right {
            state.record(true, now);
            self.store.set_state_json(STATE_KEY, &state).await?;
            return Ok(PinCheck::Granted);
        }
        Ok(PinCheck::Wrong { failures: wrong.failures, wait: wrong.wait(now).unwrap_or_default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn three_free_tries_then_thirty_sixty_one_twenty_seconds_capped() {
        let waits: Vec<u64> = (1..=10).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(wait_after(u32::MAX), LONGEST_WAIT);
    }

    #[test]
    fn the_gate_shuts_after_wrong_pins_and_a_right_one_resets_it() {
        let mut gate = GateState::default();
        gate.record(false, at(0));
        gate.record(false, at(1));
        assert_eq!(gate.wait(at(1)), None, "two wrong tries cost nothing");
        gate.record(false, at(2));
        assert_eq!(gate.wait(at(2)), Some(Duration::from_secs(30)));
        assert_eq!(gate.wait(at(31)), Some(Duration::from_secs(1)));
        assert_eq!(gate.wait(at(32)), None);
        gate.record(false, at(40));
        assert_eq!(gate.wait(at(40)), Some(Duration::from_secs(60)));
        gate.record(true, at(100));
        assert_eq!(gate, GateState::default());
    }

    #[test]
    fn a_clock_turned_back_does_not_lock_for_longer_than_the_cap() {
        let mut gate = GateState::default();
        for s in 0..4 {
            gate.record(false, at(s));
        }
        assert_eq!(gate.wait(at(-86_400)), Some(LONGEST_WAIT));
    }

    async fn gate_with_pin(dir: &std::path::Path) -> (Store, PinGate) {
        let store = Store::open(&dir.join("kiosk.sqlite3")).unwrap();
        let hash = Pin::parse("2580").unwrap().hash();
        (store.clone(), PinGate::new(store, Some(hash)))
    }

    #[tokio::test]
    async fn wrong_pins_lock_the_gate_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (_, gate) = gate_with_pin(dir.path()).await;
        assert_eq!(gate.try_pin("1111", at(0)).await.unwrap(), PinCheck::Wrong { failures: 1, wait: Duration::ZERO });
        assert_eq!(gate.try_pin("12", at(1)).await.unwrap(), PinCheck::Wrong { failures: 2, wait: Duration::ZERO });
        let third = gate.try_pin("1113", at(2)).await.unwrap();
        assert_eq!(third, PinCheck::Wrong { failures: 3, wait: Duration::from_secs(30) });
        drop(gate);
        let (_, reopened) = gate_with_pin(dir.path()).await;
        let locked = reopened.try_pin("2580", at(10)).await.unwrap();
        assert_eq!(locked, PinCheck::Locked { wait: Duration::from_secs(22) }, "even the right PIN waits");
        assert_eq!(reopened.state().await.unwrap().failures, 3, "a locked try is not counted");
        assert_eq!(reopened.try_pin("2580", at(32)).await.unwrap(), PinCheck::Granted);
        assert_eq!(reopened.state().await.unwrap(), GateState::default());
    }

    #[tokio::test]
    async fn without_a_configured_pin_staff_mode_stays_closed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        assert_eq!(PinGate::new(store, None).try_pin("0000", at(0)).await.unwrap(), PinCheck::NotSet);
    }
}
