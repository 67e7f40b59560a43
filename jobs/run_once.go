package jobs

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/privet-dev/privet"
)

// RunOnce runs the periodic job of that kind now, in this process and
// synchronously, through its registered worker, without queueing it (for
// `privet retention run` and friends). It returns ENOTFOUND when no periodic
// job or no worker has that kind, and the worker's error otherwise (a
// Cancel-ed error is returned unwrapped: there is no retry to stop).
func (r *Runner) RunOnce(ctx context.Context, kind string) error {
	p, ok := r.periodic[kind]
	if !ok {
		return privet.Errorf(privet.ENOTFOUND, "jobs: no periodic job of kind %q", kind)
	}
	r.mu.Lock()
	run, ok := r.handlers[kind]
	r.mu.Unlock()
	if !ok {
		return privet.Errorf(privet.ENOTFOUND, "jobs: no worker for kind %q", kind)
	}
	// Encoded and decoded like a queued job, so the worker sees exactly what
	// it would see from the queue.
	args, err := json.Marshal(p.Job)
	if err != nil {
		return privet.Errorf(privet.EINVALID, "jobs: arguments of kind %q are not JSON", kind)
	}
	err = run(ctx, args)
	var permanent *permanentError
	if errors.As(err, &permanent) {
		return permanent.err
	}
	return err
}
