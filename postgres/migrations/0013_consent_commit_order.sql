-- Consent events get their seq before they commit, so two transactions can
-- commit out of seq order: a server catching up by "seq above the last I
-- read" could step past an event still in flight and never see it. Each
-- event keeps the id of the transaction that wrote it, and a catch-up reads
-- only up to the first event whose transaction may have been running when
-- its snapshot was taken (see ConsentEventsAfter).
ALTER TABLE consent_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
