package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

const requestColumns = `tenant_id, id, subject_id, type, jurisdiction, status, channel, received_at, due_at,
	receipt_due_at, extended_to, extension_reason, paused_at, paused_total, completed_at, outcome, deny_reason,
	status_token_hash, contact_type, sealed_contact, code_hash, code_expires_at, code_attempts, code_locked,
	verification_level, verified_points, verified_at, fee_amount, fee_accepted_at, processor_client, details, updated_at, fee_reason`

// closedStatuses is the SQL list of privet.ClosedRequestStatuses; the
// partial unique index of the migration names the same three.
const closedStatuses = `('completed', 'denied', 'expired')`

// CreateRequest inserts r in a savepoint, so a lost race on the partial
// unique index of open requests (ECONFLICT) leaves the transaction usable.
// A concurrent create waits for the first to commit, then conflicts.
func (t *tx) CreateRequest(ctx context.Context, r *privet.Request) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO requests (`+requestColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
			$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)`,
			requestArgs(r)...)
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "the subject already has an open request of this type")
		case isForeignKey(err):
			return notFound("tenant or subject")
		}
		return dbError("create request", err)
	})
}

func requestArgs(r *privet.Request) []any {
	var fee *string
	var feeAccepted any
	var feeReason string
	if r.Fee != nil {
		fee, feeAccepted, feeReason = &r.Fee.Amount, tsPtr(r.Fee.AcceptedAt), r.Fee.Reason
	}
	var subject *string
	if r.SubjectID != "" {
		subject = &r.SubjectID
	}
	v := r.Verification
	return []any{r.TenantID, r.ID, subject, r.Type, r.Jurisdiction, string(r.Status), r.Channel,
		ts(r.ReceivedAt), ts(r.DueAt), tsPtr(r.ReceiptDueAt), tsPtr(r.ExtendedTo), r.ExtensionReason,
		tsPtr(r.PausedAt), int64(r.PausedTotal), tsPtr(r.CompletedAt), r.Outcome, r.DenyReason,
		r.StatusTokenHash, string(r.ContactType), r.SealedContact, v.CodeHash, tsPtr(v.ExpiresAt), v.Attempts, v.Locked,
		v.Level, v.Points, tsPtr(v.VerifiedAt), fee, feeAccepted, r.ProcessorClient, r.Details, ts(r.UpdatedAt), feeReason}
}

// Request reads a request; in a write transaction it locks the row until
// commit. A change reads, decides and writes back the whole request, and
// under READ COMMITTED two changes at once (a code sent while the app
// vouches for the requester, two extensions) would otherwise each write
// over the other: the second now waits for the first and reads its result.
func (t *tx) Request(ctx context.Context, tenantID, id string) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests WHERE tenant_id = $1 AND id = $2`+t.forUpdate(), tenantID, id)
}

func (t *tx) RequestByStatusToken(ctx context.Context, tokenHash []byte) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests WHERE status_token_hash = $1`+t.forUpdate(), tokenHash)
}

// forUpdate is the row lock of a read a write transaction acts on: the
// requests, complaints, incidents and authority disclosures a change reads,
// decides on and writes back whole (subjects, read on every hot path, are
// checked by version instead: see scanSubjectRevision).
func (t *tx) forUpdate() string {
	if t.write {
		return ` FOR UPDATE`
	}
	return ""
}

func (t *tx) OpenRequest(ctx context.Context, tenantID, subjectID, typ string) (*privet.Request, error) {
	return t.oneRequest(ctx, `SELECT `+requestColumns+` FROM requests
		WHERE tenant_id = $1 AND subject_id = $2 AND type = $3 AND status NOT IN `+closedStatuses, tenantID, subjectID, typ)
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
	if !t.write {
		return errWriteInView()
	}
	a := requestArgs(r)
	return t.savepoint(ctx, func(q pgx.Tx) error {
		// Everything but the key and the creation facts changes.
		tag, err := q.Exec(ctx, `UPDATE requests SET subject_id = $1, status = $2, due_at = $3, receipt_due_at = $4,
			extended_to = $5, extension_reason = $6, paused_at = $7, paused_total = $8, completed_at = $9, outcome = $10,
			deny_reason = $11, sealed_contact = $12, code_hash = $13, code_expires_at = $14, code_attempts = $15,
			code_locked = $16, verification_level = $17, verified_points = $18, verified_at = $19, fee_amount = $20,
			fee_accepted_at = $21, processor_client = $22, details = $23, updated_at = $24, fee_reason = $25 WHERE tenant_id = $26 AND id = $27`,
			a[2], a[5], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16],
			a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], r.TenantID, r.ID)
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "the subject already has an open request of this type")
		case isForeignKey(err):
			return notFound("subject")
		}
		return oneRow("update request", "request", tag, err)
	})
}

