// Package postgres implements privet's stores on PostgreSQL, the production
// store: several privet servers share one database and scale out behind a
// load balancer. Concurrent Updates share READ COMMITTED transactions (group
// commit, see commit.go); each tenant's audit chain head is a row that a batch
// locks, in tenant order, while it links its events at its end, so the
// servers extend one gapless chain per tenant. The SQL keeps to plain tables, indexes and
// constraints, which PostgreSQL-compatible distributed engines accept too.
//
// Data keys live in a schema of their own (OpenKeyStore), so a dump of the
// data schema holds no usable key.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/groupcommit"
)

// Store is privet.Store on a PostgreSQL database.
type Store struct {
	pool    *pgxpool.Pool
	river   *river.Client[pgx.Tx]
	commits *groupcommit.Queue
	// knownTenants holds the ids of tenants whose existence and chain head
	// a committed batch has checked (checkAuditHead).
	knownTenants sync.Map
}

var _ privet.Store = (*Store)(nil)

// Option configures Open and OpenKeyStore.
type Option func(*options)

type options struct {
	schema string
}

// WithSchema keeps the store's tables in the named schema, creating it if
// missing; every connection's search_path points at it. Tests use a fresh
// schema each to isolate themselves in one database.
func WithSchema(name string) Option { return func(o *options) { o.schema = name } }

// Open connects to the database at url. It does not migrate: the caller runs
// Migrate and then CheckSchema.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	pool, err := openPool(ctx, url, "", opts)
	if err != nil {
		return nil, err
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: river client: %w", err)
	}
	s := &Store{pool: pool, river: rc}
	s.commits = groupcommit.New(s.begin, maxBatch, committers, nil)
	return s, nil
}

// openPool opens a pool whose connections use the chosen schema.
func openPool(ctx context.Context, url, defaultSchema string, opts []Option) (*pgxpool.Pool, error) {
	o := options{schema: defaultSchema}
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, privet.Errorf(privet.EINVALID, "invalid database url")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	if o.schema != "" {
		if err := createSchema(ctx, cfg.ConnConfig, o.schema); err != nil {
			return nil, err
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = o.schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, unavailable("connect", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unavailable("connect", err)
	}
	return pool, nil
}

// defaultMaxConns sizes a pool unless the URL sets pool_max_conns. pgxpool's
// default, one connection per core (at least 4), leaves concurrent reads two
// connections beside the committers'; a read mostly waits on the network,
// so four per core keep the cores busy. A connection costs the server a
// process: the bound stays well under PostgreSQL's default max_connections
// (100) for a few servers with two pools each.
func defaultMaxConns() int32 {
	return int32(max(8, 4*runtime.GOMAXPROCS(0)))
}

func createSchema(ctx context.Context, cfg *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return unavailable("connect", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
		// Two processes creating the schema at once: one wins, which is
		// all that was asked.
		if !isUnique(err) {
			return unavailable("create schema", err)
		}
	}
	return nil
}

// Pool returns the connection pool, for the job runner.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close waits for queued Updates to commit, then closes the pool.
func (s *Store) Close() error {
	s.commits.Close()
	s.pool.Close()
	return nil
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot,
// and writes through it fail.
func (s *Store) View(ctx context.Context, fn func(privet.Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return beginError(ctx, err)
	}
	defer pgTx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only: nothing to undo
	return runFn(fn, &tx{s: s, q: pgTx})
}

func beginError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return unavailable("begin", err)
}

// runFn calls fn, turning a panic into EINTERNAL so that one bad fn fails
// its own request, as on SQLite, and its transaction rolls back.
func runFn(fn func(privet.Tx) error, t *tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("postgres: update panicked: %v: %w", r, privet.Errorf(privet.EINTERNAL, "internal error"))
		}
	}()
	return fn(t)
}

var errReadOnly = errors.New("postgres: write in a read-only transaction")

// JobCount counts River jobs of a kind in any state. Tests use it to check
// that a job commits or rolls back with its transaction.
func (s *Store) JobCount(ctx context.Context, kind string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n)
	return n, dbError("count jobs", err)
}
