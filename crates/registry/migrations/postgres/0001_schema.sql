-- The registry's schema on PostgreSQL: the same tables, columns and meanings as the SQLite migrations
-- (migrations/00*.sql, where each column is explained), in PostgreSQL's types: BYTEA for blobs, BIGINT for integers
-- and 0/1 flags, TEXT for times (fixed-width RFC 3339, compared as text) so both engines run the same SQL. The
-- database is made with LOCALE 'C' (docs/deploy.md): text then compares and sorts byte by byte, as in SQLite.

-- Logins are matched without regard to case, as SQLite's COLLATE NOCASE does: a nondeterministic ICU collation
-- keeps the unique constraint and the plain `login = ?` lookups of the shared SQL case-blind.
CREATE COLLATION registry_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    login         TEXT COLLATE registry_nocase NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,            -- argon2id PHC string
    kind          TEXT NOT NULL CHECK (kind IN ('parent', 'child')),
    full_name     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL DEFAULT '', kiosk_id TEXT);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE login_failures (
    login_key      TEXT PRIMARY KEY,
    window_start   TEXT NOT NULL,
    failures       BIGINT NOT NULL,
    blocked_until  TEXT
);
CREATE TABLE applicants (
    account_id   TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    data         TEXT NOT NULL,           -- the validated applicant as JSON (pdo_core::api::Applicant)
    updated_at   TEXT NOT NULL
);
CREATE TABLE children (
    id          TEXT PRIMARY KEY,
    account_id  TEXT REFERENCES accounts(id) ON DELETE CASCADE,  -- NULL until an offline application is claimed
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    patronymic  TEXT,
    birth_date  TEXT NOT NULL,
    snils       TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    named_account_id TEXT REFERENCES accounts(id));
CREATE INDEX children_account ON children(account_id);
CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    child_id      TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('birth_certificate', 'passport')),
    series        TEXT NOT NULL,
    number        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    issued_by     TEXT NOT NULL,
    division_code TEXT,
    scan          BYTEA,
    scan_type     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX documents_child ON documents(child_id);
