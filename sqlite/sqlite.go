// Package sqlite implements privet's stores on SQLite, the embedded default:
// one file, zero set-up, through the pure-Go driver modernc.org/sqlite.
//
// Writes go through one connection and one committer goroutine that batches
// concurrent Updates into a single transaction (group commit), each isolated
// by a savepoint. SQLite allows one writer at a time; instead of letting many
// connections fight for the lock (and fail with "database is locked"), the
// store queues writers and pays one fsync per batch. Reads use a separate pool
// of read-only connections that WAL lets run beside the writer.
//
// Data keys live in a second database file (OpenKeyStore), so a backup of the
// data holds no usable key.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/groupcommit"
)

// Store is privet.Store on one SQLite file.
type Store struct {
	path   string
	writer *sql.DB // exactly one connection: the committer's
	reader *sql.DB // read-only connections for View
	river  *river.Client[*sql.Tx]

	writeStmts, readStmts *stmtCache // prepared statements of each pool

	commits   *groupcommit.Queue // the one committer and its queue
	batches   int                // batches committed, counted by the committer
	closeOnce sync.Once
	closeErr  error

	checkpoints    chan struct{} // signals checkpointLoop; buffered 1
	checkpointDone chan struct{}

	stats commitStats
}

var _ privet.Store = (*Store)(nil)

// maxBatch caps how many Updates share one transaction, so one batch cannot
// hold the write lock (and its callers' latency) without bound.
const maxBatch = 256

// dsn builds the connection string. Pragmas go in the DSN because
// database/sql opens connections on demand: only DSN pragmas reach them all.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a committed transaction survives power loss, so a response
	// that says "done" stays true.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// Erased data is overwritten in the file, not left in free pages.
	q.Add("_pragma", "secure_delete(ON)")
	// Savepoint journals stay in memory: every Update runs under one, and
	// spilled to a temporary file they cost a write system call per page
	// (a quarter of the server's CPU under load). A transaction's journal
	// needs no durability: after a crash the WAL decides what committed.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
		// No mmap_size: under writes every read transaction finds the WAL
		// changed, and SQLite then unmaps the whole file and maps it again;
		// measured, that cost more than the preads it saves.
	} else {
		// The writer's page cache (SQLite's default is 2 MiB) holds the
		// inner pages of the hot indexes across commits.
		q.Add("_pragma", "cache_size(-16384)")
		// Checkpoints run on a connection of their own (checkpointLoop),
		// off the committer's path, where they would delay every caller.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// The writer takes the write lock at BEGIN, never upgrading a read
		// transaction mid-way (which is where SQLITE_BUSY comes from).
		q.Set("_txlock", "immediate")
	}
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. It does not
// migrate: the caller runs Migrate and then CheckSchema.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	if s.river, err = river.NewClient(riversqlite.New(s.writer), &river.Config{}); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: river client: %w", err)
	}
	return s, nil
}

// open opens a database with its committer and checkpointer: the data store,
// or the key store, which shares the machinery but holds no jobs.
func open(ctx context.Context, path string) (*Store, error) {
	writer, reader, err := openPools(ctx, path)
	if err != nil {
		return nil, err
	}
	s := &Store{
		path:           path,
		writer:         writer,
		reader:         reader,
		writeStmts:     newStmtCache(writer),
		readStmts:      newStmtCache(reader),
		checkpoints:    make(chan struct{}, 1),
		checkpointDone: make(chan struct{}),
	}
	// One committer: SQLite has one writer, and the checkpointer counts
	// its batches without a lock.
	s.commits = groupcommit.New(s.begin, maxBatch, 1, s.afterBatch)
	go s.checkpointLoop()
	return s, nil
}

// openPools opens the single-connection writer pool and the read pool.
func openPools(ctx context.Context, path string) (writer, reader *sql.DB, err error) {
	writer, err = sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: open: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer connects first so the file exists and is in WAL mode
	// before any read-only connection touches it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, nil, unavailable("open database", err)
	}
	reader, err = sql.Open("sqlite", dsn(path, true))
	if err != nil {
		writer.Close()
		return nil, nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, nil, unavailable("open database", err)
	}
	return writer, reader, nil
}

// DB returns the writer handle (one connection), for the job runner: River's
// SQLite driver wants a single-connection pool, and sharing the writer keeps
// its writes from fighting the committer for the lock.
func (s *Store) DB() *sql.DB { return s.writer }

// Close waits for queued Updates to commit, then closes the database.
// Calling it again returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.commits.Close()
		// The committer has stopped, so nothing sends on checkpoints now.
		close(s.checkpoints)
		<-s.checkpointDone
		s.writeStmts.close()
		s.readStmts.close()
		s.closeErr = errors.Join(s.writer.Close(), s.reader.Close())
	})
	return s.closeErr
}

// unavailable wraps an infrastructure failure as EUNAVAILABLE; the driver's
// text stays in the chain for logs but not in the safe message.
func unavailable(what string, err error) error {
	return fmt.Errorf("sqlite: %s: %w: %w", what, privet.Errorf(privet.EUNAVAILABLE, "database unavailable"), err)
}
