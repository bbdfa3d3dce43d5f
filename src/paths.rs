//! Where the kiosk keeps its files: the platform's config and data dirs, unless flags say otherwise.

use anyhow::Context;
use directories::ProjectDirs;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn resolve(config_file: Option<PathBuf>, data_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let dirs = ProjectDirs::from("ru", "Kuzbass", "pdo-kiosk");
        let config_file = match config_file {
            Some(path) => path,
            None => {
                dirs.as_ref().context("no home directory to keep the configuration in")?.config_dir().join("kiosk.toml")
            }
        };
        let data_dir = match data_dir {
            Some(path) => path,
            None => dirs.as_ref().context("no home directory to keep data in")?.data_dir().to_path_buf(),
        };
        std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
        Ok(Self { config_file, data_dir })
    }

    pub fn store(&self) -> PathBuf {
        self.data_dir.join("kiosk.sqlite3")
    }

    pub fn logs(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The only place the kiosk may keep applicant files for a moment (scans, print jobs); the privacy check
    /// looks here.
    pub fn temp(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    pub fn demo_registry(&self) -> PathBuf {
        self.data_dir.join("demo-registry.sqlite3")
    }
}
