-- Legal holds: while one is active, retention and erasure leave what it
-- covers alone. A hold covers a subject or a category ('' for the other).
CREATE TABLE holds (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    category    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    until       INTEGER,
    released_at INTEGER,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX holds_subject ON holds (tenant_id, subject_id);

-- The retention schedule: one row per subject and rule, written when the
-- rule's trigger happens. A sweep reads it by due_at through its index and
-- deletes each row once acted on, so it never scans subjects and a rerun
-- after a crash finds exactly what is left.
CREATE TABLE retention_due (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    rule_key   TEXT NOT NULL,
    action     TEXT NOT NULL,
    due_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, subject_id, rule_key),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX retention_due_at ON retention_due (due_at, tenant_id, subject_id, rule_key);

-- What anonymizing and aggregating rules keep: counts of combinations of
-- kept values, detached from any subject id.
CREATE TABLE retention_counts (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    rule_key    TEXT NOT NULL,
    combination TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, rule_key, combination)
) STRICT;
