-- Published policy versions per tenant. The source is kept exactly as
-- published, so any version can be compiled, shown and diffed again. seq
-- orders publications and, per tenant, is the stamp a cache compares to
-- learn of a new version.
CREATE TABLE policy_versions (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    version        TEXT NOT NULL,
    effective      INTEGER NOT NULL,
    source         BLOB NOT NULL,
    sha256         TEXT NOT NULL,
    published_at   INTEGER NOT NULL,
    published_by   TEXT NOT NULL,
    material       INTEGER NOT NULL,
    rights_reduced INTEGER NOT NULL,
    activated_at   INTEGER,
    UNIQUE (tenant_id, version)
) STRICT;
CREATE INDEX policy_versions_pending ON policy_versions (effective) WHERE activated_at IS NULL;

-- One row per subject told of a version's material change: the notice job
-- skips a subject with a row, so a rerun after a crash sends no duplicate.
CREATE TABLE policy_notices (
    tenant_id  TEXT NOT NULL,
    version    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, version, subject_id),
    FOREIGN KEY (tenant_id, version) REFERENCES policy_versions (tenant_id, version)
) STRICT;
