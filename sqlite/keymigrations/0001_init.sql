-- Wrapped data keys, in a database file of their own so data backups hold no keys.
CREATE TABLE data_keys (
    tenant_id     TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    wrapped       BLOB NOT NULL,
    master_key_id INTEGER NOT NULL,
    created_at    INTEGER,
    PRIMARY KEY (tenant_id, subject_id)
) STRICT;
CREATE INDEX data_keys_master ON data_keys (master_key_id, tenant_id, subject_id);
