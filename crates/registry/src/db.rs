//! The registry's SQLite file: pragmas, migrations, and a handle that runs queries off the async workers.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::Path;
use std::sync::LazyLock;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_accounts_sessions.sql")),
        M::up(include_str!("../migrations/0002_registry.sql")),
        M::up(include_str!("../migrations/0003_kiosks_device.sql")),
        M::up(include_str!("../migrations/0004_offline.sql")),
        M::up(include_str!("../migrations/0005_staff.sql")),
        M::up(include_str!("../migrations/0006_seam.sql")),
        M::up(include_str!("../migrations/0007_reference_active.sql")),
        M::up(include_str!("../migrations/0008_sessions_flood.sql")),
        M::up(include_str!("../migrations/0009_staff_claims_mail.sql")),
        M::up(include_str!("../migrations/0010_several_processes.sql")),
        M::up(include_str!("../migrations/0011_scan_files.sql")),
        M::up(include_str!("../migrations/0012_one_application_per_child.sql")),
    ])
});

pub fn migrations() -> &'static Migrations<'static> {
    &MIGRATIONS
}

/// Prepared statements kept per connection: more than the registry has.
const STATEMENT_CACHE: usize = 512;

/// Opens (creating if needed) and migrates the database at `path`.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    // rusqlite keeps 16 prepared statements by default; the registry's steps use well over a hundred, and one
    // application's requests alone evicted each other's, preparing every statement again each time.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    MIGRATIONS.to_latest(&mut conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    for (pragma, value) in pdo_core::sqlite::PRAGMAS {
        conn.pragma_update(None, pragma, value)?;
    }
    conn.busy_timeout(std::time::Duration::from_millis(pdo_core::sqlite::BUSY_TIMEOUT_MS))
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().expect("registry migrations must apply to an empty database");
    }
}
