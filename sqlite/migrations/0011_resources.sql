-- Audit events may name an application resource (a document id): who viewed
-- or edited it. '' for every other event. A resource's history is read by
-- this partial index, which holds only the events that name one.
ALTER TABLE audit_events ADD COLUMN resource TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_events_resource ON audit_events (tenant_id, resource, time) WHERE resource <> '';
