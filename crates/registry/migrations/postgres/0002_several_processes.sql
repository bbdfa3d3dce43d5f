-- What one registry process used to keep in memory, kept where every process serving the database sees it.

-- Wrong kiosk and staff secrets per holder ('Kiosk:<id>', 'Staff:<id>'), slowed down like password failures.
CREATE TABLE secret_failures (
    holder         TEXT PRIMARY KEY,
    window_start   TEXT NOT NULL,
    failures       BIGINT NOT NULL,
    blocked_until  TEXT
);

-- A letter handed to one sending worker: the others leave it alone until the lease ends (the worker died).
ALTER TABLE mail_outbox ADD COLUMN lease_until TEXT;

-- Idempotency keys whose first request is still being answered, with when the mark lapses if its process died.
-- (SQLite serves from one process and keeps these in memory; PostgreSQL's processes share them here.)
CREATE TABLE requests_in_flight (
    id     TEXT PRIMARY KEY,
    until  TEXT NOT NULL
);

-- The counters of application numbers and registry records as PostgreSQL sequences: incremented outside the
-- transaction's snapshot, so two processes creating applications at once never conflict on one counter row (which
-- serializable transactions would refuse over and over). Numbers a rolled-back step took are skipped, never reused.
CREATE SEQUENCE application_number_seq START 1000000;
CREATE SEQUENCE registry_record_seq START 1;
