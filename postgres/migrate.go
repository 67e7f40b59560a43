package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/migration"
)

//go:embed migrations/*.sql
var dataMigrations embed.FS

//go:embed keymigrations/*.sql
var keyMigrations embed.FS

var (
	dataSchema = migration.MustLoad(dataMigrations, "migrations")
	keySchema  = migration.MustLoad(keyMigrations, "keymigrations")
)

// applyMigrations applies each pending migration in its own transaction. The
// transaction records the version first: when several servers migrate at
// once, the others wait on that row and then skip the version, with no
// advisory lock (which distributed engines lack).
func applyMigrations(ctx context.Context, pool *pgxpool.Pool, ms []migration.Migration) error {
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil && !isCreateRace(err) {
		return unavailable("create schema_migrations", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, pool, m); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, pool *pgxpool.Pool, m migration.Migration) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`, m.Version, m.Name)
		if err != nil {
			return unavailable("record migration", err)
		}
		if tag.RowsAffected() == 0 {
			return nil // applied already
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		return nil
	})
}

func checkVersion(ctx context.Context, pool *pgxpool.Pool, ms []migration.Migration) error {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return unavailable("read schema", err)
	}
	have := 0
	if exists {
		if err := pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return unavailable("read schema version", err)
		}
	}
	if want := len(ms); have != want {
		return privet.Errorf(privet.EUNAVAILABLE, "schema is at version %d, binary needs %d: run privet migrate", have, want)
	}
	return nil
}

// Migrate brings the schema, and River's tables beside it, up to date.
func (s *Store) Migrate(ctx context.Context) error {
	if err := applyMigrations(ctx, s.pool, dataSchema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return fmt.Errorf("postgres: river migrator: %w", err)
	}
	// River's migrator takes no lock of its own, and some of its versions
	// cannot share one transaction; servers starting together take turns by
	// holding a lock on the first schema_migrations row meanwhile.
	lock, err := s.pool.Begin(ctx)
	if err != nil {
		return unavailable("begin schema lock", err)
	}
	defer lock.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // releases the lock
	if _, err := lock.Exec(ctx, `SELECT version FROM schema_migrations WHERE version = 1 FOR UPDATE`); err != nil {
		return unavailable("lock schema", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("postgres: river migrations: %w", err)
	}
	return nil
}

// CheckSchema refuses a schema behind or ahead of this binary's, River's
// included, with EUNAVAILABLE.
func (s *Store) CheckSchema(ctx context.Context) error {
	if err := checkVersion(ctx, s.pool, dataSchema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return fmt.Errorf("postgres: river migrator: %w", err)
	}
	return migration.CheckJobs(ctx, m)
}
