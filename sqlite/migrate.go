package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"strings"
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
	// A connection of its own for the whole migration: the foreign_keys
	// setting belongs to the connection, and must be restored on it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return unavailable("migration connection", err)
	}
	defer conn.Close()
	fkOff := strings.HasPrefix(m.SQL, foreignKeysOff)
	if fkOff {
		// SQLite ignores this inside a transaction, so it comes first.
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return unavailable("foreign keys off", err)
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
				// Never hand back a connection that skips foreign keys.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
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
	if fkOff {
		if err := checkForeignKeys(ctx, tx); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
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

// foreignKeysOff opens a migration that rebuilds tables others reference
// (SQLite's documented way: a table cannot be dropped and recreated under
// its references with foreign keys on). Such a migration runs with them off
// and commits only if PRAGMA foreign_key_check then finds no broken
// reference in the whole database.
const foreignKeysOff = "-- privet:foreign_keys=off\n"

// checkForeignKeys fails if any row references a missing parent; it names
// the table, never a value.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s references a missing row of %s", table, parent)
	}
	return rows.Err()
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
