package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

const requestColumns = `tenant_id, id, subject_id, type, jurisdiction, status, channel, received_at, due_at,
	receipt_due_at, extended_to, extension_reason, paused_at, paused_total, completed_at, outcome, deny_reason,
	status_token_hash, contact_type, sealed_contact, code_hash, code_expires_at, code_attempts, code_locked,
	verification_level, verified_points, verified_at, fee_amount, fee_accepted_at, processor_client, details, updated_at, fee_reason`

// closedStatuses is the SQL list of privet.ClosedRequestStatuses; the
// partial unique index of the migration names the same three.
const closedStatuses = `('completed', 'denied', 'expired')`

// CreateRequest inserts r; the partial unique index on open requests turns
// a second open request of the subject's type into ECONFLICT.
func (t *tx) CreateRequest(ctx context.Context, r *privet.Request) error {
	_, err := t.exec(ctx, `INSERT INTO requests (`+requestColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		requestArgs(r)...)
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "the subject already has an open request of this type")
	case isForeignKey(err):
		return notFound("tenant or subject")
	}
	return dbError("create request", err)
}

func requestArgs(r *privet.Request) []any {
	var fee, feeAccepted any
	var feeReason string
	if r.Fee != nil {
		fee, feeAccepted, feeReason = r.Fee.Amount, nanosPtr(r.Fee.AcceptedAt), r.Fee.Reason
	}
	v := r.Verification
	return []any{r.TenantID, r.ID, nullString(r.SubjectID), r.Type, r.Jurisdiction, string(r.Status), r.Channel,
		nanos(r.ReceivedAt), nanos(r.DueAt), nanosPtr(r.ReceiptDueAt), nanosPtr(r.ExtendedTo), r.ExtensionReason,
		nanosPtr(r.PausedAt), int64(r.PausedTotal), nanosPtr(r.CompletedAt), r.Outcome, r.DenyReason,
		r.StatusTokenHash, string(r.ContactType), r.SealedContact, v.CodeHash, nanosPtr(v.ExpiresAt), v.Attempts, v.Locked,
		v.Level, v.Points, nanosPtr(v.VerifiedAt), fee, feeAccepted, r.ProcessorClient, r.Details, nanos(r.UpdatedAt), feeReason}
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *tx) Request(ctx context.Context, tenantID, id string) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

func (t *tx) RequestByStatusToken(ctx context.Context, tokenHash []byte) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests WHERE status_token_hash = ?`, tokenHash)
}

func (t *tx) OpenRequest(ctx context.Context, tenantID, subjectID, typ string) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE tenant_id = ? AND subject_id = ? AND type = ? AND status NOT IN `+closedStatuses, tenantID, subjectID, typ)
}

func (t *tx) oneRequest(ctx context.Context, query string, args ...any) (*privet.Request, error) {
	rs, err := t.requestRows(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound("request")
	}
	return rs[0], nil
}

func (t *tx) UpdateRequest(ctx context.Context, r *privet.Request) error {
	args := requestArgs(r)
	// Everything but the key and the creation facts changes.
	res, err := t.exec(ctx, `UPDATE requests SET subject_id = ?, status = ?, due_at = ?, receipt_due_at = ?,
		extended_to = ?, extension_reason = ?, paused_at = ?, paused_total = ?, completed_at = ?, outcome = ?,
		deny_reason = ?, sealed_contact = ?, code_hash = ?, code_expires_at = ?, code_attempts = ?, code_locked = ?,
		verification_level = ?, verified_points = ?, verified_at = ?, fee_amount = ?, fee_accepted_at = ?,
		processor_client = ?, details = ?, updated_at = ?, fee_reason = ? WHERE tenant_id = ? AND id = ?`,
		args[2], args[5], args[8], args[9], args[10], args[11], args[12], args[13], args[14], args[15], args[16],
		args[19], args[20], args[21], args[22], args[23], args[24], args[25], args[26], args[27], args[28], args[29],
		args[30], args[31], args[32], r.TenantID, r.ID)
	if isUnique(err) {
		return privet.Errorf(privet.ECONFLICT, "the subject already has an open request of this type")
	}
	if isForeignKey(err) {
		return notFound("subject")
	}
	return oneRow("update request", "request", res, err)
}

// requestWhere builds the WHERE clause of a filter, without paging.
func requestWhere(tenantID string, f privet.RequestFilter) (string, []any) {
	conds, args := []string{"tenant_id = ?"}, []any{tenantID}
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.Type != "" {
		add("type = ?", f.Type)
	}
	if f.SubjectID != "" {
		add("subject_id = ?", f.SubjectID)
	}
	if f.OpenOnly {
		conds = append(conds, "status NOT IN "+closedStatuses)
	}
	if !f.DueBefore.IsZero() {
		add("due_at < ?", f.DueBefore.UnixNano())
	}
	if !f.ReceivedFrom.IsZero() {
		add("received_at >= ?", f.ReceivedFrom.UnixNano())
	}
	if !f.ReceivedTo.IsZero() {
		add("received_at < ?", f.ReceivedTo.UnixNano())
	}
	return strings.Join(conds, " AND "), args
}

