-- Most consent events name a known subject and no visitor, yet each one
-- added an entry (tenant, NULL, seq) to the visitor index, which only
-- lookups by a visitor's blind index read: one B-tree insert per write for
-- nothing. The index now holds only the events that name a visitor; a query
-- with visitor = ? (or IN) implies visitor IS NOT NULL, so it still uses it.
DROP INDEX consent_events_visitor;
CREATE INDEX consent_events_visitor ON consent_events (tenant_id, visitor, seq) WHERE visitor IS NOT NULL;
