package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/privet-dev/privet"
)

// update is one queued Update call.
type update struct {
	ctx  context.Context
	fn   func(privet.Tx) error
	done chan error // buffered: the committer never blocks on a caller
	// state moves from queued to either taken (by the committer) or
	// abandoned (by a caller whose ctx ended while it waited in the queue);
	// whoever wins the swap decides whether fn runs.
	state atomic.Int32
}

const (
	stateQueued int32 = iota
	stateTaken
	stateAbandoned
)

// Update queues fn for the committer and waits until the transaction that ran
// it has committed. Once the committer has taken fn, Update waits for the
// outcome even if ctx ends, because fn's writes may already be committing.
// fn must not call Update or View on the same store: it would wait on itself.
func (s *Store) Update(ctx context.Context, fn func(privet.Tx) error) error {
	u := &update{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := s.enqueue(ctx, u); err != nil {
		return err
	}
	select {
	case err := <-u.done:
		return err
	case <-ctx.Done():
		if u.state.CompareAndSwap(stateQueued, stateAbandoned) {
			return ctx.Err()
		}
		return <-u.done
	}
}

func (s *Store) enqueue(ctx context.Context, u *update) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return privet.Errorf(privet.EUNAVAILABLE, "store is closed")
	}
	select {
	case s.queue <- u:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// commitLoop is the one committer: it takes whatever is queued, up to
// maxBatch, and commits it as one transaction. It exits once the queue is
// closed and drained.
//
// A commit costs about the same for one Update as for many (the pages they
// share are written once, and there is one fsync), so larger batches mean
// more Updates per second. When more than one Update was waiting, others are
// likely on their way: the committer yields once, letting the goroutines
// that are about to queue run, and takes what they queued too. A lone Update
// (low load) is committed at once, without that pause.
func (s *Store) commitLoop() {
	defer close(s.stopped)
	batch := make([]*update, 0, maxBatch)
	commits := 0
	for u := range s.queue {
		batch = s.drain(append(batch[:0], u))
		if len(batch) > 1 && len(batch) < maxBatch {
			runtime.Gosched()
			batch = s.drain(batch)
		}
		s.commitBatch(batch)
		clear(batch) // drop references to finished callers
		if commits++; commits%checkpointEvery == 0 {
			select {
			case s.checkpoints <- struct{}{}:
			default: // one is pending already
			}
		}
	}
}

// drain appends to batch what is queued now, without waiting, up to maxBatch.
func (s *Store) drain(batch []*update) []*update {
	for len(batch) < maxBatch {
		select {
		case next, ok := <-s.queue:
			if !ok {
				return batch
			}
			batch = append(batch, next)
		default:
			return batch
		}
	}
	return batch
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

// commitBatch runs each fn under its own savepoint in one transaction. A
// failed fn is rolled back to its savepoint and gets its error at once; the
// others get the COMMIT's outcome.
func (s *Store) commitBatch(batch []*update) {
	live := batch[:0:0]
	for _, u := range batch {
		if u.state.CompareAndSwap(stateQueued, stateTaken) {
			live = append(live, u)
		}
	}
	if len(live) == 0 {
		return
	}
	s.stats.record(len(live))
	// The transaction outlives any one caller's ctx: a caller giving up
	// must not interrupt the statements of the others.
	bg := context.Background()
	sqlTx, err := s.writer.BeginTx(bg, nil)
	if err != nil {
		failAll(live, unavailable("begin", err))
		return
	}
	succeeded := make([]*update, 0, len(live))
	b := newBatch()
	for i, u := range live {
		if _, err := s.execIn(sqlTx, "SAVEPOINT privet_update"); err != nil {
			abort(sqlTx, succeeded, live[i:], unavailable("savepoint", err))
			return
		}
		heads := b.mark()
		ferr := s.runFn(u, sqlTx, b)
		if ferr == nil {
			if _, err := s.execIn(sqlTx, "RELEASE privet_update"); err != nil {
				abort(sqlTx, succeeded, live[i:], unavailable("release savepoint", err))
				return
			}
			succeeded = append(succeeded, u)
			continue
		}
		// If fn's failure already ended the whole transaction (SQLite does
		// that on some errors), ROLLBACK TO fails and the batch is lost.
		b.restore(heads)
		if _, err := s.execIn(sqlTx, "ROLLBACK TO privet_update"); err != nil {
			u.done <- ferr
			abort(sqlTx, succeeded, live[i+1:], unavailable("rollback to savepoint", err))
			return
		}
		if _, err := s.execIn(sqlTx, "RELEASE privet_update"); err != nil {
			u.done <- ferr
			abort(sqlTx, succeeded, live[i+1:], unavailable("release savepoint", err))
			return
		}
		u.done <- ferr
	}
	if err := s.writeHeads(sqlTx, b); err != nil {
		abort(sqlTx, succeeded, nil, err)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		failAll(succeeded, unavailable("commit", err))
		return
	}
	failAll(succeeded, nil)
}

// execIn runs a statement of the committer's own in its transaction, through
// the statement cache like the statements of the fns.
func (s *Store) execIn(sqlTx *sql.Tx, query string, args ...any) (sql.Result, error) {
	bg := context.Background()
	if st := s.writeStmts.stmt(bg, sqlTx, query); st != nil {
		return st.ExecContext(bg, args...)
	}
	return sqlTx.ExecContext(bg, query, args...)
}

// runFn calls u.fn, turning a panic into an EINTERNAL error for its caller
// alone: the committer serves everyone and must survive one bad fn.
func (s *Store) runFn(u *update, sqlTx *sql.Tx, b *batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sqlite: update panicked: %v: %w", r, privet.Errorf(privet.EINTERNAL, "internal error"))
		}
	}()
	if err := u.ctx.Err(); err != nil {
		return err
	}
	return u.fn(&tx{s: s, q: sqlTx, sqlTx: sqlTx, write: true, batch: b})
}

func abort(sqlTx *sql.Tx, succeeded, rest []*update, err error) {
	_ = sqlTx.Rollback()
	failAll(succeeded, err)
	failAll(rest, err)
}

func failAll(us []*update, err error) {
	for _, u := range us {
		u.done <- err
	}
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
