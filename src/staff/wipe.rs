//! Whether anything about an applicant is left on the kiosk, and the wipe that removes it. The staff panel shows the
//! report; a test fills every store with invented data, wipes, and searches the raw files for it.

use crate::paths::Paths;
use crate::store::{Store, StoreError};
use std::path::PathBuf;

/// Tables of the kiosk store and what they hold. A table not listed here is reported as unclassified, so a new
/// migration cannot quietly start keeping applicant data.
const NOTHING_PERSONAL: &[&str] = &["kiosk_state", "counters", "outbox_rejections", "staff_audit", "step_times"];
const APPLICANT_DATA: &[&str] = &["outbox", "resume_drafts"];

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PrivacyReport {
    /// Unfinished applications waiting for a resume code (encrypted).
    pub drafts: u64,
    /// Applications taken offline and not yet sent (sealed to the registry: unreadable here, but about people).
    pub queued: u64,
    /// Files left in the kiosk's temp folder (scans, print jobs).
    pub temp_files: Vec<PathBuf>,
    /// Bytes in the store's write-ahead log: pages of deleted rows may linger there until it is emptied.
    pub wal_bytes: u64,
    /// Tables with rows that this check does not know (`NOTHING_PERSONAL`/`APPLICANT_DATA` need a word on them).
    pub unclassified_tables: Vec<String>,
    /// The demo registry's database exists in the data dir: whatever was typed in demo mode is in it.
    pub demo_registry: bool,
}

impl PrivacyReport {
    /// Nothing about any applicant remains (the demo registry aside: it is the demo's own server).
    pub fn clean(&self) -> bool {
        self.drafts == 0
            && self.queued == 0
            && self.temp_files.is_empty()
            && self.wal_bytes == 0
            && self.unclassified_tables.is_empty()
    }
}

/// What a wipe removes besides drafts and temp files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Queue {
    /// Applications not yet sent stay (they reach the registry once it can be reached).
    #[default]
    Keep,
    /// They go too: the kiosk is being taken out of service and staff accept they are lost.
    Discard,
}

fn temp_files(paths: &Paths) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![paths.temp()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() { pending.push(path) } else { found.push(path) }
        }
    }
    found.sort();
    found
}

/// Looks at the store, its WAL and the temp folder. The WAL is emptied into the database first (where deleted rows
/// are overwritten), so what it reports is what could still be read after the check.
pub async fn check(store: &Store, paths: &Paths) -> Result<PrivacyReport, StoreError> {
    let (drafts, queued, unclassified_tables) = store
        .call(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            let count = |table: &str| -> rusqlite::Result<u64> {
                conn.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), [], |r| r.get::<_, i64>(0))
                    .map(|n| n as u64)
            };
            let mut statement =
                conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
            let tables: Vec<String> = statement.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut unclassified = Vec::new();
            for table in tables {
                let known = NOTHING_PERSONAL.contains(&table.as_str()) || APPLICANT_DATA.contains(&table.as_str());
                if !known && count(&table)? > 0 {
                    unclassified.push(table);
                }
            }
            Ok((count("resume_drafts")?, count("outbox")?, unclassified))
        })
        .await?;
    let wal = paths.store().with_extension("sqlite3-wal");
    Ok(PrivacyReport {
        drafts,
        queued,
        temp_files: temp_files(paths),
        wal_bytes: std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0),
        unclassified_tables,
        demo_registry: paths.demo_registry().exists(),
    })
}

/// Deletes every draft and temp file (and the unsent queue with `Queue::Discard`), empties the WAL, and reports
/// what is left.
pub async fn wipe(store: &Store, paths: &Paths, queue: Queue) -> Result<PrivacyReport, StoreError> {
    for file in temp_files(paths) {
        if let Err(err) = std::fs::remove_file(&file) {
            tracing::warn!(error = %err, "a temp file could not be deleted");
        }
    }
    let (drafts, queued) = store
        .call(move |conn| {
            let tx = conn.transaction()?;
            let drafts = tx.execute("DELETE FROM resume_drafts", [])?;
            let queued = if queue == Queue::Discard { tx.execute("DELETE FROM outbox", [])? } else { 0 };
            tx.commit()?;
            Ok((drafts, queued))
        })
        .await?;
    tracing::info!(drafts, queued, "privacy wipe");
    check(store, paths).await
}
