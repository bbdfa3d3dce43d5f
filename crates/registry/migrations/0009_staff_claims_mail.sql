-- Security fixes: address changes counted apart from resends.

-- How many times the applicant changed the address: the first change is always allowed (the contract's 200 right
-- after the creation's letter); later ones share the sending limits with resends.
ALTER TABLE applications ADD COLUMN email_changes INTEGER NOT NULL DEFAULT 0;
