-- Consent writers now draw their seqs one transaction at a time, under a
-- transaction-level advisory lock held until commit (see consentOrderLock),
-- so seqs become visible in order and a catch-up read needs no bound: the
-- transaction id kept by migration 13 for that bound is no longer read.
-- (The bound also held back every reader while any transaction of the
-- cluster, of any application, stayed open.)
ALTER TABLE consent_events DROP COLUMN xid;
