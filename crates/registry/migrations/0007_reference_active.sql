-- Reference data comes from CSV imports (`pdo-registry reference import`). A row a later import no longer has is
-- marked inactive instead of deleted: the API stops offering it, while applications and staff that point at it keep
-- reading.
ALTER TABLE certificate_groups ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE municipalities ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE institutions ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

-- Staff may be registered before their institution is imported (`staff add` warns instead of refusing), so
-- staff.institution_id no longer references institutions. SQLite cannot drop a constraint: the table is rebuilt
-- with the same columns.
CREATE TABLE staff_new (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    institution_id  TEXT,                   -- an institution's id, possibly not imported yet
    secret_hash     TEXT NOT NULL,          -- argon2id PHC string
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);
INSERT INTO staff_new (id, name, institution_id, secret_hash, created_at, revoked_at)
    SELECT id, name, institution_id, secret_hash, created_at, revoked_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
