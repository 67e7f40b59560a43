package jobs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/privet-dev/privet/jobs"
)

// crashJob is the job the child process claims and dies holding.
type crashJob struct {
	Label string `json:"label"`
}

func (crashJob) Kind() string { return "test_crash" }

// holdingLine is what the child prints once its worker holds the job.
const holdingLine = "holding test_crash"

// TestCrashedJobIsRescued kills, with SIGKILL, a process whose worker holds a
// job, then checks that a Runner in this process runs the job exactly once.
func TestCrashedJobIsRescued(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *testDB) {
		ctx := waitCtx(t, 2*time.Minute)
		enqueuer := db.runner(t, jobs.Options{})
		if err := enqueuer.Enqueue(ctx, crashJob{Label: "abandoned"}); err != nil {
			t.Fatal(err)
		}

		child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.timeout=2m")
		child.Env = db.helperEnv()
		var stderr bytes.Buffer
		child.Stderr = &stderr
		stdout, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		holding := false
		for lines := bufio.NewScanner(stdout); lines.Scan(); {
			if lines.Text() == holdingLine {
				holding = true
				break
			}
		}
		if !holding {
			_ = child.Wait()
			t.Fatalf("child never held the job; its stderr:\n%s", stderr.String())
		}
		if err := child.Process.Kill(); err != nil { // SIGKILL: no graceful stop
			t.Fatal(err)
		}
		_ = child.Wait() // killed: the error is expected
		assertStats(t, enqueuer, crashJob{}.Kind(), map[string]int{"running": 1, "completed": 0})

		r := db.runner(t, jobs.Options{RescueAfter: 2 * time.Second})
		var seen runs
		jobs.Handle(r, func(ctx context.Context, job crashJob) error {
			seen.add(job.Label)
			return nil
		})
		start(t, r)
		if err := r.Wait(ctx, crashJob{}.Kind()); err != nil {
			t.Fatalf("abandoned job not rescued: %v", err)
		}
		if got := seen.get(); len(got) != 1 || got[0] != "abandoned" {
			t.Fatalf("runs after the crash = %q, want the abandoned job once", got)
		}
		assertStats(t, r, crashJob{}.Kind(), map[string]int{"completed": 1, "running": 0, "available": 0, "retryable": 0, "discarded": 0})
	})
}

// TestHelperProcess is the child of TestCrashedJobIsRescued: it joins the
// parent's database, claims the job, says so on stdout and holds it until it
// is killed.
func TestHelperProcess(t *testing.T) {
	engine := os.Getenv(envHelperEngine)
	if engine == "" {
		t.Skip("run as a child process by TestCrashedJobIsRescued")
	}
	// Bounded so an orphaned child ends if its parent dies first.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := openTestDB(ctx, engine, os.Getenv(envHelperDSN), os.Getenv(envHelperSchema))
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	r, err := db.newRunner(jobs.Options{Logger: slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	jobs.Handle(r, func(jobCtx context.Context, job crashJob) error {
		fmt.Println(holdingLine)
		<-ctx.Done()
		return ctx.Err()
	})
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	t.Fatal("the parent never killed this process")
}
