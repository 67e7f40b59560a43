-- Export packages: an access or portability package, encrypted under its own
-- key (wrapped by the master key) and stored in chunks, so several servers
-- share packages through the database and none is ever held whole in memory.
-- A package is written over several transactions and is readable only once
-- ready; the expiry sweep removes packages, ready or not, with their chunks.
CREATE TABLE export_packages (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    request_id  TEXT NOT NULL,        -- '' when no request asked for it
    size        BIGINT NOT NULL,      -- plaintext bytes, set when ready
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    wrapped_key BYTEA NOT NULL,
    ready       BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
);
CREATE INDEX export_packages_expiry ON export_packages (expires_at);

CREATE TABLE export_package_chunks (
    tenant_id  TEXT NOT NULL,
    package_id TEXT NOT NULL,
    n          INTEGER NOT NULL,
    data       BYTEA NOT NULL,        -- ciphertext
    PRIMARY KEY (tenant_id, package_id, n),
    FOREIGN KEY (tenant_id, package_id) REFERENCES export_packages (tenant_id, id) ON DELETE CASCADE
);
