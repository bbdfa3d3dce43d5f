//! How the registry's PostgreSQL connection runs a step (`sql::postgres::PgConn::transaction`), on a scratch
//! PostgreSQL 15 of its own: BEGIN travels with the first statement and a read's COMMIT is not waited for, so these
//! check that each transaction is still whole and separate — a failed or panicking step leaves nothing, the next
//! transaction on the same connection starts clean at its own isolation level, and autocommit statements are each
//! their own transaction. Deferred writes (`Conn::defer`) are answered with the next wait, and a failing one fails
//! the step with its own error.

use pdo_registry::scratch_postgres::ScratchPostgres;
use pdo_registry::sql::postgres::{Mode, PgConn};
use pdo_registry::sql::{Conn, SqlError};

fn connection() -> PgConn {
    let url = ScratchPostgres::shared().unwrap().create_database().unwrap();
    let conn = PgConn::connect(&url.parse().unwrap()).unwrap();
    conn.batch("CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)").unwrap();
    conn
}

fn isolation(conn: &dyn Conn) -> Result<String, SqlError> {
    conn.query_row("SELECT current_setting('transaction_isolation')", (), |r| r.get(0))
}

fn notes(conn: &mut PgConn) -> i64 {
    conn.transaction(Mode::Read, |c| c.query_row("SELECT COUNT(*) FROM notes", (), |r| r.get(0))).unwrap()
}

