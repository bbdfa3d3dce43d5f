//! `pdo-registry reference import` as a deployment runs it: the real binary on real CSV files and a real SQLite file,
//! then the registry served from that file over real HTTP. Every refused import must leave the database as it was.

mod support;

use pdo_registry::embedded::EmbeddedRegistry;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

const MUNICIPALITIES: &str = "code,name\nm-1,Первый округ (выдумано)\nm-2,Второй округ (выдумано)\n";
const GROUPS: &str = "id,title\ng-1,Дети от 5 до 18 лет (выдумано)\ng-2,Вторая группа (выдумано)\n";
const INSTITUTIONS: &str = "id,municipality_code,name,address,phone,hours\n\
    i-1,m-1,\"ДДТ \"\"Вымысел\"\"\",\"ул. Условная, 1\",+7 900 000-00-11,пн–пт 9–18\n\
    i-2,m-1,СЮТ (выдумано),\"ул. Условная, 2\",,\n\
    i-3,m-2,ДЮСШ (выдумано),\"пос. Учебный, ул. Спортивная, 1\",+7 900 000-00-13,\n";
const OPERATOR: &str = "name,address\nОператор (выдумано),\"650000, г. Условный, ул. Такая, 1\"\n";

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(municipalities: &str, groups: &str, institutions: &str, operator: &str) -> Files {
        let files = Files { dir: tempfile::tempdir().unwrap() };
        files.write("municipalities.csv", municipalities.as_bytes());
        files.write("groups.csv", groups.as_bytes());
        files.write("institutions.csv", institutions.as_bytes());
        files.write("operator.csv", operator.as_bytes());
        files
    }

    fn good() -> Files {
        Files::new(MUNICIPALITIES, GROUPS, INSTITUTIONS, OPERATOR)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
    }
}

fn cli(args: &[&str], db: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pdo-registry")).args(args).arg("--db").arg(db).output().unwrap()
}

fn import(db: &Path, files: &Files, dry_run: bool) -> Output {
    let dir = files.dir.path().to_str().unwrap();
    let mut args = vec!["reference", "import", "--dir", dir];
    if dry_run {
        args.push("--dry-run");
    }
    cli(&args, db)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn imported(db: &Path, files: &Files) -> String {
    let out = import(db, files, false);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Every row of the reference tables and the settings, as text, to compare before and after.
fn rows(db: &Path) -> Vec<String> {
    [
        "SELECT code || '|' || name || '|' || active FROM municipalities ORDER BY code",
        "SELECT id || '|' || title || '|' || active FROM certificate_groups ORDER BY id",
        "SELECT id || '|' || municipality_code || '|' || name || '|' || address || '|' || COALESCE(phone, '-') || '|' \
         || COALESCE(hours, '-') || '|' || active FROM institutions ORDER BY id",
        "SELECT key || '|' || value FROM settings ORDER BY key",
    ]
    .iter()
    .flat_map(|sql| support::texts(db, sql))
    .collect()
}

/// The bytes of a SQLite file, which a refused import must not touch; a PostgreSQL database has no file of its own
/// to compare, and its rows are compared as for SQLite.
fn file_bytes(db: &Path) -> Option<Vec<u8>> {
    (!support::on_postgres()).then(|| std::fs::read(db).unwrap())
}

async fn get(registry: &EmbeddedRegistry, path: &str) -> Value {
    let response = reqwest::get(format!("{}{path}", registry.base_url())).await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v[key].as_str().unwrap().to_string()).collect()
}

fn a_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = support::database(dir.path());
    (dir, db)
}