CREATE TABLE certificate_groups (
    id     TEXT PRIMARY KEY,
    title  TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
CREATE TABLE municipalities (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
CREATE TABLE institutions (
    id                TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    name              TEXT NOT NULL,
    address           TEXT NOT NULL,
    phone             TEXT,
    hours             TEXT,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
CREATE TABLE sequences (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
CREATE TABLE applications (
    id                  TEXT PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    account_id          TEXT REFERENCES accounts(id),
    child_id            TEXT NOT NULL REFERENCES children(id),
    applicant           TEXT NOT NULL,      -- the applicant as JSON when the application was made
    applicant_kind      TEXT NOT NULL CHECK (applicant_kind IN ('parent', 'child')),
    email               TEXT NOT NULL,
    email_confirmed_at  TEXT,
    status              TEXT NOT NULL,
    certificate_group   TEXT REFERENCES certificate_groups(id),
    document_id         TEXT REFERENCES documents(id),
    registry_record     TEXT UNIQUE,
    municipality_code   TEXT,
    source              TEXT NOT NULL CHECK (source IN ('online', 'kiosk_offline')),
    kiosk_id            TEXT,
    created_at          TEXT NOT NULL,
    requested_group TEXT REFERENCES certificate_groups(id), email_changes BIGINT NOT NULL DEFAULT 0);
CREATE INDEX applications_account ON applications(account_id);
CREATE INDEX applications_child ON applications(child_id);
CREATE TABLE email_confirmations (
    application_id  TEXT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    token_hash      BYTEA NOT NULL UNIQUE,
    code_hash       BYTEA NOT NULL,
    expires_at      TEXT NOT NULL,
    wrong_attempts  BIGINT NOT NULL DEFAULT 0,
    voided          BIGINT NOT NULL DEFAULT 0,
    sends_day       TEXT NOT NULL,
    sends_that_day  BIGINT NOT NULL,
    last_sent_at    TEXT NOT NULL
);
CREATE TABLE confirmed_emails (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (account_id, email)
);
CREATE TABLE idempotency_keys (
    scope       TEXT NOT NULL,     -- 'account:<id>' or 'kiosk:<id>'
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    key         TEXT NOT NULL,
    body_hash   BYTEA NOT NULL,
    status      BIGINT NOT NULL,
    body        BYTEA NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (scope, method, path, key)
);
CREATE TABLE mail_outbox (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT,
    recipient_hash BYTEA);
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);
CREATE TABLE kiosks (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    municipality  TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,            -- argon2id PHC string
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE TABLE kiosk_heartbeats (
    kiosk_id         TEXT PRIMARY KEY REFERENCES kiosks(id) ON DELETE CASCADE,
    version          TEXT NOT NULL,
    queue_count      BIGINT NOT NULL,
    queue_oldest_at  TEXT,
    printer          TEXT NOT NULL,
    camera           TEXT NOT NULL,
    received_at      TEXT NOT NULL
);
CREATE TABLE device_logins (
    device_code_hash    BYTEA PRIMARY KEY,
    user_code           TEXT NOT NULL,
    kiosk_id            TEXT NOT NULL REFERENCES kiosks(id) ON DELETE CASCADE,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    interval_secs       BIGINT NOT NULL,
    last_polled_at      TEXT,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    confirm_hash        BYTEA UNIQUE,
    confirm_account_id  TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    account_id          TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    decided_at          TEXT,
    failed_signins BIGINT NOT NULL DEFAULT 0);
CREATE INDEX device_logins_user_code ON device_logins(user_code);
CREATE INDEX device_logins_expires ON device_logins(expires_at);
CREATE TABLE device_code_failures (
    client_key     TEXT PRIMARY KEY,
    window_start   TEXT NOT NULL,
    failures       BIGINT NOT NULL,
    blocked_until  TEXT
);
CREATE TABLE sealing_keys (
    key_id      TEXT PRIMARY KEY,
    secret      BYTEA NOT NULL,          -- X25519 secret key; never leaves the registry
    public_key  TEXT NOT NULL,          -- base64, as kiosks receive it
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);
CREATE TABLE number_blocks (
    kiosk_id    TEXT NOT NULL,
    first       BIGINT NOT NULL,
    last        BIGINT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, first)
);
CREATE TABLE submissions (
    kiosk_id            TEXT NOT NULL,
    submission_id       TEXT NOT NULL,
    application_number  TEXT NOT NULL,
    status              TEXT NOT NULL,
    reason              TEXT,
    application_id      TEXT REFERENCES applications(id),
    response            BYTEA NOT NULL,
    received_at         TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, submission_id)
);
CREATE TABLE application_aliases (
    number          TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id)
);
CREATE TABLE claims (
    token_hash      BYTEA PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    number          TEXT NOT NULL,
    email           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    claimed_at      TEXT,
    expires_at TEXT NOT NULL DEFAULT '');
CREATE INDEX claims_application ON claims(application_id);
CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    institution_id  TEXT,                   -- an institution's id, possibly not imported yet
    secret_hash     TEXT NOT NULL,          -- argon2id PHC string
    created_at      TEXT NOT NULL,
    revoked_at      TEXT,
    region_wide BIGINT NOT NULL DEFAULT 0);
CREATE INDEX sessions_kiosk ON sessions(kiosk_id) WHERE kiosk_id IS NOT NULL;
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX login_failures_window ON login_failures(window_start);
CREATE TABLE staff_lookups (
    id        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    at        TEXT NOT NULL,          -- fixed-width RFC 3339 (kiosks::ts), compared as text
    number    TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('found', 'not_found', 'out_of_scope'))
);
CREATE INDEX staff_lookups_by_staff ON staff_lookups(staff_id, at);

-- Sessions opened at a kiosk end with it (the kiosks table comes after sessions above).
ALTER TABLE sessions ADD FOREIGN KEY (kiosk_id) REFERENCES kiosks(id) ON DELETE CASCADE;