#[test]
fn a_refused_or_panicking_step_leaves_nothing_and_the_connection_runs_the_next_one_clean() {
    let mut conn = connection();
    let refused: Result<(), SqlError> = conn.transaction(Mode::Write, |c| {
        c.execute("INSERT INTO notes VALUES (1, 'written, then refused')", ())?;
        Err(SqlError::NoRows)
    });
    assert!(matches!(refused, Err(SqlError::NoRows)));
    assert_eq!(notes(&mut conn), 0, "the refused step's insert was rolled back");

    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), SqlError> = conn.transaction(Mode::Write, |c| {
            c.execute("INSERT INTO notes VALUES (2, 'written, then a panic')", ())?;
            panic!("a bug in a step");
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(notes(&mut conn), 0, "the panicking step's insert was rolled back");

    let failed: Result<(), SqlError> = conn.transaction(Mode::Write, |c| {
        c.execute("INSERT INTO notes VALUES (3, 'first')", ())?;
        c.execute("INSERT INTO notes VALUES (3, 'the same key')", ())?;
        Ok(())
    });
    assert!(failed.is_err(), "the second insert breaks the primary key");
    assert_eq!(notes(&mut conn), 0, "the aborted transaction's first insert went with it");

    conn.transaction(Mode::Write, |c| {
        assert_eq!(isolation(c)?, "serializable", "a write begins afresh, not inside a leftover transaction");
        c.execute("INSERT INTO notes VALUES (4, 'kept')", ()).map(drop)
    })
    .unwrap();
    assert_eq!(notes(&mut conn), 1);
}

#[test]
fn reads_and_writes_are_each_one_transaction_and_autocommit_statements_are_not() {
    let mut conn = connection();
    let txid = "SELECT CAST(txid_current() AS BIGINT)";
    let (first, second): (i64, i64) = conn
        .transaction(Mode::Write, |c| {
            Ok::<_, SqlError>((c.query_row(txid, (), |r| r.get(0))?, c.query_row(txid, (), |r| r.get(0))?))
        })
        .unwrap();
    assert_eq!(first, second, "a write's statements share one transaction");

    // A read's COMMIT is sent without waiting: the next transaction on the connection must still start on its own.
    let level = conn.transaction(Mode::Read, isolation).unwrap();
    assert_eq!(level, "repeatable read");
    let level = conn.transaction(Mode::Write, isolation).unwrap();
    assert_eq!(level, "serializable");
    let read_only: String = conn
        .transaction(Mode::Read, |c| c.query_row("SELECT current_setting('transaction_read_only')", (), |r| r.get(0)))
        .unwrap();
    assert_eq!(read_only, "on");

    let (first, second): (i64, i64) = conn
        .transaction(Mode::Autocommit, |c| {
            Ok::<_, SqlError>((c.query_row(txid, (), |r| r.get(0))?, c.query_row(txid, (), |r| r.get(0))?))
        })
        .unwrap();
    assert_ne!(first, second, "each autocommit statement is a transaction of its own");
    assert_eq!(conn.transaction(Mode::Autocommit, isolation).unwrap(), "read committed");
}

#[test]
fn statements_sent_together_run_in_order_and_a_failure_is_its_own() {
    let mut conn = connection();
    let answers = conn
        .transaction(Mode::Write, |c| {
            c.rows_each(vec![
                ("INSERT INTO notes VALUES (1, 'first')", vec![]),
                ("SELECT body FROM notes WHERE id = 1", vec![]),
                ("UPDATE notes SET body = 'second' WHERE id = 1", vec![]),
                ("SELECT body FROM notes ORDER BY id", vec![]),
            ])
        })
        .unwrap();
    let bodies: Vec<Vec<String>> =
        answers.iter().map(|rows| rows.iter().map(|r| r.get(0).unwrap()).collect()).collect();
    assert_eq!(bodies, vec![vec![], vec!["first".to_string()], vec![], vec!["second".to_string()]]);

    let failed = conn.transaction(Mode::Write, |c| {
        c.rows_each(vec![
            ("INSERT INTO notes VALUES (2, 'kept only if all goes well')", vec![]),
            ("INSERT INTO notes VALUES (1, 'the same key')", vec![]),
            ("SELECT body FROM notes", vec![]),
        ])
    });
    match failed {
        Err(SqlError::Db { code, .. }) => assert_eq!(code.as_deref(), Some("23505"), "the duplicate's own error"),
        other => panic!("expected the primary key's error, got {other:?}"),
    }
    assert_eq!(notes(&mut conn), 1, "the failed transaction's first insert went with it");
}

#[test]
fn a_deferred_write_goes_out_with_the_next_wait_and_its_failure_fails_the_step_with_its_own_error() {
    use pdo_registry::sql::params;
    use pdo_registry::sql::postgres::round_trips_on_this_thread as round_trips;
    const INSERT: &str = "INSERT INTO notes VALUES (?1, ?2)";
    let mut conn = connection();
    let before = round_trips();
    conn.transaction(Mode::Write, |c| {
        c.execute_later(INSERT, params![1, "deferred"])?;
        c.execute_later(INSERT, params![2, "deferred too"])?;
        // The read waits for the writes before it: they ran first, in order.
        let seen: i64 = c.query_row("SELECT COUNT(*) FROM notes", (), |r| r.get(0))?;
        assert_eq!(seen, 2);
        c.execute_later(INSERT, params![3, "answered with the COMMIT"])
    })
    .unwrap();
    // Two statements prepared (once per connection, a wait each); the step itself is two waits: the read, and the
    // COMMIT.
    assert_eq!(round_trips() - before, 2 + 2);
    assert_eq!(notes(&mut conn), 3);

    let before = round_trips();
    let failed: Result<(), SqlError> = conn.transaction(Mode::Write, |c| {
        c.execute_later(INSERT, params![4, "kept only if all commits"])?;
        c.execute_later(INSERT, params![1, "the same key as a kept note"])?;
        c.execute_later(INSERT, params![5, "after the failure"])
    });
    assert_eq!(round_trips() - before, 1, "the COMMIT's wait answers all three");
    match failed {
        Err(SqlError::Db { code, .. }) => assert_eq!(code.as_deref(), Some("23505"), "the failing insert's own error"),
        other => panic!("the commit must fail with the deferred insert's error: {other:?}"),
    }
    assert_eq!(notes(&mut conn), 3, "nothing of the failed step was kept");

    let failed_before_a_read: Result<i64, SqlError> = conn.transaction(Mode::Write, |c| {
        c.execute_later(INSERT, params![2, "the same key again"])?;
        c.query_row("SELECT COUNT(*) FROM notes", (), |r| r.get(0))
    });
    match failed_before_a_read {
        Err(SqlError::Db { code, .. }) => assert_eq!(code.as_deref(), Some("23505"), "not 'transaction aborted'"),
        other => panic!("the read must fail with the deferred insert's error: {other:?}"),
    }
    conn.transaction(Mode::Write, |c| {
        assert_eq!(isolation(c)?, "serializable", "the connection starts the next step clean");
        c.execute_later(INSERT, params![6, "kept"])
    })
    .unwrap();
    assert_eq!(notes(&mut conn), 4);
}

#[test]
fn connections_the_server_closed_are_not_handed_out_again() {
    let url = ScratchPostgres::shared().unwrap().create_database().unwrap();
    let storage = pdo_registry::storage::Storage::open(std::path::Path::new(&url)).unwrap();
    let now = chrono::Utc::now();
    // Several connections in the pool, idle.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert!(storage.authenticate("no-such-token", now).unwrap().is_none()));
        }
    });
    // The server ends every registry connection (a restart, an administrator), while the pool holds them idle. The
    // pool may open a new one meanwhile (it keeps one idle), so the test waits for the ended ones only.
    let mut admin = PgConn::connect(&url.parse().unwrap()).unwrap();
    let pool_backends = "SELECT pid FROM pg_stat_activity
                         WHERE application_name = 'pdo-registry' AND datname = current_database()";
    let pids: Vec<i64> = admin
        .transaction(Mode::Read, |c| c.query_map(pool_backends, (), |r| r.get(0))?.collect::<Result<_, _>>())
        .unwrap();
    assert!(!pids.is_empty(), "the pool had connections to end");
    for pid in &pids {
        let ended: bool = admin
            .transaction(Mode::Write, |c| {
                c.query_row("SELECT pg_terminate_backend(CAST(?1 AS INTEGER))", [*pid], |r| r.get(0))
            })
            .unwrap();
        assert!(ended, "backend {pid} ended");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    for pid in &pids {
        let alive = "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = CAST(?1 AS INTEGER)";
        while admin.transaction(Mode::Read, |c| c.query_row(alive, [*pid], |r| r.get::<_, i64>(0))).unwrap() > 0 {
            assert!(std::time::Instant::now() < deadline, "backend {pid} did not end");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    // Every request after that is answered, on a fresh connection: none fails on a closed one.
    for _ in 0..8 {
        assert!(storage.authenticate("no-such-token", now).unwrap().is_none());
    }
}
