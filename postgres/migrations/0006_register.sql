-- Complaints and their response clock. The complaint's text is not kept:
-- reference points into the operator's own ticket system.
CREATE TABLE complaints (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    id           TEXT NOT NULL,
    subject_id   TEXT,          -- NULL when the person is not known
    channel      TEXT NOT NULL,
    reference    TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    answered_at  TIMESTAMPTZ,
    escalated_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);
CREATE INDEX complaints_due ON complaints (tenant_id, due_at, id);

-- Disclosures to authorities, and whether the person was told. categories
-- holds policy keys joined by commas.
CREATE TABLE authority_disclosures (
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    id             TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    reference      TEXT NOT NULL,
    categories     TEXT NOT NULL,
    disclosed_at   TIMESTAMPTZ NOT NULL,
    gag            BOOLEAN NOT NULL,
    notice         TEXT NOT NULL,
    notice_sent_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);
CREATE INDEX authority_disclosures_subject ON authority_disclosures (tenant_id, subject_id, disclosed_at);

-- Ended processor entrustments and the deletion each processor must confirm.
CREATE TABLE processor_ends (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    id           TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    reference    TEXT NOT NULL,
    ended_at     TIMESTAMPTZ NOT NULL,
    deletion_due TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX processor_ends_due ON processor_ends (tenant_id, deletion_due, id);
