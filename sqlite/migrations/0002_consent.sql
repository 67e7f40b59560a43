-- The consent ledger: append-only, one row per event. seq is global across
-- tenants and only grows (AUTOINCREMENT never reuses a number), so a server
-- fills its memory by reading the events after the last seq it saw.
CREATE TABLE consent_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    subject_id     TEXT,          -- NULL for a visitor not yet known
    visitor        BLOB,          -- blind index of the cookie id; NULL for none
    purpose        TEXT NOT NULL,
    state          TEXT NOT NULL,
    source         TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    jurisdiction   TEXT NOT NULL,
    notice_hash    TEXT NOT NULL,
    user_agent     TEXT NOT NULL,
    ip             TEXT NOT NULL, -- truncated to /24 or /48
    guardian       INTEGER NOT NULL,
    time           INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;
CREATE INDEX consent_events_subject ON consent_events (tenant_id, subject_id, seq);
CREATE INDEX consent_events_visitor ON consent_events (tenant_id, visitor, seq);

-- A visitor becomes at most one subject: the constraint, not a check before
-- the insert, decides between two concurrent links.
CREATE UNIQUE INDEX consent_links ON consent_events (tenant_id, visitor) WHERE state = 'linked';
