//! `pdo-registry backup`: a consistent copy of the registry's database with SQLite's online backup API, safe while
//! the service is serving and writing. Scans kept in files (`storage::scans`) are copied into the backup's records,
//! so the backup is one self-contained file. Restoring is described in docs/deploy.md.

use crate::storage::scans::{self, Lock, ScanFiles};
use anyhow::Context;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long the copy waits for a writer that holds the database locked before giving up.
const BUSY_WAIT: Duration = Duration::from_secs(60);

/// Copies `db` to `to`, checks the copy with `PRAGMA integrity_check`, and only then puts it at `to` (replacing what
/// was there): a failed or interrupted backup never leaves a half-written file under the backup's name. Returns the
/// number of pages copied.
pub fn backup(db: &Path, to: &Path) -> anyhow::Result<i32> {
    anyhow::ensure!(db.is_file(), "no database at {}", db.display());
    if let (Ok(a), Ok(b)) = (db.canonicalize(), to.canonicalize()) {
        anyhow::ensure!(a != b, "--to names the database itself");
    }
    // Not migrated, and only read. Opened read-write (never created) all the same: a read-only connection to a
    // stopped service's database would leave a new -wal and -shm behind, owned by whoever ran the backup, which can
    // lock the service's user out; a read-write one, the last to close, removes them.
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("opening {}", db.display()))?;
    source.busy_timeout(BUSY_WAIT)?;
    let name = to.file_name().context("--to must name a file")?.to_string_lossy();
    let partial = to.with_file_name(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    // Held from before the snapshot until the files are copied: no file the snapshot names is deleted meanwhile.
    let scans = scans::dir_of(db).is_dir().then(|| ScanFiles::open(db)).transpose()?;
    let _no_deletions = match &scans {
        Some(files) => Some(files.lock(Lock::Shared).context("locking the scan folder")?),
        None => None,
    };
    let pages = copy_and_check(&source, &partial, scans.as_ref()).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, to).with_context(|| format!("moving the copy to {}", to.display()))?;
    // The rename itself is durable only once the directory is synced.
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(pages)
}

fn copy_and_check(source: &Connection, partial: &Path, scans: Option<&ScanFiles>) -> anyhow::Result<i32> {
    let mut copy = Connection::open(partial).with_context(|| format!("creating {}", partial.display()))?;
    let pages = {
        let backup = Backup::new(source, &mut copy)?;
        let started = Instant::now();
        // All pages in one step, inside one read transaction: in WAL mode the service's writers carry on meanwhile
        // and the copy is the database as it was when the step began. Copying a few pages at a time instead starts
        // over whenever another connection writes in between, which a busy registry may do forever.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    anyhow::ensure!(started.elapsed() < BUSY_WAIT, "the database stayed locked for {BUSY_WAIT:?}");
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => anyhow::bail!("unexpected result of the backup step"),
            }
        }
        backup.progress().pagecount
    };
    if let Some(scans) = scans {
        inline_scans(&copy, scans)?;
    }
    let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(check == "ok", "the copy failed its integrity check: {check}");
    copy.close().map_err(|(_, e)| e)?;
    Ok(pages)
}

/// Puts each scan kept in a file into its record in the copy.
fn inline_scans(copy: &Connection, scans: &ScanFiles) -> anyhow::Result<()> {
    let has_files: bool =
        copy.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('documents') WHERE name = 'scan_file'", [], |r| {
            r.get(0)
        })?;
    if !has_files {
        return Ok(());
    }
    let tx = copy.unchecked_transaction()?;
    let files: Vec<(String, String)> = tx
        .prepare("SELECT id, scan_file FROM documents WHERE scan_file IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (document, file) in &files {
        let bytes = scans.read(file).with_context(|| format!("the scan of document {document}"))?;
        tx.execute(
            "UPDATE documents SET scan = ?2, scan_file = NULL WHERE id = ?1",
            rusqlite::params![document, bytes],
        )?;
    }
    Ok(tx.commit()?)
}
