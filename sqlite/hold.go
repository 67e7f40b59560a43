package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/privet-dev/privet"
)

const holdColumns = `id, tenant_id, subject_id, category, reason, created_by, created_at, until, released_at`

func scanHold(sc interface{ Scan(...any) error }) (*privet.Hold, error) {
	var h privet.Hold
	var created, until, released nullTime
	if err := sc.Scan(&h.ID, &h.TenantID, &h.SubjectID, &h.Category, &h.Reason, &h.CreatedBy, &created, &until, &released); err != nil {
		return nil, err
	}
	h.CreatedAt, h.Until, h.ReleasedAt = created.time(), until.ptr(), released.ptr()
	return &h, nil
}

func (t *tx) CreateHold(ctx context.Context, h *privet.Hold) error {
	_, err := t.exec(ctx, `INSERT INTO holds (`+holdColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.TenantID, h.SubjectID, h.Category, h.Reason, h.CreatedBy, nanos(h.CreatedAt), nanosPtr(h.Until), nanosPtr(h.ReleasedAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "hold already exists")
	case isForeignKey(err):
		return notFound("tenant")
	}
	return dbError("create hold", err)
}

func (t *tx) Hold(ctx context.Context, tenantID, id string) (*privet.Hold, error) {
	h, err := scanHold(t.queryRow(ctx, `SELECT `+holdColumns+` FROM holds WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("hold")
	}
	return h, dbError("hold", err)
}

func (t *tx) Holds(ctx context.Context, tenantID string, f privet.HoldFilter) ([]*privet.Hold, error) {
	q := `SELECT ` + holdColumns + ` FROM holds WHERE tenant_id = ? AND id > ?`
	args := []any{tenantID, f.After}
	if f.SubjectID != "" {
		q += ` AND subject_id = ?`
		args = append(args, f.SubjectID)
	}
	if !f.ActiveAt.IsZero() {
		q += ` AND released_at IS NULL AND (until IS NULL OR until > ?)`
		args = append(args, f.ActiveAt.UnixNano())
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, pageLimit(f.Limit))
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, dbError("holds", err)
	}
	defer rows.Close()
	var out []*privet.Hold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, dbError("holds", err)
		}
		out = append(out, h)
	}
	return out, dbError("holds", rows.Err())
}

func (t *tx) ReleaseHold(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE holds SET released_at = COALESCE(released_at, ?) WHERE tenant_id = ? AND id = ?`,
		nanos(at), tenantID, id)
	return oneRow("release hold", "hold", res, err)
}
