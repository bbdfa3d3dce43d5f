//! Document scans of a SQLite registry, one file each in a folder beside the database (`<db>.scans/`).
//!
//! Why not in the database: a 200 KB scan is fifty 4 KB pages that SQLite writes into the WAL frame by frame, while
//! every other writer waits for the one writing connection, and then copies again into the database file at the
//! checkpoint. Measured with `benches/load`, storing the scans took the registry from about 500 to about 300
//! complete applications per second. A file is written and synced by the request's own thread, in parallel with
//! the others, before the step that refers to it; SQLite's own guidance puts the break-even near 100 KB
//! (<https://www.sqlite.org/intern-v-extern-blob.html>).
//!
//! The rules that keep the folder and the records in step:
//! - a file is complete and synced before any record names it; a step that fails leaves its file unnamed, and it
//!   is deleted at once;
//! - a file no record names any more (a scan replaced) is overwritten with zeros and deleted after the commit;
//! - what a crash leaves in between (a file written, its step never committed) is swept: unnamed files older than
//!   `SWEEP_AFTER` go when the registry starts and with the hourly prune;
//! - `pdo-registry backup` holds a shared lock on the folder while it copies the files into the backup (which has
//!   every scan inline); deleting needs the lock exclusively and, when a backup holds it, waits for the next sweep.
//!
//! PostgreSQL keeps scans in the database: its processes need not share a disk.

use anyhow::Context;
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Unnamed files younger than this may be a step still running, never swept.
pub const SWEEP_AFTER: Duration = Duration::from_secs(10 * 60);

const LOCK_FILE: &str = ".lock";

pub struct ScanFiles {
    dir: PathBuf,
}

/// The folder of a database's scans.
pub fn dir_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".scans");
    db.with_file_name(name)
}

impl ScanFiles {
    /// The folder beside `db`, created (readable by the service's user only) when missing.
    pub fn open(db: &Path) -> anyhow::Result<Self> {
        let dir = dir_of(db);
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self { dir })
    }

    /// Writes `bytes` under a new name and syncs the file and the folder; returns the name. No rename: until the
    /// step that names the file commits, a file cut short by a crash is unnamed, and swept like any other.
    pub fn store(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let name = crate::steps::new_id();
        let path = self.dir.join(&name);
        let written = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            File::open(&self.dir)?.sync_all()
        })();
        if let Err(err) = written {
            let _ = fs::remove_file(&path);
            return Err(err).with_context(|| format!("writing a scan into {}", self.dir.display()));
        }
        Ok(name)
    }

    pub fn read(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        fs::read(self.path(name)).with_context(|| format!("reading scan {name}"))
    }

    /// Deletes files no record names, unless a backup is copying them now: then the next sweep does. Returns
    /// whether they went.
    pub fn discard(&self, names: &[String]) -> bool {
        if names.is_empty() {
            return true;
        }
        let Some(_lock) = self.lock(Lock::Exclusive) else { return false };
        for name in names {
            if let Err(err) = overwrite_and_remove(&self.path(name)) {
                tracing::warn!(scan = %name, error = %err, "a replaced scan could not be deleted; the sweep retries");
            }
        }
        true
    }

    /// Deletes files older than `older_than` that are not in `named` (the names the records hold, read after the
    /// folder was listed); returns how many went.
    pub fn sweep(
        &self,
        older_than: Duration,
        named: impl FnOnce() -> anyhow::Result<HashSet<String>>,
    ) -> anyhow::Result<usize> {
        let Some(_lock) = self.lock(Lock::Exclusive) else { return Ok(0) };
        let now = SystemTime::now();
        let mut old = vec![];
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let modified = entry.metadata()?.modified()?;
            if name != LOCK_FILE && now.duration_since(modified).unwrap_or_default() >= older_than {
                old.push(name);
            }
        }
        // Listed first, named second: a file whose step commits in between is in `named`.
        let named = named()?;
        let mut swept = 0;
        for name in old.iter().filter(|n| !named.contains(n.as_str())) {
            overwrite_and_remove(&self.path(name))?;
            swept += 1;
        }
        Ok(swept)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// `None` when the lock is held the other way (a backup holds it shared, a deletion exclusively).
    pub fn lock(&self, kind: Lock) -> Option<File> {
        let file =
            OpenOptions::new().read(true).write(true).create(true).mode(0o600).open(self.dir.join(LOCK_FILE)).ok()?;
        let taken = match kind {
            Lock::Shared => file.lock_shared().map(|()| true),
            Lock::Exclusive => file.try_lock().map(|()| true).or_else(|e| match e {
                fs::TryLockError::WouldBlock => Ok(false),
                fs::TryLockError::Error(e) => Err(e),
            }),
        };
        taken.ok().filter(|t| *t).map(|_| file)
    }
}

pub enum Lock {
    /// A backup: waits for a deletion in progress, then holds deletions off.
    Shared,
    /// A deletion: never waits for a backup.
    Exclusive,
}

/// Zeros over the scan before it is unlinked, as `secure_delete` does for the database's pages.
fn overwrite_and_remove(path: &Path) -> std::io::Result<()> {
    let mut file = match OpenOptions::new().write(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    let len = file.metadata()?.len() as usize;
    file.write_all(&vec![0; len])?;
    file.sync_all()?;
    fs::remove_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_files_read_back_and_discarded_ones_are_gone() {
        let dir = tempfile::tempdir().unwrap();
        let scans = ScanFiles::open(&dir.path().join("r.sqlite3")).unwrap();
        let name = scans.store(b"\xFF\xD8scan").unwrap();
        assert_eq!(scans.read(&name).unwrap(), b"\xFF\xD8scan");
        let mode = fs::metadata(dir.path().join("r.sqlite3.scans").join(&name)).unwrap();
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777, 0o600);
        assert!(scans.discard(std::slice::from_ref(&name)));
        assert!(scans.read(&name).is_err());
    }

    #[test]
    fn the_sweep_takes_old_unnamed_files_only_and_waits_for_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let scans = ScanFiles::open(&dir.path().join("r.sqlite3")).unwrap();
        let named = scans.store(b"named").unwrap();
        let orphan = scans.store(b"orphan").unwrap();
        fs::write(dir.path().join("r.sqlite3.scans").join("cut-short"), b"half").unwrap();
        let names = || Ok(HashSet::from([named.clone()]));
        assert_eq!(scans.sweep(SWEEP_AFTER, names).unwrap(), 0, "young files stay: their step may be running");
        let backup = scans.lock(Lock::Shared).unwrap();
        assert_eq!(scans.sweep(Duration::ZERO, names).unwrap(), 0, "nothing goes while a backup copies");
        assert!(!scans.discard(std::slice::from_ref(&named)));
        drop(backup);
        assert_eq!(scans.sweep(Duration::ZERO, names).unwrap(), 2, "the orphan and the file cut short");
        assert!(scans.read(&named).is_ok());
        assert!(scans.read(&orphan).is_err());
    }
}
