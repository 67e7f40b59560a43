package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/groupcommit"
)

// Update queues fn for the committer and waits until the transaction that ran
// it has committed (see internal/groupcommit). Once the committer has taken
// fn, Update waits for the outcome even if ctx ends, because fn's writes may
// already be committing. fn must not call Update or View on the same store:
// it would wait on itself.
func (s *Store) Update(ctx context.Context, fn func(privet.Tx) error) error {
	return s.commits.Update(ctx, fn)
}

// afterBatch counts the batch and the Updates it ran (see commitStats), and
// asks the checkpointer for a checkpoint every checkpointEvery batches. The
// one committer calls it, so the count needs no lock.
func (s *Store) afterBatch(updates int) {
	s.stats.record(updates)
	if s.batches++; s.batches%checkpointEvery == 0 {
		select {
		case s.checkpoints <- struct{}{}:
		default: // one is pending already
		}
	}
}

// checkpointEvery is how many batches pass between checkpoint requests: at a
// few pages per batch, about SQLite's default of 1000 WAL pages.
const checkpointEvery = 64

// checkpointLoop copies the WAL back into the database file when the
// committer asks, and every idleCheckpoint regardless (for writes made
// through DB() by the job runner). It uses a connection of its own, so the
// copy and its fsync overlap the committer's next batches instead of
// delaying them. PASSIVE never waits for, or blocks, readers and writers.
func (s *Store) checkpointLoop() {
	defer close(s.checkpointDone)
	db, err := sql.Open("sqlite", dsn(s.path, false))
	if err != nil {
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tick := time.NewTicker(idleCheckpoint)
	defer tick.Stop()
	for {
		select {
		case _, ok := <-s.checkpoints:
			if !ok {
				return
			}
		case <-tick.C:
		}
		// A failed checkpoint is retried at the next signal; the WAL only
		// grows meanwhile, and the data is safe in it.
		_, _ = db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		// Under constant reads a passive checkpoint never gets to restart
		// the WAL, which then grows without end; past a bound, wait for the
		// readers once and truncate it.
		if fi, err := os.Stat(s.path + "-wal"); err == nil && fi.Size() > maxWALBytes {
			_, _ = db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`)
		}
	}
}

const idleCheckpoint = 10 * time.Second

// maxWALBytes is the WAL size past which a checkpoint truncates the WAL.
const maxWALBytes = 64 << 20

// batchTxn is one batch's transaction on the writer connection, with the
// audit chain heads its Updates share (see batch).
type batchTxn struct {
	s     *Store
	sqlTx *sql.Tx
	tx    *tx
	batch *batch
	mark  map[string]auditHead // the heads when the current fn began
}

// begin starts a batch's transaction. It outlives any one caller's ctx: a
// caller giving up must not interrupt the statements of the others.
func (s *Store) begin() (groupcommit.Txn, error) {
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, unavailable("begin", err)
	}
	b := newBatch()
	return &batchTxn{s: s, sqlTx: sqlTx, batch: b, tx: &tx{s: s, q: sqlTx, sqlTx: sqlTx, write: true, batch: b}}, nil
}

func (b *batchTxn) Tx() privet.Tx { return b.tx }

func (b *batchTxn) Savepoint() error {
	b.mark = b.batch.mark()
	return b.exec("savepoint", "SAVEPOINT privet_update")
}

func (b *batchTxn) Release() error { return b.exec("release savepoint", "RELEASE privet_update") }

// RollbackTo undoes one fn's writes. If fn's failure already ended the whole
// transaction (SQLite does that on some errors), it fails.
func (b *batchTxn) RollbackTo() error {
	b.batch.restore(b.mark)
	if err := b.exec("rollback to savepoint", "ROLLBACK TO privet_update"); err != nil {
		return err
	}
	return b.Release()
}

// Commit writes the chain heads the batch advanced, then commits them with
// the events.
func (b *batchTxn) Commit() error {
	if err := b.s.writeHeads(b); err != nil {
		b.Rollback()
		return err
	}
	if err := b.sqlTx.Commit(); err != nil {
		return unavailable("commit", err)
	}
	return nil
}

func (b *batchTxn) Rollback() { _ = b.sqlTx.Rollback() }

// exec runs a statement of the committer's own in its transaction.
func (b *batchTxn) exec(what, query string) error {
	if _, err := b.execArgs(query); err != nil {
		return unavailable(what, err)
	}
	return nil
}

// execArgs runs a statement in the batch's transaction, through the
// statement cache like the statements of the fns.
func (b *batchTxn) execArgs(query string, args ...any) (sql.Result, error) {
	bg := context.Background()
	if st := b.s.writeStmts.stmt(bg, b.sqlTx, query); st != nil {
		return st.ExecContext(bg, args...)
	}
	return b.sqlTx.ExecContext(bg, query, args...)
}

// View runs fn in a read transaction on a read-only connection: it sees one
// consistent snapshot, and writes through it fail.
func (s *Store) View(ctx context.Context, fn func(privet.Tx) error) error {
	sqlTx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return unavailable("begin read", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only: nothing to undo
	return fn(&tx{s: s, q: sqlTx, sqlTx: sqlTx})
}

var errReadOnly = errors.New("sqlite: write in a read-only transaction")
