//! Requests being answered, on whichever engine the suite runs (`PDO_TEST_DB`): a second request with the same key
//! is refused `request_in_flight` while the first runs, and let in once it has answered.
//! - SQLite: the one serving process marks the key in memory for the whole request.
//! - PostgreSQL: the step holds the key as a transaction lock that every process sees. Here "another process's
//!   step" is a second connection holding the same lock; when that process dies (its connection closes), the key is
//!   free at once, with nothing left to lapse.

mod support;

use chrono::Utc;
use pdo_core::domain::AccountKind;
use pdo_core::validation::{ValidChild, snils_checksum};
use pdo_registry::sql::postgres::{Mode, PgConn};
use pdo_registry::storage::{IdemKey, Storage, StoreError};

fn key(scope: &str, k: &str) -> IdemKey {
    IdemKey { scope: scope.into(), method: "POST", path: "/api/v1/children".into(), key: k.into(), body_hash: vec![] }
}

fn child(serial: u8) -> ValidChild {
    let digits = [2, 0, 0, 0, 0, 0, 0, 5, serial];
    ValidChild {
        last_name: "Держателева".into(),
        first_name: "Ася".into(),
        patronymic: None,
        birth_date: chrono::NaiveDate::from_ymd_opt(2015, 6, 7).unwrap(),
        snils: format!("200-000-05{serial} {:02}", snils_checksum(&digits)),
        address: "г. Примерный, ул. Вымышленная, д. 3".into(),
    }
}

fn refused_in_flight(result: Result<pdo_registry::storage::Stored, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict { code: "request_in_flight", .. }))
}

#[test]
fn on_sqlite_a_mark_refuses_the_same_key_until_left() {
    if support::on_postgres() {
        return; // PostgreSQL marks nothing in memory: see the test below.
    }
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(&support::database(dir.path())).unwrap();
    let id = key("account:a", "k1").in_flight_id();
    assert!(storage.enter_in_flight(&id));
    assert!(!storage.enter_in_flight(&id), "the same key waits");
    assert!(storage.enter_in_flight(&key("account:b", "k1").in_flight_id()), "another caller's key");
    storage.leave_in_flight(&id);
    assert!(storage.enter_in_flight(&id), "free once left");
}

#[test]
fn on_postgres_a_step_refuses_a_key_another_process_holds_until_it_commits_or_dies() {
    if !support::on_postgres() {
        return; // SQLite: the test above.
    }
    let dir = tempfile::tempdir().unwrap();
    let url = support::database(dir.path());
    let storage = Storage::open(&url).unwrap();
    let account =
        storage.create_account("hold.test", "пароль-для-теста", AccountKind::Parent, "Держателева Вера").unwrap();
    let scope = format!("account:{}", account.id);
    let first = key(&scope, "first");
    let other_process = || PgConn::connect(&url.to_str().unwrap().parse().unwrap()).unwrap();
    let hold = "SELECT pg_try_advisory_xact_lock(hashtextextended(?1, 0))";

    // Another process's step holds the key: this one is refused, and one with another key is not.
    let mut holder = other_process();
    holder
        .transaction(Mode::Write, |c| {
            assert!(c.query_row(hold, [first.in_flight_id()], |r| r.get::<_, bool>(0))?);
            assert!(refused_in_flight(storage.create_child(&account.id, &child(1), &first, Utc::now())));
            let another = storage.create_child(&account.id, &child(2), &key(&scope, "another"), Utc::now());
            assert_eq!(another.unwrap().status, 201, "another key is not held");
            Ok::<_, pdo_registry::sql::SqlError>(())
        })
        .unwrap();
    // Its transaction ended: the key is free.
    let created = storage.create_child(&account.id, &child(1), &first, Utc::now()).unwrap();
    assert_eq!((created.status, created.replayed), (201, false));

    // A process that died while holding a key: its connection closes, and the key is free at once.
    let second = key(&scope, "second");
    let dying = other_process();
    dying.batch(&format!("BEGIN; {}", hold.replace("?1", &format!("'{}'", second.in_flight_id())))).unwrap();
    assert!(refused_in_flight(storage.create_child(&account.id, &child(3), &second, Utc::now())));
    drop(dying);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let created = loop {
        match storage.create_child(&account.id, &child(3), &second, Utc::now()) {
            Ok(created) => break created,
            // The server notices the closed connection within moments.
            Err(StoreError::Conflict { code: "request_in_flight", .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(other) => panic!("the key of a dead process must come free: {other:?}"),
        }
    };
    assert_eq!(created.status, 201);

    // A replay is not refused: the holder of a key that answered has let it go.
    let replayed = storage.create_child(&account.id, &child(3), &second, Utc::now()).unwrap();
    assert!(replayed.replayed);
}
