-- Plain tables, indexes and constraints only (no triggers, no procedures), so
-- PostgreSQL-compatible distributed engines accept the schema too.

CREATE TABLE tenants (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    created_at         TIMESTAMPTZ,
    signing_key        BYTEA,
    signing_public_key BYTEA
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    hash         BYTEA NOT NULL CONSTRAINT api_keys_hash_key UNIQUE,
    scopes       TEXT[] NOT NULL,
    created_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE subjects (
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    id                TEXT NOT NULL,
    jurisdiction      TEXT NOT NULL,
    status            TEXT NOT NULL,
    age_band          TEXT NOT NULL,
    sealed_birth_date BYTEA,
    created_at        TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ,
    last_activity_at  TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    erased_at         TIMESTAMPTZ,
    CONSTRAINT subjects_pkey PRIMARY KEY (tenant_id, id)
);
CREATE INDEX subjects_status ON subjects (tenant_id, status, id);

-- The UNIQUE constraint is what makes an identity belong to one subject:
-- two concurrent creates cannot both pass it.
CREATE TABLE identities (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    idx        BYTEA NOT NULL,
    sealed     BYTEA,
    CONSTRAINT identities_index_key UNIQUE (tenant_id, type, idx),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);
CREATE INDEX identities_subject ON identities (tenant_id, subject_id);

CREATE TABLE fields (
    tenant_id  TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    sealed     BYTEA,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, subject_id, name),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);

CREATE TABLE audit_events (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    seq        BIGINT NOT NULL,
    time       TIMESTAMPTZ NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    categories TEXT[] NOT NULL,
    purpose    TEXT NOT NULL,
    result     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  BYTEA,
    hash       BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject_id, seq);
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_id, seq);
CREATE INDEX audit_events_time ON audit_events (tenant_id, time);

-- One row per tenant: the chain head. Appends lock it (SELECT ... FOR UPDATE),
-- so servers sharing the database extend one chain, one event at a time.
CREATE TABLE audit_heads (
    tenant_id TEXT PRIMARY KEY,
    seq       BIGINT NOT NULL,
    hash      BYTEA
);

CREATE TABLE audit_checkpoints (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    seq       BIGINT NOT NULL,
    hash      BYTEA NOT NULL,
    time      TIMESTAMPTZ NOT NULL,
    signature BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
