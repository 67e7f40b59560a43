package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateComplaint(ctx context.Context, c *privet.Complaint) error {
	var subject any
	if c.SubjectID != "" {
		subject = c.SubjectID
	}
	_, err := t.exec(ctx, `INSERT INTO complaints (tenant_id, id, subject_id, channel, reference, jurisdiction,
		received_at, due_at, status, answered_at, escalated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.TenantID, c.ID, subject, c.Channel, c.Reference, c.Jurisdiction, nanos(c.ReceivedAt), nanos(c.DueAt),
		string(c.Status), nanosPtr(c.AnsweredAt), nanosPtr(c.EscalatedAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "complaint already exists")
	case isForeignKey(err):
		return notFound("tenant or subject")
	}
	return dbError("create complaint", err)
}

const complaintColumns = `tenant_id, id, subject_id, channel, reference, jurisdiction, received_at, due_at, status, answered_at, escalated_at`

func scanComplaint(sc interface{ Scan(...any) error }) (*privet.Complaint, error) {
	var c privet.Complaint
	var subject sql.NullString
	var status string
	var received, due, answered, escalated nullTime
	if err := sc.Scan(&c.TenantID, &c.ID, &subject, &c.Channel, &c.Reference, &c.Jurisdiction,
		&received, &due, &status, &answered, &escalated); err != nil {
		return nil, err
	}
	c.SubjectID, c.Status = subject.String, privet.ComplaintStatus(status)
	c.ReceivedAt, c.DueAt, c.AnsweredAt, c.EscalatedAt = received.time(), due.time(), answered.ptr(), escalated.ptr()
	return &c, nil
}

func (t *tx) Complaint(ctx context.Context, tenantID, id string) (*privet.Complaint, error) {
	c, err := scanComplaint(t.queryRow(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("complaint")
	}
	if err != nil {
		return nil, dbError("complaint", err)
	}
	return c, nil
}

func (t *tx) Complaints(ctx context.Context, tenantID string, f privet.ComplaintFilter) ([]*privet.Complaint, error) {
	where := []string{"tenant_id = ?"}
	args := []any{tenantID}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "due_at < ?"), append(args, nanos(f.DueBefore))
	}
	if f.After != "" {
		var due int64
		err := t.queryRow(ctx, `SELECT due_at FROM complaints WHERE tenant_id = ? AND id = ?`, tenantID, f.After).Scan(&due)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("complaint")
		}
		if err != nil {
			return nil, dbError("complaints", err)
		}
		where, args = append(where, "(due_at > ? OR (due_at = ? AND id > ?))"), append(args, due, due, f.After)
	}
	args = append(args, pageLimit(f.Limit))
	rows, err := t.query(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at, id LIMIT ?`, args...)
	if err != nil {
		return nil, dbError("complaints", err)
	}
	defer rows.Close()
	var out []*privet.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, dbError("complaints", err)
		}
		out = append(out, c)
	}
	return out, dbError("complaints", rows.Err())
}

func (t *tx) UpdateComplaint(ctx context.Context, c *privet.Complaint) error {
	res, err := t.exec(ctx, `UPDATE complaints SET status = ?, answered_at = ?, escalated_at = ? WHERE tenant_id = ? AND id = ?`,
		string(c.Status), nanosPtr(c.AnsweredAt), nanosPtr(c.EscalatedAt), c.TenantID, c.ID)
	if err != nil {
		return dbError("update complaint", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError("update complaint", err)
	} else if n == 0 {
		return notFound("complaint")
	}
	return nil
}

func (t *tx) CountComplaints(ctx context.Context, tenantID string, now time.Time) (privet.ComplaintCounts, error) {
	var c privet.ComplaintCounts
	err := t.queryRow(ctx, `SELECT
			COALESCE(SUM(status = 'open'), 0), COALESCE(SUM(status = 'escalated'), 0), COALESCE(SUM(status = 'answered'), 0),
			COALESCE(SUM(status <> 'answered' AND due_at <= ?), 0)
		FROM complaints WHERE tenant_id = ?`, nanos(now), tenantID).Scan(&c.Open, &c.Escalated, &c.Answered, &c.Overdue)
	return c, dbError("count complaints", err)
}
