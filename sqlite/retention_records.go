package sqlite

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
	res, err := t.exec(ctx, `DELETE FROM consent_events
		WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?))
		AND state <> ? AND source NOT IN (?, ?) AND purpose <> ''
		AND EXISTS (SELECT 1 FROM consent_events AS later INDEXED BY consent_events_subject
			WHERE later.tenant_id = consent_events.tenant_id AND later.subject_id = consent_events.subject_id
			AND later.seq > consent_events.seq AND later.purpose = consent_events.purpose)`,
		tenantID, jsonList(subjectIDs), string(privet.StateLinked), string(privet.SourceGPC), string(privet.SourceDNT))
	if err != nil {
		return 0, dbError("prune consent history", err)
	}
	n, err := res.RowsAffected()
	return int(n), dbError("prune consent history", err)
}

// recordsDue is the query of the tenant's due records of one kind, oldest
// first, through the index on their time; "" for kinds swept otherwise.
func recordsDue(record string) string {
	switch record {
	case privet.RecordExportPackages:
		return `SELECT id FROM export_packages INDEXED BY export_packages_created
			WHERE tenant_id = ? AND created_at < ? AND subject_id NOT IN (SELECT value FROM json_each(?)) ORDER BY created_at`
	case privet.RecordClosedRequests:
		return `SELECT id FROM requests INDEXED BY requests_completed
			WHERE tenant_id = ? AND completed_at < ? AND completed_at IS NOT NULL AND anonymized_at IS NULL
			AND coalesce(subject_id, '') NOT IN (SELECT value FROM json_each(?)) ORDER BY completed_at`
	}
	return ""
}

func (t *tx) CountRecordsBefore(ctx context.Context, p privet.RecordPrune) (int64, error) {
	q := recordsDue(p.Record)
	if q == "" {
		return 0, privet.FieldError("record", "%q is not counted by time", p.Record)
	}
	var n int64
	err := t.queryRow(ctx, `SELECT count(*) FROM (`+q+`)`, p.TenantID, p.Before.UnixNano(), jsonList(p.Keep)).Scan(&n)
	return n, dbError("count records", err)
}

func (t *tx) PruneRecordsBefore(ctx context.Context, p privet.RecordPrune) (int, error) {
	record := p.Record
	due := recordsDue(record)
	if due == "" {
		return 0, privet.FieldError("record", "%q is not pruned by time", record)
	}
	if !t.write {
		return 0, errWriteInView()
	}
	due += ` LIMIT ?`
	var q string
	var args []any
	switch action := p.Action; {
	case record == privet.RecordExportPackages && action == privet.RetentionDelete:
		// The chunks go with their package (ON DELETE CASCADE).
		q = `DELETE FROM export_packages WHERE tenant_id = ? AND id IN (` + due + `)`
	case record == privet.RecordClosedRequests && action == privet.RetentionDelete:
		q = `DELETE FROM requests WHERE tenant_id = ? AND id IN (` + due + `)`
	case record == privet.RecordClosedRequests && action == privet.RetentionAnonymize:
		// What the reports count stays; what links the request to a person
		// goes. The status link stops working: its hash becomes random bytes
		// no token hashes to.
		now := p.At.UnixNano()
		q = `UPDATE requests SET subject_id = NULL, sealed_contact = NULL, contact_type = '', code_hash = NULL,
			code_expires_at = NULL, details = NULL, extension_reason = '', status_token_hash = randomblob(32),
			anonymized_at = ?, updated_at = ? WHERE tenant_id = ? AND id IN (` + due + `)`
		args = append(args, now, now)
	default:
		return 0, privet.FieldError("action", "%s cannot be %sd", record, p.Action)
	}
	args = append(args, p.TenantID, p.TenantID, p.Before.UnixNano(), jsonList(p.Keep), p.Limit)
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return 0, dbError("prune "+record, err)
	}
	n, err := res.RowsAffected()
	return int(n), dbError("prune "+record, err)
}

func (t *tx) DeleteAuditThrough(ctx context.Context, tenantID string, through int64, limit int) (int, error) {
	if !t.write {
		return 0, errWriteInView()
	}
	res, err := t.exec(ctx, `DELETE FROM audit_events WHERE tenant_id = ? AND seq IN
		(SELECT seq FROM audit_events WHERE tenant_id = ? AND seq <= ? ORDER BY seq LIMIT ?)`, tenantID, tenantID, through, limit)
	if err != nil {
		return 0, dbError("prune audit events", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, dbError("prune audit events", err)
	}
	if int(n) < limit {
		if _, err := t.exec(ctx, `DELETE FROM audit_checkpoints WHERE tenant_id = ? AND seq < ?`, tenantID, through); err != nil {
			return 0, dbError("prune audit checkpoints", err)
		}
	}
	return int(n), nil
}

// visitorConsentDueSQL selects the tenant's events of visitors never linked,
// oldest first, through the partial index on their time; each visitor's link
// is looked up in the unique partial index of links.
const visitorConsentDueSQL = `SELECT seq FROM consent_events INDEXED BY consent_events_visitor_time
	WHERE tenant_id = ? AND time < ? AND subject_id IS NULL AND visitor IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM consent_events AS link INDEXED BY consent_links
		WHERE link.tenant_id = consent_events.tenant_id AND link.visitor = consent_events.visitor
		AND link.state = 'linked')
	ORDER BY time`

func (t *tx) CountVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time) (int64, error) {
	var n int64
	err := t.queryRow(ctx, `SELECT count(*) FROM (`+visitorConsentDueSQL+`)`, tenantID, before.UnixNano()).Scan(&n)
	return n, dbError("count visitor consent events", err)
}

func (t *tx) DeleteVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time, limit int) (int, error) {
	if !t.write {
		return 0, errWriteInView()
	}
	res, err := t.exec(ctx, `DELETE FROM consent_events WHERE seq IN (`+visitorConsentDueSQL+` LIMIT ?)`,
		tenantID, before.UnixNano(), limit)
	if err != nil {
		return 0, dbError("prune visitor consent events", err)
	}
	n, err := res.RowsAffected()
	return int(n), dbError("prune visitor consent events", err)
}
