//! Anonymous figures for the office: sessions started, applications submitted, certificates issued, prints,
//! sessions abandoned by step, and the median time spent on each step, per day and for the whole period. Only
//! names, step words, days and numbers are stored: nothing ties a figure to a person or a session.

use crate::store::{Store, StoreError, region_day};
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

pub const SESSIONS_STARTED: &str = "sessions_started";
pub const APPLICATIONS_SUBMITTED: &str = "applications_submitted";
pub const CERTIFICATES_ISSUED: &str = "certificates_issued";
pub const PRINTS: &str = "prints";
const ABANDONED: &str = "abandoned:";

/// A step's word (`welcome`, `sign_in`, `child`, `capture`, …): lowercase letters and `_`, at most 32, so nothing
/// typed by an applicant can end up here.
fn step_word(step: &str) -> Result<&str, StoreError> {
    let ok = (1..=32).contains(&step.len()) && step.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    ok.then_some(step).ok_or_else(|| StoreError::Database(format!("not a step word: {step:?}")))
}

/// One day's figures, or the period's (`day` = `total`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DayFigures {
    pub day: String,
    pub sessions_started: u64,
    pub applications_submitted: u64,
    pub certificates_issued: u64,
    pub prints: u64,
    /// Sessions that ended (timeout, sign-out) on a step without finishing, by step.
    pub abandoned: BTreeMap<String, u64>,
    /// Median seconds spent on each step, and how many visits it is the median of.
    pub median_secs: BTreeMap<String, f64>,
    pub visits: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct OfficeFigures {
    pub days: Vec<DayFigures>,
    pub total: DayFigures,
}

fn median(sorted: &[i64]) -> f64 {
    let n = sorted.len();
    let mid = if n % 2 == 1 { sorted[n / 2] as f64 } else { (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0 };
    mid / 1000.0
}

impl DayFigures {
    fn add(&mut self, name: &str, value: u64) {
        match name {
            SESSIONS_STARTED => self.sessions_started += value,
            APPLICATIONS_SUBMITTED => self.applications_submitted += value,
            CERTIFICATES_ISSUED => self.certificates_issued += value,
            PRINTS => self.prints += value,
            other => {
                if let Some(step) = other.strip_prefix(ABANDONED) {
                    *self.abandoned.entry(step.to_string()).or_default() += value;
                }
            }
        }
    }

    fn set_times(&mut self, mut times: BTreeMap<String, Vec<i64>>) {
        for (step, millis) in &mut times {
            millis.sort_unstable();
            self.median_secs.insert(step.clone(), median(millis));
            self.visits.insert(step.clone(), millis.len() as u64);
        }
    }
}

impl OfficeFigures {
    /// One row per figure: `day,figure,step,value` (UTF-8, comma-separated, header first; `step` empty where it does
    /// not apply). The period's totals follow the days with `day` = `total`.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("day,figure,step,value\n");
        for day in self.days.iter().chain([&self.total]) {
            let d = &day.day;
            for (figure, value) in [
                (SESSIONS_STARTED, day.sessions_started),
                (APPLICATIONS_SUBMITTED, day.applications_submitted),
                (CERTIFICATES_ISSUED, day.certificates_issued),
                (PRINTS, day.prints),
            ] {
                let _ = writeln!(csv, "{d},{figure},,{value}");
            }
            for (step, count) in &day.abandoned {
                let _ = writeln!(csv, "{d},abandoned,{step},{count}");
            }
            for (step, secs) in &day.median_secs {
                let _ = writeln!(csv, "{d},median_seconds,{step},{secs:.1}");
                let _ = writeln!(csv, "{d},step_visits,{step},{}", day.visits[step]);
            }
        }
        csv
    }
}

impl Store {
    /// Counts a session abandoned on `step`.
    pub async fn count_abandoned(&self, step: &str) -> Result<(), StoreError> {
        self.count(format!("{ABANDONED}{}", step_word(step)?)).await
    }

