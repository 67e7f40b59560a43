package postgres

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
	_, err := t.s.river.InsertTx(ctx, t.q, job, nil)
	return dbError("enqueue job", err)
}
