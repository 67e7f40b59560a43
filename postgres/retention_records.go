package postgres

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// PruneConsentHistory deletes, for the listed subjects, the choices a later
// choice of the same purpose replaced; the subject index finds both.
func (t *tx) PruneConsentHistory(ctx context.Context, tenantID string, subjectIDs []string) (int, error) {
	if len(subjectIDs) == 0 {
		return 0, nil
	}
	tag, err := t.exec(ctx, `DELETE FROM consent_events e
		WHERE e.tenant_id = $1 AND e.subject_id = ANY($2)
		AND e.state <> $3 AND e.source NOT IN ($4, $5) AND e.purpose <> ''
		AND EXISTS (SELECT 1 FROM consent_events later
			WHERE later.tenant_id = e.tenant_id AND later.subject_id = e.subject_id
			AND later.seq > e.seq AND later.purpose = e.purpose)`,
		tenantID, subjectIDs, string(privet.StateLinked), string(privet.SourceGPC), string(privet.SourceDNT))
	if err != nil {
		return 0, dbError("prune consent history", err)
	}
	return int(tag.RowsAffected()), nil
}

// recordsDue is the query of the tenant's due records of one kind, oldest
// first, through the index on their time; "" for kinds swept otherwise.
func recordsDue(record string) string {
	switch record {
	case privet.RecordExportPackages:
		return `SELECT id FROM export_packages WHERE tenant_id = $1 AND created_at < $2
			AND NOT (subject_id = ANY($3)) ORDER BY created_at`
	case privet.RecordClosedRequests:
		return `SELECT id FROM requests WHERE tenant_id = $1 AND completed_at < $2
			AND completed_at IS NOT NULL AND anonymized_at IS NULL
			AND NOT (coalesce(subject_id, '') = ANY($3)) ORDER BY completed_at`
	}
	return ""
}

func (t *tx) CountRecordsBefore(ctx context.Context, p privet.RecordPrune) (int64, error) {
	q := recordsDue(p.Record)
	if q == "" {
		return 0, privet.FieldError("record", "%q is not counted by time", p.Record)
	}
	var n int64
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM (`+q+`) due`, p.TenantID, p.Before.UTC(), orEmpty(p.Keep)).Scan(&n)
	return n, dbError("count records", err)
}

func (t *tx) PruneRecordsBefore(ctx context.Context, p privet.RecordPrune) (int, error) {
	due := recordsDue(p.Record)
	if due == "" {
		return 0, privet.FieldError("record", "%q is not pruned by time", p.Record)
	}
	if !t.write {
		return 0, errWriteInView()
	}
	due += ` LIMIT $4`
	args := []any{p.TenantID, p.Before.UTC(), orEmpty(p.Keep), p.Limit}
	var q string
	switch {
	case p.Record == privet.RecordExportPackages && p.Action == privet.RetentionDelete:
		// The chunks go with their package (ON DELETE CASCADE).
		q = `DELETE FROM export_packages WHERE tenant_id = $1 AND id IN (` + due + `)`
	case p.Record == privet.RecordClosedRequests && p.Action == privet.RetentionDelete:
		q = `DELETE FROM requests WHERE tenant_id = $1 AND id IN (` + due + `)`
	case p.Record == privet.RecordClosedRequests && p.Action == privet.RetentionAnonymize:
		// What the reports count stays; what links the request to a person
		// goes. The status link stops working: its hash becomes random bytes
		// (two strong random UUIDs) no token hashes to.
		q = `UPDATE requests SET subject_id = NULL, sealed_contact = NULL, contact_type = '', code_hash = NULL,
			code_expires_at = NULL, details = NULL, extension_reason = '',
			status_token_hash = uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()),
			anonymized_at = $5, updated_at = $5 WHERE tenant_id = $1 AND id IN (` + due + `)`
		args = append(args, p.At.UTC())
	default:
		return 0, privet.FieldError("action", "%s cannot be %sd", p.Record, p.Action)
	}
	tag, err := t.exec(ctx, q, args...)
	if err != nil {
		return 0, dbError("prune "+p.Record, err)
	}
	return int(tag.RowsAffected()), nil
}

func (t *tx) DeleteAuditThrough(ctx context.Context, tenantID string, through int64, limit int) (int, error) {
	if !t.write {
		return 0, errWriteInView()
	}
	tag, err := t.exec(ctx, `DELETE FROM audit_events WHERE tenant_id = $1 AND seq IN
		(SELECT seq FROM audit_events WHERE tenant_id = $1 AND seq <= $2 ORDER BY seq LIMIT $3)`, tenantID, through, limit)
	if err != nil {
		return 0, dbError("prune audit events", err)
	}
	n := int(tag.RowsAffected())
	if n < limit {
		if _, err := t.exec(ctx, `DELETE FROM audit_checkpoints WHERE tenant_id = $1 AND seq < $2`, tenantID, through); err != nil {
			return 0, dbError("prune audit checkpoints", err)
		}
	}
	return n, nil
}

// visitorConsentDueSQL selects the tenant's events of visitors never linked,
// oldest first, through the partial index on their time; each visitor's link
// is looked up in the unique partial index of links.
const visitorConsentDueSQL = `SELECT e.seq FROM consent_events e
	WHERE e.tenant_id = $1 AND e."time" < $2 AND e.subject_id IS NULL AND e.visitor IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM consent_events link
		WHERE link.tenant_id = e.tenant_id AND link.visitor = e.visitor AND link.state = 'linked')
	ORDER BY e."time"`

func (t *tx) CountVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time) (int64, error) {
	var n int64
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM (`+visitorConsentDueSQL+`) due`, tenantID, before.UTC()).Scan(&n)
	return n, dbError("count visitor consent events", err)
}

func (t *tx) DeleteVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time, limit int) (int, error) {
	if !t.write {
		return 0, errWriteInView()
	}
	tag, err := t.exec(ctx, `DELETE FROM consent_events WHERE seq IN (`+visitorConsentDueSQL+` LIMIT $3)`,
		tenantID, before.UTC(), limit)
	if err != nil {
		return 0, dbError("prune visitor consent events", err)
	}
	return int(tag.RowsAffected()), nil
}
