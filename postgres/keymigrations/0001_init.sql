-- Wrapped data keys, in a schema of their own so dumps of the data schema
-- hold no keys.
CREATE TABLE data_keys (
    tenant_id     TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    wrapped       BYTEA NOT NULL,
    master_key_id BIGINT NOT NULL,
    created_at    TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, subject_id)
);
CREATE INDEX data_keys_master ON data_keys (master_key_id, tenant_id, subject_id);
