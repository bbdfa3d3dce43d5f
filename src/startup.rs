//! Start-up measurement: the first frame's wall-clock time, written once for scripts/measure-startup.sh, which
//! compares it with the moment it launched the process.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn report_first_frame(path: &Path) {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    if let Err(err) = std::fs::write(path, format!("{nanos}\n")) {
        tracing::warn!(error = %err, "startup report not written");
    }
}
