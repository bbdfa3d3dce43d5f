//! The marks of requests being answered, on whichever engine the suite runs (`PDO_TEST_DB`): a second request with
//! the same key is refused while the first runs, and let in once it has answered. On PostgreSQL a mark outlives a
//! process that died while answering only until it lapses; on SQLite the one serving process holds its marks in
//! memory, so a mark is there exactly while its request is.

mod support;

use chrono::{DateTime, Duration};
use pdo_registry::storage::Storage;

#[test]
fn a_mark_refuses_the_same_key_until_left_and_on_postgres_lapses_after_two_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(&support::database(dir.path())).unwrap();
    let start = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let key = "account:a\u{1f}POST\u{1f}/x\u{1f}k1";
    let at = |seconds: i64| start + Duration::seconds(seconds);

    assert!(storage.enter_in_flight(key, start).unwrap());
    assert!(!storage.enter_in_flight(key, at(1)).unwrap(), "the same key waits");
    assert!(storage.enter_in_flight("account:b\u{1f}POST\u{1f}/x\u{1f}k1", at(1)).unwrap(), "another caller's key");
    storage.leave_in_flight(key).unwrap();
    assert!(storage.enter_in_flight(key, at(2)).unwrap(), "free once left");

    // Never left: the process that entered it died while answering (on SQLite it is this process, alive).
    assert!(!storage.enter_in_flight(key, at(2 + 119)).unwrap(), "not lapsed yet");
    let after_lapse = storage.enter_in_flight(key, at(2 + 121)).unwrap();
    assert_eq!(after_lapse, support::on_postgres(), "taken over after two minutes on PostgreSQL only");
    if support::on_postgres() {
        assert!(
            !storage.enter_in_flight(key, at(2 + 122)).unwrap(),
            "the new holder's mark counts from when it took the key over"
        );
    }
}
