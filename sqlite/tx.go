package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/privet-dev/privet"
)

// tx is privet.Tx over one SQLite transaction (write or read-only).
type tx struct {
	s     *Store
	q     *sql.Tx
	sqlTx *sql.Tx
	write bool
	batch *batch // the committer's batch state; nil in View
}

var _ privet.Tx = (*tx)(nil)

// ctx detaches a write transaction's statements from the caller's
// cancellation: interrupting a statement can roll back the whole shared
// transaction, which holds other callers' writes too.
func (t *tx) ctx(ctx context.Context) context.Context {
	if t.write {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !t.write {
		return nil, errWriteInView()
	}
	ctx = t.ctx(ctx)
	if st := t.cache().stmt(ctx, t.q, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.q.ExecContext(ctx, query, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.ctx(ctx)
	if st := t.cache().stmt(ctx, t.q, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.q.QueryContext(ctx, query, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.ctx(ctx)
	if st := t.cache().stmt(ctx, t.q, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

// cache is the statement cache of the pool the transaction runs on.
func (t *tx) cache() *stmtCache {
	if t.write {
		return t.s.writeStmts
	}
	return t.s.readStmts
}

// errWriteInView reports a write attempted through View's transaction: a
// programming error, caught before SQLite's query_only would catch it too.
func errWriteInView() error {
	return fmt.Errorf("%w: %w", errReadOnly, privet.Errorf(privet.EINTERNAL, "write in a read-only transaction"))
}

// savepoint runs fn so that its writes apply together or not at all, even
// when the caller's fn carries on after an error.
func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := t.exec(ctx, "SAVEPOINT privet_op"); err != nil {
		return dbError("savepoint", err)
	}
	var heads map[string]auditHead
	if t.batch != nil {
		heads = t.batch.mark()
	}
	if err := fn(); err != nil {
		if t.batch != nil {
			t.batch.restore(heads)
		}
		if _, rerr := t.exec(ctx, "ROLLBACK TO privet_op"); rerr != nil {
			return dbError("rollback to savepoint", rerr)
		}
		if _, rerr := t.exec(ctx, "RELEASE privet_op"); rerr != nil {
			return dbError("release savepoint", rerr)
		}
		return err
	}
	if _, err := t.exec(ctx, "RELEASE privet_op"); err != nil {
		return dbError("release savepoint", err)
	}
	return nil
}

// sqliteCode returns the extended result code of a driver error, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func isForeignKey(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// dbError wraps an unexpected driver error; the safe message says nothing of
// the driver's text, which may quote values.
func dbError(what string, err error) error {
	if err == nil {
		return nil
	}
	var pe *privet.Error
	if errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code := privet.EINTERNAL
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN:
		code = privet.EUNAVAILABLE
	}
	return fmt.Errorf("sqlite: %s: %w: %w", what, privet.Errorf(code, "database error"), err)
}

func notFound(what string) error {
	return fmt.Errorf("%s: %w", what, privet.ErrNotFound)
}

// Times are stored as unix nanoseconds in UTC; the zero time is NULL.

func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func nanosPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return nanos(*t)
}

// nullTime scans a nullable nanosecond column.
type nullTime struct{ v sql.NullInt64 }

func (n *nullTime) Scan(src any) error { return n.v.Scan(src) }

func (n nullTime) time() time.Time {
	if !n.v.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.v.Int64).UTC()
}

func (n nullTime) ptr() *time.Time {
	if !n.v.Valid {
		return nil
	}
	t := n.time()
	return &t
}

// pageLimit applies the default and the cap of list queries.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}
