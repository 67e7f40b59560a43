package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/privet-dev/privet"
)

// Handle registers fn as the worker for jobs of type T. Call it before Start;
// registering after Start, or twice for one kind, is a programming error and
// panics, like registering a route twice.
//
// T must be a struct (not a pointer) whose exported fields are the job's JSON
// arguments and whose Kind method has a value receiver. fn gets the decoded
// job. An error from fn retries the job with River's backoff; Cancel(err)
// stops retrying. fn must be idempotent (see the package documentation).
func Handle[T privet.Job](r *Runner, fn func(ctx context.Context, job T) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic("jobs: Handle called after Start")
	}
	var zero T
	kind := zero.Kind()
	if err := river.AddWorkerSafely(r.workers, &worker[T]{fn: fn, logger: r.logger}); err != nil {
		panic(fmt.Sprintf("jobs: register worker for %q: %v", kind, err))
	}
	r.handlers[kind] = func(ctx context.Context, args []byte) error {
		var job T
		if err := json.Unmarshal(args, &job); err != nil {
			return privet.Errorf(privet.EINVALID, "jobs: decode arguments of kind %q", kind)
		}
		return fn(ctx, job)
	}
}

// Cancel marks err as permanent: the job is not retried, and River records
// it as cancelled.
func Cancel(err error) error {
	if err == nil {
		err = privet.Errorf(privet.EINTERNAL, "job cancelled")
	}
	return &permanentError{err: err}
}

// permanentError is the error Cancel returns; the worker turns it into
// River's cancellation so callers never import River.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return "permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// worker adapts fn to River's Worker, keeping job arguments and raw error
// text out of logs and out of the errors River stores with the job.
type worker[T privet.Job] struct {
	river.WorkerDefaults[T]
	fn     func(ctx context.Context, job T) error
	logger *slog.Logger
}

func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) (err error) {
	defer func() {
		// A panic value may quote the arguments; record only that it panicked.
		if recover() != nil {
			err = privet.Errorf(privet.EINTERNAL, "job panicked")
			w.logFailure(ctx, job, err, false)
		}
	}()
	err = w.fn(ctx, job.Args)
	if err == nil {
		return nil
	}
	var permanent *permanentError
	isPermanent := errors.As(err, &permanent)
	w.logFailure(ctx, job, err, isPermanent)
	safe := safeError(err)
	if isPermanent {
		return river.JobCancel(safe)
	}
	return safe
}

func (w *worker[T]) logFailure(ctx context.Context, job *river.Job[T], err error, permanent bool) {
	w.logger.WarnContext(ctx, "jobs: job failed",
		slog.String("kind", job.Kind),
		slog.Int64("job_id", job.ID),
		slog.Int("attempt", job.Attempt),
		slog.String("code", privet.ErrorCode(err)),
		slog.Bool("permanent", permanent),
	)
}

// safeError keeps only what may be shown to anyone: River stores the error
// text in the job row, and a wrapped driver error could quote a value.
func safeError(err error) error {
	return &privet.Error{Code: privet.ErrorCode(err), Message: privet.ErrorMessage(err), Field: privet.ErrorField(err)}
}
