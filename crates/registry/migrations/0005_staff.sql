-- Staff of institutions that activate certificates: they look applications up by number with
-- `Authorization: Staff <id>:<secret>`. Only an argon2id hash of the secret is kept, as for kiosks.
CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    institution_id  TEXT REFERENCES institutions(id),
    secret_hash     TEXT NOT NULL,          -- argon2id PHC string
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);
