-- No query reads subjects by status through this index: the one listing
-- filtered by status ("? = '' OR status = ?") walks the primary key, as
-- EXPLAIN QUERY PLAN shows. Every erasure and status change still had to
-- move the row's entry in it (a delete and an insert), which was about half
-- the cost of erasing a subject's row in a retention sweep.
DROP INDEX subjects_status;
