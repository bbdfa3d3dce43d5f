-- A SQLite registry keeps new document scans in files beside the database (`storage::scans`); the record names the
-- file. Scans stored before stay in `scan`, as do offline submissions' and every scan on PostgreSQL.
ALTER TABLE documents ADD COLUMN scan_file TEXT;
