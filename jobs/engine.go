package jobs

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// riverEngine adapts a River client of either driver to engine.
type riverEngine[TTx any] struct {
	client *river.Client[TTx]
	count  func(ctx context.Context, kind string) (map[string]int, error)
}

func (e *riverEngine[TTx]) insert(ctx context.Context, job river.JobArgs) error {
	_, err := e.client.Insert(ctx, job, nil)
	return err
}

func (e *riverEngine[TTx]) start(ctx context.Context) error { return e.client.Start(ctx) }

func (e *riverEngine[TTx]) stop(ctx context.Context) error { return e.client.Stop(ctx) }

func (e *riverEngine[TTx]) countByState(ctx context.Context, kind string) (map[string]int, error) {
	return e.count(ctx, kind)
}

// scanCounts reads (state, count) rows from either driver's result set.
func scanCounts(next func() bool, scan func(dest ...any) error, rowsErr func() error) (map[string]int, error) {
	counts := map[string]int{
		string(rivertype.JobStateAvailable): 0,
		string(rivertype.JobStateRunning):   0,
		string(rivertype.JobStateRetryable): 0,
		string(rivertype.JobStateCompleted): 0,
		string(rivertype.JobStateDiscarded): 0,
	}
	for next() {
		var state string
		var n int
		if err := scan(&state, &n); err != nil {
			return nil, err
		}
		counts[state] = n
	}
	if err := rowsErr(); err != nil {
		return nil, err
	}
	return counts, nil
}