#[tokio::test]
async fn imported_data_is_served_and_a_second_import_reports_what_changed() {
    let (_dir, db) = a_db();
    let report = imported(&db, &Files::good());
    assert!(report.contains("municipalities.csv: 2 added, 0 changed, 0 kept, 0 made inactive"), "{report}");
    assert!(report.contains("institutions.csv: 3 added, 0 changed, 0 kept, 0 made inactive"), "{report}");
    assert!(report.contains("operator.csv: 1 added, 0 changed, 0 kept, 0 made inactive"), "{report}");

    let registry = EmbeddedRegistry::start(&db, false).unwrap();
    let groups = get(&registry, "/api/v1/certificate-groups").await;
    assert_eq!(
        groups,
        json!([{"id": "g-1", "title": "Дети от 5 до 18 лет (выдумано)"}, {"id": "g-2", "title": "Вторая группа (выдумано)"}])
    );
    let first = get(&registry, "/api/v1/institutions?municipality=m-1").await;
    assert_eq!(ids(&first, "id"), ["i-1", "i-2"]);
    assert_eq!(first[0]["name"], "ДДТ \"Вымысел\"", "RFC 4180 quotes");
    assert_eq!(first[0]["address"], "ул. Условная, 1");
    assert_eq!(first[1]["phone"], Value::Null, "an empty phone is absent");
    assert_eq!(ids(&get(&registry, "/api/v1/municipalities").await, "code"), ["m-2", "m-1"]);
    drop(registry);

    // i-1 gets new hours, i-2 and g-2 are gone from the files.
    let changed_institutions =
        INSTITUTIONS.replace("пн–пт 9–18", "пн–сб 10–19").replace("i-2,m-1,СЮТ (выдумано),\"ул. Условная, 2\",,\n", "");
    let changed =
        Files::new(MUNICIPALITIES, "id,title\ng-1,Дети от 5 до 18 лет (выдумано)\n", &changed_institutions, OPERATOR);
    let report = imported(&db, &changed);
    assert!(report.contains("institutions.csv: 0 added, 1 changed, 1 kept, 1 made inactive"), "{report}");
    assert!(report.contains("  changed: i-1\n  inactive: i-2\n"), "{report}");
    assert!(report.contains("groups.csv: 0 added, 0 changed, 1 kept, 1 made inactive\n  inactive: g-2\n"), "{report}");
    assert!(report.contains("operator.csv: 0 added, 0 changed, 1 kept"), "{report}");

    let registry = EmbeddedRegistry::start(&db, false).unwrap();
    let institutions = get(&registry, "/api/v1/institutions").await;
    assert_eq!(ids(&institutions, "id"), ["i-1", "i-3"]);
    assert_eq!(institutions[0]["hours"], "пн–сб 10–19");
    assert_eq!(ids(&get(&registry, "/api/v1/certificate-groups").await, "id"), ["g-1"]);
    drop(registry);
    // Inactive, not deleted: whatever points at them still finds them.
    let rows = rows(&db);
    assert!(rows.contains(&"g-2|Вторая группа (выдумано)|0".to_string()), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("i-2|m-1|") && r.ends_with("|0")), "{rows:?}");

    // Back in the file: active again, reported as changed.
    let report = imported(&db, &Files::good());
    assert!(report.contains("groups.csv: 0 added, 1 changed, 1 kept, 0 made inactive\n  changed: g-2\n"), "{report}");
}

/// Replaces one of the good files with a bad one.
type Spoil = Box<dyn Fn(&Files)>;

#[test]
fn every_refused_import_names_file_and_line_and_changes_nothing() {
    let not_an_identifier =
        "institutions.csv:3: id \"i 2\" is not an identifier (at most 64 Latin letters, digits, '.', '-', '_')";
    let mut cp1251 = b"code,name\nm-1,".to_vec();
    cp1251.extend_from_slice(&[0xce, 0xea, 0xf0, 0xf3, 0xe3, b'\n']);
    let cases: Vec<(&str, Spoil, &str)> = vec![
        (
            "missing column",
            Box::new(|f| f.write("institutions.csv", b"id,municipality_code,name,address,phone\ni-1,m-1,A,B,\n")),
            "institutions.csv:1: missing column \"hours\"; the header must be \"id,municipality_code,name,address,phone,hours\"",
        ),
        (
            "duplicate id",
            Box::new(|f| f.write("groups.csv", b"id,title\ng-1,A\ng-2,B\ng-1,C\n")),
            "groups.csv:4: duplicate id \"g-1\" (first on line 2)",
        ),
        (
            "unknown municipality",
            Box::new(|f| f.write("institutions.csv", INSTITUTIONS.replace("i-2,m-1", "i-2,x").as_bytes())),
            "institutions.csv:3: unknown municipality \"x\"",
        ),
        (
            "not UTF-8",
            Box::new(move |f| f.write("municipalities.csv", &cp1251)),
            "municipalities.csv:2: not UTF-8 text; save the file as \"CSV UTF-8\"",
        ),
        (
            "empty required value",
            Box::new(|f| f.write("institutions.csv", INSTITUTIONS.replace("\"ул. Условная, 2\"", "\"  \"").as_bytes())),
            "institutions.csv:3: empty address",
        ),
        (
            "id that is not an identifier",
            Box::new(|f| f.write("institutions.csv", INSTITUTIONS.replace("i-2,", "i 2,").as_bytes())),
            not_an_identifier,
        ),
        (
            "two operators",
            Box::new(|f| f.write("operator.csv", format!("{OPERATOR}Другой (выдумано),Где-то\n").as_bytes())),
            "operator.csv:3: 2 operator rows; the file must have exactly one",
        ),
    ];
    let (_dir, db) = a_db();
    imported(&db, &Files::good());
    let bytes = file_bytes(&db);
    let before = rows(&db);
    assert_eq!(before.len(), 2 + 2 + 3 + 2);
    for (case, spoil, expected) in cases {
        // Every file but one is a changed, valid import: nothing of it may land either.
        let files = Files::new(MUNICIPALITIES, "id,title\ng-9,Новая (выдумано)\n", INSTITUTIONS, OPERATOR);
        spoil(&files);
        let out = import(&db, &files, false);
        assert!(!out.status.success(), "{case}: {}", stdout(&out));
        let errors = stderr(&out);
        assert!(errors.lines().any(|l| l == expected), "{case}: expected {expected:?} in\n{errors}");
        assert!(errors.contains("nothing was changed"), "{case}: {errors}");
        assert!(stdout(&out).is_empty(), "{case}: {}", stdout(&out));
        assert_eq!(file_bytes(&db), bytes, "{case}: the database file changed");
        assert_eq!(rows(&db), before, "{case}");
    }
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let (dir, db) = a_db();
    let out = import(&db, &Files::good(), true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("municipalities.csv: 2 added"), "{}", stdout(&out));
    if !support::on_postgres() {
        assert!(!db.exists(), "a dry run creates no database");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    } else {
        assert_eq!(rows(&db), Vec::<String>::new(), "a dry run writes nothing");
    }

    imported(&db, &Files::good());
    let bytes = file_bytes(&db);
    let before = rows(&db);
    let fewer = Files::new(
        "code,name\nm-1,Переименован (выдумано)\n",
        GROUPS,
        "id,municipality_code,name,address,phone,hours\n",
        OPERATOR,
    );
    let out = import(&db, &fewer, true);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.starts_with("Dry run: nothing was written."), "{report}");
    assert!(
        report.contains(
            "municipalities.csv: 0 added, 1 changed, 0 kept, 1 made inactive\n  changed: m-1\n  inactive: m-2\n"
        ),
        "{report}"
    );
    assert!(
        report.contains("institutions.csv: 0 added, 0 changed, 0 kept, 3 made inactive\n  inactive: i-1, i-2, i-3\n"),
        "{report}"
    );
    assert_eq!(file_bytes(&db), bytes);
    assert_eq!(rows(&db), before);
}

