-- Small facts about the kiosk itself (last registry config, notice versions shown). Never applicant data.
CREATE TABLE kiosk_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Anonymous counters for the office: a day, a name, a number.
CREATE TABLE counters (
    day   TEXT NOT NULL,
    name  TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (day, name)
);
