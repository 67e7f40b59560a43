package jobs_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jobs"
)

// Environment of the child process the crash test starts.
const (
	envHelperEngine = "PRIVET_JOBS_HELPER_ENGINE"
	envHelperDSN    = "PRIVET_JOBS_HELPER_DSN"
	envHelperSchema = "PRIVET_JOBS_HELPER_SCHEMA"
)

const (
	engineSQLite   = "sqlite"
	enginePostgres = "postgres"
)

// sqlitePragmas are what the package documentation asks of a SQLite database.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// testDB is a fresh, migrated database of one engine.
type testDB struct {
	engine string
	dsn    string // SQLite: the DSN; PostgreSQL: the server URL
	schema string // PostgreSQL only
	sqlDB  *sql.DB
	pool   *pgxpool.Pool
}

// forEachEngine runs fn on SQLite, and on PostgreSQL when
// PRIVET_TEST_POSTGRES_URL is set, each with a database of its own.
func forEachEngine(t *testing.T, fn func(t *testing.T, db *testDB)) {
	t.Helper()
	for _, engine := range []string{engineSQLite, enginePostgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, newTestDB(t, engine))
		})
	}
}

func newTestDB(t *testing.T, engine string) *testDB {
	t.Helper()
	ctx := t.Context()
	switch engine {
	case engineSQLite:
		dsn := "file:" + filepath.Join(t.TempDir(), "jobs.db") + "?" + sqlitePragmas
		db, err := openTestDB(ctx, engine, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.close)
		return db
	case enginePostgres:
		url := os.Getenv("PRIVET_TEST_POSTGRES_URL")
		if url == "" {
			t.Skip("PRIVET_TEST_POSTGRES_URL is not set")
		}
		var b [8]byte
		_, _ = rand.Read(b[:])
		schema := "jobs_test_" + hex.EncodeToString(b[:])
		admin, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			defer admin.Close()
			if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Error(err)
			}
		})
		db, err := openTestDB(ctx, engine, url, schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.close)
		if err := db.migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	t.Fatalf("unknown engine %q", engine)
	return nil
}

// openTestDB opens an existing test database; the crash test's child process
// uses it to join its parent's database.
func openTestDB(ctx context.Context, engine, dsn, schema string) (*testDB, error) {
	db := &testDB{engine: engine, dsn: dsn, schema: schema}
	switch engine {
	case engineSQLite:
		sqlDB, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		db.sqlDB = sqlDB
	case enginePostgres:
		config, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		config.ConnConfig.RuntimeParams["search_path"] = schema
		pool, err := pgxpool.NewWithConfig(ctx, config)
		if err != nil {
			return nil, err
		}
		db.pool = pool
	default:
		return nil, fmt.Errorf("unknown engine %q", engine)
	}
	return db, nil
}

// migrate applies River's migrations, as the stores' Migrate will.
func (db *testDB) migrate(ctx context.Context) error {
	var err error
	if db.sqlDB != nil {
		var m *rivermigrate.Migrator[*sql.Tx]
		if m, err = rivermigrate.New(riversqlite.New(db.sqlDB), nil); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	} else {
		var m *rivermigrate.Migrator[pgx.Tx]
		if m, err = rivermigrate.New(riverpgxv5.New(db.pool), nil); err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	}
	return err
}

func (db *testDB) close() {
	if db.sqlDB != nil {
		_ = db.sqlDB.Close()
	}
	if db.pool != nil {
		db.pool.Close()
	}
}

func (db *testDB) newRunner(opts jobs.Options) (*jobs.Runner, error) {
	if db.sqlDB != nil {
		return jobs.NewSQLite(db.sqlDB, opts)
	}
	return jobs.NewPostgres(db.pool, opts)
}

// runner returns a Runner that logs warnings to the test's output.
func (db *testDB) runner(t *testing.T, opts jobs.Options) *jobs.Runner {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	r, err := db.newRunner(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// start starts r and stops it when the test ends, so no job outlives its test.
func start(t *testing.T, r *jobs.Runner) {
	t.Helper()
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
}

// insertAndRollBack inserts job with River directly in a transaction that
// then rolls back, as a failed data change would.
func (db *testDB) insertAndRollBack(t *testing.T, job privet.Job) {
	t.Helper()
	ctx := t.Context()
	if db.sqlDB != nil {
		client, err := river.NewClient(riversqlite.New(nil), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.sqlDB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.InsertTx(ctx, tx, job, nil); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		return
	}
	client, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.InsertTx(ctx, tx, job, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
}

// storedErrors returns the error column of every job of kind, as River
// stored it, to check that no personal data reached the database.
func (db *testDB) storedErrors(t *testing.T, kind string) string {
	t.Helper()
	var out string
	var err error
	if db.sqlDB != nil {
		err = db.sqlDB.QueryRowContext(t.Context(), `SELECT COALESCE(group_concat(json(errors), ' '), '') FROM river_job WHERE kind = ? AND errors IS NOT NULL`, kind).Scan(&out)
	} else {
		err = db.pool.QueryRow(t.Context(), `SELECT COALESCE(string_agg(array_to_string(errors, ' '), ' '), '') FROM river_job WHERE kind = $1`, kind).Scan(&out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// helperEnv tells the child process which database to join.
func (db *testDB) helperEnv() []string {
	return append(os.Environ(),
		envHelperEngine+"="+db.engine,
		envHelperDSN+"="+db.dsn,
		envHelperSchema+"="+db.schema,
	)
}

// waitCtx bounds a wait so a broken queue fails the test instead of hanging it.
func waitCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := privet.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	if !errors.Is(err, &privet.Error{Code: code}) {
		t.Fatalf("errors.Is(%v, code %q) = false", err, code)
	}
}
