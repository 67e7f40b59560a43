-- Retention of the records privet keeps itself: each kind is found by an
-- index on the time its period runs from, so a sweep reads only what is due.

-- Export packages by creation, per tenant (a rule caps how long they stay).
CREATE INDEX export_packages_created ON export_packages (tenant_id, created_at);

-- Closed requests are anonymized once: anonymized_at marks it, and the
-- partial index holds only the closed requests not yet anonymized.
ALTER TABLE requests ADD COLUMN anonymized_at INTEGER;
CREATE INDEX requests_completed ON requests (tenant_id, completed_at)
    WHERE completed_at IS NOT NULL AND anonymized_at IS NULL;

-- Audit events are pruned by their position in the chain (the primary key)
-- and consent history by subject (consent_events_subject): no new index.
