//! `pdo-registry reference import`: the region's reference data (municipalities, certificate groups, institutions
//! that activate certificates, the operator) from four CSV files, checked whole before anything is written, then
//! upserted in one transaction. Rows missing from a later import are marked inactive, never deleted: applications
//! and staff that point at them keep reading. Demo seeding imports the invented files in reference/demo/ with the
//! same code.

mod apply;
mod read;

pub use apply::{FileReport, Report, apply};
use read::{Column, Kind};
use std::collections::HashSet;
use std::path::Path;

pub const MUNICIPALITIES: &str = "municipalities.csv";
pub const GROUPS: &str = "groups.csv";
pub const INSTITUTIONS: &str = "institutions.csv";
pub const OPERATOR: &str = "operator.csv";
/// The files of an import, in the order they are checked and reported.
pub const FILES: [&str; 4] = [MUNICIPALITIES, GROUPS, INSTITUTIONS, OPERATOR];

/// What is wrong with an import, as `file:line: message` (the header is line 1).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub file: &'static str,
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// One checked row: its key (the first column) and the other columns' values in the table's column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub key: String,
    pub values: Vec<Option<String>>,
}

/// The four files, checked and consistent with each other.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub municipalities: Vec<Row>,
    pub groups: Vec<Row>,
    pub institutions: Vec<Row>,
    /// (name, address)
    pub operator: (String, String),
}

const MUNICIPALITY_COLUMNS: &[Column] =
    &[Column { name: "code", kind: Kind::Id }, Column { name: "name", kind: Kind::Text }];
const GROUP_COLUMNS: &[Column] = &[Column { name: "id", kind: Kind::Id }, Column { name: "title", kind: Kind::Text }];
const INSTITUTION_COLUMNS: &[Column] = &[
    Column { name: "id", kind: Kind::Id },
    Column { name: "municipality_code", kind: Kind::Id },
    Column { name: "name", kind: Kind::Text },
    Column { name: "address", kind: Kind::Text },
    Column { name: "phone", kind: Kind::Optional },
    Column { name: "hours", kind: Kind::Optional },
];
const OPERATOR_COLUMNS: &[Column] =
    &[Column { name: "name", kind: Kind::Text }, Column { name: "address", kind: Kind::Text }];

/// Reads the four files from `dir`. A file that cannot be read is an error like any other.
pub fn read_dir(dir: &Path) -> Result<ReferenceData, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut contents = FILES.map(|file| match std::fs::read(dir.join(file)) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            errors.push(ImportError { file, line: None, message: format!("cannot read {}: {err}", dir.display()) });
            None
        }
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let [m, g, i, o] = contents.each_mut().map(|c| c.take().unwrap_or_default());
    parse(&m, &g, &i, &o)
}

/// Checks the contents of municipalities.csv, groups.csv, institutions.csv and operator.csv; every error found is
/// returned, in file and line order.
pub fn parse(
    municipalities: &[u8],
    groups: &[u8],
    institutions: &[u8],
    operator: &[u8],
) -> Result<ReferenceData, Vec<ImportError>> {
    let mut errors = Vec::new();
    let municipalities = read::read(MUNICIPALITIES, municipalities, MUNICIPALITY_COLUMNS, &mut errors);
    let municipalities_whole = errors.is_empty();
    let groups = read::read(GROUPS, groups, GROUP_COLUMNS, &mut errors);
    let institutions = read::read(INSTITUTIONS, institutions, INSTITUTION_COLUMNS, &mut errors);
    // Against a municipalities.csv that failed its own checks, "unknown municipality" would mostly be noise.
    if municipalities_whole {
        let known: HashSet<&str> = municipalities.iter().map(|m| m.key.as_str()).collect();
        for row in &institutions {
            let code = row.values[0].as_deref().unwrap_or_default();
            if !known.contains(code) {
                let message = format!("unknown municipality {code:?}");
                errors.push(ImportError { file: INSTITUTIONS, line: Some(row.line), message });
            }
        }
    }
    errors.sort_by_key(|e| (FILES.iter().position(|f| *f == e.file), e.line));
    let operator_rows = read::read(OPERATOR, operator, OPERATOR_COLUMNS, &mut errors);
    let operator = match operator_rows.as_slice() {
        [row] => Some((row.key.clone(), row.values[0].clone().unwrap_or_default())),
        [] if errors.iter().any(|e| e.file == OPERATOR) => None,
        [] => {
            let message = "no operator: the file must have exactly one row after the header".to_string();
            errors.push(ImportError { file: OPERATOR, line: Some(1), message });
            None
        }
        [_, extra, ..] => {
            let message = format!("{} operator rows; the file must have exactly one", operator_rows.len());
            errors.push(ImportError { file: OPERATOR, line: Some(extra.line), message });
            None
        }
    };
    match operator {
        Some(operator) if errors.is_empty() => Ok(ReferenceData { municipalities, groups, institutions, operator }),
        _ => Err(errors),
    }
}

/// Imports `data` into `db` (a SQLite file or a `postgres://` URL) in one transaction, or with `dry_run` only
/// works out what would change.
pub fn run(db: &Path, data: &ReferenceData, dry_run: bool) -> anyhow::Result<Report> {
    let postgres = db.to_str().is_some_and(crate::storage::is_postgres_url);
    Ok(match (dry_run, postgres) {
        (true, false) => {
            let mut conn = open_for_dry_run(db)?;
            let tx = conn.transaction()?;
            apply(&tx, data, true)?
        }
        (true, true) => crate::storage::Storage::open(db)?.read(|tx| apply(tx, data, true))?,
        (false, _) => crate::storage::Storage::open(db)?.write(|tx| apply(tx, data, false))?,
    })
}

/// A SQLite connection for a dry run: the database as it is, never created or migrated. Without a database yet,
/// an empty one in memory (everything would be added).
pub fn open_for_dry_run(db: &Path) -> anyhow::Result<rusqlite::Connection> {
    if !db.exists() {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        crate::db::migrations().to_latest(&mut conn)?;
        return Ok(conn);
    }
    // Read-write but never created, migrated or written (apply only reads in a dry run): a read-only connection to
    // a stopped service's database would leave a -wal and -shm owned by whoever ran it, which can lock the service's
    // user out; a read-write one, the last to close, removes them.
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let current = conn.prepare("SELECT active FROM municipalities LIMIT 0").is_ok();
    anyhow::ensure!(
        current,
        "{} was made by an older pdo-registry: run the import once without --dry-run, or start the service, to \
         upgrade it",
        db.display()
    );
    Ok(conn)
}

/// The invented demo data shipped in reference/demo/, as `--demo` seeds it.
pub fn demo() -> ReferenceData {
    parse(
        include_bytes!("../../reference/demo/municipalities.csv"),
        include_bytes!("../../reference/demo/groups.csv"),
        include_bytes!("../../reference/demo/institutions.csv"),
        include_bytes!("../../reference/demo/operator.csv"),
    )
    .expect("the demo reference data passes the import's checks (a unit test keeps it so)")
}

#[cfg(test)]
mod tests;
