//! Reading one CSV file of reference data into checked rows: the header, UTF-8, field counts, required values,
//! identifiers and duplicate keys. Every error names the file and the line (the header is line 1).

use super::{ImportError, Row};
use pdo_core::validation::nfc;
use std::collections::HashMap;

/// How a column's values are checked.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    /// An identifier: 1 to 64 ASCII letters, digits, '.', '-' or '_' (they end up in URLs and ids of other rows).
    Id,
    /// Required text on one line.
    Text,
    /// Optional text on one line; empty is stored as absent.
    Optional,
}

pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// Longer than this is refused: the API's limit for text fields.
const TEXT_MAX_CHARS: usize = 300;
const ID_MAX_LEN: usize = 64;

/// Reads `bytes` as the CSV file `file` whose header must hold exactly `columns` (in any order). The first column is
/// the row's key; a key seen twice is an error. Errors are appended to `errors`; rows with an error are left out.
pub fn read(file: &'static str, bytes: &[u8], columns: &[Column], errors: &mut Vec<ImportError>) -> Vec<Row> {
    let at = |line: u64, message: String| ImportError { file, line: Some(line), message };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let expected = columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            errors.push(at(1, format!("the file is empty; the first line must be the header {expected:?}")));
            return Vec::new();
        }
        Err(err) => {
            errors.push(csv_error(file, &err));
            return Vec::new();
        }
    }
    let Some(index) = header(&record, columns, &expected, &mut |m| errors.push(at(1, m))) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                let fatal = matches!(err.kind(), csv::ErrorKind::Io(_));
                errors.push(csv_error(file, &err));
                if fatal {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut values = Vec::with_capacity(columns.len());
        let mut row_ok = true;
        for (column, &i) in columns.iter().zip(&index) {
            let Ok(raw) = std::str::from_utf8(&record[i]) else {
                // A file in another encoding fails on nearly every line: one message says it all.
                errors.push(at(line, "not UTF-8 text; save the file as \"CSV UTF-8\"".into()));
                return Vec::new();
            };
            match value(column, raw) {
                Ok(v) => values.push(v),
                Err(message) => {
                    errors.push(at(line, message));
                    row_ok = false;
                }
            }
        }
        if !row_ok {
            continue;
        }
        let key = values[0].clone().unwrap_or_default();
        if let Some(first) = first_seen.get(&key) {
            errors.push(at(line, format!("duplicate {} {key:?} (first on line {first})", columns[0].name)));
            continue;
        }
        first_seen.insert(key.clone(), line);
        rows.push(Row { line, key, values: values[1..].to_vec() });
    }
    rows
}

/// Where each column is in the file's header; `None` after reporting what is wrong with it.
fn header(
    record: &csv::ByteRecord,
    columns: &[Column],
    expected: &str,
    report: &mut dyn FnMut(String),
) -> Option<Vec<usize>> {
    let Ok(names) = record.iter().map(std::str::from_utf8).collect::<Result<Vec<_>, _>>() else {
        report("not UTF-8 text; save the file as \"CSV UTF-8\"".into());
        return None;
    };
    let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            report(format!("column {name:?} appears twice"));
            ok = false;
        } else if !columns.iter().any(|c| c.name == *name) {
            report(format!("unknown column {name:?}; the header must be {expected:?}"));
            ok = false;
        }
    }
    let mut index = Vec::new();
    for column in columns {
        match names.iter().position(|n| *n == column.name) {
            Some(i) => index.push(i),
            None => {
                report(format!("missing column {:?}; the header must be {expected:?}", column.name));
                ok = false;
            }
        }
    }
    ok.then_some(index)
}

/// A field trimmed and NFC-normalised, then checked for its column.
fn value(column: &Column, raw: &str) -> Result<Option<String>, String> {
    let text = nfc(raw.trim());
    let name = column.name;
    if text.is_empty() {
        return if column.kind == Kind::Optional { Ok(None) } else { Err(format!("empty {name}")) };
    }
    match column.kind {
        Kind::Id => {
            let valid = text.len() <= ID_MAX_LEN
                && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
            if !valid {
                return Err(format!(
                    "{name} {text:?} is not an identifier (at most {ID_MAX_LEN} Latin letters, digits, '.', '-', '_')"
                ));
            }
        }
        Kind::Text | Kind::Optional => {
            if text.chars().any(char::is_control) {
                return Err(format!("{name} holds a line break or another control character"));
            }
            if text.chars().count() > TEXT_MAX_CHARS {
                return Err(format!("{name} is longer than {TEXT_MAX_CHARS} characters"));
            }
        }
    }
    Ok(Some(text))
}

fn csv_error(file: &'static str, err: &csv::Error) -> ImportError {
    let line = err.position().map(|p| p.line());
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text; save the file as \"CSV UTF-8\"".into(),
        _ => err.to_string(),
    };
    ImportError { file, line, message }
}
