-- The consent events of visitors never linked to a subject are cookie data:
-- retention deletes them once the policy's period for cookie data has run
-- from their time. This partial index holds only the events that name a
-- visitor and no subject (a link names both), by time, so a sweep reads
-- only what is due; whether a visitor was linked is found through
-- consent_links.
CREATE INDEX consent_events_visitor_time ON consent_events (tenant_id, time)
    WHERE subject_id IS NULL AND visitor IS NOT NULL;
