-- Security fixes: address changes counted apart from resends, sent letters forgotten, staff scoped and audited,
-- claim links that expire.

-- How many times the applicant changed the address: the first change is always allowed (the contract's 200 right
-- after the creation's letter); later ones share the sending limits with resends.
ALTER TABLE applications ADD COLUMN email_changes INTEGER NOT NULL DEFAULT 0;

-- A sent letter keeps only that it went: its body (confirmation links, codes, claim links) and its address are
-- cleared once the relay took it, and the address is kept as a SHA-256 (of the lower-cased address) for support.
ALTER TABLE mail_outbox ADD COLUMN recipient_hash BLOB;
-- Letters sent before this migration lose their contents too (their address hash is not kept: SQL has no SHA-256).
UPDATE mail_outbox SET body = '', to_addr = '' WHERE sent_at IS NOT NULL;

-- Staff see the applications of their own institution; seeing every institution's takes an explicit flag
-- (`staff add --region-wide`). Members added before this without an institution see nothing until re-added.
ALTER TABLE staff ADD COLUMN region_wide INTEGER NOT NULL DEFAULT 0;

-- Every staff look-up by number: who, when, the number typed (digits only, else '?'), and what came of it. No names,
-- no application ids: enough to see a member of staff walking through the numbers. Also the rate limit's memory.
CREATE TABLE staff_lookups (
    id        INTEGER PRIMARY KEY,
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    at        TEXT NOT NULL,          -- fixed-width RFC 3339 (kiosks::ts), compared as text
    number    TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('found', 'not_found', 'out_of_scope'))
);
CREATE INDEX staff_lookups_by_staff ON staff_lookups(staff_id, at);

-- Claim links expire 30 days after their letter (fixed-width RFC 3339, kiosks::ts, compared as text); links made
-- before this migration get 30 days from when they were made.
ALTER TABLE claims ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
UPDATE claims SET expires_at = strftime('%Y-%m-%dT%H:%M:%S.000000Z', substr(created_at, 1, 19), '+30 days');
