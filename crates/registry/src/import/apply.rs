//! Writing checked reference data: what is added, changed, kept and made inactive, all in one transaction (or only
//! worked out, for a dry run).

use super::{GROUPS, INSTITUTIONS, MUNICIPALITIES, OPERATOR, ReferenceData, Row};
use crate::sql::{Conn, Value};
use crate::steps::reference;
use crate::storage::StoreResult;
use pdo_core::api::Operator;
use std::collections::{HashMap, HashSet};

/// What an import did, or would do, to each file's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub dry_run: bool,
    pub files: Vec<FileReport>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub file: &'static str,
    pub added: Vec<String>,
    /// Rows whose values differ, and inactive rows that are back in the file.
    pub changed: Vec<String>,
    pub kept: usize,
    /// Active rows the file no longer has; they stay in the database, marked inactive.
    pub deactivated: Vec<String>,
}

impl Report {
    pub fn file(&self, file: &str) -> &FileReport {
        self.files.iter().find(|f| f.file == file).expect("every import reports every file")
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.dry_run {
            writeln!(f, "Dry run: nothing was written. The import would do this:")?;
        }
        for r in &self.files {
            let (added, changed, inactive) = (r.added.len(), r.changed.len(), r.deactivated.len());
            writeln!(f, "{}: {added} added, {changed} changed, {} kept, {inactive} made inactive", r.file, r.kept)?;
            if !r.changed.is_empty() {
                writeln!(f, "  changed: {}", r.changed.join(", "))?;
            }
            if !r.deactivated.is_empty() {
                writeln!(f, "  inactive: {}", r.deactivated.join(", "))?;
            }
        }
        if !self.dry_run {
            writeln!(f, "Reference data imported.")?;
        }
        Ok(())
    }
}

/// A reference table and its columns after the key, in the order of `Row::values`; the CSV names them the same.
struct Table {
    file: &'static str,
    table: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

const TABLES: [Table; 3] = [
    Table { file: MUNICIPALITIES, table: "municipalities", key: "code", columns: &["name"] },
    Table { file: GROUPS, table: "certificate_groups", key: "id", columns: &["title"] },
    Table {
        file: INSTITUTIONS,
        table: "institutions",
        key: "id",
        columns: &["municipality_code", "name", "address", "phone", "hours"],
    },
];

/// Brings the database to `data` within the caller's transaction, or with `dry_run` only reads it and reports what
/// would change.
pub fn apply(tx: &dyn Conn, data: &ReferenceData, dry_run: bool) -> StoreResult<Report> {
    let mut files = Vec::new();
    // Municipalities first: institutions refer to them.
    for (table, rows) in TABLES.iter().zip([&data.municipalities, &data.groups, &data.institutions]) {
        files.push(sync_table(tx, table, rows, !dry_run)?);
    }
    files.push(sync_operator(tx, &data.operator, !dry_run)?);
    Ok(Report { dry_run, files })
}

fn sync_table(tx: &dyn Conn, t: &Table, rows: &[Row], write: bool) -> StoreResult<FileReport> {
    let (table, key, columns) = (t.table, t.key, t.columns.join(", "));
    let mut existing: HashMap<String, (Vec<Option<String>>, bool)> = HashMap::new();
    let mut stmt = tx.prepare(&format!("SELECT {key}, {columns}, active FROM {table}"))?;
    for r in stmt.query(())? {
        let values = (1..=t.columns.len()).map(|i| r.get(i)).collect::<Result<Vec<Option<String>>, _>>()?;
        existing.insert(r.get(0)?, (values, r.get(t.columns.len() + 1)?));
    }
    let mut report = FileReport { file: t.file, added: vec![], changed: vec![], kept: 0, deactivated: vec![] };
    let mut to_write = Vec::new();
    for row in rows {
        match existing.get(&row.key) {
            None => report.added.push(row.key.clone()),
            Some((values, true)) if *values == row.values => {
                report.kept += 1;
                continue;
            }
            Some(_) => report.changed.push(row.key.clone()),
        }
        to_write.push(row);
    }
    let in_file: HashSet<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    report.deactivated = existing
        .iter()
        .filter(|(k, (_, active))| *active && !in_file.contains(k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    report.deactivated.sort();
    if write {
        let placeholders: Vec<String> = (1..=t.columns.len() + 1).map(|i| format!("?{i}")).collect();
        let updates: Vec<String> = t.columns.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let mut upsert = tx.prepare(&format!(
            "INSERT INTO {table} ({key}, {columns}, active) VALUES ({}, 1)
             ON CONFLICT({key}) DO UPDATE SET {}, active = 1",
            placeholders.join(", "),
            updates.join(", ")
        ))?;
        for row in to_write {
            let values = std::iter::once(Some(&row.key)).chain(row.values.iter().map(Option::as_ref));
            upsert.execute(values.map(|v| v.map_or(Value::Null, |s| Value::Text(s.clone()))).collect::<Vec<_>>())?;
        }
        let mut deactivate = tx.prepare(&format!("UPDATE {table} SET active = 0 WHERE {key} = ?1"))?;
        for key in &report.deactivated {
            deactivate.execute([key])?;
        }
    }
    Ok(report)
}

fn sync_operator(tx: &dyn Conn, (name, address): &(String, String), write: bool) -> StoreResult<FileReport> {
    let current = reference::operator(tx)?;
    let mut report = FileReport { file: OPERATOR, added: vec![], changed: vec![], kept: 0, deactivated: vec![] };
    let key = "operator".to_string();
    if current.name.is_empty() {
        report.added.push(key);
    } else if (&current.name, &current.address) != (name, address) {
        report.changed.push(key);
    } else {
        report.kept = 1;
        return Ok(report);
    }
    if write {
        reference::set_operator(tx, &Operator { name: name.clone(), address: address.clone() })?;
    }
    Ok(report)
}
