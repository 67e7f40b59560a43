package retention

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jobs"
)

// SweepJob runs a sweep. It carries no arguments: the due items are read at
// run time, so no subject id ever sits in the job table.
type SweepJob struct{}

// Kind names the job; `privet jobs run retention.sweep` runs it once.
func (SweepJob) Kind() string { return "retention.sweep" }

// Register registers the sweep's worker on r. Add SweepJob to the runner's
// periodic jobs to sweep on a schedule.
func (s *Service) Register(r *jobs.Runner) {
	jobs.Handle(r, func(ctx context.Context, _ SweepJob) error {
		rep, err := s.Sweep(ctx, s.now().Now())
		if rep != nil {
			s.logger().Info("retention sweep", "due", rep.Due, "done", rep.Done, "erased", rep.Erased,
				"held", len(rep.Held), "suppressed", rep.Suppressed, "error", privet.ErrorCode(err))
		}
		return err
	})
}
