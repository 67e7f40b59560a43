// Package groupcommit batches concurrent Store.Update calls into shared
// database transactions (group commit), the same way on every engine: each
// fn runs under a savepoint of its batch's transaction, a failing fn is
// rolled back to its savepoint and gets its own error, the others get the
// COMMIT's outcome, and a caller whose ctx ends before its fn is taken is
// dropped. An Update returns only after the transaction holding its writes
// has committed, so nothing acknowledged is lost.
//
// The engines supply the transaction (Txn); this package owns the queue, the
// committer goroutines and who-gets-which-outcome.
package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/privet-dev/privet"
)

// Txn is one batch's database transaction, as an engine runs it. Each method
// returns an error already wrapped for callers (a privet.Error code).
type Txn interface {
	// Tx is what each fn of the batch is given.
	Tx() privet.Tx
	// Savepoint marks the start of one fn's writes, Release keeps them and
	// RollbackTo undoes them (and ends the savepoint).
	Savepoint() error
	Release() error
	RollbackTo() error
	// Commit ends the transaction; Rollback abandons it after a failure.
	Commit() error
	Rollback()
}

// ErrStale marks a write refused because the row it was computed from changed
// in another transaction after fn read it (an engine with concurrent writers
// checks the version it read). Such a fn is rolled back to its savepoint and
// run again, so it reads the newer row and decides afresh: two changes of one
// subject never write over each other.
var ErrStale = errors.New("groupcommit: stale read")

// staleAttempts bounds how often one fn runs when its reads keep going stale;
// the last ErrStale reaches the caller as a conflict to retry.
const staleAttempts = 4

// Stale is the error an engine returns when a write finds that what was read
// changed meanwhile: a conflict for the caller, ErrStale for the committer.
func Stale(what string) error {
	return fmt.Errorf("%w: %w", privet.Errorf(privet.ECONFLICT, "the %s changed while this change was made; try again", what), ErrStale)
}

// Queue is the queue of one store's Updates and its committers.
type Queue struct {
	begin      func() (Txn, error)
	afterBatch func(updates int)
	maxBatch   int

	mu      sync.RWMutex // guards closed against sends on calls
	closed  bool
	calls   chan *call
	stopped sync.WaitGroup
}

// New starts committers goroutines, each taking up to maxBatch queued
// Updates at a time and running them in one transaction from begin.
// afterBatch, if not nil, is called by a committer after each batch that ran
// any Update, with the number it ran.
func New(begin func() (Txn, error), maxBatch, committers int, afterBatch func(updates int)) *Queue {
	q := &Queue{begin: begin, afterBatch: afterBatch, maxBatch: maxBatch, calls: make(chan *call, maxBatch*4)}
	for range committers {
		q.stopped.Add(1)
		go q.commitLoop()
	}
	return q
}

// call is one queued Update.
type call struct {
	ctx  context.Context
	fn   func(privet.Tx) error
	done chan error // buffered: a committer never blocks on a caller
	// state moves from queued to either taken (by a committer) or
	// abandoned (by a caller whose ctx ended while it waited in the queue);
	// whoever wins the swap decides whether fn runs.
	state atomic.Int32
}

const (
	stateQueued int32 = iota
	stateTaken
	stateAbandoned
)

// Update queues fn for a committer and waits until the transaction that ran
// it has committed. Once a committer has taken fn, Update waits for the
// outcome even if ctx ends, because fn's writes may already be committing.
// fn must not call Update on the same queue: it would wait on itself.
func (q *Queue) Update(ctx context.Context, fn func(privet.Tx) error) error {
	c := &call{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := q.enqueue(ctx, c); err != nil {
		return err
	}
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		if c.state.CompareAndSwap(stateQueued, stateAbandoned) {
			return ctx.Err()
		}
		return <-c.done
	}
}

