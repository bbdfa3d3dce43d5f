//! How both SQLite files (the kiosk's store and the registry's database) are opened: the pragmas, as data, so the
//! two sides cannot drift apart. Applying them is each side's own (this crate does no I/O).

/// `(pragma, value)`, applied in order when a connection opens.
pub const PRAGMAS: &[(&str, &str)] = &[
    ("journal_mode", "WAL"),
    // A power cut must not lose a committed row: the kiosk queues applications here, the registry answers only
    // after the fsync.
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    // Deleted personal data is overwritten, not left in free pages.
    ("secure_delete", "ON"),
];

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT_MS: u64 = 5000;
