-- In-flight marks are written and deleted around every creating request: three of an online application's
-- requests, six transactions that each waited for a WAL flush of their own. Unlogged, their commits wait for none.
-- What that gives up is nothing a mark needs: after a crash of PostgreSQL the table starts empty (no request is in
-- flight then), and a promoted standby has no marks (the old primary's requests are gone with it).
ALTER TABLE requests_in_flight SET UNLOGGED;
