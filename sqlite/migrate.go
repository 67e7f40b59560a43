package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/riverqueue/river/riverdriver/riversqlite"
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

// applyMigrations applies each pending migration in its own transaction,
// recording it in schema_migrations. db must be the writer, whose BEGIN is
// IMMEDIATE, so two processes migrating one file take turns.
func applyMigrations(ctx context.Context, db *sql.DB, ms []migration.Migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return unavailable("create schema_migrations", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migration.Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable("begin migration", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done); err != nil {
		return unavailable("read schema_migrations", err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("sqlite: record migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return unavailable("commit migration", err)
	}
	return nil
}

// schemaVersion returns the highest applied version, 0 for a new file.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return 0, unavailable("read schema", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, unavailable("read schema version", err)
	}
	return v, nil
}

func checkVersion(ctx context.Context, db *sql.DB, ms []migration.Migration) error {
	have, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if want := len(ms); have != want {
		return privet.Errorf(privet.EUNAVAILABLE, "schema is at version %d, binary needs %d: run privet migrate", have, want)
	}
	return nil
}

// Migrate brings the schema, and River's tables beside it, up to date.
func (s *Store) Migrate(ctx context.Context) error {
	if err := applyMigrations(ctx, s.writer, dataSchema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riversqlite.New(s.writer), nil)
	if err != nil {
		return fmt.Errorf("sqlite: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("sqlite: river migrations: %w", err)
	}
	return nil
}

// CheckSchema refuses a schema behind or ahead of this binary's, River's
// included, with EUNAVAILABLE.
func (s *Store) CheckSchema(ctx context.Context) error {
	if err := checkVersion(ctx, s.reader, dataSchema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riversqlite.New(s.reader), nil)
	if err != nil {
		return fmt.Errorf("sqlite: river migrator: %w", err)
	}
	return migration.CheckJobs(ctx, m)
}
