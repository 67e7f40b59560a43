-- Complaints and their response clock. The complaint's text is not kept:
-- reference points into the operator's own ticket system.
CREATE TABLE complaints (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    id           TEXT NOT NULL,
    subject_id   TEXT,          -- NULL when the person is not known
    channel      TEXT NOT NULL,
    reference    TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    status       TEXT NOT NULL,
    answered_at  INTEGER,
    escalated_at INTEGER,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;
CREATE INDEX complaints_due ON complaints (tenant_id, due_at, id);
