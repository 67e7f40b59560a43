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

// afterBatch asks the checkpointer for a checkpoint every checkpointEvery
// batches. The one committer calls it, so the count needs no lock.
func (s *Store) afterBatch() {
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

// batchTxn is one batch's transaction on the writer connection.
type batchTxn struct {
	s     *Store
	sqlTx *sql.Tx
	tx    *tx
}

// begin starts a batch's transaction. It outlives any one caller's ctx: a
// caller giving up must not interrupt the statements of the others.
func (s *Store) begin() (groupcommit.Txn, error) {
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, unavailable("begin", err)
	}
	return &batchTxn{s: s, sqlTx: sqlTx, tx: &tx{s: s, q: sqlTx, sqlTx: sqlTx, write: true}}, nil
}

func (b *batchTxn) Tx() privet.Tx { return b.tx }

func (b *batchTxn) Savepoint() error { return b.exec("savepoint", "SAVEPOINT privet_update") }
func (b *batchTxn) Release() error   { return b.exec("release savepoint", "RELEASE privet_update") }

// RollbackTo undoes one fn's writes. If fn's failure already ended the whole
// transaction (SQLite does that on some errors), it fails.
func (b *batchTxn) RollbackTo() error {
	if err := b.exec("rollback to savepoint", "ROLLBACK TO privet_update"); err != nil {
		return err
	}
	return b.Release()
}

func (b *batchTxn) Commit() error {
	if err := b.sqlTx.Commit(); err != nil {
		return unavailable("commit", err)
	}
	return nil
}

func (b *batchTxn) Rollback() { _ = b.sqlTx.Rollback() }

// exec runs a statement of the committer's own in its transaction, through
// the statement cache like the statements of the fns.
func (b *batchTxn) exec(what, query string) error {
	bg := context.Background()
	var err error
	if st := b.s.writeStmts.stmt(bg, b.sqlTx, query); st != nil {
		_, err = st.ExecContext(bg)
	} else {
		_, err = b.sqlTx.ExecContext(bg, query)
	}
	if err != nil {
		return unavailable(what, err)
	}
	return nil
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
