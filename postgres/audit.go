package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

// AppendAudit checks that the tenant exists and queues e in the batch's
// audit events. The batch links them to the chain and inserts them at its end,
// under the lock of the chain heads (auditBatch.flush), before its COMMIT:
// e's Seq, PrevHash and Hash are set by the time Update returns. If the
// insert fails, the whole batch fails: audit fails closed.
func (t *tx) AppendAudit(ctx context.Context, e *privet.AuditEvent) error {
	if !t.write {
		return errWriteInView()
	}
	if err := t.checkAuditHead(ctx, e.TenantID); err != nil {
		return err
	}
	// TIMESTAMPTZ keeps microseconds: the hash must cover the time as stored.
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	t.audit.events = append(t.audit.events, e)
	return nil
}

// checkAuditHead makes sure the tenant exists and has a chain head row, once
// per tenant and process (tenants are never deleted), so that the batch's
// end cannot fail on an unknown tenant: the fn that named it fails instead.
func (t *tx) checkAuditHead(ctx context.Context, tenantID string) error {
	if _, ok := t.s.knownTenants.Load(tenantID); ok || slices.Contains(t.audit.tenants, tenantID) {
		return nil
	}
	var n int
	// A tenant created before heads existed, or by hand, gets its head here.
	err := t.q.QueryRow(ctx, `WITH tn AS (SELECT id FROM tenants WHERE id = $1),
		head AS (INSERT INTO audit_heads (tenant_id, seq, hash) SELECT id, 0, NULL FROM tn ON CONFLICT (tenant_id) DO NOTHING)
		SELECT count(*) FROM tn`, tenantID).Scan(&n)
	if err != nil {
		return dbError("create audit head", err)
	}
	if n == 0 {
		return notFound("tenant")
	}
	t.audit.tenants = append(t.audit.tenants, tenantID)
	return nil
}

// auditBatch holds the audit events appended in one batch until they are
// linked and inserted.
type auditBatch struct {
	events  []*privet.AuditEvent
	flushed int      // events[:flushed] are inserted already
	tenants []string // tenants checked in this batch (checkAuditHead)
}

// auditMark is an auditBatch's state when a fn starts, restored if the fn
// is rolled back to its savepoint (which undoes its inserts as well).
type auditMark struct{ events, flushed, tenants int }

func (a *auditBatch) mark() auditMark { return auditMark{len(a.events), a.flushed, len(a.tenants)} }

func (a *auditBatch) restore(m auditMark) {
	clear(a.events[m.events:])
	a.events, a.flushed, a.tenants = a.events[:m.events], m.flushed, a.tenants[:m.tenants]
}

// copyAbove is the number of events past which a flush inserts them with
// COPY rather than one pipelined INSERT each.
const copyAbove = 32

var auditColumns = []string{"tenant_id", "seq", "time", "actor_type", "actor_id", "action",
	"subject_id", "categories", "purpose", "result", "reason", "prev_hash", "hash", "resource"}

// flush links the events not yet inserted to their tenants' chains and
// inserts them. It locks the chain heads in tenant order, so two batches
// (of any process) wait for each other instead of deadlocking, and it holds
// them until the transaction ends: the chains stay gapless, one batch at a
// time per tenant.
func (a *auditBatch) flush(ctx context.Context, q pgx.Tx) error {
	pending := a.events[a.flushed:]
	if len(pending) == 0 {
		return nil
	}
	type head struct {
		seq  int64
		hash []byte
	}
	heads := map[string]*head{}
	for _, e := range pending {
		heads[e.TenantID] = nil
	}
	ids := slices.Sorted(maps.Keys(heads))
	rows, err := q.Query(ctx, `SELECT tenant_id, seq, hash FROM audit_heads WHERE tenant_id = ANY($1) ORDER BY tenant_id FOR UPDATE`, ids)
	if err != nil {
		return dbError("lock audit heads", err)
	}
	var id string
	var h head
	_, err = pgx.ForEachRow(rows, []any{&id, &h.seq, &h.hash}, func() error {
		heads[id] = &head{h.seq, h.hash}
		return nil
	})
	if err != nil {
		return dbError("lock audit heads", err)
	}
	b := &pgx.Batch{}
	copyRows := make([][]any, 0, len(pending))
	for _, e := range pending {
		h := heads[e.TenantID]
		if h == nil {
			return fmt.Errorf("postgres: audit head of a checked tenant is missing: %w", privet.Errorf(privet.EINTERNAL, "internal error"))
		}
		h.seq++
		e.Seq, e.PrevHash = h.seq, h.hash
		e.Hash = e.ComputeHash()
		h.hash = e.Hash
		row := []any{e.TenantID, e.Seq, e.Time, e.ActorType, e.ActorID, e.Action, e.SubjectID,
			orEmpty(e.Categories), e.Purpose, e.Result, e.Reason, e.PrevHash, e.Hash, e.Resource}
		if len(pending) > copyAbove {
			copyRows = append(copyRows, row)
			continue
		}
		b.Queue(`INSERT INTO audit_events (tenant_id, seq, time, actor_type, actor_id, action, subject_id,
			categories, purpose, result, reason, prev_hash, hash, resource) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, row...)
	}
	if len(copyRows) > 0 {
		if _, err := q.CopyFrom(ctx, pgx.Identifier{"audit_events"}, auditColumns, pgx.CopyFromRows(copyRows)); err != nil {
			return dbError("append audit", err)
		}
	}
	for _, id := range ids {
		b.Queue(`UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1`, id, heads[id].seq, heads[id].hash)
	}
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return dbError("append audit", err)
	}
	a.flushed = len(a.events)
	return nil
}

// flushAudit inserts the events appended so far in this transaction, so that
// a read of the audit log in it sees them.
func (t *tx) flushAudit(ctx context.Context) error {
	if t.audit == nil {
		return nil
	}
	return t.audit.flush(ctx, t.q)
}

func (t *tx) AuditEvents(ctx context.Context, tenantID string, q privet.AuditQuery) ([]*privet.AuditEvent, error) {
	if err := t.flushAudit(ctx); err != nil {
		return nil, err
	}
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
	if err := t.flushAudit(ctx); err != nil {
		return err
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
	if err := t.flushAudit(ctx); err != nil {
		return nil, err
	}
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
	if err := t.flushAudit(ctx); err != nil {
		return 0, nil, err
	}
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
