package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// waitPoll is how often Wait looks at the queue. Polling the table (rather
// than subscribing to this Runner's events) lets Wait follow jobs worked by
// any process.
const waitPoll = 50 * time.Millisecond

// Stats counts the jobs of kind by state, for /metrics and progress. The
// states available, running, retryable, completed and discarded are always
// present; others (scheduled, cancelled, pending) appear when non-zero.
// Finished jobs are counted until River's cleaner removes them (a day for
// completed and cancelled jobs, a week for discarded ones).
func (r *Runner) Stats(ctx context.Context, kind string) (map[string]int, error) {
	counts, err := r.engine.countByState(ctx, kind)
	if err != nil {
		return nil, unavailable("count jobs", err)
	}
	return counts, nil
}

// Wait blocks until no job of kind is available, running or retryable, or
// until ctx ends (returning its error). Jobs scheduled for later do not
// count. Tests use it instead of sleeping.
func (r *Runner) Wait(ctx context.Context, kind string) error {
	ticker := time.NewTicker(waitPoll)
	defer ticker.Stop()
	for {
		counts, err := r.Stats(ctx, kind)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if counts[string(rivertype.JobStateAvailable)]+counts[string(rivertype.JobStateRunning)]+counts[string(rivertype.JobStateRetryable)] == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}
