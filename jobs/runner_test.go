package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jobs"
)

// noteJob is a job whose worker records each run's label.
type noteJob struct {
	Label string `json:"label"`
}

func (noteJob) Kind() string { return "test_note" }

// sweepJob is a periodic job.
type sweepJob struct {
	Scope string `json:"scope"`
}

func (sweepJob) Kind() string { return "test_sweep" }

// runs records worker runs safely across goroutines.
type runs struct {
	mu     sync.Mutex
	labels []string
}

func (r *runs) add(label string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.labels = append(r.labels, label)
	return len(r.labels)
}

func (r *runs) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.labels)
}

func assertStats(t *testing.T, r *jobs.Runner, kind string, want map[string]int) {
	t.Helper()
	got, err := r.Stats(t.Context(), kind)
	if err != nil {
		t.Fatal(err)
	}
	for state, n := range want {
		if got[state] != n {
			t.Errorf("Stats(%q)[%q] = %d, want %d (all: %v)", kind, state, got[state], n, got)
		}
	}
}

func TestWorkerOutcomes(t *testing.T) {
	tests := []struct {
		name string
		// fail decides the outcome of the run-th run (1-based).
		fail      func(run int) error
		wantRuns  int
		wantState string
	}{
		{
			name:      "a job runs once",
			fail:      func(int) error { return nil },
			wantRuns:  1,
			wantState: "completed",
		},
		{
			name: "a failing job is retried and then succeeds",
			fail: func(run int) error {
				if run == 1 {
					return privet.Errorf(privet.EUNAVAILABLE, "mail server down")
				}
				return nil
			},
			wantRuns:  2,
			wantState: "completed",
		},
		{
			name:      "a cancelled job is not retried",
			fail:      func(int) error { return jobs.Cancel(privet.Errorf(privet.EINVALID, "no such request")) },
			wantRuns:  1,
			wantState: "cancelled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			forEachEngine(t, func(t *testing.T, db *testDB) {
				r := db.runner(t, jobs.Options{})
				var seen runs
				jobs.Handle(r, func(ctx context.Context, job noteJob) error {
					return tt.fail(seen.add(job.Label))
				})
				start(t, r)
				if err := r.Enqueue(t.Context(), noteJob{Label: "one"}); err != nil {
					t.Fatal(err)
				}
				if err := r.Wait(waitCtx(t, time.Minute), noteJob{}.Kind()); err != nil {
					t.Fatal(err)
				}
				if got := seen.get(); len(got) != tt.wantRuns || got[0] != "one" {
					t.Fatalf("runs = %q, want %d runs of %q", got, tt.wantRuns, "one")
				}
				assertStats(t, r, noteJob{}.Kind(), map[string]int{tt.wantState: 1, "available": 0, "running": 0, "retryable": 0})
			})
		})
	}
}

func TestFailureKeepsPersonalDataOutOfLogsAndStoredErrors(t *testing.T) {
	t.Parallel()
	const email = "alice@example.com"
	forEachEngine(t, func(t *testing.T, db *testDB) {
		var logs syncBuffer
		r := db.runner(t, jobs.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		var seen runs
		jobs.Handle(r, func(ctx context.Context, job noteJob) error {
			// A careless worker quoting its arguments in a raw error and in a
			// panic (on its first run only, so the job completes).
			if job.Label == "panic" {
				if slices.Contains(seen.get(), "panic") {
					return nil
				}
				seen.add(job.Label)
				panic("cannot mail " + email)
			}
			return jobs.Cancel(fmt.Errorf("cannot mail %s", email))
		})
		start(t, r)
		for _, label := range []string{email, "panic"} {
			if err := r.Enqueue(t.Context(), noteJob{Label: label}); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Wait(waitCtx(t, time.Minute), noteJob{}.Kind()); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(logs.String(), email) {
			t.Errorf("logs hold personal data: %s", logs.String())
		}
		if !strings.Contains(logs.String(), `"code":"internal"`) || !strings.Contains(logs.String(), `"kind":"test_note"`) {
			t.Errorf("logs lack kind and code: %s", logs.String())
		}
		if stored := db.storedErrors(t, noteJob{}.Kind()); strings.Contains(stored, email) || stored == "" {
			t.Errorf("stored errors = %s, want errors without personal data", stored)
		}
	})
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *testDB) {
		db.insertAndRollBack(t, noteJob{Label: "rolled back"})
		r := db.runner(t, jobs.Options{})
		var seen runs
		jobs.Handle(r, func(ctx context.Context, job noteJob) error {
			seen.add(job.Label)
			return nil
		})
		start(t, r)
		// A committed job after the rolled-back one: once it has run, the
		// queue has had its chance to run both.
		if err := r.Enqueue(t.Context(), noteJob{Label: "committed"}); err != nil {
			t.Fatal(err)
		}
		if err := r.Wait(waitCtx(t, time.Minute), noteJob{}.Kind()); err != nil {
			t.Fatal(err)
		}
		if got := seen.get(); !slices.Equal(got, []string{"committed"}) {
			t.Fatalf("runs = %q, want only the committed job", got)
		}
		assertStats(t, r, noteJob{}.Kind(), map[string]int{"completed": 1, "available": 0, "running": 0, "retryable": 0, "discarded": 0})
	})
}

func TestPeriodicJobRunsOnStart(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *testDB) {
		r := db.runner(t, jobs.Options{Periodic: []jobs.Periodic{
			{Job: sweepJob{Scope: "retention"}, Every: time.Hour, RunOnStart: true},
		}})
		ran := make(chan string, 10)
		jobs.Handle(r, func(ctx context.Context, job sweepJob) error {
			ran <- job.Scope
			return nil
		})
		start(t, r)
		select {
		case scope := <-ran:
			if scope != "retention" {
				t.Fatalf("periodic job ran with scope %q, want %q", scope, "retention")
			}
		case <-waitCtx(t, time.Minute).Done():
			t.Fatal("periodic job with RunOnStart did not run")
		}
	})
}

