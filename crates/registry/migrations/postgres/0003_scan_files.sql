-- The steps' SQL, shared with SQLite, names this column (SQLite migration 0011). On PostgreSQL scans stay in `scan`
-- and it stays NULL.
ALTER TABLE documents ADD COLUMN scan_file TEXT;
