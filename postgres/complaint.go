package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateComplaint(ctx context.Context, c *privet.Complaint) error {
	var subject any
	if c.SubjectID != "" {
		subject = c.SubjectID
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO complaints (tenant_id, id, subject_id, channel, reference, jurisdiction,
			received_at, due_at, status, answered_at, escalated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.TenantID, c.ID, subject, c.Channel, c.Reference, c.Jurisdiction, ts(c.ReceivedAt), ts(c.DueAt),
			string(c.Status), tsPtr(c.AnsweredAt), tsPtr(c.EscalatedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "complaint already exists")
		case isForeignKey(err):
			return notFound("tenant or subject")
		}
		return dbError("create complaint", err)
	})
}

const complaintColumns = `tenant_id, id, subject_id, channel, reference, jurisdiction, received_at, due_at, status, answered_at, escalated_at`

func scanComplaint(row pgx.Row) (*privet.Complaint, error) {
	var c privet.Complaint
	var subject *string
	var status string
	var received, due, answered, escalated *time.Time
	if err := row.Scan(&c.TenantID, &c.ID, &subject, &c.Channel, &c.Reference, &c.Jurisdiction,
		&received, &due, &status, &answered, &escalated); err != nil {
		return nil, err
	}
	if subject != nil {
		c.SubjectID = *subject
	}
	c.Status = privet.ComplaintStatus(status)
	c.ReceivedAt, c.DueAt, c.AnsweredAt, c.EscalatedAt = fromTS(received), fromTS(due), fromTSPtr(answered), fromTSPtr(escalated)
	return &c, nil
}

func (t *tx) Complaint(ctx context.Context, tenantID, id string) (*privet.Complaint, error) {
	c, err := scanComplaint(t.q.QueryRow(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE tenant_id = $1 AND id = $2`+t.forUpdate(), tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("complaint")
	}
	if err != nil {
		return nil, dbError("complaint", err)
	}
	return c, nil
}

func (t *tx) Complaints(ctx context.Context, tenantID string, f privet.ComplaintFilter) ([]*privet.Complaint, error) {
	where := []string{"tenant_id = $1"}
	args := []any{tenantID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(string(f.Status)))
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "due_at < "+arg(ts(f.DueBefore)))
	}
	if f.After != "" {
		var due time.Time
		err := t.q.QueryRow(ctx, `SELECT due_at FROM complaints WHERE tenant_id = $1 AND id = $2`, tenantID, f.After).Scan(&due)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, notFound("complaint")
		}
		if err != nil {
			return nil, dbError("complaints", err)
		}
		d, id := arg(due), arg(f.After)
		where = append(where, "(due_at > "+d+" OR (due_at = "+d+" AND id > "+id+"))")
	}
	limit := arg(pageLimit(f.Limit))
	rows, err := t.q.Query(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at, id LIMIT `+limit, args...)
	if err != nil {
		return nil, dbError("complaints", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.Complaint, error) { return scanComplaint(r) })
	return out, dbError("complaints", err)
}

func (t *tx) UpdateComplaint(ctx context.Context, c *privet.Complaint) error {
	tag, err := t.exec(ctx, `UPDATE complaints SET status = $1, answered_at = $2, escalated_at = $3 WHERE tenant_id = $4 AND id = $5`,
		string(c.Status), tsPtr(c.AnsweredAt), tsPtr(c.EscalatedAt), c.TenantID, c.ID)
	return oneRow("update complaint", "complaint", tag, err)
}

func (t *tx) CountComplaints(ctx context.Context, tenantID string, now time.Time) (privet.ComplaintCounts, error) {
	var c privet.ComplaintCounts
	err := t.q.QueryRow(ctx, `SELECT
			COUNT(*) FILTER (WHERE status = 'open'), COUNT(*) FILTER (WHERE status = 'escalated'),
			COUNT(*) FILTER (WHERE status = 'answered'), COUNT(*) FILTER (WHERE status <> 'answered' AND due_at <= $2)
		FROM complaints WHERE tenant_id = $1`, tenantID, ts(now)).Scan(&c.Open, &c.Escalated, &c.Answered, &c.Overdue)
	return c, dbError("count complaints", err)
}
