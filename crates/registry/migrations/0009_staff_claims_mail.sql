-- Security fixes: address changes counted apart from resends; sent letters forgotten.

-- How many times the applicant changed the address: the first change is always allowed (the contract's 200 right
-- after the creation's letter); later ones share the sending limits with resends.
ALTER TABLE applications ADD COLUMN email_changes INTEGER NOT NULL DEFAULT 0;

-- A sent letter keeps only that it went: its body (confirmation links, codes, claim links) and its address are
-- cleared once the relay took it, and the address is kept as a SHA-256 (of the lower-cased address) for support.
ALTER TABLE mail_outbox ADD COLUMN recipient_hash BLOB;
-- Letters sent before this migration lose their contents too (their address hash is not kept: SQL has no SHA-256).
UPDATE mail_outbox SET body = '', to_addr = '' WHERE sent_at IS NOT NULL;
