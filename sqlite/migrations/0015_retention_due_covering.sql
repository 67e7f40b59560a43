-- A sweep reads due items through retention_due_at and needs every column
-- of the item; with the action in the index it reads the index alone
-- instead of looking each item up again by its primary key.
DROP INDEX retention_due_at;
CREATE INDEX retention_due_at ON retention_due (due_at, tenant_id, subject_id, rule_key, action);
