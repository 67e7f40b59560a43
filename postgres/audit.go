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

// AppendAudit locks the tenant's chain head, links e to it and inserts it.
// The lock is held until the caller's transaction ends, so concurrent
// appends, from any server, take turns and the chain stays gapless. After an
// error the transaction is unusable: audit fails closed, and so must fn.
func (t *tx) AppendAudit(ctx context.Context, e *privet.AuditEvent) error {
	if !t.write {
		return errWriteInView()
	}
	var seq int64
	var head []byte
	lock := func() error {
		return t.q.QueryRow(ctx, `SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE`, e.TenantID).Scan(&seq, &head)
	}
	err := lock()
	if errors.Is(err, pgx.ErrNoRows) {
		// A tenant created before heads existed, or by hand: create its head.
		if _, err := t.q.Exec(ctx, `INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, NULL) ON CONFLICT (tenant_id) DO NOTHING`, e.TenantID); err != nil {
			return dbError("create audit head", err)
		}
		err = lock()
	}
	if err != nil {
		return dbError("lock audit head", err)
	}
	// TIMESTAMPTZ keeps microseconds: the hash must cover the time as stored.
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.Seq, e.PrevHash = seq+1, head
	e.Hash = e.ComputeHash()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO audit_events (tenant_id, seq, time, actor_type, actor_id, action, subject_id,
		categories, purpose, result, reason, prev_hash, hash, resource) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.TenantID, e.Seq, e.Time, e.ActorType, e.ActorID, e.Action, e.SubjectID,
		orEmpty(e.Categories), e.Purpose, e.Result, e.Reason, e.PrevHash, e.Hash, e.Resource)
	b.Queue(`UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1`, e.TenantID, e.Seq, e.Hash)
	err = t.q.SendBatch(ctx, b).Close()
	if isForeignKey(err) {
		return notFound("tenant")
	}
	return dbError("append audit", err)
}

func (t *tx) AuditEvents(ctx context.Context, tenantID string, q privet.AuditQuery) ([]*privet.AuditEvent, error) {
	var where strings.Builder
	args := []any{tenantID, q.AfterSeq}
	where.WriteString(`tenant_id = $1 AND seq > $2`)
	add := func(cond string, arg any) {
		args = append(args, arg)
		fmt.Fprintf(&where, " AND "+cond, len(args))
	}
	if q.SubjectID != "" {
		add("subject_id = $%d", q.SubjectID)
	}
	if q.ActorID != "" {
		add("actor_id = $%d", q.ActorID)
	}
	if q.Action != "" {
		add("action = $%d", q.Action)
	}
	if q.Resource != "" {
		// The literal term lets the planner use the partial index.
		add("resource <> '' AND resource = $%d", q.Resource)
	}
	if !q.Since.IsZero() {
		add(`"time" >= $%d`, q.Since)
	}
	if !q.Until.IsZero() {
		add(`"time" < $%d`, q.Until)
	}
	args = append(args, pageLimit(q.Limit))
	rows, err := t.q.Query(ctx, fmt.Sprintf(`SELECT tenant_id, seq, "time", actor_type, actor_id, action, subject_id, categories,
		purpose, result, reason, prev_hash, hash, resource FROM audit_events WHERE %s ORDER BY seq LIMIT $%d`, where.String(), len(args)), args...)
	if err != nil {
		return nil, dbError("audit events", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.AuditEvent, error) {
		var e privet.AuditEvent
		err := r.Scan(&e.TenantID, &e.Seq, &e.Time, &e.ActorType, &e.ActorID, &e.Action, &e.SubjectID, &e.Categories,
			&e.Purpose, &e.Result, &e.Reason, &e.PrevHash, &e.Hash, &e.Resource)
		e.Time, e.Categories = e.Time.UTC(), orNil(e.Categories)
		return &e, err
	})
	return out, dbError("audit events", err)
}

// PutCheckpoint stores c. Its time must be whole microseconds: the signature
// covers the time, and TIMESTAMPTZ keeps no finer precision.
func (t *tx) PutCheckpoint(ctx context.Context, c *privet.Checkpoint) error {
	if c.Time.Truncate(time.Microsecond) != c.Time {
		return privet.FieldError("time", "checkpoint time must be whole microseconds")
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO audit_checkpoints (tenant_id, seq, hash, "time", signature) VALUES ($1, $2, $3, $4, $5)`,
			c.TenantID, c.Seq, c.Hash, c.Time.UTC(), c.Signature)
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "checkpoint already exists")
		case isForeignKey(err):
			return notFound("tenant")
		}
		return dbError("put checkpoint", err)
	})
}

func (t *tx) Checkpoints(ctx context.Context, tenantID string) ([]*privet.Checkpoint, error) {
	rows, err := t.q.Query(ctx, `SELECT tenant_id, seq, hash, "time", signature FROM audit_checkpoints WHERE tenant_id = $1 ORDER BY seq`, tenantID)
	if err != nil {
		return nil, dbError("checkpoints", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.Checkpoint, error) {
		var c privet.Checkpoint
		err := r.Scan(&c.TenantID, &c.Seq, &c.Hash, &c.Time, &c.Signature)
		c.Time = c.Time.UTC()
		return &c, err
	})
	return out, dbError("checkpoints", err)
}

func (t *tx) AuditHead(ctx context.Context, tenantID string) (int64, []byte, error) {
	var seq int64
	var hash []byte
	err := t.q.QueryRow(ctx, `SELECT seq, hash FROM audit_heads WHERE tenant_id = $1`, tenantID).Scan(&seq, &hash)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || (err == nil && seq == 0):
		return 0, nil, notFound("audit head")
	case err != nil:
		return 0, nil, dbError("audit head", err)
	}
	return seq, hash, nil
}
