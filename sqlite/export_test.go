package sqlite

// AuditQuerySQL exposes the audit query builder so tests can check its plans.
var AuditQuerySQL = auditQuerySQL
