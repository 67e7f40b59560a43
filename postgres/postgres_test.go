package postgres_test

import (
	"context"
	"os"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/postgres"
	"github.com/privet-dev/privet/storetest"
)

// testURL returns the test database, skipping the test when none is set.
func testURL(t testing.TB) string {
	url := os.Getenv("PRIVET_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("PRIVET_TEST_POSTGRES_URL is not set")
	}
	return url
}

// open returns a migrated store and key store, each in a fresh schema.
func open(t testing.TB) (*postgres.Store, *postgres.KeyStore) {
	t.Helper()
	ctx := context.Background()
	url := testURL(t)
	st, err := postgres.Open(ctx, url, postgres.WithSchema(storetest.FreshSchema(t, url, "privet_test")))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema: %v", err)
	}
	ks, err := postgres.OpenKeyStore(ctx, url, postgres.WithSchema(storetest.FreshSchema(t, url, "privet_test_keys")))
	if err != nil {
		t.Fatalf("OpenKeyStore: %v", err)
	}
	t.Cleanup(func() { ks.Close() })
	if err := ks.Migrate(ctx); err != nil {
		t.Fatalf("KeyStore.Migrate: %v", err)
	}
	if err := ks.CheckSchema(ctx); err != nil {
		t.Fatalf("KeyStore.CheckSchema: %v", err)
	}
	return st, ks
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (privet.Store, privet.DataKeyStore) { return open(t) })
}

func TestCheckSchemaRefusesOutdated(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	tests := []struct {
		name  string
		setup func(t *testing.T, st *postgres.Store)
	}{
		{"empty schema", func(t *testing.T, st *postgres.Store) {}},
		{"behind", func(t *testing.T, st *postgres.Store) {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Pool().Exec(ctx, `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
				t.Fatal(err)
			}
		}},
		{"ahead", func(t *testing.T, st *postgres.Store) {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')`); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := postgres.Open(ctx, url, postgres.WithSchema(storetest.FreshSchema(t, url, "privet_test")))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			tc.setup(t, st)
			if err := st.CheckSchema(ctx); privet.ErrorCode(err) != privet.EUNAVAILABLE {
				t.Fatalf("CheckSchema = %v, want EUNAVAILABLE", err)
			}
		})
	}
}

func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	schema := storetest.FreshSchema(t, url, "privet_test")
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			st, err := postgres.Open(ctx, url, postgres.WithSchema(schema))
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			errs <- st.Migrate(ctx)
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
}

func BenchmarkCreateSubjectParallel(b *testing.B) {
	ctx := context.Background()
	st, _ := open(b)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := &privet.Subject{ID: privet.NewID(privet.PrefixSubject), TenantID: tn.ID, Status: privet.StatusActive,
				Identities: []privet.Identity{{Type: privet.IdentityEmail, Index: []byte(privet.NewID("i")), Sealed: make([]byte, 40)}},
				Fields:     []privet.Field{{Name: "email", Category: "user.contact.email", Sealed: make([]byte, 40)}}}
			err := st.Update(ctx, func(tx privet.Tx) error {
				if err := tx.CreateSubject(ctx, s); err != nil {
					return err
				}
				return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, ActorType: privet.ActorSystem, Action: "subject.create", SubjectID: s.ID, Result: privet.ResultOK})
			})
			if err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkAppendAuditParallel is the write of an audited read: one event per
// Update, from many goroutines, as concurrent gets append them.
func BenchmarkAppendAuditParallel(b *testing.B) {
	ctx := context.Background()
	st, _ := open(b)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := &privet.AuditEvent{TenantID: tn.ID, ActorType: privet.ActorSystem, Action: "subject.read",
				SubjectID: "sub_1", Purpose: "essential.service", Categories: []string{"user.contact.email"}, Result: privet.ResultOK}
			if err := st.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) }); err != nil {
				b.Error(err)
			}
		}
	})
}
