package postgres

import (
	"context"

	"github.com/privet-dev/privet"
)

// TxID returns the id of the top-level database transaction tx belongs to,
// so tests can see which Updates shared one.
func TxID(ctx context.Context, ptx privet.Tx) (int64, error) {
	var id int64
	err := ptx.(*tx).q.QueryRow(ctx, `SELECT txid_current()`).Scan(&id)
	return id, err
}

// Committers is how many batches a store runs at once.
const Committers = committers
