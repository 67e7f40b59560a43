package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/privet-dev/privet"
)

// Defaults for Options left zero.
const (
	DefaultMaxWorkers  = 4
	DefaultRescueAfter = 5 * time.Minute
)

// sqlitePollInterval is how often a Runner on SQLite looks for jobs enqueued
// by other clients (the stores' transactions, other processes): SQLite has no
// LISTEN/NOTIFY to announce them.
const sqlitePollInterval = time.Second

// Options configure a Runner.
type Options struct {
	// Logger receives JSON logs. Job arguments are never logged: only kind,
	// id, attempt and error code. Defaults to JSON on standard error.
	Logger *slog.Logger
	// MaxWorkers is how many jobs this process works at once (default 4).
	MaxWorkers int
	// RescueAfter is how long a running job may go without finishing before
	// it is considered abandoned by a dead process and retried (default 5m).
	// A live process cancels a job's context after half of it.
	RescueAfter time.Duration
	// Periodic lists the jobs the leader enqueues on a schedule; at most one
	// per kind, so RunOnce can find it by kind.
	Periodic []Periodic
	// ID names this client in River's leader election; it must differ between
	// processes sharing a database. Defaults to hostname-pid.
	ID string
}

// Periodic is a job the leader enqueues every Every.
type Periodic struct {
	Job   privet.Job
	Every time.Duration
	// RunOnStart enqueues the job as soon as a leader is elected instead of
	// one interval later, so a long interval is not lost to restarts.
	RunOnStart bool
}

// Runner runs workers and periodic jobs on one engine.
type Runner struct {
	engine   engine
	workers  *river.Workers
	logger   *slog.Logger
	periodic map[string]Periodic

	mu       sync.Mutex
	handlers map[string]handler // kind → worker, for RunOnce and Kinds
	started  bool
}

// handler runs a job from its JSON arguments, the way River hands them to
// the worker, so RunOnce exercises the same decoding as a queued job.
type handler func(ctx context.Context, args []byte) error

// engine hides River's client, which is generic over the driver's
// transaction type, behind what the Runner needs.
type engine interface {
	insert(ctx context.Context, job river.JobArgs) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	countByState(ctx context.Context, kind string) (map[string]int, error)
}

// NewSQLite returns a Runner over db, a SQLite database opened with the
// modernc driver in WAL mode with a busy timeout and _txlock=immediate (see
// the package documentation) whose schema has River's migrations applied.
func NewSQLite(db *sql.DB, opts Options) (*Runner, error) {
	if db == nil {
		return nil, privet.Errorf(privet.EINVALID, "jobs: no database")
	}
	if err := checkSQLite(db); err != nil {
		return nil, err
	}
	r, config, err := newRunner(opts)
	if err != nil {
		return nil, err
	}
	config.PollOnly = true
	config.FetchPollInterval = sqlitePollInterval
	client, err := river.NewClient(riversqlite.New(db), config)
	if err != nil {
		return nil, configError(err)
	}
	r.engine = &riverEngine[*sql.Tx]{client: client, count: func(ctx context.Context, kind string) (map[string]int, error) {
		rows, err := db.QueryContext(ctx, `SELECT state, COUNT(*) FROM river_job WHERE kind = ? GROUP BY state`, kind)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanCounts(rows.Next, rows.Scan, rows.Err)
	}}
	return r, nil
}

// NewPostgres returns a Runner over pool, whose search_path leads to the
// schema that holds River's tables (migrated).
func NewPostgres(pool *pgxpool.Pool, opts Options) (*Runner, error) {
	if pool == nil {
		return nil, privet.Errorf(privet.EINVALID, "jobs: no database")
	}
	r, config, err := newRunner(opts)
	if err != nil {
		return nil, err
	}
	client, err := river.NewClient(riverpgxv5.New(pool), config)
	if err != nil {
		return nil, configError(err)
	}
	r.engine = &riverEngine[pgx.Tx]{client: client, count: func(ctx context.Context, kind string) (map[string]int, error) {
		rows, err := pool.Query(ctx, `SELECT state::text, COUNT(*) FROM river_job WHERE kind = $1 GROUP BY state`, kind)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanCounts(rows.Next, func(dest ...any) error { return rows.Scan(dest...) }, rows.Err)
	}}
	return r, nil
}

