-- The online/offline seam: an application whose registry link dropped midway ends as one child and one application.

-- The account an offline submission named (its `login`) for a child that waits for its claim: an online
-- `POST /children` by that account joins the waiting child instead of being refused.
ALTER TABLE children ADD COLUMN named_account_id TEXT REFERENCES accounts(id);

-- A number a kiosk printed for an offline part that joined an application created online: staff look-ups by that
-- number find the same application.
CREATE TABLE application_aliases (
    number          TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id)
);

-- Claim links: more than one may lead to the same application (an offline part that joins one already waiting),
-- each naming the number its letter and the kiosk's forms carry and the address the letter went to.
CREATE TABLE claims_new (
    token_hash      BLOB PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    number          TEXT NOT NULL,
    email           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    claimed_at      TEXT
);
INSERT INTO claims_new (token_hash, application_id, number, email, created_at, claimed_at)
    SELECT c.token_hash, c.application_id, a.number, a.email, c.created_at, c.claimed_at
    FROM claims c JOIN applications a ON a.id = c.application_id;
DROP TABLE claims;
ALTER TABLE claims_new RENAME TO claims;
CREATE INDEX claims_application ON claims(application_id);
