-- A request being answered is now held by its step as a transaction advisory lock on a hash of its idempotency key
-- (steps::idempotency::held): taken in the step's first round trip, gone with its transaction or its connection, so
-- a process that dies leaves nothing to lapse. The marks' table had cost two statements of their own per creating
-- request. Processes of the previous version still write it: stop them all before the first new one starts (and
-- migrates), as docs/deploy.md says for every upgrade.
DROP TABLE requests_in_flight;