#[test]
fn kiosks_and_staff_may_come_before_their_reference_data() {
    let (_dir, db) = a_db();
    let kiosk =
        cli(&["kiosk", "add", "--id", "k-1", "--name", "Киоск", "--address", "Холл", "--municipality", "m-1"], &db);
    assert!(kiosk.status.success(), "{}", stderr(&kiosk));
    assert!(
        stderr(&kiosk).contains("warning: municipality \"m-1\" is not in the reference data"),
        "{}",
        stderr(&kiosk)
    );
    let staff = cli(&["staff", "add", "--id", "s-1", "--name", "Методист", "--institution", "i-1"], &db);
    assert!(staff.status.success(), "{}", stderr(&staff));
    assert!(stderr(&staff).contains("warning: institution \"i-1\" is not in the reference data"), "{}", stderr(&staff));

    imported(&db, &Files::good());
    let kiosk =
        cli(&["kiosk", "add", "--id", "k-2", "--name", "Киоск", "--address", "Холл", "--municipality", "m-1"], &db);
    assert!(kiosk.status.success() && !stderr(&kiosk).contains("warning"), "{}", stderr(&kiosk));
    let staff = cli(&["staff", "add", "--id", "s-2", "--name", "Методист", "--institution", "i-1"], &db);
    assert!(staff.status.success() && !stderr(&staff).contains("warning"), "{}", stderr(&staff));
    // An inactive institution warns again.
    let without_i1 = INSTITUTIONS.lines().filter(|l| !l.starts_with("i-1,")).collect::<Vec<_>>().join("\n");
    imported(&db, &Files::new(MUNICIPALITIES, GROUPS, &without_i1, OPERATOR));
    let staff = cli(&["staff", "add", "--id", "s-3", "--name", "Методист", "--institution", "i-1"], &db);
    assert!(staff.status.success() && stderr(&staff).contains("warning"), "{}", stderr(&staff));
}

#[tokio::test]
async fn the_demo_seeds_its_csv_files_through_the_import() {
    let (_dir, db) = a_db();
    imported(&db, &Files::good());
    let registry = EmbeddedRegistry::start(&db, true).unwrap();
    let groups = get(&registry, "/api/v1/certificate-groups").await;
    let demo: Vec<String> = pdo_registry::demo::GROUPS.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(ids(&groups, "id"), demo, "the demo's groups replace the imported ones");
    let institutions = get(&registry, "/api/v1/institutions").await;
    assert_eq!(institutions.as_array().unwrap().len(), pdo_registry::demo::INSTITUTIONS.len());
    drop(registry);
    assert!(rows(&db).contains(&"g-1|Дети от 5 до 18 лет (выдумано)|0".to_string()), "kept, inactive");
}
