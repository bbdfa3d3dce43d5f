-- Kiosks, their last heartbeat, and sign-in on a kiosk approved from the applicant's phone (RFC 8628 device flow).

-- A kiosk authenticates with `Authorization: Kiosk <id>:<secret>`; only an argon2id hash of the secret is kept.
CREATE TABLE kiosks (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    municipality  TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,            -- argon2id PHC string
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);

-- The last heartbeat of each kiosk: its software, queue and devices. No personal data.
CREATE TABLE kiosk_heartbeats (
    kiosk_id         TEXT PRIMARY KEY REFERENCES kiosks(id) ON DELETE CASCADE,
    version          TEXT NOT NULL,
    queue_count      INTEGER NOT NULL,
    queue_oldest_at  TEXT,
    printer          TEXT NOT NULL,
    camera           TEXT NOT NULL,
    received_at      TEXT NOT NULL
);

-- Device sign-in requests. The device code is kept only as a SHA-256 hash; the user code (8 letters, no hyphen) is
-- short-lived and typed by people. `confirm_hash` is the hash of the secret of the phone page's confirmation step,
-- `confirm_account_id` the account that passed the sign-in step; `account_id` is the account that approved.
CREATE TABLE device_logins (
    device_code_hash    BLOB PRIMARY KEY,
    user_code           TEXT NOT NULL,
    kiosk_id            TEXT NOT NULL REFERENCES kiosks(id) ON DELETE CASCADE,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    interval_secs       INTEGER NOT NULL,
    last_polled_at      TEXT,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    confirm_hash        BLOB UNIQUE,
    confirm_account_id  TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    account_id          TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    decided_at          TEXT
);
CREATE INDEX device_logins_user_code ON device_logins(user_code);
CREATE INDEX device_logins_expires ON device_logins(expires_at);

-- Wrong user codes typed on the phone page, per client network address, slowed down like password failures.
CREATE TABLE device_code_failures (
    client_key     TEXT PRIMARY KEY,
    window_start   TEXT NOT NULL,
    failures       INTEGER NOT NULL,
    blocked_until  TEXT
);
