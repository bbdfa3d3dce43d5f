-- Staff mode. None of these tables holds anything about an applicant that could name them.

-- What staff did at the kiosk: when, on which kiosk, one action word. Times are Unix milliseconds (UTC).
CREATE TABLE staff_audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    kiosk_id  TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 32 AND action NOT GLOB '*[^a-z_]*')
);
CREATE INDEX staff_audit_at ON staff_audit (at);

-- How long sessions stayed on each step, for the office's medians: a day, a step word, milliseconds. No session id.
CREATE TABLE step_times (
    day     TEXT NOT NULL,
    step    TEXT NOT NULL CHECK (length(step) BETWEEN 1 AND 32 AND step NOT GLOB '*[^a-z_]*'),
    millis  INTEGER NOT NULL CHECK (millis >= 0)
);
CREATE INDEX step_times_day ON step_times (day, step);

-- Unfinished applications an applicant will come back to with a short code: the draft is encrypted with a key derived
-- from that code and a kiosk secret; the account is kept only as a keyed hash (which also binds the key). One draft
-- per account. Times are Unix milliseconds (UTC).
CREATE TABLE resume_drafts (
    account_hash  BLOB PRIMARY KEY,
    salt          BLOB NOT NULL,
    nonce         BLOB NOT NULL,
    sealed        BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0
);
