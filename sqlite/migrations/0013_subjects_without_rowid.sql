-- privet:foreign_keys=off
-- Subjects, identities and fields become WITHOUT ROWID tables clustered on
-- the keys every read uses, so a lookup by email walks two B-trees (the
-- blind index, then the subject's rows) instead of eight, and a create
-- writes one tree fewer per table.
--
-- Rebuilding a table that others reference needs foreign keys off (SQLite's
-- documented table rebuild); the loader turns them off for a migration
-- marked as above and runs PRAGMA foreign_key_check before it commits.

CREATE TABLE subjects_new (
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    id                TEXT NOT NULL,
    jurisdiction      TEXT NOT NULL,
    status            TEXT NOT NULL,
    age_band          TEXT NOT NULL,
    sealed_birth_date BLOB,
    created_at        INTEGER,
    updated_at        INTEGER,
    last_activity_at  INTEGER,
    closed_at         INTEGER,
    erased_at         INTEGER,
    PRIMARY KEY (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO subjects_new (tenant_id, id, jurisdiction, status, age_band, sealed_birth_date,
    created_at, updated_at, last_activity_at, closed_at, erased_at)
SELECT tenant_id, id, jurisdiction, status, age_band, sealed_birth_date,
    created_at, updated_at, last_activity_at, closed_at, erased_at FROM subjects;

-- A subject's identities are clustered by subject (one walk reads them
-- all); the UNIQUE index on the blind index is what makes an identity
-- belong to one subject, and it carries subject_id (a primary key column),
-- so a lookup by blind index never visits the table.
CREATE TABLE identities_new (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    idx        BLOB NOT NULL,
    sealed     BLOB,
    PRIMARY KEY (tenant_id, subject_id, type, idx),
    UNIQUE (tenant_id, type, idx),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO identities_new (tenant_id, subject_id, type, idx, sealed)
SELECT tenant_id, subject_id, type, idx, sealed FROM identities;

CREATE TABLE fields_new (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    sealed     BLOB,
    updated_at INTEGER,
    PRIMARY KEY (tenant_id, subject_id, name),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO fields_new (tenant_id, subject_id, name, category, sealed, updated_at)
SELECT tenant_id, subject_id, name, category, sealed, updated_at FROM fields;

DROP TABLE fields;
DROP TABLE identities;
DROP TABLE subjects;
ALTER TABLE subjects_new RENAME TO subjects;
ALTER TABLE identities_new RENAME TO identities;
ALTER TABLE fields_new RENAME TO fields;

CREATE INDEX subjects_status ON subjects (tenant_id, status, id);
CREATE INDEX fields_category ON fields (tenant_id, category, subject_id);
