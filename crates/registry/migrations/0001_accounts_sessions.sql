-- Accounts issued by schools and kindergartens; a child of 14 or more may hold one.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,            -- argon2id PHC string
    kind          TEXT NOT NULL CHECK (kind IN ('parent', 'child')),
    full_name     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Only a hash of each bearer token is kept, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Failed sign-ins per login as typed (lower-cased), known or not, so unknown logins are slowed down alike.
CREATE TABLE login_failures (
    login_key      TEXT PRIMARY KEY,
    window_start   TEXT NOT NULL,
    failures       INTEGER NOT NULL,
    blocked_until  TEXT
);
