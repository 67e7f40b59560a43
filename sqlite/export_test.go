package sqlite

import (
	"context"
	"database/sql"

	"github.com/privet-dev/privet/internal/migration"
)

// AuditQuerySQL exposes the audit query builder so tests can check its plans.
var AuditQuerySQL = auditQuerySQL

// StmtCacheFor exposes the statement cache for tests of its bounds.
func StmtCacheFor(db *sql.DB) *StmtCache { return &StmtCache{c: newStmtCache(db)} }

// StmtCache wraps stmtCache with the calls its tests make.
type StmtCache struct{ c *stmtCache }

// Get returns whether query has a prepared statement yet.
func (c *StmtCache) Get(query string) bool { return c.c.get(query) != nil }

// Wait waits for the preparations started so far.
func (c *StmtCache) Wait() { c.c.pending.Wait() }

// Len is the number of queries cached or being prepared.
func (c *StmtCache) Len() int {
	c.c.mu.Lock()
	defer c.c.mu.Unlock()
	return len(c.c.stmts)
}

// Close closes the cache.
func (c *StmtCache) Close() { c.c.close() }

// MaxCachedStmts is the cache's bound.
const MaxCachedStmts = maxCachedStmts

// Queued is the number of Updates waiting for the committer.
func (s *Store) Queued() int { return s.commits.Queued() }

// MigrateTo applies the data migrations up to version n only, to make a
// store as an older binary left it.
func (s *Store) MigrateTo(ctx context.Context, n int) error {
	return applyMigrations(ctx, s.writer, dataSchema[:n])
}

// ApplyMigrations applies ms to the store's database.
func (s *Store) ApplyMigrations(ctx context.Context, ms []migration.Migration) error {
	return applyMigrations(ctx, s.writer, ms)
}

// SubjectByIdentitySQL is the lookup's query, for its plan.
const SubjectByIdentitySQL = subjectByIdentitySQL

// VisitorConsentDueSQL is the query of visitors' consent events due, for its plan.
const VisitorConsentDueSQL = visitorConsentDueSQL
