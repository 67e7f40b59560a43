package retention

// SweepJob runs a sweep. It carries no arguments: the due items are read at
// run time, so no subject id ever sits in the job table. The process that
// runs jobs registers its worker and schedules it hourly; `privet jobs run
// retention.sweep` runs it once.
type SweepJob struct{}

// Kind names the job.
func (SweepJob) Kind() string { return "retention.sweep" }
