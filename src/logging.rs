//! Structured logs: JSON lines to a daily-rotated file in the data dir (two weeks kept) and a short form to stderr.
//! Log calls carry ids and codes only, never names, numbers or images of applicants.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Keep the guard alive for the life of the process: dropping it flushes the file.
pub fn init(dir: &Path) -> anyhow::Result<WorkerGuard> {
    std::fs::create_dir_all(dir)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("pdo-kiosk")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,wgpu=warn,winit=warn"));
    tracing_subscriber::registry()
        .with(fmt::layer().json().with_writer(file).with_filter(filter()))
        .with(fmt::layer().compact().with_writer(std::io::stderr).with_filter(filter()))
        // The staff panel's "last problems": messages and codes only (see staff::recent).
        .with(crate::staff::recent::RecentProblems)
        .init();
    Ok(guard)
}
