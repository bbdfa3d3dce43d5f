//! Exponential back-off with jitter for retries of the queue and of the link to the registry.

use std::time::Duration;

/// The first retry waits this long…
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// …each further one this many times longer…
pub const BACKOFF_FACTOR: f64 = 1.6;
/// …give or take this fraction…
pub const BACKOFF_JITTER: f64 = 0.2;
/// …and never longer than this.
pub const BACKOFF_MAX: Duration = Duration::from_secs(120);

/// How long to wait after the `failures`-th failure in a row (1 for the first), `jitter` in -1.0..=1.0 scaling the
/// ±20 % spread. Pure, so it is tested without waiting.
pub fn backoff(failures: u32, jitter: f64) -> Duration {
    let exponent = failures.saturating_sub(1).min(64) as i32;
    let raw = BACKOFF_BASE.as_secs_f64() * BACKOFF_FACTOR.powi(exponent);
    let jittered = raw.min(BACKOFF_MAX.as_secs_f64()) * (1.0 + BACKOFF_JITTER * jitter.clamp(-1.0, 1.0));
    Duration::from_secs_f64(jittered.min(BACKOFF_MAX.as_secs_f64()))
}

/// `backoff` with a random jitter.
pub fn backoff_random(failures: u32) -> Duration {
    use rand::Rng;
    backoff(failures, rand::thread_rng().gen_range(-1.0..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_1_6_from_one_second_and_stops_at_two_minutes() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(0, 0.0), Duration::from_secs(1), "zero counts as the first");
        assert!((backoff(2, 0.0).as_secs_f64() - 1.6).abs() < 1e-9);
        assert!((backoff(3, 0.0).as_secs_f64() - 2.56).abs() < 1e-9);
        assert!((backoff(4, 0.0).as_secs_f64() - 4.096).abs() < 1e-9);
        let mut last = Duration::ZERO;
        for n in 1..40 {
            let d = backoff(n, 0.0);
            assert!(d >= last && d <= BACKOFF_MAX, "{n}: {d:?}");
            last = d;
        }
        assert_eq!(backoff(12, 0.0), BACKOFF_MAX, "1.6^11 s is over two minutes");
        assert_eq!(backoff(u32::MAX, 1.0), BACKOFF_MAX, "jitter never goes past the cap");
    }

    #[test]
    fn jitter_spreads_twenty_percent_either_way() {
        assert!((backoff(1, 1.0).as_secs_f64() - 1.2).abs() < 1e-9);
        assert!((backoff(1, -1.0).as_secs_f64() - 0.8).abs() < 1e-9);
        assert!((backoff(1, 5.0).as_secs_f64() - 1.2).abs() < 1e-9, "jitter is clamped");
        assert!((backoff(100, -1.0).as_secs_f64() - 96.0).abs() < 1e-9);
        let samples: Vec<f64> = (0..2000).map(|_| backoff_random(3).as_secs_f64()).collect();
        assert!(samples.iter().all(|s| (2.048 - 1e-9..=3.072 + 1e-9).contains(s)));
        let spread =
            samples.iter().cloned().fold(f64::MIN, f64::max) - samples.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 0.8, "random jitter actually varies: {spread}");
    }
}
