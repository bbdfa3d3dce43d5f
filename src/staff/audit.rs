//! The staff audit log: when, on which kiosk, and one word for what staff did. Nothing about applicants: the words
//! come from a closed list and the table refuses anything but lowercase words.

use crate::store::{Store, StoreError};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffAction {
    /// The right PIN opened staff mode.
    StaffEnter,
    StaffLeave,
    /// A wrong PIN (the gate counts it too).
    PinRefused,
    /// Staff took over an applicant's session to help.
    Takeover,
    HandBack,
    TestPrint,
    RetrySync,
    ExportCounters,
    PrivacyWipe,
    /// `pdo-kiosk staff set-pin` changed the PIN.
    PinChanged,
    /// The staff panel's camera test was opened.
    CameraTest,
    /// The office figures were looked at on the staff panel.
    ViewCounters,
    /// The privacy check was run from the staff panel.
    PrivacyCheck,
}

impl StaffAction {
    pub const ALL: [StaffAction; 13] = [
        StaffAction::StaffEnter,
        StaffAction::StaffLeave,
        StaffAction::PinRefused,
        StaffAction::Takeover,
        StaffAction::HandBack,
        StaffAction::TestPrint,
        StaffAction::RetrySync,
        StaffAction::ExportCounters,
        StaffAction::PrivacyWipe,
        StaffAction::PinChanged,
        StaffAction::CameraTest,
        StaffAction::ViewCounters,
        StaffAction::PrivacyCheck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffAction::StaffEnter => "staff_enter",
            StaffAction::StaffLeave => "staff_leave",
            StaffAction::PinRefused => "pin_refused",
            StaffAction::Takeover => "takeover",
            StaffAction::HandBack => "hand_back",
            StaffAction::TestPrint => "test_print",
            StaffAction::RetrySync => "retry_sync",
            StaffAction::ExportCounters => "export_counters",
            StaffAction::PrivacyWipe => "privacy_wipe",
            StaffAction::PinChanged => "pin_changed",
            StaffAction::CameraTest => "camera_test",
            StaffAction::ViewCounters => "view_counters",
            StaffAction::PrivacyCheck => "privacy_check",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == word)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub kiosk_id: String,
    pub action: StaffAction,
}

impl Store {
    /// Appends one staff event.
    pub async fn audit(&self, kiosk_id: &str, action: StaffAction, at: DateTime<Utc>) -> Result<(), StoreError> {
        let kiosk_id = kiosk_id.to_string();
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO staff_audit (at, kiosk_id, action) VALUES (?1, ?2, ?3)",
                params![at.timestamp_millis(), kiosk_id, action.as_str()],
            )
            .map(|_| ())
        })
        .await
    }

    /// The newest `limit` staff events, newest first.
    pub async fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.call(move |conn| {
            let mut statement =
                conn.prepare("SELECT at, kiosk_id, action FROM staff_audit ORDER BY at DESC, id DESC LIMIT ?1")?;
            let rows = statement.query_map([limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?;
            let mut entries = Vec::new();
            for row in rows {
                let (at, kiosk_id, word) = row?;
                // A word this build does not know (written by a newer one) is skipped, not fatal.
                if let Some(action) = StaffAction::parse(&word) {
                    let at = Utc.timestamp_millis_opt(at).single().unwrap_or_default();
                    entries.push(AuditEntry { at, kiosk_id, action });
                }
            }
            Ok(entries)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_come_back_newest_first_with_their_kiosk() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let t0 = Utc.timestamp_opt(1_790_000_000, 0).unwrap();
        for (i, action) in [StaffAction::StaffEnter, StaffAction::TestPrint, StaffAction::StaffLeave].iter().enumerate()
        {
            store.audit("k-library-3", *action, t0 + chrono::Duration::seconds(i as i64)).await.unwrap();
        }
        let log = store.audit_log(10).await.unwrap();
        let actions: Vec<_> = log.iter().map(|e| e.action).collect();
        assert_eq!(actions, [StaffAction::StaffLeave, StaffAction::TestPrint, StaffAction::StaffEnter]);
        assert_eq!((log[2].at, log[2].kiosk_id.as_str()), (t0, "k-library-3"));
        assert_eq!(store.audit_log(1).await.unwrap().len(), 1);
    }

    #[test]
    fn every_action_word_round_trips_and_fits_the_table_rule() {
        for action in StaffAction::ALL {
            let word = action.as_str();
            assert_eq!(StaffAction::parse(word), Some(action));
            assert!(word.len() <= 32 && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{word}");
            assert_eq!(serde_json::to_value(action).unwrap(), word);
        }
    }

    #[tokio::test]
    async fn the_table_refuses_free_text() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let refused = store
            .call(|conn| {
                conn.execute("INSERT INTO staff_audit (at, kiosk_id, action) VALUES (0, 'k', 'Иванов И.И.')", [])
            })
            .await;
        assert!(refused.is_err(), "names cannot be written as an action");
    }
}
