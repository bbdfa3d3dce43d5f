-- Applications taken by kiosks while offline: the registry's sealing keys, number blocks reserved per kiosk,
-- received submissions (deduplicated forever) and the claim links that join them to an account.

CREATE TABLE sealing_keys (
    key_id      TEXT PRIMARY KEY,
    secret      BLOB NOT NULL,          -- X25519 secret key; never leaves the registry
    public_key  TEXT NOT NULL,          -- base64, as kiosks receive it
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

CREATE TABLE number_blocks (
    kiosk_id    TEXT NOT NULL,
    first       INTEGER NOT NULL,
    last        INTEGER NOT NULL,
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
    response            BLOB NOT NULL,
    received_at         TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, submission_id)
);

CREATE TABLE claims (
    token_hash      BLOB PRIMARY KEY,
    application_id  TEXT NOT NULL UNIQUE REFERENCES applications(id),
    created_at      TEXT NOT NULL,
    claimed_at      TEXT
);

-- The certificate group chosen at the kiosk, used when the claimed application's certificate is issued.
ALTER TABLE applications ADD COLUMN requested_group TEXT REFERENCES certificate_groups(id);
