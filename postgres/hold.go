package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

const holdColumns = `id, tenant_id, subject_id, category, reason, created_by, created_at, until, released_at`

func scanHold(row pgx.Row) (*privet.Hold, error) {
	var h privet.Hold
	var created, until, released *time.Time
	if err := row.Scan(&h.ID, &h.TenantID, &h.SubjectID, &h.Category, &h.Reason, &h.CreatedBy, &created, &until, &released); err != nil {
		return nil, err
	}
	h.CreatedAt, h.Until, h.ReleasedAt = fromTS(created), fromTSPtr(until), fromTSPtr(released)
	return &h, nil
}

func (t *tx) CreateHold(ctx context.Context, h *privet.Hold) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO holds (`+holdColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			h.ID, h.TenantID, h.SubjectID, h.Category, h.Reason, h.CreatedBy, ts(h.CreatedAt), tsPtr(h.Until), tsPtr(h.ReleasedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "hold already exists")
		case isForeignKey(err):
			return notFound("tenant")
		}
		return dbError("create hold", err)
	})
}

func (t *tx) Hold(ctx context.Context, tenantID, id string) (*privet.Hold, error) {
	h, err := scanHold(t.q.QueryRow(ctx, `SELECT `+holdColumns+` FROM holds WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("hold")
	}
	return h, dbError("hold", err)
}

func (t *tx) Holds(ctx context.Context, tenantID string, f privet.HoldFilter) ([]*privet.Hold, error) {
	q := `SELECT ` + holdColumns + ` FROM holds WHERE tenant_id = $1 AND id > $2`
	args := []any{tenantID, f.After}
	if f.SubjectID != "" {
		args = append(args, f.SubjectID)
		q += ` AND subject_id = $3`
	}
	if !f.ActiveAt.IsZero() {
		args = append(args, f.ActiveAt.UTC())
		q += ` AND released_at IS NULL AND (until IS NULL OR until > $` + strconv.Itoa(len(args)) + `)`
	}
	args = append(args, pageLimit(f.Limit))
	q += ` ORDER BY id LIMIT $` + strconv.Itoa(len(args))
	rows, err := t.q.Query(ctx, q, args...)
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
	tag, err := t.exec(ctx, `UPDATE holds SET released_at = COALESCE(released_at, $3) WHERE tenant_id = $1 AND id = $2`,
		tenantID, id, ts(at))
	return oneRow("release hold", "hold", tag, err)
}
