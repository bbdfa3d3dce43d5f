-- The registry's records: applicants, children, documents, applications, reference data, idempotency, mail.

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
    created_at  TEXT NOT NULL
);
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
    scan          BLOB,
    scan_type     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX documents_child ON documents(child_id);

CREATE TABLE certificate_groups (
    id     TEXT PRIMARY KEY,
    title  TEXT NOT NULL
);

CREATE TABLE municipalities (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL
);

CREATE TABLE institutions (
    id                TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    name              TEXT NOT NULL,
    address           TEXT NOT NULL,
    phone             TEXT,
    hours             TEXT
);

-- Single-row facts of the service: the operator named in consent forms.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Monotonic counters for application numbers and registry records: a number handed out is never reused.
CREATE TABLE sequences (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
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
    created_at          TEXT NOT NULL
);
CREATE INDEX applications_account ON applications(account_id);
CREATE INDEX applications_child ON applications(child_id);

-- The e-mail step: one live code per application; the link token and the code are stored hashed.
CREATE TABLE email_confirmations (
    application_id  TEXT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    token_hash      BLOB NOT NULL UNIQUE,
    code_hash       BLOB NOT NULL,
    expires_at      TEXT NOT NULL,
    wrong_attempts  INTEGER NOT NULL DEFAULT 0,
    voided          INTEGER NOT NULL DEFAULT 0,
    sends_day       TEXT NOT NULL,
    sends_that_day  INTEGER NOT NULL,
    last_sent_at    TEXT NOT NULL
);

-- Addresses an account has confirmed once and is not asked to confirm again.
CREATE TABLE confirmed_emails (
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (account_id, email)
);

-- Responses of creating requests, replayed for the same key; written in the transaction that created the thing.
CREATE TABLE idempotency_keys (
    scope       TEXT NOT NULL,     -- 'account:<id>' or 'kiosk:<id>'
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    key         TEXT NOT NULL,
    body_hash   BLOB NOT NULL,
    status      INTEGER NOT NULL,
    body        BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (scope, method, path, key)
);

-- Outgoing mail: written with the record that causes it, sent by a worker with retry and back-off.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);
