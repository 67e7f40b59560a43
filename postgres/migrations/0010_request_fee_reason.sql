-- Why a request's fee applies (repetitive, excessive): told to the person
-- with the estimate before any work, and shown on the request.
ALTER TABLE requests ADD COLUMN fee_reason TEXT NOT NULL DEFAULT '';
