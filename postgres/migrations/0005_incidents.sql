-- Breach records (GDPR Art. 33(5)). Texts describe the breach, never a
-- person.
CREATE TABLE incidents (
    tenant_id             TEXT NOT NULL REFERENCES tenants (id),
    id                    TEXT NOT NULL CONSTRAINT incidents_id_key UNIQUE,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    categories            TEXT[] NOT NULL,
    discovered_at         TIMESTAMPTZ NOT NULL,
    occurred_at           TIMESTAMPTZ,
    status                TEXT NOT NULL,
    risk                  TEXT NOT NULL,
    impact                TEXT NOT NULL,
    measures              TEXT NOT NULL,
    advice                TEXT NOT NULL,
    password_reset        BOOLEAN NOT NULL,
    regulator_notified_at TIMESTAMPTZ,
    people_notified_at    TIMESTAMPTZ,
    public_notice_at      TIMESTAMPTZ,
    jurisdictions         TEXT[] NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    CONSTRAINT incidents_pkey PRIMARY KEY (tenant_id, id)
);

-- The people a breach touched, by id: one row each, so a notice goes out
-- once per person and an interrupted run resumes where it stopped.
CREATE TABLE incident_subjects (
    tenant_id   TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    notified_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, incident_id, subject_id),
    FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);

-- Finding the people a breach touched reads this index, never a sealed
-- value. Category prefixes are compared bytewise (COLLATE "C"), as on SQLite.
CREATE INDEX fields_category ON fields (tenant_id, category COLLATE "C", subject_id);