// newRunner validates opts and builds the River configuration both engines
// share.
func newRunner(opts Options) (*Runner, *river.Config, error) {
	if opts.MaxWorkers < 0 {
		return nil, nil, privet.FieldError("MaxWorkers", "must not be negative")
	}
	if opts.RescueAfter < 0 {
		return nil, nil, privet.FieldError("RescueAfter", "must not be negative")
	}
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = DefaultMaxWorkers
	}
	if opts.RescueAfter == 0 {
		opts.RescueAfter = DefaultRescueAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if opts.ID == "" {
		opts.ID = defaultID()
	}
	r := &Runner{
		workers:  river.NewWorkers(),
		logger:   opts.Logger,
		periodic: make(map[string]Periodic, len(opts.Periodic)),
		handlers: make(map[string]handler),
	}
	periodicJobs := make([]*river.PeriodicJob, 0, len(opts.Periodic))
	for i, p := range opts.Periodic {
		field := fmt.Sprintf("Periodic[%d]", i)
		if p.Job == nil {
			return nil, nil, privet.FieldError(field+".Job", "is required")
		}
		if p.Every < time.Second {
			return nil, nil, privet.FieldError(field+".Every", "must be at least one second")
		}
		kind := p.Job.Kind()
		if _, dup := r.periodic[kind]; dup {
			return nil, nil, privet.FieldError(field+".Job", "kind %q is already periodic", kind)
		}
		r.periodic[kind] = p
		job := p.Job
		periodicJobs = append(periodicJobs, river.NewPeriodicJob(
			river.PeriodicInterval(p.Every),
			func() (river.JobArgs, *river.InsertOpts) { return job, nil },
			&river.PeriodicJobOpts{ID: kind, RunOnStart: p.RunOnStart},
		))
	}
	config := &river.Config{
		ID:     opts.ID,
		Logger: opts.Logger,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.MaxWorkers}},
		// Jobs may be enqueued here for kinds that other processes work
		// (e.g. from the CLI), so a kind without a local worker is allowed.
		SkipUnknownJobCheck:  true,
		Workers:              r.workers,
		PeriodicJobs:         periodicJobs,
		RescueStuckJobsAfter: opts.RescueAfter,
		JobTimeout:           opts.RescueAfter / 2,
	}
	return r, config, nil
}

// defaultID names the process so that each process sharing a database has
// its own identity in leader election.
func defaultID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "privet"
	}
	id := host + "-" + strconv.Itoa(os.Getpid())
	if len(id) > 100 { // River's limit
		id = id[len(id)-100:]
	}
	return id
}

// checkSQLite refuses a database River would fight over: without WAL and a
// busy timeout, concurrent workers fail with "database is locked".
func checkSQLite(db *sql.DB) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return unavailable("read journal mode", err)
	}
	var timeout int
	if err := db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return unavailable("read busy timeout", err)
	}
	if mode != "wal" || timeout <= 0 {
		return privet.Errorf(privet.EINVALID, "jobs: the SQLite database must use journal_mode WAL and a busy_timeout")
	}
	return nil
}

// Start registers this process in leader election and starts working jobs.
// Register every worker with Handle before. Cancelling ctx stops the Runner
// without waiting for running jobs; Stop waits for them.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return privet.Errorf(privet.ECONFLICT, "jobs: runner already started")
	}
	if len(r.handlers) == 0 {
		r.mu.Unlock()
		return privet.Errorf(privet.EINVALID, "jobs: no worker registered")
	}
	r.started = true
	r.mu.Unlock()
	if err := r.engine.start(ctx); err != nil {
		return unavailable("start", err)
	}
	r.logger.InfoContext(ctx, "jobs: started", slog.Any("kinds", r.Kinds()))
	return nil
}

// Stop stops fetching jobs and waits until the running ones finish. If ctx
// ends first, Stop returns its error and the jobs keep running; cancel the
// context given to Start to cancel them.
func (r *Runner) Stop(ctx context.Context) error {
	if err := r.engine.stop(ctx); err != nil {
		return unavailable("stop", err)
	}
	return nil
}

// Kinds returns the kinds that have a worker in this Runner, sorted.
func (r *Runner) Kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	kinds := make([]string, 0, len(r.handlers))
	for kind := range r.handlers {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	return kinds
}
