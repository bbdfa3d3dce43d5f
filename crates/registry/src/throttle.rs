//! Slowing down password guessing per login: after `FREE_FAILURES` failures within `WINDOW`, each further failure
//! blocks the login for a delay that doubles. Guessing the device flow's user codes is held harder: after
//! `FREE_FAILURES` wrong codes within `WINDOW` the client waits a whole `WINDOW`. Pure logic, so the rules are tested
//! without a clock or a database.

use chrono::{DateTime, Duration, Utc};

pub const FREE_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::minutes(15);
const BASE_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 3600;

#[derive(Debug, Clone, PartialEq)]
pub struct FailureRecord {
    pub window_start: DateTime<Utc>,
    pub failures: u32,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// Whether an attempt may be checked now; `Err(seconds)` is the Retry-After to answer with.
pub fn check(record: Option<&FailureRecord>, now: DateTime<Utc>) -> Result<(), i64> {
    match record.and_then(|r| r.blocked_until) {
        Some(until) if until > now => Err((until - now).num_seconds().max(1)),
        _ => Ok(()),
    }
}

/// The record after one more failed attempt at `now` (`check` refused nothing first). Failures older than `WINDOW`
/// stop counting, blocked or not: a count used to run on for as long as someone kept failing now and then, so one
/// attempt an hour kept a login (a parent's, targeted by someone else) blocked for good. Now the doubling delays
/// (30 s … 8 min) outlast the window after the ninth failure and the count starts again.
pub fn after_failure(record: Option<&FailureRecord>, now: DateTime<Utc>) -> FailureRecord {
    let (window_start, failures) = match record {
        Some(r) if now - r.window_start <= WINDOW => (r.window_start, r.failures + 1),
        _ => (now, 1),
    };
    let blocked_until = (failures >= FREE_FAILURES).then(|| now + delay_after(failures));
    FailureRecord { window_start, failures, blocked_until }
}

/// The record of a client after one more wrong user code at `now` (`check` refused nothing first): the fifth wrong
/// code within `WINDOW` blocks the client for `WINDOW`; after that block a new window starts.
pub fn after_code_failure(record: Option<&FailureRecord>, now: DateTime<Utc>) -> FailureRecord {
    let (window_start, failures) = match record {
        Some(r) if r.blocked_until.is_none() && now - r.window_start <= WINDOW => (r.window_start, r.failures + 1),
        _ => (now, 1),
    };
    let blocked_until = (failures >= FREE_FAILURES).then(|| now + WINDOW);
    FailureRecord { window_start, failures, blocked_until }
}

fn delay_after(failures: u32) -> Duration {
    let doublings = (failures - FREE_FAILURES).min(16);
    Duration::seconds((BASE_DELAY_SECS << doublings).min(MAX_DELAY_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn four_failures_do_not_block_the_fifth_blocks() {
        let mut record = None;
        for i in 0..4 {
            let next = after_failure(record.as_ref(), at(i));
            assert_eq!(next.blocked_until, None, "failure {} must not block", i + 1);
            record = Some(next);
        }
        assert_eq!(check(record.as_ref(), at(5)), Ok(()));
        let fifth = after_failure(record.as_ref(), at(5));
        assert_eq!(check(Some(&fifth), at(6)), Err(29));
    }

    #[test]
    fn delay_doubles_with_each_failure_after_the_block() {
        let mut record = None;
        let mut now = 0;
        let mut delays = vec![];
        for _ in 0..8 {
            let next = after_failure(record.as_ref(), at(now));
            if let Some(until) = next.blocked_until {
                delays.push((until - at(now)).num_seconds());
                now = (until - at(0)).num_seconds();
            }
            record = Some(next);
        }
        assert_eq!(delays, vec![30, 60, 120, 240]);
    }

    #[test]
    fn failures_outside_the_window_start_again() {
        let first = after_failure(None, at(0));
        let later = after_failure(Some(&first), at(WINDOW.num_seconds() + 1));
        assert_eq!(later.failures, 1);
        assert_eq!(later.window_start, at(WINDOW.num_seconds() + 1));
    }

    #[test]
    fn fifth_wrong_code_in_the_window_blocks_for_the_whole_window() {
        let mut record = None;
        for minute in 0..4 {
            let next = after_code_failure(record.as_ref(), at(minute * 120));
            assert_eq!(next.blocked_until, None);
            record = Some(next);
        }
        let fifth = after_code_failure(record.as_ref(), at(600));
        assert_eq!(fifth.blocked_until, Some(at(600) + WINDOW));
        assert_eq!(check(Some(&fifth), at(600 + 14 * 60)), Err(60));
        assert_eq!(check(Some(&fifth), at(600) + WINDOW), Ok(()));
        let after_block = after_code_failure(Some(&fifth), at(600) + WINDOW);
        assert_eq!((after_block.failures, after_block.blocked_until), (1, None), "a served block starts afresh");
    }

    #[test]
    fn wrong_codes_spread_over_more_than_the_window_do_not_block() {
        let mut record = None;
        for i in 0..10 {
            let next = after_code_failure(record.as_ref(), at(i * 5 * 60));
            assert_eq!(next.blocked_until, None, "failure {i}");
            record = Some(next);
        }
    }

    #[test]
    fn failures_older_than_the_window_stop_counting_even_after_a_block() {
        let mut record = None;
        let mut now = 0;
        let mut longest = 0;
        for _ in 0..40 {
            let next = after_failure(record.as_ref(), at(now));
            if let Some(until) = next.blocked_until {
                longest = longest.max((until - at(now)).num_seconds());
                now = (until - at(0)).num_seconds();
            }
            record = Some(next);
        }
        assert!(longest <= 480, "a persistent guesser reaches at most 8 minutes, got {longest} s");
        let last = record.unwrap();
        let after_quiet = after_failure(Some(&last), last.window_start + WINDOW + Duration::seconds(1));
        assert_eq!((after_quiet.failures, after_quiet.blocked_until), (1, None), "a quiet window starts afresh");
    }

    #[test]
    fn delay_is_capped_at_an_hour() {
        assert_eq!(delay_after(40).num_seconds(), MAX_DELAY_SECS);
    }
}
