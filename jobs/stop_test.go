package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/privet-dev/privet/jobs"
)

// TestStopLetsRunningJobsFinish checks that Stop is graceful: a job running
// when Stop is called keeps its context and completes, instead of being
// cancelled and left to be retried.
func TestStopLetsRunningJobsFinish(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *testDB) {
		r := db.runner(t, jobs.Options{})
		running := make(chan struct{})
		release := make(chan struct{})
		jobs.Handle(r, func(ctx context.Context, job noteJob) error {
			close(running)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err := r.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := r.Enqueue(t.Context(), noteJob{Label: "long"}); err != nil {
			t.Fatal(err)
		}
		ctx := waitCtx(t, time.Minute)
		select {
		case <-running:
		case <-ctx.Done():
			t.Fatal("job never started")
		}
		stopped := make(chan error, 1)
		go func() { stopped <- r.Stop(ctx) }()
		close(release)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		assertStats(t, r, noteJob{}.Kind(), map[string]int{"completed": 1, "running": 0, "available": 0, "retryable": 0})
	})
}
