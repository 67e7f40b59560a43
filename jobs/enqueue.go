package jobs

import (
	"context"
	"encoding/json"

	"github.com/privet-dev/privet"
)

// Enqueue inserts job outside any data transaction, for work that follows
// no data change (e.g. a command run from the CLI). A change that needs a job
// enqueues it in its own transaction instead (privet.Tx.Enqueue). The Runner
// need not be started.
func (r *Runner) Enqueue(ctx context.Context, job privet.Job) error {
	if job == nil {
		return privet.Errorf(privet.EINVALID, "jobs: no job")
	}
	// Checked here so a job that cannot be encoded is the caller's mistake,
	// not a database failure.
	if _, err := json.Marshal(job); err != nil {
		return privet.Errorf(privet.EINVALID, "jobs: arguments of kind %q are not JSON", job.Kind())
	}
	if err := r.engine.insert(ctx, job); err != nil {
		return unavailable("enqueue", err)
	}
	return nil
}
