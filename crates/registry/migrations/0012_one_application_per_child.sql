-- One application per child, as every step already checks (an online application, an offline part joining it,
-- claims moving it): now the index says so too, so PostgreSQL's creating steps can rest on it at REPEATABLE READ
-- (storage::write_snapshot) instead of a serializable read of the child's applications.
DROP INDEX applications_child;
CREATE UNIQUE INDEX applications_one_per_child ON applications(child_id);
