package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/privet-dev/privet"
)

// tx is privet.Tx over one PostgreSQL transaction.
type tx struct {
	s     *Store
	q     pgx.Tx
	write bool
	audit *auditBatch // the batch's audit events; nil in View
	// revisions holds, in a write transaction, the row version (xmin) of
	// each subject as last read, by tenant and id: UpdateSubject writes only
	// over the version its caller decided on (see subjectRevision).
	revisions map[string]string
}

var _ privet.Tx = (*tx)(nil)

// errWriteInView reports a write attempted through View's transaction: a
// programming error, caught before the read-only transaction would catch it.
func errWriteInView() error {
	return fmt.Errorf("%w: %w", errReadOnly, privet.Errorf(privet.EINTERNAL, "write in a read-only transaction"))
}

func (t *tx) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if !t.write {
		return pgconn.CommandTag{}, errWriteInView()
	}
	return t.q.Exec(ctx, sql, args...)
}

// savepoint runs fn so that its writes apply together or not at all, and so
// that an expected failure (a conflict) leaves the transaction usable, as a
// failed statement does on SQLite.
func (t *tx) savepoint(ctx context.Context, fn func(q pgx.Tx) error) error {
	if !t.write {
		return errWriteInView()
	}
	sp, err := t.q.Begin(ctx)
	if err != nil {
		return dbError("savepoint", err)
	}
	if err := fn(sp); err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return dbError("rollback to savepoint", rerr)
		}
		return err
	}
	return dbError("release savepoint", sp.Commit(ctx))
}

func pgError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

func isUnique(err error) bool {
	pe := pgError(err)
	return pe != nil && pe.Code == "23505"
}

// isCreateRace reports the errors two sessions get when both create the same
// table at once despite IF NOT EXISTS: a unique violation in the catalog, or
// duplicate_object / duplicate_table.
func isCreateRace(err error) bool {
	pe := pgError(err)
	return pe != nil && (pe.Code == "23505" || pe.Code == "42710" || pe.Code == "42P07")
}

// isUniqueOn reports a unique violation of the named constraint.
func isUniqueOn(err error, constraint string) bool {
	pe := pgError(err)
	return pe != nil && pe.Code == "23505" && pe.ConstraintName == constraint
}

func isForeignKey(err error) bool {
	pe := pgError(err)
	return pe != nil && pe.Code == "23503"
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
	if p := pgError(err); p != nil {
		switch p.Code[:2] {
		case "08", "53", "57", "40": // connection, resources, shutdown, serialization
			code = privet.EUNAVAILABLE
		}
	} else {
		code = privet.EUNAVAILABLE // no server answer: the connection failed
	}
	return fmt.Errorf("postgres: %s: %w: %w", what, privet.Errorf(code, "database error"), err)
}

func unavailable(what string, err error) error {
	return fmt.Errorf("postgres: %s: %w: %w", what, privet.Errorf(privet.EUNAVAILABLE, "database unavailable"), err)
}

func notFound(what string) error {
	return fmt.Errorf("%s: %w", what, privet.ErrNotFound)
}

// The zero time is stored as NULL; times come back in UTC.

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func fromTSPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
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

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
