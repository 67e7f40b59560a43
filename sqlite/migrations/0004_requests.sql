-- Data-subject requests. Nothing personal is stored in the clear: a public
-- requester's contact is sealed under the request's own data key, the status
-- link is kept as its SHA-256, the one-time code as a salted hash.
CREATE TABLE requests (
    tenant_id          TEXT NOT NULL REFERENCES tenants (id),
    id                 TEXT NOT NULL,
    subject_id         TEXT,          -- NULL until the requester is matched
    type               TEXT NOT NULL,
    jurisdiction       TEXT NOT NULL,
    status             TEXT NOT NULL,
    channel            TEXT NOT NULL,
    received_at        INTEGER NOT NULL,
    due_at             INTEGER NOT NULL,
    receipt_due_at     INTEGER,
    extended_to        INTEGER,
    extension_reason   TEXT NOT NULL,
    paused_at          INTEGER,
    paused_total       INTEGER NOT NULL, -- nanoseconds
    completed_at       INTEGER,
    outcome            TEXT NOT NULL,
    deny_reason        TEXT NOT NULL,
    status_token_hash  BLOB NOT NULL UNIQUE,
    contact_type       TEXT NOT NULL,
    sealed_contact     BLOB,
    code_hash          BLOB,
    code_expires_at    INTEGER,
    code_attempts      INTEGER NOT NULL,
    code_locked        INTEGER NOT NULL,
    verification_level TEXT NOT NULL,
    verified_points    INTEGER NOT NULL,
    verified_at        INTEGER,
    fee_amount         TEXT,          -- NULL when no fee is charged
    fee_accepted_at    INTEGER,
    processor_client   TEXT NOT NULL,
    details            BLOB,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, subject_id) REFERENCES subjects (tenant_id, id)
) STRICT;
-- The work queue of a privacy team: open requests by due date.
CREATE INDEX requests_due ON requests (tenant_id, due_at, id);
-- Repeat limits and "the subject's open request of this type".
CREATE INDEX requests_subject ON requests (tenant_id, subject_id, type, status);
CREATE INDEX requests_status_received ON requests (status, received_at);
-- A subject has at most one open request of a type: the index, not a check
-- before the insert, decides between two concurrent creates.
CREATE UNIQUE INDEX requests_open ON requests (tenant_id, subject_id, type)
    WHERE subject_id IS NOT NULL AND status NOT IN ('completed', 'denied', 'expired');
