-- Applications taken while the registry could not be reached. Each row is one complete application, sealed to the
-- registry's public key before it reaches this file: nothing in it is readable on the kiosk. Times are Unix
-- milliseconds (UTC).
CREATE TABLE outbox (
    submission_id       TEXT PRIMARY KEY,            -- the idempotency key of every send
    key_id              TEXT NOT NULL,               -- the registry key the box is sealed to
    sealed              BLOB NOT NULL,
    application_number  TEXT NOT NULL UNIQUE,        -- printed for the applicant; not personal data
    created_at          INTEGER NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER NOT NULL,
    last_error          TEXT,
    held                INTEGER NOT NULL DEFAULT 0   -- 1: the registry could not open it (422); kept for staff
);
CREATE INDEX outbox_due ON outbox (held, next_attempt_at);

-- How many queued applications the registry rejected, by reason code. No personal data.
CREATE TABLE outbox_rejections (
    reason  TEXT PRIMARY KEY,
    count   INTEGER NOT NULL
);