func (t *tx) Requests(ctx context.Context, tenantID string, f privet.RequestFilter) ([]*privet.Request, error) {
	where, args := requestWhere(tenantID, f)
	if f.AfterID != "" {
		where += " AND (due_at > ? OR (due_at = ? AND id > ?))"
		args = append(args, f.AfterDue.UnixNano(), f.AfterDue.UnixNano(), f.AfterID)
	}
	args = append(args, pageLimit(f.Limit))
	return t.requestRows(ctx, `SELECT `+requestColumns+` FROM requests WHERE `+where+` ORDER BY due_at, id LIMIT ?`, args...)
}

func (t *tx) CountRequests(ctx context.Context, tenantID string, f privet.RequestFilter) (int, error) {
	where, args := requestWhere(tenantID, f)
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM requests WHERE `+where, args...).Scan(&n)
	return n, dbError("count requests", err)
}

func (t *tx) RequestDueCounts(ctx context.Context, now, soon time.Time) ([]privet.RequestDueCount, error) {
	rows, err := t.query(ctx, `SELECT type, sum(due_at < ?), sum(due_at >= ? AND due_at < ?) FROM requests
		WHERE status NOT IN `+closedStatuses+` AND status != 'pending_verification' AND paused_at IS NULL AND due_at < ?
		GROUP BY type ORDER BY type`, now.UnixNano(), now.UnixNano(), soon.UnixNano(), soon.UnixNano())
	if err != nil {
		return nil, dbError("request due counts", err)
	}
	defer rows.Close()
	var out []privet.RequestDueCount
	for rows.Next() {
		var c privet.RequestDueCount
		if err := rows.Scan(&c.Type, &c.Overdue, &c.DueSoon); err != nil {
			return nil, dbError("request due counts", err)
		}
		out = append(out, c)
	}
	return out, dbError("request due counts", rows.Err())
}

func (t *tx) UnverifiedBefore(ctx context.Context, before time.Time, limit int) ([]*privet.Request, error) {
	return t.requestRows(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE status = 'pending_verification' AND received_at < ? ORDER BY received_at, tenant_id, id LIMIT ?`,
		before.UnixNano(), pageLimit(limit))
}

func (t *tx) requestRows(ctx context.Context, query string, args ...any) ([]*privet.Request, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, dbError("requests", err)
	}
	defer rows.Close()
	var out []*privet.Request
	for rows.Next() {
		var r privet.Request
		var subject, fee *string
		var status, contactType, feeReason string
		var received, due, updated int64
		var receiptDue, extended, paused, completed, codeExpires, verified, feeAccepted nullTime
		var pausedTotal int64
		v := &r.Verification
		if err := rows.Scan(&r.TenantID, &r.ID, &subject, &r.Type, &r.Jurisdiction, &status, &r.Channel, &received, &due,
			&receiptDue, &extended, &r.ExtensionReason, &paused, &pausedTotal, &completed, &r.Outcome, &r.DenyReason,
			&r.StatusTokenHash, &contactType, &r.SealedContact, &v.CodeHash, &codeExpires, &v.Attempts, &v.Locked,
			&v.Level, &v.Points, &verified, &fee, &feeAccepted, &r.ProcessorClient, &r.Details, &updated, &feeReason); err != nil {
			return nil, dbError("requests", err)
		}
		if subject != nil {
			r.SubjectID = *subject
		}
		if fee != nil {
			r.Fee = &privet.RequestFee{Amount: *fee, Reason: feeReason, AcceptedAt: feeAccepted.ptr()}
		}
		r.Status, r.ContactType = privet.RequestStatus(status), privet.IdentityType(contactType)
		r.ReceivedAt, r.DueAt, r.UpdatedAt = time.Unix(0, received).UTC(), time.Unix(0, due).UTC(), time.Unix(0, updated).UTC()
		r.ReceiptDueAt, r.ExtendedTo, r.PausedAt, r.CompletedAt = receiptDue.ptr(), extended.ptr(), paused.ptr(), completed.ptr()
		v.ExpiresAt, v.VerifiedAt = codeExpires.ptr(), verified.ptr()
		r.PausedTotal = time.Duration(pausedTotal)
		out = append(out, &r)
	}
	return out, dbError("requests", rows.Err())
}
