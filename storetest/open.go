package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/postgres"
	"github.com/privet-dev/privet/sqlite"
)

// PostgresURL is the test database named by PRIVET_TEST_POSTGRES_URL, or ""
// when PostgreSQL tests are not to run.
func PostgresURL() string { return os.Getenv("PRIVET_TEST_POSTGRES_URL") }

// Engines lists the engines tests run on: SQLite always, PostgreSQL when
// PRIVET_TEST_POSTGRES_URL is set.
func Engines() []string {
	if PostgresURL() != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Open returns a migrated data store and key store on the engine, fresh for
// this test and closed (and on PostgreSQL dropped) when it ends. Services'
// tests use it to run against real databases, never mocks.
func Open(t testing.TB, engine string) (privet.Store, privet.DataKeyStore) {
	t.Helper()
	ctx := context.Background()
	var (
		store privet.Store
		keys  privet.DataKeyStore
		err   error
	)
	type migrator interface{ Migrate(context.Context) error }
	switch engine {
	case "sqlite":
		dir := t.TempDir()
		var s *sqlite.Store
		if s, err = sqlite.Open(ctx, filepath.Join(dir, "privet.db")); err == nil {
			store = s
			keys, err = sqlite.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"))
		}
	case "postgres":
		url := PostgresURL()
		if url == "" {
			t.Skip("PRIVET_TEST_POSTGRES_URL is not set")
		}
		var s *postgres.Store
		if s, err = postgres.Open(ctx, url, postgres.WithSchema(FreshSchema(t, url, "privet_test"))); err == nil {
			store = s
			keys, err = postgres.OpenKeyStore(ctx, url, postgres.WithSchema(FreshSchema(t, url, "privet_test_keys")))
		}
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { store.Close(); keys.Close() })
	for _, m := range []any{store, keys} {
		if err := m.(migrator).Migrate(ctx); err != nil {
			t.Fatalf("migrate %s: %v", engine, err)
		}
	}
	return store, keys
}

// FreshSchema names a new PostgreSQL schema, dropped when the test ends.
func FreshSchema(t testing.TB, url, prefix string) string {
	t.Helper()
	name := prefix + "_" + privet.NewID("t")
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return name
}
