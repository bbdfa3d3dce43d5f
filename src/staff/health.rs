//! Facts for the staff panel's health page that need the disk or a device: where the data dir is and how full its
//! disk is, and whether the document camera opens. Blocking calls: run them on a blocking thread.

use crate::store::{Store, StoreError};
use pdo_vision::{CameraState, open_source, parse_camera_spec};
use std::path::{Path, PathBuf};

/// The document camera as staff are told about it.
#[derive(Debug, Clone, PartialEq)]
pub enum CameraStatus {
    Checking,
    Working {
        width: u32,
        height: u32,
        fps: u32,
    },
    /// Nothing to open (no device, or the synthetic folder is empty).
    Missing,
    /// It opened once and stopped delivering frames.
    Disconnected,
    /// The `camera` setting is not understood.
    BadSetting,
    /// The photo step has it open right now; it is not opened a second time.
    InUse,
}

/// Opens the configured camera once and closes it again.
pub fn probe_camera(setting: &str) -> CameraStatus {
    let Ok(spec) = parse_camera_spec(setting) else { return CameraStatus::BadSetting };
    let mut source = open_source(&spec);
    let state = source.open();
    source.close();
    match state {
        CameraState::Streaming { width, height, fps } => CameraStatus::Working { width, height, fps },
        CameraState::NoCamera(reason) => {
            tracing::info!(reason, "camera probe: none");
            CameraStatus::Missing
        }
        CameraState::Closed => CameraStatus::Missing,
        CameraState::Disconnected(_) => CameraStatus::Disconnected,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub free_bytes: u64,
    pub total_bytes: u64,
}

/// Free and total space of the file system holding `dir`.
pub fn disk_space(dir: &Path) -> Option<DiskSpace> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `path` is a valid NUL-terminated string and `stat` a zeroed plain C struct that statvfs fills in.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    let block = stat.f_frsize as u64;
    Some(DiskSpace { free_bytes: stat.f_bavail as u64 * block, total_bytes: stat.f_blocks as u64 * block })
}

impl Store {
    /// The folder the store's file lives in: the kiosk's data dir. Asked of SQLite, so the GUI needs no paths of
    /// its own for the privacy check and the disk figure.
    pub async fn data_dir(&self) -> Result<PathBuf, StoreError> {
        let file: String = self.call(|conn| conn.query_row("PRAGMA database_list", [], |r| r.get(2))).await?;
        Path::new(&file)
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| StoreError::Database(format!("the store has no folder: {file:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_data_dir_is_where_the_store_lives_and_its_disk_has_room() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
        let found = store.data_dir().await.unwrap();
        assert_eq!(found.canonicalize().unwrap(), dir.path().canonicalize().unwrap());
        let space = disk_space(&found).unwrap();
        assert!(space.total_bytes > 0 && space.free_bytes <= space.total_bytes, "{space:?}");
        assert_eq!(disk_space(Path::new("/no/such/dir")), None);
    }

    #[test]
    fn the_camera_probe_says_missing_or_a_bad_setting() {
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(probe_camera(&format!("synthetic:{}", empty.path().display())), CameraStatus::Missing);
        assert_eq!(probe_camera("telescope"), CameraStatus::BadSetting);
    }
}
