-- Published policy versions per tenant. The source is kept exactly as
-- published, so any version can be compiled, shown and diffed again. seq
-- orders publications and, per tenant, is the stamp a cache compares to
-- learn of a new version.
CREATE TABLE policy_versions (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    version        TEXT NOT NULL,
    effective      TIMESTAMPTZ NOT NULL,
    source         BYTEA NOT NULL,
    sha256         TEXT NOT NULL,
    published_at   TIMESTAMPTZ NOT NULL,
    published_by   TEXT NOT NULL,
    material       BOOLEAN NOT NULL,
    rights_reduced BOOLEAN NOT NULL,
    activated_at   TIMESTAMPTZ,
    CONSTRAINT policy_versions_tenant_version UNIQUE (tenant_id, version)
);
CREATE INDEX policy_versions_pending ON policy_versions (effective) WHERE activated_at IS NULL;

-- One row per subject told of a version's material change: the notice job
-- skips a subject with a row, so a rerun after a crash sends no duplicate.
CREATE TABLE policy_notices (
    tenant_id  TEXT NOT NULL,
    version    TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, version, subject_id),
    FOREIGN KEY (tenant_id, version) REFERENCES policy_versions (tenant_id, version)
);