    /// Keeps how long one session stayed on `step` (no session id: only the day, the step and the time).
    pub async fn record_step_time(&self, step: &str, spent: Duration) -> Result<(), StoreError> {
        let (step, day) = (step_word(step)?.to_string(), region_day(Utc::now()));
        let millis = i64::try_from(spent.as_millis()).unwrap_or(i64::MAX);
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO step_times (day, step, millis) VALUES (?1, ?2, ?3)",
                rusqlite::params![day, step, millis],
            )
            .map(|_| ())
        })
        .await
    }

    /// The figures of the region's days `from..=to`, each day that has any, and their total.
    pub async fn office_figures(&self, from: NaiveDate, to: NaiveDate) -> Result<OfficeFigures, StoreError> {
        let (from, to) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
        self.call(move |conn| {
            let mut days: BTreeMap<String, DayFigures> = BTreeMap::new();
            let mut total = DayFigures { day: "total".into(), ..DayFigures::default() };
            let mut counts =
                conn.prepare("SELECT day, name, value FROM counters WHERE day BETWEEN ?1 AND ?2 ORDER BY day")?;
            let rows =
                counts.query_map([&from, &to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
            for row in rows {
                let (day, name, value): (String, String, i64) = row?;
                let value = value.max(0) as u64;
                days.entry(day.clone())
                    .or_insert_with(|| DayFigures { day, ..DayFigures::default() })
                    .add(&name, value);
                total.add(&name, value);
            }
            let mut times = conn.prepare("SELECT day, step, millis FROM step_times WHERE day BETWEEN ?1 AND ?2")?;
            let rows =
                times.query_map([&from, &to], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
            let mut by_day: BTreeMap<String, BTreeMap<String, Vec<i64>>> = BTreeMap::new();
            let mut all: BTreeMap<String, Vec<i64>> = BTreeMap::new();
            for row in rows {
                let (day, step, millis): (String, String, i64) = row?;
                by_day.entry(day).or_default().entry(step.clone()).or_default().push(millis);
                all.entry(step).or_default().push(millis);
            }
            for (day, steps) in by_day {
                days.entry(day.clone()).or_insert_with(|| DayFigures { day, ..DayFigures::default() }).set_times(steps);
            }
            total.set_times(all);
            Ok(OfficeFigures { days: days.into_values().collect(), total })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn figures_add_up_per_day_and_in_total_with_medians() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        for name in [SESSIONS_STARTED, SESSIONS_STARTED, SESSIONS_STARTED, APPLICATIONS_SUBMITTED, PRINTS] {
            store.count(name).await.unwrap();
        }
        store.count_abandoned("capture").await.unwrap();
        store.count_abandoned("capture").await.unwrap();
        store.count_abandoned("child").await.unwrap();
        for secs in [40, 10, 30] {
            store.record_step_time("child", Duration::from_secs(secs)).await.unwrap();
        }
        store.record_step_time("capture", Duration::from_millis(1500)).await.unwrap();
        store.record_step_time("capture", Duration::from_millis(2500)).await.unwrap();
        // Yesterday's figures from another kiosk day, written directly.
        store
            .call(|conn| {
                conn.execute("INSERT INTO counters (day, name, value) VALUES ('2000-01-01', 'sessions_started', 7)", [])
            })
            .await
            .unwrap();

        let today = pdo_core::domain::region_today(Utc::now());
        let figures = store.office_figures(today, today).await.unwrap();
        assert_eq!(figures.days.len(), 1, "the old day is outside the period");
        let day = &figures.days[0];
        assert_eq!(
            (day.sessions_started, day.applications_submitted, day.prints, day.certificates_issued),
            (3, 1, 1, 0)
        );
        assert_eq!(day.abandoned.get("capture"), Some(&2));
        assert_eq!(day.median_secs.get("child"), Some(&30.0));
        assert_eq!(day.median_secs.get("capture"), Some(&2.0), "even count: the mean of the middle two");
        assert_eq!(day.visits.get("child"), Some(&3));

        let old = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let period = store.office_figures(old, today).await.unwrap();
        assert_eq!(period.days.len(), 2);
        assert_eq!(period.total.sessions_started, 10);

        let csv = period.to_csv();
        assert!(csv.starts_with("day,figure,step,value\n"), "{csv}");
        assert!(csv.contains("2000-01-01,sessions_started,,7\n"), "{csv}");
        assert!(csv.contains("total,sessions_started,,10\n"), "{csv}");
        assert!(csv.contains(",abandoned,capture,2\n"), "{csv}");
        assert!(csv.contains(",median_seconds,child,30.0\n"), "{csv}");
        assert!(csv.lines().all(|l| l.split(',').count() == 4), "{csv}");
    }

    #[tokio::test]
    async fn only_step_words_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        assert!(store.count_abandoned("Иванова").await.is_err());
        assert!(store.record_step_time("child name", Duration::from_secs(1)).await.is_err());
        assert!(store.record_step_time(&"a".repeat(33), Duration::from_secs(1)).await.is_err());
        assert!(store.record_step_time("sign_in", Duration::from_secs(1)).await.is_ok());
    }
}