// requestWhere builds the WHERE clause of a filter, without paging.
func requestWhere(tenantID string, f privet.RequestFilter) (string, []any) {
	conds, args := []string{"tenant_id = $1"}, []any{tenantID}
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
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
		add("due_at < ?", f.DueBefore.UTC())
	}
	if !f.ReceivedFrom.IsZero() {
		add("received_at >= ?", f.ReceivedFrom.UTC())
	}
	if !f.ReceivedTo.IsZero() {
		add("received_at < ?", f.ReceivedTo.UTC())
	}
	if f.AfterID != "" {
		add("(due_at, id) > (?, ", f.AfterDue.UTC())
		add("?)", f.AfterID)
		// The two halves above form one row comparison.
		conds[len(conds)-2] += conds[len(conds)-1]
		conds = conds[:len(conds)-1]
	}
	return strings.Join(conds, " AND "), args
}

func (t *tx) Requests(ctx context.Context, tenantID string, f privet.RequestFilter) ([]*privet.Request, error) {
	where, args := requestWhere(tenantID, f)
	args = append(args, pageLimit(f.Limit))
	return t.requestRows(ctx, `SELECT `+requestColumns+` FROM requests WHERE `+where+
		` ORDER BY due_at, id LIMIT $`+strconv.Itoa(len(args)), args...)
}

func (t *tx) CountRequests(ctx context.Context, tenantID string, f privet.RequestFilter) (int, error) {
	f.AfterID = ""
	where, args := requestWhere(tenantID, f)
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM requests WHERE `+where, args...).Scan(&n)
	return n, dbError("count requests", err)
}

func (t *tx) RequestDueCounts(ctx context.Context, now, soon time.Time) ([]privet.RequestDueCount, error) {
	rows, err := t.q.Query(ctx, `SELECT type, count(*) FILTER (WHERE due_at < $1), count(*) FILTER (WHERE due_at >= $1)
		FROM requests WHERE status NOT IN `+closedStatuses+` AND status <> 'pending_verification' AND paused_at IS NULL
		AND due_at < $2 GROUP BY type ORDER BY type`, now.UTC(), soon.UTC())
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
		WHERE status = 'pending_verification' AND received_at < $1 ORDER BY received_at, tenant_id, id LIMIT $2`,
		before.UTC(), pageLimit(limit))
}

func (t *tx) requestRows(ctx context.Context, query string, args ...any) ([]*privet.Request, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, dbError("requests", err)
	}
	defer rows.Close()
	var out []*privet.Request
	for rows.Next() {
		var r privet.Request
		var subject, fee *string
		var status, contactType, feeReason string
		var received, due, updated time.Time
		var receiptDue, extended, paused, completed, codeExpires, verified, feeAccepted *time.Time
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
			r.Fee = &privet.RequestFee{Amount: *fee, Reason: feeReason, AcceptedAt: fromTSPtr(feeAccepted)}
		}
		r.Status, r.ContactType = privet.RequestStatus(status), privet.IdentityType(contactType)
		r.ReceivedAt, r.DueAt, r.UpdatedAt = received.UTC(), due.UTC(), updated.UTC()
		r.ReceiptDueAt, r.ExtendedTo, r.PausedAt, r.CompletedAt = fromTSPtr(receiptDue), fromTSPtr(extended), fromTSPtr(paused), fromTSPtr(completed)
		v.ExpiresAt, v.VerifiedAt = fromTSPtr(codeExpires), fromTSPtr(verified)
		r.PausedTotal = time.Duration(pausedTotal)
		out = append(out, &r)
	}
	return out, dbError("requests", rows.Err())
}
