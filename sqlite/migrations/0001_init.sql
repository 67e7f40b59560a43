-- Times are INTEGER unix nanoseconds in UTC; NULL means unset.

CREATE TABLE tenants (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    created_at         INTEGER,
    signing_key        BLOB,
    signing_public_key BLOB
) STRICT;

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    scopes       TEXT NOT NULL, -- JSON array
    created_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
) STRICT;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE subjects (
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
) STRICT;
CREATE INDEX subjects_status ON subjects (tenant_id, status, id);

-- The UNIQUE constraint is what makes an identity belong to one subject:
-- two concurrent creates cannot both pass it.
CREATE TABLE identities (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    idx        BLOB NOT NULL,
    sealed     BLOB,
    UNIQUE (tenant_id, type, idx),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;
CREATE INDEX identities_subject ON identities (tenant_id, subject_id);

CREATE TABLE fields (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    sealed     BLOB,
    updated_at INTEGER,
    PRIMARY KEY (tenant_id, subject_id, name),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;

CREATE TABLE audit_events (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    seq        INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    categories TEXT, -- JSON array
    purpose    TEXT NOT NULL,
    result     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  BLOB,
    hash       BLOB NOT NULL,
    PRIMARY KEY (tenant_id, seq)
) STRICT;
CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject_id, seq);
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_id, seq);
CREATE INDEX audit_events_time ON audit_events (tenant_id, time);

-- One row per tenant: the chain head, so an append reads one row instead of
-- the last event.
CREATE TABLE audit_heads (
    tenant_id TEXT PRIMARY KEY,
    seq       INTEGER NOT NULL,
    hash      BLOB
) STRICT;

CREATE TABLE audit_checkpoints (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    seq       INTEGER NOT NULL,
    hash      BLOB NOT NULL,
    time      INTEGER NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (tenant_id, seq)
) STRICT;
