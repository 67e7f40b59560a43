package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

// AppendAudit links e to the tenant's chain head and inserts it. The single
// writer serializes appends, so the head needs no lock; inside the
// committer's batch it is kept in memory (see batch), so the append is one
// INSERT, atomic without a savepoint of its own.
func (t *tx) AppendAudit(ctx context.Context, e *privet.AuditEvent) error {
	h, err := t.auditHead(ctx, e.TenantID)
	if err != nil {
		return err
	}
	if err := t.insertAudit(ctx, t.exec, e, h); err != nil {
		return err
	}
	return t.advanceAuditHead(ctx, e.TenantID, e.Seq, e.Hash)
}

// insertAudit links e to head h and inserts it through exec.
func (t *tx) insertAudit(ctx context.Context, exec func(ctx context.Context, query string, args ...any) (sql.Result, error), e *privet.AuditEvent, h auditHead) error {
	// Both engines keep microseconds, so the hash covers the time as
	// stored and verifies after a round trip.
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.Seq, e.PrevHash = h.seq+1, h.hash
	e.Hash = e.ComputeHash()
	var cats any
	if len(e.Categories) > 0 {
		b, err := json.Marshal(e.Categories)
		if err != nil {
			return dbError("encode categories", err)
		}
		cats = string(b)
	}
	_, err := exec(ctx, insertAuditSQL, e.TenantID, e.Seq, e.Time.UnixNano(), e.ActorType, e.ActorID, e.Action, e.SubjectID,
		cats, e.Purpose, e.Result, e.Reason, e.PrevHash, e.Hash, e.Resource)
	switch {
	case isForeignKey(err):
		return notFound("tenant")
	case err != nil:
		return dbError("append audit", err)
	}
	return nil
}

const insertAuditSQL = `INSERT INTO audit_events (tenant_id, seq, time, actor_type, actor_id, action, subject_id,
	categories, purpose, result, reason, prev_hash, hash, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// auditQuerySQL builds the audit query. Without statistics SQLite prefers
// the primary key for its order, which would walk a tenant's whole chain for
// an old time range; a time-only query therefore names its index.
func auditQuerySQL(tenantID string, q privet.AuditQuery) (string, []any) {
	var where strings.Builder
	args := []any{tenantID, q.AfterSeq}
	where.WriteString(`tenant_id = ? AND seq > ?`)
	add := func(cond string, arg any) {
		where.WriteString(" AND " + cond)
		args = append(args, arg)
	}
	if q.SubjectID != "" {
		add("subject_id = ?", q.SubjectID)
	}
	if q.ActorID != "" {
		add("actor_id = ?", q.ActorID)
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.Resource != "" {
		// The literal term lets SQLite use the partial index.
		add("resource <> '' AND resource = ?", q.Resource)
	}
	if !q.Since.IsZero() {
		add("time >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		add("time < ?", q.Until.UnixNano())
	}
	hint := ""
	switch {
	case q.Resource != "":
		hint = " INDEXED BY audit_events_resource"
	case q.SubjectID == "" && q.ActorID == "" && (!q.Since.IsZero() || !q.Until.IsZero()):
		hint = " INDEXED BY audit_events_time"
	}
	args = append(args, pageLimit(q.Limit))
	return `SELECT tenant_id, seq, time, actor_type, actor_id, action, subject_id, categories,
		purpose, result, reason, prev_hash, hash, resource FROM audit_events` + hint + ` WHERE ` + where.String() + ` ORDER BY seq LIMIT ?`, args
}

func (t *tx) AuditEvents(ctx context.Context, tenantID string, q privet.AuditQuery) ([]*privet.AuditEvent, error) {
	query, args := auditQuerySQL(tenantID, q)
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, dbError("audit events", err)
	}
	defer rows.Close()
	var out []*privet.AuditEvent
	for rows.Next() {
		var e privet.AuditEvent
		var at int64
		var cats sql.NullString
		if err := rows.Scan(&e.TenantID, &e.Seq, &at, &e.ActorType, &e.ActorID, &e.Action, &e.SubjectID, &cats,
			&e.Purpose, &e.Result, &e.Reason, &e.PrevHash, &e.Hash, &e.Resource); err != nil {
			return nil, dbError("audit events", err)
		}
		e.Time = time.Unix(0, at).UTC()
		if cats.Valid {
			if err := json.Unmarshal([]byte(cats.String), &e.Categories); err != nil {
				return nil, dbError("decode categories", err)
			}
		}
		out = append(out, &e)
	}
	return out, dbError("audit events", rows.Err())
}

// PutCheckpoint stores c. Its time must be whole microseconds: the signature
// covers the time, and PostgreSQL keeps no finer precision.
func (t *tx) PutCheckpoint(ctx context.Context, c *privet.Checkpoint) error {
	if c.Time.Truncate(time.Microsecond) != c.Time {
		return privet.FieldError("time", "checkpoint time must be whole microseconds")
	}
	_, err := t.exec(ctx, `INSERT INTO audit_checkpoints (tenant_id, seq, hash, time, signature) VALUES (?, ?, ?, ?, ?)`,
		c.TenantID, c.Seq, c.Hash, c.Time.UnixNano(), c.Signature)
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "checkpoint already exists")
	case isForeignKey(err):
		return notFound("tenant")
	}
	return dbError("put checkpoint", err)
}

func (t *tx) Checkpoints(ctx context.Context, tenantID string) ([]*privet.Checkpoint, error) {
	rows, err := t.query(ctx, `SELECT tenant_id, seq, hash, time, signature FROM audit_checkpoints WHERE tenant_id = ? ORDER BY seq`, tenantID)
	if err != nil {
		return nil, dbError("checkpoints", err)
	}
	defer rows.Close()
	var out []*privet.Checkpoint
	for rows.Next() {
		var c privet.Checkpoint
		var at int64
		if err := rows.Scan(&c.TenantID, &c.Seq, &c.Hash, &at, &c.Signature); err != nil {
			return nil, dbError("checkpoints", err)
		}
		c.Time = time.Unix(0, at).UTC()
		out = append(out, &c)
	}
	return out, dbError("checkpoints", rows.Err())
}

func (t *tx) AuditHead(ctx context.Context, tenantID string) (int64, []byte, error) {
	h, err := t.auditHead(ctx, tenantID)
	switch {
	case err != nil:
		return 0, nil, err
	case h.seq == 0:
		return 0, nil, notFound("audit head")
	}
	return h.seq, h.hash, nil
}
