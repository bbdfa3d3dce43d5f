-- Sessions end absolutely (8 hours; 60 minutes when opened at a kiosk) and die with the kiosk they were opened at.
-- Sessions from before had neither and live 30 idle minutes at most: they are dropped rather than given a made-up
-- end, so everyone signed in signs in once more after the upgrade.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN kiosk_id TEXT REFERENCES kiosks(id) ON DELETE CASCADE;
CREATE INDEX sessions_kiosk ON sessions(kiosk_id) WHERE kiosk_id IS NOT NULL;
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Failure rows are pruned by age and trimmed oldest first.
CREATE INDEX login_failures_window ON login_failures(window_start);

-- Wrong passwords typed on the phone page against one pending device sign-in: after a few the request refuses
-- further tries, whoever (whatever address) sends them.
ALTER TABLE device_logins ADD COLUMN failed_signins INTEGER NOT NULL DEFAULT 0;
