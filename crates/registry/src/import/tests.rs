//! The checks of an import on in-memory files and an in-memory database.

use super::*;
use crate::storage::StoreResult;

const M: &str = "code,name\nm-1,Первый округ (выдумано)\nm-2,Второй округ (выдумано)\n";
const G: &str = "id,title\ng-1,Группа (выдумано)\n";
const I: &str = "id,municipality_code,name,address,phone,hours\ni-1,m-1,ДДТ (выдумано),\"ул. Условная, 1\",,\n";
const O: &str = "name,address\nОператор (выдумано),\"г. Условный, ул. Такая, 1\"\n";

/// One import in its own transaction, as `run` does it for a SQLite file.
fn apply(conn: &mut rusqlite::Connection, data: &ReferenceData, dry_run: bool) -> StoreResult<Report> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let report = super::apply(&tx, data, dry_run)?;
    tx.commit()?;
    Ok(report)
}

fn errors(m: &str, g: &str, i: &str, o: &str) -> Vec<String> {
    parse(m.as_bytes(), g.as_bytes(), i.as_bytes(), o.as_bytes()).unwrap_err().iter().map(|e| e.to_string()).collect()
}

#[test]
fn the_demo_files_pass_and_match_the_generated_constants() {
    let data = demo();
    let groups: Vec<_> = data.groups.iter().map(|r| (r.key.as_str(), r.values[0].as_deref().unwrap())).collect();
    assert_eq!(groups, crate::demo::GROUPS);
    assert_eq!(data.institutions.len(), crate::demo::INSTITUTIONS.len());
    assert_eq!(data.operator.0, crate::demo::OPERATOR.0);
}

#[test]
fn quoted_fields_optional_values_and_a_bom_are_read() {
    let with_bom = format!("\u{feff}{M}");
    let data = parse(with_bom.as_bytes(), G.as_bytes(), I.as_bytes(), O.as_bytes()).unwrap();
    assert_eq!(data.municipalities.len(), 2);
    let institution = &data.institutions[0];
    assert_eq!(institution.line, 2);
    assert_eq!(
        institution.values,
        vec![Some("m-1".into()), Some("ДДТ (выдумано)".into()), Some("ул. Условная, 1".into()), None, None]
    );
    assert_eq!(data.operator.1, "г. Условный, ул. Такая, 1");
}

#[test]
fn every_problem_is_named_with_file_and_line() {
    let m = "code,name\nm-1,Первый\nm 2,Второй\nm-1,Ещё раз\nm-4,\n";
    let i = "id,municipality_code,name,address,phone,hours\ni-1,x,ДДТ,ул. Условная,,\n";
    assert_eq!(
        errors(m, G, i, O),
        vec![
            "municipalities.csv:3: code \"m 2\" is not an identifier (at most 64 Latin letters, digits, '.', '-', '_')",
            "municipalities.csv:4: duplicate code \"m-1\" (first on line 2)",
            "municipalities.csv:5: empty name",
        ]
    );
    assert_eq!(errors(M, G, i, O), vec!["institutions.csv:2: unknown municipality \"x\""]);
    assert_eq!(
        errors(M, "id\ng-1\n", I, O),
        vec!["groups.csv:1: missing column \"title\"; the header must be \"id,title\""]
    );
    assert_eq!(
        errors(M, G, I, "name,address\n"),
        vec!["operator.csv:1: no operator: the file must have exactly one row after the header"]
    );
    assert_eq!(errors(M, "id,title\ng-1,a,b\n", I, O), vec!["groups.csv:2: 3 fields where the header has 2"]);
    let long_id = "x".repeat(65);
    assert_eq!(errors(M, &format!("id,title\n{long_id},Группа\n"), I, O).len(), 1);
}

#[test]
fn a_file_in_another_encoding_is_one_error() {
    // "Округ" in Windows-1251, as a spreadsheet saves "CSV" on a Russian desktop.
    let mut m = b"code,name\nm-1,".to_vec();
    m.extend_from_slice(&[0xce, 0xea, 0xf0, 0xf3, 0xe3]);
    m.extend_from_slice(b"\nm-2,\xce\xea\n");
    let found = parse(&m, G.as_bytes(), I.as_bytes(), O.as_bytes()).unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].to_string(), "municipalities.csv:2: not UTF-8 text; save the file as \"CSV UTF-8\"");
}

#[test]
fn apply_adds_then_keeps_then_deactivates() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    crate::db::migrations().to_latest(&mut conn).unwrap();
    let data = parse(M.as_bytes(), G.as_bytes(), I.as_bytes(), O.as_bytes()).unwrap();
    let first = apply(&mut conn, &data, false).unwrap();
    assert_eq!(first.file(MUNICIPALITIES).added, vec!["m-1", "m-2"]);
    assert_eq!(first.file(OPERATOR).added, vec!["operator"]);
    let again = apply(&mut conn, &data, false).unwrap();
    assert_eq!((again.file(MUNICIPALITIES).kept, again.file(OPERATOR).kept), (2, 1));
    let fewer = parse(b"code,name\nm-1,Renamed\n", G.as_bytes(), I.as_bytes(), O.as_bytes()).unwrap();
    let dry = apply(&mut conn, &fewer, true).unwrap();
    assert_eq!(dry.file(MUNICIPALITIES).deactivated, vec!["m-2"]);
    assert_eq!(crate::steps::reference::municipalities(&conn).unwrap().len(), 2, "a dry run writes nothing");
    let done = apply(&mut conn, &fewer, false).unwrap();
    assert_eq!(
        (done.file(MUNICIPALITIES).changed.clone(), done.file(MUNICIPALITIES).deactivated.clone()),
        (vec!["m-1".to_string()], vec!["m-2".to_string()])
    );
    let names: Vec<_> = crate::steps::reference::municipalities(&conn).unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(names, vec!["Renamed"]);
    let back = apply(&mut conn, &data, false).unwrap();
    assert_eq!(back.file(MUNICIPALITIES).changed, vec!["m-1", "m-2"], "renamed back, and active again");
}
