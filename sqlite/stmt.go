package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per query text and pool, so a hot
// query is parsed once per connection instead of at every call: under load,
// SQLite's parser took about a sixth of the server's CPU.
//
// A statement is never prepared at the pool level from inside a transaction:
// the writer pool has one connection, which the transaction holds, so the
// prepare would wait on itself. A miss prepares on the transaction alone and
// asks a goroutine to prepare the pool-level statement, which waits for a
// free connection like any caller; later transactions reuse it, and
// database/sql prepares it once on each connection that runs it.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt // nil value: being prepared
	closed  bool
	pending sync.WaitGroup
}

// maxCachedStmts bounds the cache: queries are constant strings, but one
// built with a variable number of placeholders must not grow it without end.
const maxCachedStmts = 256

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the pool-level statement for query, or nil (and starts
// preparing it) if there is none yet.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[query]
	if ok || c.closed || len(c.stmts) >= maxCachedStmts {
		return st
	}
	c.stmts[query] = nil
	c.pending.Add(1)
	go c.prepare(query)
	return nil
}

func (c *stmtCache) prepare(query string) {
	defer c.pending.Done()
	st, err := c.db.PrepareContext(context.Background(), query)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil:
		// A query that does not prepare fails in its caller's
		// transaction too, with the caller's error; try again next time.
		delete(c.stmts, query)
	case c.closed:
		_ = st.Close()
	default:
		c.stmts[query] = st
	}
}

// close stops caching and closes the statements; call it before closing db.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.pending.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		if st != nil {
			_ = st.Close()
		}
		delete(c.stmts, q)
	}
}

// stmt returns query prepared for use in sqlTx: the cached statement bound to
// the transaction, or nil when the caller should run the query text directly.
func (c *stmtCache) stmt(ctx context.Context, sqlTx *sql.Tx, query string) *sql.Stmt {
	st := c.get(query)
	if st == nil {
		return nil
	}
	return sqlTx.StmtContext(ctx, st)
}

// readRow runs a one-row query on the read pool outside any transaction,
// through the cached statement when there is one.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.readStmts.get(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.reader.QueryRowContext(ctx, query, args...)
}
