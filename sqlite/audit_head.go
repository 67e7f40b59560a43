package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
)

// auditHead is a tenant's audit chain head: the last event's seq and hash.
type auditHead struct {
	seq   int64
	hash  []byte
	dirty bool // advanced in this batch, not yet written to audit_heads
}

// batch is the state one committer transaction shares among its Updates.
//
// The committer is the only writer, so within its transaction the chain
// heads can live in memory: an audited read then costs one INSERT instead of
// a read of audit_heads, the INSERT, an upsert of audit_heads and the
// savepoint around them. The heads a batch advanced are written once, just
// before COMMIT (writeHeads), in the same transaction as the events. Every
// savepoint that rolls back restores the heads it started with, so a head
// never runs ahead of the events that stay.
type batch struct {
	heads map[string]auditHead
}

func newBatch() *batch { return &batch{heads: map[string]auditHead{}} }

// mark returns the heads as they are now, for restore after a rollback.
func (b *batch) mark() map[string]auditHead { return maps.Clone(b.heads) }

func (b *batch) restore(heads map[string]auditHead) { b.heads = heads }

// auditHead returns the tenant's chain head as this transaction sees it:
// the batch's, or the stored one (seq 0 and no hash for an empty chain).
func (t *tx) auditHead(ctx context.Context, tenantID string) (auditHead, error) {
	if t.batch != nil {
		if h, ok := t.batch.heads[tenantID]; ok {
			return h, nil
		}
	}
	var h auditHead
	err := t.queryRow(ctx, `SELECT seq, hash FROM audit_heads WHERE tenant_id = ?`, tenantID).Scan(&h.seq, &h.hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return auditHead{}, dbError("audit head", err)
	}
	if t.batch != nil {
		t.batch.heads[tenantID] = h
	}
	return h, nil
}

// advanceAuditHead records the tenant's new head: in the batch, written at
// COMMIT, or at once in a transaction that has no batch.
func (t *tx) advanceAuditHead(ctx context.Context, tenantID string, seq int64, hash []byte) error {
	if t.batch != nil {
		t.batch.heads[tenantID] = auditHead{seq: seq, hash: hash, dirty: true}
		return nil
	}
	return upsertAuditHead(func(query string, args ...any) error {
		_, err := t.exec(ctx, query, args...)
		return err
	}, tenantID, seq, hash)
}

// writeHeads writes the heads the batch advanced; the committer calls it
// just before COMMIT.
func (s *Store) writeHeads(b *batchTxn) error {
	for tenantID, h := range b.batch.heads {
		if !h.dirty {
			continue
		}
		err := upsertAuditHead(func(query string, args ...any) error {
			_, err := b.execArgs(query, args...)
			return err
		}, tenantID, h.seq, h.hash)
		if err != nil {
			return err
		}
	}
	return nil
}

func upsertAuditHead(exec func(query string, args ...any) error, tenantID string, seq int64, hash []byte) error {
	err := exec(`INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, tenantID, seq, hash)
	return dbError("advance audit head", err)
}
