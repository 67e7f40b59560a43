-- Breach records (GDPR Art. 33(5)). Texts describe the breach, never a
-- person; categories and jurisdictions are JSON arrays of keys.
CREATE TABLE incidents (
    tenant_id             TEXT NOT NULL REFERENCES tenants (id),
    id                    TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    categories            TEXT NOT NULL,
    discovered_at         INTEGER NOT NULL,
    occurred_at           INTEGER,
    status                TEXT NOT NULL,
    risk                  TEXT NOT NULL,
    impact                TEXT NOT NULL,
    measures              TEXT NOT NULL,
    advice                TEXT NOT NULL,
    password_reset        INTEGER NOT NULL,
    regulator_notified_at INTEGER,
    people_notified_at    INTEGER,
    public_notice_at      INTEGER,
    jurisdictions         TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

-- The people a breach touched, by id: one row each, so a notice goes out
-- once per person and an interrupted run resumes where it stopped.
CREATE TABLE incident_subjects (
    tenant_id   TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    notified_at INTEGER,
    PRIMARY KEY (tenant_id, incident_id, subject_id),
    FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;

-- Finding the people a breach touched reads this index, never a sealed value.
CREATE INDEX fields_category ON fields (tenant_id, category, subject_id);