func TestRunOnce(t *testing.T) {
	errSweep := privet.Errorf(privet.EUNAVAILABLE, "store down")
	tests := []struct {
		name     string
		kind     string
		handle   bool  // register a worker for sweepJob
		result   error // what the worker returns
		wantRuns int
		wantCode string
	}{
		{name: "runs the worker synchronously", kind: "test_sweep", handle: true, wantRuns: 1},
		{name: "returns the worker's error", kind: "test_sweep", handle: true, result: errSweep, wantRuns: 1, wantCode: privet.EUNAVAILABLE},
		{name: "returns a cancelled error unwrapped", kind: "test_sweep", handle: true, result: jobs.Cancel(errSweep), wantRuns: 1, wantCode: privet.EUNAVAILABLE},
		{name: "no periodic job of the kind", kind: "test_note", handle: true, wantCode: privet.ENOTFOUND},
		{name: "no worker for the kind", kind: "test_sweep", handle: false, wantCode: privet.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			forEachEngine(t, func(t *testing.T, db *testDB) {
				r := db.runner(t, jobs.Options{Periodic: []jobs.Periodic{{Job: sweepJob{Scope: "retention"}, Every: time.Hour}}})
				var seen runs
				if tt.handle {
					jobs.Handle(r, func(ctx context.Context, job sweepJob) error {
						seen.add(job.Scope)
						return tt.result
					})
				}
				err := r.RunOnce(t.Context(), tt.kind)
				if tt.wantCode == "" && err != nil {
					t.Fatalf("RunOnce: %v", err)
				}
				if tt.wantCode != "" {
					assertCode(t, err, tt.wantCode)
					var cancelled interface{ Unwrap() error }
					if errors.As(err, &cancelled) && tt.result != nil {
						t.Errorf("RunOnce returned a wrapped error %v, want the worker's own", err)
					}
				}
				if got := seen.get(); len(got) != tt.wantRuns || (tt.wantRuns > 0 && got[0] != "retention") {
					t.Fatalf("runs = %q, want %d synchronous runs with the periodic job's arguments", got, tt.wantRuns)
				}
				// Run in process: nothing went through the queue.
				assertStats(t, r, sweepJob{}.Kind(), map[string]int{"available": 0, "running": 0, "completed": 0})
			})
		})
	}
}

func TestOptionsAreValidated(t *testing.T) {
	tests := []struct {
		name string
		opts jobs.Options
	}{
		{"negative workers", jobs.Options{MaxWorkers: -1}},
		{"negative rescue", jobs.Options{RescueAfter: -time.Second}},
		{"periodic without job", jobs.Options{Periodic: []jobs.Periodic{{Every: time.Hour}}}},
		{"periodic too often", jobs.Options{Periodic: []jobs.Periodic{{Job: sweepJob{}, Every: time.Millisecond}}}},
		{"periodic kind twice", jobs.Options{Periodic: []jobs.Periodic{{Job: sweepJob{}, Every: time.Hour}, {Job: sweepJob{Scope: "b"}, Every: time.Hour}}}},
	}
	db := newTestDB(t, engineSQLite)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.newRunner(tt.opts)
			assertCode(t, err, privet.EINVALID)
		})
	}
}

func TestSQLiteWithoutWALIsRefused(t *testing.T) {
	t.Parallel()
	db, err := openTestDB(t.Context(), engineSQLite, "file:"+t.TempDir()+"/rollback.db?_pragma=busy_timeout(10000)", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.close)
	_, err = jobs.NewSQLite(db.sqlDB, jobs.Options{})
	assertCode(t, err, privet.EINVALID)
}

func TestStartNeedsAWorkerAndHappensOnce(t *testing.T) {
	t.Parallel()
	db := newTestDB(t, engineSQLite)
	r := db.runner(t, jobs.Options{})
	assertCode(t, r.Start(t.Context()), privet.EINVALID)
	jobs.Handle(r, func(ctx context.Context, job noteJob) error { return nil })
	start(t, r)
	assertCode(t, r.Start(t.Context()), privet.ECONFLICT)
}

func TestKindsListsRegisteredWorkers(t *testing.T) {
	t.Parallel()
	db := newTestDB(t, engineSQLite)
	r := db.runner(t, jobs.Options{})
	if got := r.Kinds(); len(got) != 0 {
		t.Fatalf("Kinds() = %q before Handle, want none", got)
	}
	jobs.Handle(r, func(ctx context.Context, job sweepJob) error { return nil })
	jobs.Handle(r, func(ctx context.Context, job noteJob) error { return nil })
	if got, want := r.Kinds(), []string{"test_note", "test_sweep"}; !slices.Equal(got, want) {
		t.Fatalf("Kinds() = %q, want %q", got, want)
	}
}

func TestEnqueueRefusesUnencodableJob(t *testing.T) {
	t.Parallel()
	db := newTestDB(t, engineSQLite)
	r := db.runner(t, jobs.Options{})
	assertCode(t, r.Enqueue(t.Context(), badJob{C: make(chan int)}), privet.EINVALID)
	assertCode(t, r.Enqueue(t.Context(), nil), privet.EINVALID)
}

type badJob struct{ C chan int }

func (badJob) Kind() string { return "test_bad" }

// syncBuffer is a log sink safe for River's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
