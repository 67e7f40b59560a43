package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/groupcommit"
)

// maxBatch caps how many Updates share one transaction, so one batch cannot
// hold its locks (and its callers' latency) without bound.
const maxBatch = 256

// committers is how many batches one process runs at once. A batch locks the
// audit chain heads only at its end (see auditBatch), so a second committer
// runs its fns while the first one commits.
const committers = 2

// Update queues fn for a committer, which runs it with other concurrent
// Updates in one READ COMMITTED transaction, each under a savepoint (see
// internal/groupcommit), and returns once that transaction has committed.
// fn must not call Update on the same store: it would wait on itself.
func (s *Store) Update(ctx context.Context, fn func(privet.Tx) error) error {
	return s.commits.Update(ctx, fn)
}

// batchTxn is one batch's transaction. Statements of the fns go through
// stmtTx, which opens each fn's savepoint only when the fn first touches the
// database: an audited read, whose fn only appends an audit event, costs the
// committer no round trip until the batch's end.
type batchTxn struct {
	s     *Store
	pgTx  pgx.Tx
	tx    *tx
	audit *auditBatch
	mark  auditMark

	spWanted bool  // the running fn has made no statement yet
	spMine   bool  // the running fn opened the savepoint
	spOpen   bool  // a savepoint is open (released lazily, with the next one)
	broken   error // a savepoint failed: the transaction is unusable
}

// begin starts a batch's transaction. It outlives any one caller's ctx: a
// caller giving up must not interrupt the statements of the others.
func (s *Store) begin() (groupcommit.Txn, error) {
	pgTx, err := s.pool.BeginTx(context.Background(), pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, unavailable("begin", err)
	}
	b := &batchTxn{s: s, pgTx: pgTx, audit: &auditBatch{}}
	b.tx = &tx{s: s, q: &stmtTx{Tx: pgTx, batch: b}, write: true, audit: b.audit}
	return b, nil
}

func (b *batchTxn) Tx() privet.Tx { return b.tx }

func (b *batchTxn) Savepoint() error {
	b.spWanted, b.spMine = true, false
	b.mark = b.audit.mark()
	return nil
}

// openSavepoint opens the running fn's savepoint before its first statement,
// releasing the previous fn's in the same round trip.
func (b *batchTxn) openSavepoint(ctx context.Context) error {
	if b.broken != nil {
		return b.broken
	}
	if !b.spWanted {
		return nil
	}
	b.spWanted = false
	q := "SAVEPOINT privet_update"
	if b.spOpen {
		q = "RELEASE SAVEPOINT privet_update; SAVEPOINT privet_update"
	}
	if _, err := b.pgTx.Exec(ctx, q); err != nil {
		b.broken = unavailable("savepoint", err)
		return b.broken
	}
	b.spOpen, b.spMine = true, true
	return nil
}

// Release keeps the fn's writes; its savepoint stays open until the next
// one, or the COMMIT, ends it.
func (b *batchTxn) Release() error {
	b.spWanted = false
	return b.broken
}

// RollbackTo undoes the fn's writes and forgets its audit events.
func (b *batchTxn) RollbackTo() error {
	b.spWanted = false
	b.audit.restore(b.mark)
	if b.broken != nil {
		return b.broken
	}
	if !b.spMine {
		return nil // fn made no statement: nothing to undo in the database
	}
	b.spOpen = false
	if _, err := b.pgTx.Exec(context.Background(), "ROLLBACK TO SAVEPOINT privet_update; RELEASE SAVEPOINT privet_update"); err != nil {
		return unavailable("rollback to savepoint", err)
	}
	return nil
}

// Commit links and inserts the batch's audit events, then commits. Once it
// has committed, the tenants whose chain heads it checked are known to exist.
func (b *batchTxn) Commit() error {
	bg := context.Background()
	if err := b.audit.flush(bg, b.pgTx); err != nil {
		b.Rollback()
		return err
	}
	if err := b.pgTx.Commit(bg); err != nil {
		return dbError("commit", err)
	}
	for _, id := range b.audit.tenants {
		b.s.knownTenants.Store(id, struct{}{})
	}
	return nil
}

func (b *batchTxn) Rollback() { _ = b.pgTx.Rollback(context.Background()) }

// stmtTx is the pgx.Tx the fns of a batch use. Every statement runs without
// the caller's cancellation, as on SQLite: cancelling a statement breaks the
// connection, and with it the batch of everyone else. At the top level
// (batch set) it also opens the fn's savepoint first.
type stmtTx struct {
	pgx.Tx
	batch *batchTxn // nil in a nested savepoint, opened after the fn's own
}

func (t *stmtTx) ready(ctx context.Context) (context.Context, error) {
	ctx = context.WithoutCancel(ctx)
	if t.batch != nil {
		return ctx, t.batch.openSavepoint(ctx)
	}
	return ctx, nil
}

func (t *stmtTx) Begin(ctx context.Context) (pgx.Tx, error) {
	ctx, err := t.ready(ctx)
	if err != nil {
		return nil, err
	}
	sp, err := t.Tx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &stmtTx{Tx: sp}, nil
}

func (t *stmtTx) Commit(ctx context.Context) error {
	return t.Tx.Commit(context.WithoutCancel(ctx))
}

func (t *stmtTx) Rollback(ctx context.Context) error {
	return t.Tx.Rollback(context.WithoutCancel(ctx))
}

func (t *stmtTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	ctx, err := t.ready(ctx)
	if err != nil {
		return 0, err
	}
	return t.Tx.CopyFrom(ctx, table, columns, src)
}

func (t *stmtTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	ctx, err := t.ready(ctx)
	if err != nil {
		return errBatch{err}
	}
	return t.Tx.SendBatch(ctx, b)
}

func (t *stmtTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	ctx, err := t.ready(ctx)
	if err != nil {
		return nil, err
	}
	return t.Tx.Prepare(ctx, name, sql)
}

func (t *stmtTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	ctx, err := t.ready(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.Tx.Exec(ctx, sql, args...)
}

func (t *stmtTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	ctx, err := t.ready(ctx)
	if err != nil {
		return nil, err
	}
	return t.Tx.Query(ctx, sql, args...)
}

func (t *stmtTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	ctx, err := t.ready(ctx)
	if err != nil {
		return errRow{err}
	}
	return t.Tx.QueryRow(ctx, sql, args...)
}

// errRow and errBatch report a failed savepoint through the types QueryRow
// and SendBatch return.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow(b) }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }
