package sqlite

import (
	"context"

	"github.com/privet-dev/privet"
)

// Enqueue inserts job into River's table in this transaction: the job exists
// if and only if the change that needs it commits.
func (t *tx) Enqueue(ctx context.Context, job privet.Job) error {
	if !t.write {
		return errWriteInView()
	}
	_, err := t.s.river.InsertTx(t.ctx(ctx), t.sqlTx, job, nil)
	return dbError("enqueue job", err)
}

// JobCount counts River jobs of a kind in any state. Tests use it to check
// that a job commits or rolls back with its transaction.
func (s *Store) JobCount(ctx context.Context, kind string) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = ?`, kind).Scan(&n)
	return n, dbError("count jobs", err)
}
