-- A request's package is found by its request: packages live for the export
-- window, and a busy tenant holds thousands within it, so the lookup must
-- not scan them.
CREATE INDEX export_packages_request ON export_packages (tenant_id, request_id);