func (q *Queue) enqueue(ctx context.Context, c *call) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return privet.Errorf(privet.EUNAVAILABLE, "store is closed")
	}
	select {
	case q.calls <- c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Queued is the number of Updates waiting for a committer.
func (q *Queue) Queued() int { return len(q.calls) }

// Close refuses new Updates, waits until the queued ones have committed and
// the committers have stopped. Calling it twice is harmless.
func (q *Queue) Close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.calls)
	}
	q.mu.Unlock()
	q.stopped.Wait()
}

// commitLoop is one committer: it takes whatever is queued, up to maxBatch,
// and commits it as one transaction. It exits once the queue is closed and
// drained.
//
// A commit costs about the same for one Update as for many (the pages they
// share are written once, and there is one fsync), so larger batches mean
// more Updates per second. When more than one Update was waiting, others are
// likely on their way: the committer yields once, letting the goroutines
// that are about to queue run, and takes what they queued too. A lone Update
// (low load) is committed at once, without that pause.
func (q *Queue) commitLoop() {
	defer q.stopped.Done()
	batch := make([]*call, 0, q.maxBatch)
	for c := range q.calls {
		batch = q.drain(append(batch[:0], c))
		if len(batch) > 1 && len(batch) < q.maxBatch {
			runtime.Gosched()
			batch = q.drain(batch)
		}
		n := q.commitBatch(batch)
		clear(batch) // drop references to finished callers
		if q.afterBatch != nil && n > 0 {
			q.afterBatch(n)
		}
	}
}

// drain appends to batch what is queued now, without waiting, up to maxBatch.
func (q *Queue) drain(batch []*call) []*call {
	for len(batch) < q.maxBatch {
		select {
		case next, ok := <-q.calls:
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

// commitBatch runs each fn under its own savepoint in one transaction. A
// failed fn is rolled back to its savepoint and gets its error at once; the
// others get the COMMIT's outcome. It returns how many fns it ran.
func (q *Queue) commitBatch(batch []*call) int {
	live := batch[:0:0]
	for _, c := range batch {
		if c.state.CompareAndSwap(stateQueued, stateTaken) {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return 0
	}
	txn, err := q.begin()
	if err != nil {
		finish(live, err)
		return len(live)
	}
	succeeded := make([]*call, 0, len(live))
	for i, c := range live {
		if err := txn.Savepoint(); err != nil {
			abort(txn, succeeded, live[i:], err)
			return len(live)
		}
		ferr := run(c, txn.Tx())
		for attempt := 1; errors.Is(ferr, ErrStale) && attempt < staleAttempts; attempt++ {
			// Undo fn's writes and run it again under a new savepoint: its
			// reads now see the change that made them stale.
			if err := txn.RollbackTo(); err != nil {
				c.done <- ferr
				abort(txn, succeeded, live[i+1:], err)
				return len(live)
			}
			if err := txn.Savepoint(); err != nil {
				abort(txn, succeeded, live[i:], err)
				return len(live)
			}
			ferr = run(c, txn.Tx())
		}
		if ferr == nil {
			if err := txn.Release(); err != nil {
				abort(txn, succeeded, live[i:], err)
				return len(live)
			}
			succeeded = append(succeeded, c)
			continue
		}
		c.done <- ferr
		// If fn's failure already ended the whole transaction, undoing
		// fn alone fails and the batch is lost.
		if err := txn.RollbackTo(); err != nil {
			abort(txn, succeeded, live[i+1:], err)
			return len(live)
		}
	}
	if len(succeeded) == 0 {
		txn.Rollback()
		return len(live)
	}
	finish(succeeded, txn.Commit())
	return len(live)
}

// run calls c.fn, turning a panic into an EINTERNAL error for its caller
// alone: a committer serves everyone and must survive one bad fn.
func run(c *call, tx privet.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("update panicked: %v: %w", r, privet.Errorf(privet.EINTERNAL, "internal error"))
		}
	}()
	if err := c.ctx.Err(); err != nil {
		return err
	}
	return c.fn(tx)
}

func abort(txn Txn, succeeded, rest []*call, err error) {
	txn.Rollback()
	finish(succeeded, err)
	finish(rest, err)
}

func finish(cs []*call, err error) {
	for _, c := range cs {
		c.done <- err
	}
}
